#include "backend/smtp/envelope.hpp"

#include "eas/core/base64.hpp"

#include <openssl/crypto.h>

namespace easd::backend::smtp {

bool sendable_address(std::string_view addr) noexcept {
  if (addr.empty() || addr.size() > 254) return false;
  for (char c : addr) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>') return false;
  }
  return true;
}

bool sendable_credentials(std::string_view user, std::string_view password) noexcept {
  constexpr std::string_view forbidden("\0\r\n", 3);
  if (user.empty() || user.size() > 1024 || password.size() > 1024) return false;
  return user.find_first_of(forbidden) == std::string_view::npos &&
         password.find_first_of(forbidden) == std::string_view::npos;
}

std::string sasl_plain_response(std::string_view user, std::string_view password) {
  std::string message;
  message.reserve(user.size() + password.size() + 2);
  message.append(1, '\0').append(user).append(1, '\0').append(password);
  std::string encoded = encode_base64(message);
  // The password must not linger in freed memory.
  OPENSSL_cleanse(message.data(), message.size());
  return encoded;
}

}  // namespace easd::backend::smtp
