// Email options ([MS-ASCMD] 2.2.3.115 Options): what a device's Sync or ItemOperations options parse to per
// version, with their bounds, and the compact form they are stored in with the sync state.
#include "eas/protocol/convert/email.hpp"

#include "tests/eas/protocol/convert/client_xml.hpp"

#include <gtest/gtest.h>

namespace easd::protocol::convert {
namespace {

using test_xml::client_data;
using test_xml::pref;

TEST(EmailOptions, ParsesAndClamps) {
  const auto opts = client_data(
      "<Options xmlns=\"AirSync\"><MIMESupport>2</MIMESupport><MIMETruncation>1</MIMETruncation>"
      "<BodyPreference xmlns=\"AirSyncBase\"><Type>2</Type><TruncationSize>99999999999</TruncationSize>"
      "<AllOrNone>1</AllOrNone><Preview>9999</Preview></BodyPreference>"
      "<BodyPreference xmlns=\"AirSyncBase\"><Type>2</Type><TruncationSize>5</TruncationSize></BodyPreference>"
      "<BodyPreference xmlns=\"AirSyncBase\"><Type>7</Type></BodyPreference>"
      "<BodyPreference xmlns=\"AirSyncBase\"><Type>1</Type><TruncationSize>x</TruncationSize></BodyPreference>"
      "<BodyPartPreference xmlns=\"AirSyncBase\"><Type>2</Type><TruncationSize>10</TruncationSize>"
      "</BodyPartPreference></Options>");
  const auto o = parse_email_options(&opts, protocol_version::v14_1);
  EXPECT_EQ(o.mime_support, 2);
  EXPECT_EQ(o.mime_truncation, 4096u);
  ASSERT_EQ(o.body.size(), 2u);
  EXPECT_EQ(o.body[0].type, 2);
  EXPECT_EQ(o.body[0].truncation_size, 4294967295u);
  EXPECT_TRUE(o.body[0].all_or_none);
  EXPECT_EQ(o.body[0].preview, 255u);
  EXPECT_EQ(o.body[1].type, 1);
  EXPECT_FALSE(o.body[1].truncation_size);
  ASSERT_EQ(o.body_part.size(), 1u);
  EXPECT_EQ(o.body_part[0].truncation_size, 10u);

  const auto o12 = parse_email_options(&opts, protocol_version::v12_1);
  EXPECT_FALSE(o12.body[0].preview);
  EXPECT_TRUE(o12.body_part.empty());

  const auto none = parse_email_options(nullptr, protocol_version::v16_1);
  EXPECT_TRUE(none.body.empty());
  EXPECT_EQ(none.version, protocol_version::v16_1);
}

TEST(EmailOptions, SerializeRoundTrip) {
  email_options o;
  o.version = protocol_version::v12_1;
  o.mime_support = 1;
  o.mime_truncation = 5120;
  o.body = {pref(2, 1024, true, 100), pref(1)};
  o.body_part = {pref(2, 50)};
  const auto text = serialize_email_options(o);
  EXPECT_EQ(parse_serialized_email_options(text), o) << text;
  EXPECT_EQ(parse_serialized_email_options(serialize_email_options(email_options{})), email_options{});
  EXPECT_FALSE(parse_serialized_email_options(""));
  EXPECT_FALSE(parse_serialized_email_options("v=99"));
  EXPECT_FALSE(parse_serialized_email_options("v=141;b=9,-,0,-"));
  EXPECT_FALSE(parse_serialized_email_options("v=141;b=1,-,0"));
  EXPECT_FALSE(parse_serialized_email_options("v=141;x=1"));
}

}  // namespace
}  // namespace easd::protocol::convert
