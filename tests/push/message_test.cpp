#include "push/message.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using easd::push::decode;
using easd::push::encode;
using easd::push::message;
using easd::push::message_kind;

void expect_same(const message& a, const message& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.folder, b.folder);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.generation, b.generation);
}

message sample() {
  message m;
  m.kind = message_kind::ping_claim;
  m.user = "alice@example.org";
  m.folder = "mail:INBOX";
  m.device = "androidc123";
  m.generation = 0x0102030405060708ULL;
  return m;
}

TEST(PushMessage, RoundTripsEveryKind) {
  for (auto kind : {message_kind::content, message_kind::hierarchy, message_kind::policy, message_kind::wipe,
                    message_kind::ping_claim}) {
    auto m = sample();
    m.kind = kind;
    const auto back = decode(encode(m));
    ASSERT_TRUE(back) << static_cast<int>(kind);
    expect_same(*back, m);
  }
}

TEST(PushMessage, RoundTripsEmptyAndBinaryFields) {
  message m;
  m.user = std::string("u\0:\xff", 4);
  m.folder = "";
  m.device = std::string(1024, 'd');
  m.generation = ~std::uint64_t{0};
  const auto back = decode(encode(m));
  ASSERT_TRUE(back);
  expect_same(*back, m);
}

TEST(PushMessage, RejectsEveryTruncationAndTrailingBytes) {
  const auto wire = encode(sample());
  for (std::size_t n = 0; n < wire.size(); ++n) EXPECT_FALSE(decode(wire.substr(0, n))) << n;
  EXPECT_FALSE(decode(wire + '\0'));
}

TEST(PushMessage, RejectsUnknownVersionAndKind) {
  auto wire = encode(sample());
  for (int version : {0, 2, 255}) {
    auto v = wire;
    v[0] = static_cast<char>(version);
    EXPECT_FALSE(decode(v)) << version;
  }
  for (int kind : {0, 6, 255}) {
    auto k = wire;
    k[1] = static_cast<char>(kind);
    EXPECT_FALSE(decode(k)) << kind;
  }
}

TEST(PushMessage, RejectsOversizedFields) {
  for (int field = 0; field < 3; ++field) {
    auto m = sample();
    auto& text = field == 0 ? m.user : field == 1 ? m.folder : m.device;
    text = std::string(1024, 'x');
    EXPECT_TRUE(decode(encode(m))) << field;
    text += 'x';
    EXPECT_FALSE(decode(encode(m))) << field;
  }
}

TEST(PushMessage, RejectsLengthsPastTheEnd) {
  auto wire = encode(sample());
  // The user length (bytes 2..5) claims more than the whole message.
  wire[2] = 0;
  wire[3] = 0;
  wire[4] = 0x7f;
  wire[5] = 0;
  EXPECT_FALSE(decode(wire));
  wire[2] = '\xff';
  wire[3] = '\xff';
  wire[4] = '\xff';
  wire[5] = '\xff';
  EXPECT_FALSE(decode(wire));
}

TEST(PushMessage, RejectsEmptyUser) {
  auto m = sample();
  m.user.clear();
  EXPECT_FALSE(decode(encode(m)));
}

}  // namespace
