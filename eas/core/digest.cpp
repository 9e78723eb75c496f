#include "eas/core/digest.hpp"

#include <openssl/evp.h>

namespace easd {

std::array<unsigned char, 32> sha256(std::string_view data) noexcept {
  std::array<unsigned char, 32> md{};
  unsigned int len = 0;
  // EVP_Digest fails only when OpenSSL cannot allocate; an all-zero digest then is still a value.
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1 || len != md.size()) md.fill(0);
  return md;
}

std::string sha256_hex(std::string_view data) {
  static constexpr char digits[] = "0123456789abcdef";
  const auto md = sha256(data);
  std::string out;
  out.reserve(md.size() * 2);
  for (const unsigned char b : md) {
    out += digits[b >> 4];
    out += digits[b & 0x0F];
  }
  return out;
}

}  // namespace easd
