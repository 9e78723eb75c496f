// A device policy: every EASProvisionDoc setting ([MS-ASPROV] 2.2.2.x, shared/protocol/commands.md §8.6),
// typed, plus how the server treats devices that cannot or will not apply it. Pure values, no I/O.
//
// The settings are described once, in the field table (fields()): its rows name the WBXML element, the
// snake_case key used in TOML and JSON, the first protocol version that knows the element, the value type
// and its bounds. The WBXML encoder, the TOML and JSON readers and writers and the fingerprint all walk
// that table, so adding a setting is one row and one member.
#pragma once

#include "eas/core/protocol_version.hpp"
#include "eas/core/result.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace easd::provisioning {

struct policy {
  std::string name;  // "default", or an admin's name ([a-z0-9_.-], ≤ 64)

  // --- the document (Z-Push's permissive defaults, commands.md §8.6 notes)
  bool device_password_enabled = false;
  bool alphanumeric_device_password_required = false;
  bool password_recovery_enabled = false;
  bool require_storage_card_encryption = false;
  bool attachments_enabled = true;
  std::optional<std::uint32_t> min_device_password_length = 4;  // 1..16; nullopt: empty element
  std::optional<std::uint32_t> max_inactivity_time_device_lock = 900;  // seconds
  std::optional<std::uint32_t> max_device_password_failed_attempts = 8;  // 4..16
  std::optional<std::uint32_t> max_attachment_size;                    // bytes
  bool allow_simple_device_password = true;
  std::optional<std::uint32_t> device_password_expiration = 0;  // days
  std::uint32_t device_password_history = 0;
  bool allow_storage_card = true;
  bool allow_camera = true;
  bool require_device_encryption = false;
  bool allow_unsigned_applications = true;
  bool allow_unsigned_installation_packages = true;
  std::uint32_t min_device_password_complex_characters = 3;  // 1..4
  bool allow_wifi = true;
  bool allow_text_messaging = true;
  bool allow_pop_imap_email = true;
  std::uint32_t allow_bluetooth = 2;  // 0 off, 1 hands-free, 2 on
  bool allow_irda = true;
  bool require_manual_sync_when_roaming = false;
  bool allow_desktop_sync = true;
  std::uint32_t max_calendar_age_filter = 0;  // FilterType code: 0, 4..7
  bool allow_html_email = true;
  std::uint32_t max_email_age_filter = 0;  // FilterType code: 0..5
  std::int32_t max_email_body_truncation_size = -1;       // -1 none, 0 headers only, else KB
  std::int32_t max_email_html_body_truncation_size = -1;
  bool require_signed_smime_messages = false;
  bool require_encrypted_smime_messages = false;
  std::int32_t require_signed_smime_algorithm = 0;      // 0 SHA1, 1 MD5
  std::int32_t require_encryption_smime_algorithm = 0;  // 0..4
  std::int32_t allow_smime_encryption_algorithm_negotiation = 2;  // 0..2
  bool allow_smime_soft_certs = true;
  bool allow_browser = true;
  bool allow_consumer_email = true;
  bool allow_remote_desktop = true;
  bool allow_internet_sharing = true;
  std::vector<std::string> unapproved_in_rom_application_list;  // ApplicationName each
  std::vector<std::string> approved_application_list;           // Hash each (SHA-1 hex)

  // --- server behaviour (not sent to the device)
  bool allow_non_compliant = true;        // ack Policy Status 2 (partial) gets a key; else Provision 139
  bool allow_non_provisionable = true;    // ack Policy Status 3 (not applied) gets a key; else 141
  bool allow_externally_managed = true;   // ack Policy Status 4 (third-party MDM) gets a key; else 145
  bool require_device_information = false;  // 14.1+: an initial Provision without it gets 165
  std::chrono::seconds refresh_interval{0};  // 0: never; else a key older than this gets 143
};

// The permissive policy named "default" (every value as the member initialisers above).
policy default_policy();

enum class field_type {
  boolean,        // "0"/"1"; JSON/TOML bool
  uint_or_empty,  // unsignedInt or empty element; JSON/TOML integer or "" / null for empty
  uint,           // unsignedInt / unsignedByte within [min, max]
  integer,        // signed, within [min, max]
  string_list,    // container of `item_element` children; JSON/TOML array of strings
};

struct field_info {
  std::string_view element;       // Provision code page local name, e.g. "DevicePasswordEnabled"
  std::string_view key;           // TOML/JSON key, e.g. "device_password_enabled"
  protocol_version since;         // first version whose EASProvisionDoc has it, as the code page says (v12_0 / v12_1)
  field_type type;
  std::int64_t min = 0, max = 0;  // bounds for uint / uint_or_empty / integer
  std::string_view item_element;  // string_list only: "ApplicationName" / "Hash"
  bool document = true;           // false: a server-behaviour setting, never encoded
};

// Every setting of `policy` (document and server behaviour), in EASProvisionDoc order.
std::span<const field_info> fields();

// A field's value as text the way EASProvisionDoc carries it ("1", "900", "" for empty); string_list
// fields have values() instead.
std::string field_text(const policy& p, const field_info& f);
const std::vector<std::string>& field_values(const policy& p, const field_info& f);

// A stable digest (lowercase hex SHA-256) of every field and the name: a device whose key was issued for
// another fingerprint must provision again (the gate's "stale key").
std::string fingerprint(const policy& p);

// JSON (the admin API and the policy rows of the state store): an object with "name" and any field keys;
// missing keys keep `base`'s values. Unknown keys, wrong types and out-of-range values are errors whose
// message names the key. to_json writes every field.
result<policy> policy_from_json(std::string_view json, const policy& base, std::string* why = nullptr);
std::string policy_to_json(const policy& p);

bool valid_policy_name(std::string_view name) noexcept;

}  // namespace easd::provisioning
