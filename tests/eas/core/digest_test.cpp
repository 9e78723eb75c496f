#include "eas/core/digest.hpp"

#include <gtest/gtest.h>

namespace easd {
namespace {

TEST(Digest, Sha256KnownAnswers) {
  // FIPS 180-2 appendix B.1 and the empty message.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256(std::string_view("abc", 3))[0], 0xba);
}

}  // namespace
}  // namespace easd
