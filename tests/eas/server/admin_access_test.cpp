// Who the admin listener admits: allow-list first, then the shared secret as Dovecot (Basic from URL
// userinfo) or another caller (Bearer) sends it; and which [admin] configurations refuse to start.
#include "eas/server/admin_access.hpp"

#include "eas/core/base64.hpp"

#include <gtest/gtest.h>

namespace easd::server {
namespace {

namespace net = boost::asio;

config with_admin(const std::string& admin_toml) {
  return parse_config("[server]\nexternal_url = \"https://mail.example.test\"\n[tls]\nenabled = false\n[admin]\n" +
                          admin_toml,
                      "test.toml");
}

net::ip::address addr(const char* a) { return net::ip::make_address(a); }

std::string basic(std::string_view user_password) { return "Basic " + encode_base64(user_password); }

constexpr const char* secret = "0123456789abcdef-SECRET";

TEST(AdminAccess, DefaultsAllowLoopbackWithoutSecret) {
  const auto cfg = with_admin("listen = \"127.0.0.1:0\"\n");
  EXPECT_TRUE(cfg.admin.push_secret.empty());
  const auto p = admin_policy::from_config(cfg);
  EXPECT_EQ(check_admin_access(p, addr("127.0.0.1"), ""), admin_access::granted);
  EXPECT_EQ(check_admin_access(p, addr("::1"), ""), admin_access::granted);
  EXPECT_EQ(check_admin_access(p, addr("::ffff:127.0.0.1"), ""), admin_access::granted);
  EXPECT_EQ(check_admin_access(p, addr("10.1.2.3"), ""), admin_access::forbidden);
  EXPECT_EQ(check_admin_access(p, addr("::2"), ""), admin_access::forbidden);
}

TEST(AdminAccess, AdminListenerIsOffByDefault) {
  const auto cfg = parse_config("[server]\nexternal_url = \"https://m.example.test\"\n[tls]\nenabled = false\n", "t");
  EXPECT_TRUE(cfg.admin.listen.empty());
  EXPECT_TRUE(with_admin("listen = \"\"\n").admin.listen.empty());
  EXPECT_TRUE(with_admin("listen = []\n").admin.listen.empty());
  EXPECT_EQ(with_admin("listen = [\"127.0.0.1:8081\", \"[::1]:8081\"]\n").admin.listen.size(), 2u);
}

TEST(AdminAccess, SecretAsBasicPasswordOrBearer) {
  const auto p = admin_policy::from_config(
      with_admin(std::string("push_secret = \"") + secret + "\"\npush_allow = [\"10.0.0.0/8\", \"127.0.0.1\"]\n"));
  const auto dovecot = addr("10.9.8.7");
  EXPECT_EQ(check_admin_access(p, dovecot, basic(std::string("easd:") + secret)), admin_access::granted);
  EXPECT_EQ(check_admin_access(p, dovecot, basic(std::string("Bearer:") + secret)), admin_access::granted);
  EXPECT_EQ(check_admin_access(p, dovecot, std::string("Bearer ") + secret), admin_access::granted);
  EXPECT_EQ(check_admin_access(p, dovecot, std::string("bearer  ") + secret + " "), admin_access::granted);

  EXPECT_EQ(check_admin_access(p, dovecot, ""), admin_access::unauthorized);
  EXPECT_EQ(check_admin_access(p, dovecot, basic("easd:wrong")), admin_access::unauthorized);
  EXPECT_EQ(check_admin_access(p, dovecot, basic(std::string(":") + secret)), admin_access::unauthorized);
  EXPECT_EQ(check_admin_access(p, dovecot, basic(std::string("easd:") + secret + "x")), admin_access::unauthorized);
  EXPECT_EQ(check_admin_access(p, dovecot, std::string("Bearer ") + std::string(secret).substr(1)),
            admin_access::unauthorized);
  EXPECT_EQ(check_admin_access(p, dovecot, std::string("Token ") + secret), admin_access::unauthorized);
  EXPECT_EQ(check_admin_access(p, dovecot, "Bearer " + std::string(10000, 'a')), admin_access::unauthorized);
  // The allow-list comes first: the right secret from elsewhere is still refused.
  EXPECT_EQ(check_admin_access(p, addr("192.168.1.1"), std::string("Bearer ") + secret), admin_access::forbidden);
  // With a secret, loopback needs it too.
  EXPECT_EQ(check_admin_access(p, addr("127.0.0.1"), ""), admin_access::unauthorized);
}

TEST(AdminAccess, RefusesNetworksWithoutSecretAndBadEntries) {
  EXPECT_THROW(admin_policy::from_config(with_admin("push_allow = [\"0.0.0.0/0\"]\n")), config_error);
  EXPECT_THROW(admin_policy::from_config(with_admin("push_allow = [\"10.0.0.1\"]\n")), config_error);
  EXPECT_THROW(admin_policy::from_config(with_admin("push_allow = [\"::/0\"]\n")), config_error);
  EXPECT_THROW(admin_policy::from_config(with_admin("push_allow = [\"127.0.0.0/7\"]\n")), config_error);
  EXPECT_NO_THROW(admin_policy::from_config(with_admin("push_allow = [\"127.0.0.0/8\", \"::1\"]\n")));
  EXPECT_THROW(admin_policy::from_config(with_admin(std::string("push_secret = \"") + secret +
                                                    "\"\npush_allow = [\"10.0.0.0/33\"]\n")),
               config_error);
  EXPECT_THROW(admin_policy::from_config(with_admin(std::string("push_secret = \"") + secret +
                                                    "\"\npush_allow = [\"mail.example.test\"]\n")),
               config_error);
  // An empty list admits nobody.
  const auto none = admin_policy::from_config(with_admin("push_allow = []\n"));
  EXPECT_EQ(check_admin_access(none, addr("127.0.0.1"), ""), admin_access::forbidden);
}

TEST(AdminAccess, SecretsMustBeLongUnreservedAndAreNeverEchoed) {
  EXPECT_THROW(with_admin("push_secret = \"short\"\n"), config_error);
  EXPECT_THROW(with_admin("push_secret = \"has space in it 0123456\"\n"), config_error);
  EXPECT_THROW(with_admin("push_secret = \"with:colon@and-slash/0123\"\n"), config_error);
  try {
    with_admin("push_secret = \"ThisIsSecret%0123456789\"\n");
    FAIL() << "accepted";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()).find("ThisIsSecret"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(with_admin(std::string("push_secret = \"") + secret + "\"\n"));
  EXPECT_THROW(with_admin("unknown_key = 1\n"), config_error);
}

}  // namespace
}  // namespace easd::server
