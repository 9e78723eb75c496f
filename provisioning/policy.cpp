#include "provisioning/policy.hpp"

#include "eas/core/ascii.hpp"
#include "provisioning/field_access.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace easd::provisioning {

policy default_policy() {
  policy p;
  p.name = "default";
  return p;
}

std::string field_text(const policy& p, const field_info& f) {
  const auto v = get_field(p, f);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "1" : "0";
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  return "";
}

const std::vector<std::string>& field_values(const policy& p, const field_info& f) {
  static const std::vector<std::string> none;
  if (f.key == "unapproved_in_rom_application_list") return p.unapproved_in_rom_application_list;
  if (f.key == "approved_application_list") return p.approved_application_list;
  return none;
}

namespace {

// Length-prefixed, so that no two different policies serialise alike ("a" + "bc" vs "ab" + "c").
void put(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

// Every field by key (not by position), so a new row changes the fingerprint only of policies whose
// value for it matters; the version tag lets the format change deliberately.
std::string canonical(const policy& p) {
  std::string out = "easd-policy-1\n";
  put(out, "name");
  put(out, p.name);
  for (const auto& f : fields()) {
    put(out, f.key);
    if (f.type == field_type::string_list) {
      const auto& items = field_values(p, f);
      out += std::to_string(items.size());
      out += '[';
      for (const auto& item : items) put(out, item);
      out += ']';
    } else {
      // "" (empty element) and "0" stay distinct through the length prefix.
      put(out, field_text(p, f));
    }
    out += '\n';
  }
  return out;
}

}  // namespace

std::string fingerprint(const policy& p) {
  const auto text = canonical(p);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md.data(), &len, EVP_sha256(), nullptr) != 1 || len != 32) {
    // Only an OpenSSL without SHA-256 gets here; a constant would make every device's key look current.
    throw std::runtime_error("fingerprint: SHA-256 unavailable");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0x0F];
  }
  return out;
}

bool valid_policy_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    if (!(c >= 'a' && c <= 'z') && !is_ascii_digit(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

}  // namespace easd::provisioning
