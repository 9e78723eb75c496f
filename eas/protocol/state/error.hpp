// Errors of the sync-state store, as values (STYLE.md 7). Callers map them to EAS status in one place:
// unknown_key → Sync Status 3 / FolderSync Status 9; busy and io → server error (retry); corrupt → log loudly.
#pragma once

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace easd::state {

enum class state_error {
  unknown_key = 1,   // malformed, forged, too old, or from another device/collection: the client starts at 0
  not_found,         // no such device / folder identity
  corrupt,           // the database or a stored blob does not have the expected shape
  io,                // SQLite could not read or write the file (disk full, permissions, I/O error)
  busy,              // the database stayed locked longer than busy_timeout
  schema_too_new,    // the file was written by a newer easd (PRAGMA user_version beyond our migrations)
  invalid_argument,  // a string longer than the store accepts
  conflict,          // the target of a rename already exists; a registry state change not allowed now
  limit,             // a new device beyond the user's device limit (the device registry)
};

const boost::system::error_category& state_category() noexcept;

inline boost::system::error_code make_error_code(state_error e) noexcept {
  return {static_cast<int>(e), state_category()};
}

}  // namespace easd::state

template <>
struct boost::system::is_error_code_enum<easd::state::state_error> : std::true_type {};
