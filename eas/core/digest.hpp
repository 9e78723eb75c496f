// SHA-256 (OpenSSL EVP) for the places that need a stable fingerprint of bytes: policy fingerprints,
// conversation ids, the 12.1 send ledger key. Not for passwords (those use their own KDF).
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace easd {

std::array<unsigned char, 32> sha256(std::string_view data) noexcept;
// Lower-case hex of sha256(data): 64 characters.
std::string sha256_hex(std::string_view data);

}  // namespace easd
