// The field table: one row per policy setting, in EASProvisionDoc order ([MS-ASPROV] 2.2.2.28 and the
// sequence of ProvisionResponse.xsd), then the server-behaviour settings. Element names and first
// versions are those of the Provision code page (eas/wbxml/code_page_table.hpp, page 14); a unit test
// checks every row against it.
#include "eas/core/log_escape.hpp"
#include "eas/core/utf8.hpp"
#include "eas/core/xml_char.hpp"
#include "provisioning/field_access.hpp"

#include <array>
#include <limits>
#include <type_traits>
#include <utility>

namespace easd::provisioning {
namespace {

using enum protocol_version;

using member = std::variant<bool policy::*, std::optional<std::uint32_t> policy::*, std::uint32_t policy::*,
                            std::int32_t policy::*, std::vector<std::string> policy::*, std::chrono::seconds policy::*>;

struct field_def {
  field_info info;
  member m;
};

constexpr std::int64_t u32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t i32_max = std::numeric_limits<std::int32_t>::max();

constexpr field_def row(std::string_view element, std::string_view key, protocol_version since, field_type type,
                        std::int64_t min, std::int64_t max, member m) {
  field_def d{};
  d.info.element = element;
  d.info.key = key;
  d.info.since = since;
  d.info.type = type;
  d.info.min = min;
  d.info.max = max;
  d.m = m;
  return d;
}
constexpr field_def flag(std::string_view element, std::string_view key, protocol_version since, bool policy::*m) {
  return row(element, key, since, field_type::boolean, 0, 1, m);
}
constexpr field_def list(std::string_view element, std::string_view key, std::string_view item,
                         std::vector<std::string> policy::*m) {
  auto d = row(element, key, v12_1, field_type::string_list, 0, 0, m);
  d.info.item_element = item;
  return d;
}
// Server behaviour: no element, never encoded.
template <class M>
constexpr field_def server(std::string_view key, field_type type, std::int64_t min, std::int64_t max, M m) {
  auto d = row("", key, v12_1, type, min, max, m);
  d.info.document = false;
  return d;
}

using P = policy;
using field_type::uint_or_empty, field_type::uint, field_type::integer, field_type::boolean;

constexpr field_def defs[]{
    flag("DevicePasswordEnabled", "device_password_enabled", v12_0, &P::device_password_enabled),
    flag("AlphanumericDevicePasswordRequired", "alphanumeric_device_password_required", v12_0,
         &P::alphanumeric_device_password_required),
    flag("PasswordRecoveryEnabled", "password_recovery_enabled", v12_0, &P::password_recovery_enabled),
    // Token 0x10 was DeviceEncryptionEnabled in 12.0 (libwbxml's name); 12.1 renamed it.
    flag("RequireStorageCardEncryption", "require_storage_card_encryption", v12_1, &P::require_storage_card_encryption),
    flag("AttachmentsEnabled", "attachments_enabled", v12_0, &P::attachments_enabled),
    row("MinDevicePasswordLength", "min_device_password_length", v12_0, uint_or_empty, 1, 16,
        &P::min_device_password_length),
    row("MaxInactivityTimeDeviceLock", "max_inactivity_time_device_lock", v12_0, uint_or_empty, 0, u32_max,
        &P::max_inactivity_time_device_lock),
    row("MaxDevicePasswordFailedAttempts", "max_device_password_failed_attempts", v12_0, uint_or_empty, 4, 16,
        &P::max_device_password_failed_attempts),
    row("MaxAttachmentSize", "max_attachment_size", v12_0, uint_or_empty, 0, u32_max, &P::max_attachment_size),
    flag("AllowSimpleDevicePassword", "allow_simple_device_password", v12_0, &P::allow_simple_device_password),
    row("DevicePasswordExpiration", "device_password_expiration", v12_0, uint_or_empty, 0, u32_max,
        &P::device_password_expiration),
    row("DevicePasswordHistory", "device_password_history", v12_0, uint, 0, u32_max, &P::device_password_history),
    flag("AllowStorageCard", "allow_storage_card", v12_1, &P::allow_storage_card),
    flag("AllowCamera", "allow_camera", v12_1, &P::allow_camera),
    flag("RequireDeviceEncryption", "require_device_encryption", v12_1, &P::require_device_encryption),
    flag("AllowUnsignedApplications", "allow_unsigned_applications", v12_1, &P::allow_unsigned_applications),
    flag("AllowUnsignedInstallationPackages", "allow_unsigned_installation_packages", v12_1,
         &P::allow_unsigned_installation_packages),
    row("MinDevicePasswordComplexCharacters", "min_device_password_complex_characters", v12_1, uint, 1, 4,
        &P::min_device_password_complex_characters),
    flag("AllowWiFi", "allow_wifi", v12_1, &P::allow_wifi),
    flag("AllowTextMessaging", "allow_text_messaging", v12_1, &P::allow_text_messaging),
    flag("AllowPOPIMAPEmail", "allow_pop_imap_email", v12_1, &P::allow_pop_imap_email),
    row("AllowBluetooth", "allow_bluetooth", v12_1, uint, 0, 2, &P::allow_bluetooth),
    flag("AllowIrDA", "allow_irda", v12_1, &P::allow_irda),
    flag("RequireManualSyncWhenRoaming", "require_manual_sync_when_roaming", v12_1,
         &P::require_manual_sync_when_roaming),
    flag("AllowDesktopSync", "allow_desktop_sync", v12_1, &P::allow_desktop_sync),
    // 0..7 less 1..3 (the day and week filters, which have no calendar meaning; set_field rejects them).
    row("MaxCalendarAgeFilter", "max_calendar_age_filter", v12_1, uint, 0, 7, &P::max_calendar_age_filter),
    flag("AllowHTMLEmail", "allow_html_email", v12_1, &P::allow_html_email),
    row("MaxEmailAgeFilter", "max_email_age_filter", v12_1, uint, 0, 5, &P::max_email_age_filter),
    row("MaxEmailBodyTruncationSize", "max_email_body_truncation_size", v12_1, integer, -1, i32_max,
        &P::max_email_body_truncation_size),
    row("MaxEmailHTMLBodyTruncationSize", "max_email_html_body_truncation_size", v12_1, integer, -1, i32_max,
        &P::max_email_html_body_truncation_size),
    flag("RequireSignedSMIMEMessages", "require_signed_smime_messages", v12_1, &P::require_signed_smime_messages),
    flag("RequireEncryptedSMIMEMessages", "require_encrypted_smime_messages", v12_1,
         &P::require_encrypted_smime_messages),
    row("RequireSignedSMIMEAlgorithm", "require_signed_smime_algorithm", v12_1, integer, 0, 1,
        &P::require_signed_smime_algorithm),
    row("RequireEncryptionSMIMEAlgorithm", "require_encryption_smime_algorithm", v12_1, integer, 0, 4,
        &P::require_encryption_smime_algorithm),
    row("AllowSMIMEEncryptionAlgorithmNegotiation", "allow_smime_encryption_algorithm_negotiation", v12_1, integer, 0,
        2, &P::allow_smime_encryption_algorithm_negotiation),
    flag("AllowSMIMESoftCerts", "allow_smime_soft_certs", v12_1, &P::allow_smime_soft_certs),
    flag("AllowBrowser", "allow_browser", v12_1, &P::allow_browser),
    flag("AllowConsumerEmail", "allow_consumer_email", v12_1, &P::allow_consumer_email),
    flag("AllowRemoteDesktop", "allow_remote_desktop", v12_1, &P::allow_remote_desktop),
    flag("AllowInternetSharing", "allow_internet_sharing", v12_1, &P::allow_internet_sharing),
    list("UnapprovedInROMApplicationList", "unapproved_in_rom_application_list", "ApplicationName",
         &P::unapproved_in_rom_application_list),
    list("ApprovedApplicationList", "approved_application_list", "Hash", &P::approved_application_list),

    server("allow_non_compliant", boolean, 0, 1, &P::allow_non_compliant),
    server("allow_non_provisionable", boolean, 0, 1, &P::allow_non_provisionable),
    server("allow_externally_managed", boolean, 0, 1, &P::allow_externally_managed),
    server("require_device_information", boolean, 0, 1, &P::require_device_information),
    server("refresh_interval_seconds", uint, 0, i32_max, &P::refresh_interval),
};

constexpr auto infos = [] {
  std::array<field_info, std::size(defs)> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = defs[i].info;
  return a;
}();

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;  // clang 14 has no aggregate deduction

const field_def* def_of(const field_info& f) noexcept {
  if (&f >= infos.data() && &f < infos.data() + infos.size()) return &defs[&f - infos.data()];
  for (const auto& d : defs) {
    if (d.info.key == f.key) return &d;
  }
  return nullptr;
}

std::string bounds_text(const field_info& f) {
  if (f.key == "max_calendar_age_filter") return "must be 0, 4, 5, 6 or 7";
  return "must be between " + std::to_string(f.min) + " and " + std::to_string(f.max);
}

bool in_bounds(const field_info& f, std::int64_t v) noexcept {
  if (v < f.min || v > f.max) return false;
  // [MS-ASPROV] 2.2.2.30: the calendar filter takes the FilterType codes 0 and 4..7 only.
  if (f.key == "max_calendar_age_filter" && v >= 1 && v <= 3) return false;
  return true;
}

// Entries go into EASProvisionDoc as STR_I text: well-formed UTF-8 that XML can carry, and not blank.
std::optional<std::string> check_entry(const field_info& f, std::size_t i, const std::string& s) {
  const auto where = std::string(f.key) + "[" + std::to_string(i) + "]";
  if (s.empty()) return where + ": must not be empty";
  if (s.size() > max_list_entry_bytes)
    return where + ": longer than " + std::to_string(max_list_entry_bytes) + " bytes";
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto c = utf8::decode_one(s, pos);
    if (!c) return where + ": not valid UTF-8";
    if (!is_xml_char(*c) || *c < 0x20) return where + ": contains a control character";
  }
  return std::nullopt;
}

}  // namespace

std::span<const field_info> fields() { return infos; }

const field_info* find_field(std::string_view key) noexcept {
  for (const auto& f : infos) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

field_value get_field(const policy& p, const field_info& f) {
  const auto* d = def_of(f);
  if (!d) return false;
  return std::visit(
      overloaded{
          [&](bool policy::*m) -> field_value { return p.*m; },
          [&](std::optional<std::uint32_t> policy::*m) -> field_value {
            if (!(p.*m)) return empty_value{};
            return static_cast<std::int64_t>(*(p.*m));
          },
          [&](std::uint32_t policy::*m) -> field_value { return static_cast<std::int64_t>(p.*m); },
          [&](std::int32_t policy::*m) -> field_value { return static_cast<std::int64_t>(p.*m); },
          [&](std::vector<std::string> policy::*m) -> field_value { return p.*m; },
          [&](std::chrono::seconds policy::*m) -> field_value { return static_cast<std::int64_t>((p.*m).count()); },
      },
      d->m);
}

std::optional<std::string> set_field(policy& p, const field_info& f, field_value v) {
  const auto* d = def_of(f);
  if (!d) return "unknown key " + quote_key(f.key);
  const std::string key(f.key);
  const auto* number = std::get_if<std::int64_t>(&v);
  const bool numeric =
      f.type == field_type::uint_or_empty || f.type == field_type::uint || f.type == field_type::integer;
  if (numeric && number && !in_bounds(f, *number)) return key + ": " + bounds_text(f);
  switch (f.type) {
    case field_type::boolean:
      if (!std::holds_alternative<bool>(v)) return key + ": must be true or false";
      p.*std::get<bool policy::*>(d->m) = std::get<bool>(v);
      return std::nullopt;
    case field_type::uint_or_empty: {
      auto& out = p.*std::get<std::optional<std::uint32_t> policy::*>(d->m);
      if (std::holds_alternative<empty_value>(v)) {
        out.reset();
        return std::nullopt;
      }
      if (!number) return key + ": must be an integer or empty (\"\")";
      out = static_cast<std::uint32_t>(*number);
      return std::nullopt;
    }
    case field_type::uint:
    case field_type::integer:
      if (!number) return key + ": must be an integer";
      std::visit(overloaded{
                     [&](std::uint32_t policy::*m) { p.*m = static_cast<std::uint32_t>(*number); },
                     [&](std::int32_t policy::*m) { p.*m = static_cast<std::int32_t>(*number); },
                     [&](std::chrono::seconds policy::*m) { p.*m = std::chrono::seconds(*number); },
                     [](auto) {},
                 },
                 d->m);
      return std::nullopt;
    case field_type::string_list: {
      auto* items = std::get_if<std::vector<std::string>>(&v);
      if (!items) return key + ": must be a list of strings";
      if (items->size() > max_list_entries) {
        return key + ": more than " + std::to_string(max_list_entries) + " entries";
      }
      for (std::size_t i = 0; i < items->size(); ++i) {
        if (auto why = check_entry(f, i, (*items)[i])) return why;
      }
      p.*std::get<std::vector<std::string> policy::*>(d->m) = std::move(*items);
      return std::nullopt;
    }
  }
  return key + ": unsupported field type";
}

std::string quote_key(std::string_view key) { return "\"" + log_escape(key, 64) + "\""; }

}  // namespace easd::provisioning
