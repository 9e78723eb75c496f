#include "provisioning/policy.hpp"

#include "eas/wbxml/code_pages.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>

namespace easd::provisioning {
namespace {

const field_info& field(std::string_view key) {
  for (const auto& f : fields()) {
    if (f.key == key) return f;
  }
  throw std::invalid_argument("no field " + std::string(key));
}

std::string text(const policy& p, std::string_view key) { return field_text(p, field(key)); }

// A JSON value for `key` that differs from the default policy's value and is within bounds.
std::string other_json_value(const field_info& f, const policy& p) {
  switch (f.type) {
    case field_type::boolean:
      return field_text(p, f) == "1" ? "false" : "true";
    case field_type::uint_or_empty:
      return field_text(p, f).empty() ? std::to_string(f.max) : "null";
    case field_type::uint:
    case field_type::integer: {
      const auto now = field_text(p, f);
      return now == std::to_string(f.max) ? std::to_string(f.min) : std::to_string(f.max);
    }
    case field_type::string_list:
      return R"(["com.example.one", "Zwei \u00e9"])";
  }
  return "null";
}

policy with(std::string_view key, const std::string& json_value) {
  std::string why;
  auto p = policy_from_json("{\"" + std::string(key) + "\":" + json_value + "}", default_policy(), &why);
  if (!p) throw std::runtime_error(why);
  return *p;
}

TEST(Policy, DefaultIsZPushPermissiveDocument) {
  const auto p = default_policy();
  EXPECT_EQ(p.name, "default");
  // commands.md §8.6 notes: Z-Push LoadDefaultPolicies().
  const std::pair<std::string_view, std::string_view> expected[]{
      {"device_password_enabled", "0"},
      {"alphanumeric_device_password_required", "0"},
      {"require_storage_card_encryption", "0"},
      {"password_recovery_enabled", "0"},
      {"attachments_enabled", "1"},
      {"min_device_password_length", "4"},
      {"max_inactivity_time_device_lock", "900"},
      {"max_device_password_failed_attempts", "8"},
      {"max_attachment_size", ""},
      {"allow_simple_device_password", "1"},
      {"device_password_expiration", "0"},
      {"device_password_history", "0"},
      {"allow_storage_card", "1"},
      {"allow_camera", "1"},
      {"require_device_encryption", "0"},
      {"allow_unsigned_applications", "1"},
      {"allow_unsigned_installation_packages", "1"},
      {"min_device_password_complex_characters", "3"},
      {"allow_wifi", "1"},
      {"allow_text_messaging", "1"},
      {"allow_pop_imap_email", "1"},
      {"allow_bluetooth", "2"},
      {"allow_irda", "1"},
      {"require_manual_sync_when_roaming", "0"},
      {"allow_desktop_sync", "1"},
      {"max_calendar_age_filter", "0"},
      {"allow_html_email", "1"},
      {"max_email_age_filter", "0"},
      {"max_email_body_truncation_size", "-1"},
      {"max_email_html_body_truncation_size", "-1"},
      {"require_signed_smime_messages", "0"},
      {"require_encrypted_smime_messages", "0"},
      {"require_signed_smime_algorithm", "0"},
      {"require_encryption_smime_algorithm", "0"},
      {"allow_smime_encryption_algorithm_negotiation", "2"},
      {"allow_smime_soft_certs", "1"},
      {"allow_browser", "1"},
      {"allow_consumer_email", "1"},
      {"allow_remote_desktop", "1"},
      {"allow_internet_sharing", "1"},
      // Server behaviour: accept every device, no refresh.
      {"allow_non_compliant", "1"},
      {"allow_non_provisionable", "1"},
      {"allow_externally_managed", "1"},
      {"require_device_information", "0"},
      {"refresh_interval_seconds", "0"},
  };
  for (const auto& [key, value] : expected) EXPECT_EQ(text(p, key), value) << key;
  EXPECT_TRUE(field_values(p, field("approved_application_list")).empty());
  EXPECT_TRUE(field_values(p, field("unapproved_in_rom_application_list")).empty());
  EXPECT_EQ(std::size(expected) + 2, fields().size());
}

TEST(PolicyFields, KeysAreUniqueSnakeCase) {
  std::set<std::string_view> keys;
  for (const auto& f : fields()) {
    EXPECT_TRUE(keys.insert(f.key).second) << f.key;
    EXPECT_TRUE(std::regex_match(std::string(f.key), std::regex("[a-z][a-z0-9_]*"))) << f.key;
    EXPECT_NE(f.key, "name");
  }
}

// Every element name and first version as the Provision code page (page 14) has them.
TEST(PolicyFields, ElementsAreThoseOfTheProvisionCodePage) {
  for (const auto& f : fields()) {
    if (!f.document) {
      EXPECT_TRUE(f.element.empty()) << f.key;
      continue;
    }
    const auto t = wbxml::find_tag(14, f.element);
    ASSERT_TRUE(t) << f.element << " is not on the Provision code page";
    const auto* info = wbxml::find_info(*t);
    ASSERT_NE(info, nullptr);
    EXPECT_FALSE(info->legacy()) << f.element;
    EXPECT_EQ(info->since, f.since) << f.element;
    if (f.type == field_type::string_list) {
      const auto item = wbxml::find_tag(14, f.item_element);
      ASSERT_TRUE(item) << f.item_element;
      EXPECT_EQ(wbxml::find_info(*item)->since, f.since);
    } else {
      EXPECT_TRUE(f.item_element.empty());
    }
  }
  EXPECT_EQ(field("require_storage_card_encryption").element, "RequireStorageCardEncryption");
}

// Every setting the code page defines between EASProvisionDoc and AccountOnlyRemoteWipe has a row.
TEST(PolicyFields, CoverEveryProvisionDocElement) {
  std::set<std::string_view> named;
  for (const auto& f : fields()) {
    named.insert(f.element);
    named.insert(f.item_element);
  }
  for (const auto& t : wbxml::all_tags()) {
    if (t.page != 14 || t.legacy() || t.token <= 0x0D || t.name == "AccountOnlyRemoteWipe") continue;
    EXPECT_TRUE(named.count(t.name)) << t.name << " has no policy field";
  }
}

// Document rows come in the order of the EASProvisionDoc sequence of Microsoft's schema.
TEST(PolicyFields, FollowTheSchemaSequence) {
  const auto xsd = std::filesystem::path(EASD_SHARED_DIR) / "schemas/Provision.xsd";
  std::ifstream in(xsd);
  if (!in) GTEST_SKIP() << "no " << xsd;
  const std::string s(std::istreambuf_iterator<char>(in), {});
  const auto begin = s.find("name=\"EASProvisionDoc\"");
  ASSERT_NE(begin, std::string::npos);
  std::vector<std::string> schema;
  const std::regex element(R"re(<xs:element name="([A-Za-z]+)")re");
  for (auto it = std::sregex_iterator(s.begin() + static_cast<std::ptrdiff_t>(begin) + 1, s.end(), element);
       it != std::sregex_iterator(); ++it) {
    const auto name = (*it)[1].str();
    if (name != "ApplicationName" && name != "Hash") schema.push_back(name);
  }
  std::vector<std::string> ours;
  for (const auto& f : fields()) {
    if (f.document) ours.emplace_back(f.element);
  }
  EXPECT_EQ(ours, schema);
  // Server-behaviour rows come last.
  bool server = false;
  for (const auto& f : fields()) {
    if (!f.document) server = true;
    EXPECT_TRUE(!server || !f.document) << f.key;
  }
}

TEST(Policy, FieldTextCarriesTheDocumentForm) {
  auto p = default_policy();
  p.max_attachment_size = 1024;
  p.min_device_password_length.reset();
  p.max_email_body_truncation_size = 0;
  p.refresh_interval = std::chrono::hours(1);
  EXPECT_EQ(text(p, "max_attachment_size"), "1024");
  EXPECT_EQ(text(p, "min_device_password_length"), "");
  EXPECT_EQ(text(p, "max_email_body_truncation_size"), "0");
  EXPECT_EQ(text(p, "refresh_interval_seconds"), "3600");
  EXPECT_EQ(text(p, "approved_application_list"), "");
  EXPECT_TRUE(field_values(p, field("allow_wifi")).empty());
}

TEST(PolicyJson, DefaultRoundTrips) {
  const auto p = default_policy();
  const auto json = policy_to_json(p);
  EXPECT_NE(json.find("\"name\":\"default\""), std::string::npos);
  EXPECT_NE(json.find("\"max_attachment_size\":null"), std::string::npos);
  EXPECT_NE(json.find("\"refresh_interval_seconds\":0"), std::string::npos);
  policy other;
  other.name = "x";
  other.allow_wifi = false;
  const auto back = policy_from_json(json, other);
  ASSERT_TRUE(back);
  EXPECT_EQ(fingerprint(*back), fingerprint(p));
}

TEST(PolicyJson, EveryFieldRoundTrips) {
  for (const auto& f : fields()) {
    SCOPED_TRACE(std::string(f.key));
    auto p = with(f.key, other_json_value(f, default_policy()));
    p.name = "changed";
    EXPECT_NE(field_text(p, f) + std::to_string(field_values(p, f).size()),
              field_text(default_policy(), f) + std::to_string(field_values(default_policy(), f).size()));
    const auto back = policy_from_json(policy_to_json(p), default_policy());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->name, "changed");
    EXPECT_EQ(field_text(*back, f), field_text(p, f));
    EXPECT_EQ(field_values(*back, f), field_values(p, f));
    EXPECT_EQ(fingerprint(*back), fingerprint(p));
  }
}

TEST(PolicyJson, MissingKeysKeepTheBase) {
  auto base = default_policy();
  base.name = "strict";
  base.require_device_encryption = true;
  base.approved_application_list = {"ab12"};
  const auto p = policy_from_json(R"({"allow_camera": false, "min_device_password_length": ""})", base);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "strict");
  EXPECT_TRUE(p->require_device_encryption);
  EXPECT_FALSE(p->allow_camera);
  EXPECT_FALSE(p->min_device_password_length);
  EXPECT_EQ(p->approved_application_list, std::vector<std::string>{"ab12"});
  EXPECT_TRUE(policy_from_json("{}", base));
}

TEST(PolicyJson, AcceptsTheCalendarFilterCodes) {
  for (const auto* v : {"0", "4", "5", "6", "7"}) {
    EXPECT_EQ(text(with("max_calendar_age_filter", v), "max_calendar_age_filter"), v);
  }
  EXPECT_EQ(with("refresh_interval_seconds", "86400").refresh_interval, std::chrono::hours(24));
  EXPECT_EQ(with("max_email_body_truncation_size", "2147483647").max_email_body_truncation_size, 2147483647);
  EXPECT_EQ(with("max_attachment_size", "4294967295").max_attachment_size, 4294967295u);
}

struct bad_case {
  std::string key;
  std::string value;
};

TEST(PolicyJson, RejectsOutOfRangeAndWrongTypesNamingTheKey) {
  const std::string long_entry(257, 'x');
  std::string many = "[";
  for (int i = 0; i < 257; ++i) many += (i ? ",\"a" : "\"a") + std::to_string(i) + "\"";
  many += "]";
  const bad_case cases[]{
      {"min_device_password_length", "0"},
      {"min_device_password_length", "17"},
      {"max_device_password_failed_attempts", "3"},
      {"max_device_password_failed_attempts", "17"},
      {"min_device_password_complex_characters", "0"},
      {"min_device_password_complex_characters", "5"},
      {"allow_bluetooth", "3"},
      {"max_calendar_age_filter", "1"},
      {"max_calendar_age_filter", "2"},
      {"max_calendar_age_filter", "3"},
      {"max_calendar_age_filter", "8"},
      {"max_email_age_filter", "6"},
      {"max_email_body_truncation_size", "-2"},
      {"max_email_html_body_truncation_size", "2147483648"},
      {"require_signed_smime_algorithm", "2"},
      {"require_encryption_smime_algorithm", "5"},
      {"allow_smime_encryption_algorithm_negotiation", "3"},
      {"allow_smime_encryption_algorithm_negotiation", "-1"},
      {"device_password_history", "-1"},
      {"device_password_history", "4294967296"},
      {"max_attachment_size", "18446744073709551615"},
      {"max_inactivity_time_device_lock", "-5"},
      {"refresh_interval_seconds", "-1"},
      {"refresh_interval_seconds", "null"},
      {"device_password_enabled", "1"},
      {"device_password_enabled", "\"true\""},
      {"allow_wifi", "null"},
      {"allow_bluetooth", "2.0"},
      {"allow_bluetooth", "\"2\""},
      {"max_attachment_size", "\"10\""},
      {"max_attachment_size", "1.5"},
      {"device_password_history", "\"\""},
      {"approved_application_list", "\"abc\""},
      {"approved_application_list", "[1]"},
      {"approved_application_list", "[\"\"]"},
      {"approved_application_list", "[\"" + long_entry + "\"]"},
      {"approved_application_list", many},
      {"unapproved_in_rom_application_list", "[\"a\\u0001b\"]"},
      {"unapproved_in_rom_application_list", "[[\"a\"]]"},
      {"unapproved_in_rom_application_list", "{}"},
      {"no_such_setting", "1"},
      {"name", "\"Bad Name\""},
      {"name", "7"},
      {"name", "\"\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key + " = " + c.value.substr(0, 40));
    std::string why;
    const auto p =
        policy_from_json("{\"allow_camera\": false, \"" + c.key + "\": " + c.value + "}", default_policy(), &why);
    EXPECT_FALSE(p);
    EXPECT_NE(why.find(c.key), std::string::npos) << why;
  }
}

TEST(PolicyJson, RejectsDocumentsThatAreNotBoundedObjects) {
  for (const std::string doc : {"", "[]", "7", "\"x\"", "{", "{\"allow_wifi\": true,}", "null",
                                R"({"approved_application_list": [[["deep"]]]})", "{\"a\":{\"b\":{\"c\":{}}}}"}) {
    std::string why;
    EXPECT_FALSE(policy_from_json(doc, default_policy(), &why)) << doc;
    EXPECT_FALSE(why.empty()) << doc;
  }
  std::string huge = "{\"approved_application_list\": [\"" + std::string(70 * 1024, 'a') + "\"]}";
  std::string why;
  EXPECT_FALSE(policy_from_json(huge, default_policy(), &why));
  EXPECT_NE(why.find("64 KiB"), std::string::npos) << why;
  // No output argument needed.
  EXPECT_FALSE(policy_from_json("{\"allow_wifi\": 3}", default_policy()));
}

TEST(PolicyJson, UnknownKeyInTheMessageIsEscapedAndCut) {
  std::string why;
  EXPECT_FALSE(policy_from_json("{\"evil\\n" + std::string(500, 'k') + "\": 1}", default_policy(), &why));
  EXPECT_EQ(why.find('\n'), std::string::npos);
  EXPECT_LT(why.size(), 120u);
}

TEST(PolicyFingerprint, IsStableHexSha256) {
  const auto a = fingerprint(default_policy());
  EXPECT_EQ(a.size(), 64u);
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{64}")));
  EXPECT_EQ(a, fingerprint(default_policy()));
  // Pinned: a change of the canonical form re-provisions every device, so it must be deliberate.
  EXPECT_EQ(a, "43d38f728e04f3e4054e71a797221b7006f87abcf25525afd104d29ce7210ac9");
}

TEST(PolicyFingerprint, ChangesWithEveryFieldAndTheName) {
  const auto base = fingerprint(default_policy());
  std::set<std::string> seen{base};
  for (const auto& f : fields()) {
    SCOPED_TRACE(std::string(f.key));
    const auto p = with(f.key, other_json_value(f, default_policy()));
    EXPECT_TRUE(seen.insert(fingerprint(p)).second);
  }
  auto renamed = default_policy();
  renamed.name = "other";
  EXPECT_TRUE(seen.insert(fingerprint(renamed)).second);
  // An empty element and 0 differ; list boundaries count.
  auto zero = default_policy();
  zero.max_attachment_size = 0;
  EXPECT_NE(fingerprint(zero), base);
  auto one = default_policy();
  one.approved_application_list = {"ab", "c"};
  auto two = default_policy();
  two.approved_application_list = {"a", "bc"};
  EXPECT_NE(fingerprint(one), fingerprint(two));
}

TEST(PolicyName, Validity) {
  for (const auto* ok : {"default", "strict", "a", "sales-2024", "board.v2", "x_y"})
    EXPECT_TRUE(valid_policy_name(ok)) << ok;
  for (const auto* bad : {"", "Strict", "with space", "a/b", "ä", "a\nb"}) EXPECT_FALSE(valid_policy_name(bad)) << bad;
  EXPECT_TRUE(valid_policy_name(std::string(64, 'a')));
  EXPECT_FALSE(valid_policy_name(std::string(65, 'a')));
}

}  // namespace
}  // namespace easd::provisioning
