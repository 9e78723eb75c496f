// The Dovecot push payload parser and its mapping to push messages, on the exact bytes Dovecot 2.3.19's
// OX driver sent in a capture, and on hostile variations.
#include "eas/server/dovecot_push.hpp"

#include <gtest/gtest.h>

#include <string>

namespace easd::server {
namespace {

// Captured from Dovecot 2.3.19 (LMTP delivery to alice's INBOX, user_from_metadata, metadata user=…).
constexpr std::string_view captured =
    R"({"user":"alice@example.test","event":"messageNew","folder":"INBOX","imap-uidvalidity":1796125251,)"
    R"("imap-uid":1,"from":"Bob <bob@example.test>","subject":"first push","snippet":"Hello there, body text.",)"
    R"("unseen":1})";

dovecot_push_error error_of(std::string_view body) {
  const auto r = parse_dovecot_push(body);
  EXPECT_FALSE(r) << body;
  return r ? dovecot_push_error{} : static_cast<dovecot_push_error>(r.error().value());
}

TEST(DovecotPush, ReadsTheOxDriversPayload) {
  const auto r = parse_dovecot_push(captured);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->user, "alice@example.test");
  EXPECT_EQ(r->folder, "INBOX");
  EXPECT_EQ(r->event, "messageNew");
  const auto m = to_push_message(*r);
  EXPECT_EQ(m.kind, push::message_kind::content);
  EXPECT_EQ(m.user, "alice@example.test");
  EXPECT_EQ(m.folder, "mail:N:INBOX");
  EXPECT_EQ(m.device, "");
}

TEST(DovecotPush, OptionalFieldsMayBeMissing) {
  // Dovecot omits from/subject/snippet when the message has none, and unseen when STATUS failed.
  const auto r = parse_dovecot_push(R"({"user":"carol","event":"messageNew","folder":"INBOX","imap-uid":3})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->user, "carol");
  const auto bare = parse_dovecot_push(R"({"user":"carol"})");
  ASSERT_TRUE(bare);
  EXPECT_EQ(to_push_message(*bare).folder, "");  // no folder: re-check all
}

TEST(DovecotPush, FolderNamesMapToNameIds) {
  auto r = parse_dovecot_push(R"({"user":"u","folder":"inbox"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(to_push_message(*r).folder, "mail:N:INBOX");
  r = parse_dovecot_push(R"({"user":"u","folder":"Archiv/2024 \u00e4"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(to_push_message(*r).folder, "mail:N:Archiv/2024 \xc3\xa4");
}

TEST(DovecotPush, MailboxEventsAreHierarchyChanges) {
  const auto r = parse_dovecot_push(R"({"user":"u","folder":"New","event":"MailboxCreate"})");
  ASSERT_TRUE(r);
  const auto m = to_push_message(*r);
  EXPECT_EQ(m.kind, push::message_kind::hierarchy);
  EXPECT_EQ(m.folder, "");
  const auto flags = parse_dovecot_push(R"({"user":"u","folder":"INBOX","event":"FlagsSet"})");
  ASSERT_TRUE(flags);
  EXPECT_EQ(to_push_message(*flags).kind, push::message_kind::content);
}

TEST(DovecotPush, OtherMembersOfAnyTypeAreSkipped) {
  const auto r = parse_dovecot_push(
      R"({"x":[1,{"user":"nested"}],"user":"u","y":{"folder":"Sent"},"n":null,"b":true,"d":1.5,"s":"\ud83d\ude00"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->user, "u");
  EXPECT_EQ(r->folder, "");
}

TEST(DovecotPush, InvalidUtf8InSkippedFieldsIsTolerated) {
  const std::string body = "{\"user\":\"u\",\"subject\":\"\xff\xfe\",\"folder\":\"INBOX\"}";
  EXPECT_TRUE(parse_dovecot_push(body));
}

TEST(DovecotPush, RefusesWhatIsNotAnObjectWithAUser) {
  EXPECT_EQ(error_of(""), dovecot_push_error::malformed);
  EXPECT_EQ(error_of("{"), dovecot_push_error::malformed);
  EXPECT_EQ(error_of(R"({"user":"u"} {})"), dovecot_push_error::malformed);
  EXPECT_EQ(error_of(R"({"user":"u",})"), dovecot_push_error::malformed);
  EXPECT_EQ(error_of(R"(["user","u"])"), dovecot_push_error::not_an_object);
  EXPECT_EQ(error_of(R"("u")"), dovecot_push_error::not_an_object);
  EXPECT_EQ(error_of("42"), dovecot_push_error::not_an_object);
  EXPECT_EQ(error_of(R"({"folder":"INBOX"})"), dovecot_push_error::missing_user);
}

TEST(DovecotPush, RefusesBadUsersAndFolders) {
  EXPECT_EQ(error_of(R"({"user":""})"), dovecot_push_error::bad_user);
  EXPECT_EQ(error_of(R"({"user":42})"), dovecot_push_error::bad_user);
  EXPECT_EQ(error_of(R"({"user":null})"), dovecot_push_error::bad_user);
  EXPECT_EQ(error_of(R"({"user":["u"]})"), dovecot_push_error::bad_user);
  EXPECT_EQ(error_of(R"({"user":"a\nb"})"), dovecot_push_error::bad_user);
  EXPECT_EQ(error_of(R"({"user":"a\u0000b"})"), dovecot_push_error::bad_user);
  EXPECT_EQ(error_of("{\"user\":\"\xc3\"}"), dovecot_push_error::bad_user);
  EXPECT_EQ(error_of(R"({"user":")" + std::string(257, 'a') + R"("})"), dovecot_push_error::bad_user);
  EXPECT_TRUE(parse_dovecot_push(R"({"user":")" + std::string(256, 'a') + R"("})"));
  EXPECT_EQ(error_of(R"({"user":"u","folder":{}})"), dovecot_push_error::bad_folder);
  EXPECT_EQ(error_of(R"({"user":"u","folder":"a\tb"})"), dovecot_push_error::bad_folder);
  EXPECT_EQ(error_of(R"({"user":"u","folder":")" + std::string(1001, 'f') + R"("})"),
            dovecot_push_error::bad_folder);
  EXPECT_EQ(error_of(R"({"user":"u","event":7})"), dovecot_push_error::bad_event);
}

TEST(DovecotPush, RefusesRepeatedFields) {
  EXPECT_EQ(error_of(R"({"user":"a","user":"b"})"), dovecot_push_error::duplicate_field);
  EXPECT_EQ(error_of(R"({"user":"a","folder":"INBOX","folder":"Sent"})"), dovecot_push_error::duplicate_field);
  // Nested objects may repeat the names: only the top level counts.
  EXPECT_TRUE(parse_dovecot_push(R"({"user":"a","x":{"user":"b"},"y":{"user":"c"}})"));
}

TEST(DovecotPush, BoundsSizeDepthAndMembers) {
  std::string big = R"({"user":"u","pad":")" + std::string(dovecot_push_limits::max_body, 'x') + R"("})";
  EXPECT_EQ(error_of(big), dovecot_push_error::too_large);

  std::string deep = R"({"user":"u","x":)";
  for (int i = 0; i < 20; ++i) deep += "[";
  for (int i = 0; i < 20; ++i) deep += "]";
  deep += "}";
  EXPECT_EQ(error_of(deep), dovecot_push_error::too_complex);

  std::string wide = R"({"user":"u")";
  for (std::size_t i = 0; i < dovecot_push_limits::max_members + 1; ++i) wide += ",\"k" + std::to_string(i) + "\":1";
  wide += "}";
  EXPECT_FALSE(parse_dovecot_push(wide));
}

}  // namespace
}  // namespace easd::server
