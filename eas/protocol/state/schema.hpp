// The state database's schema: ordered migrations, applied by PRAGMA user_version (the number of
// migrations already applied). A migration is never edited once released; changes are new migrations.
#pragma once

#include "eas/core/result.hpp"
#include "eas/protocol/state/sqlite_db.hpp"

namespace easd::state::detail {

// The user_version this build writes.
int schema_version() noexcept;

// Applies the missing migrations, each in its own IMMEDIATE transaction together with its user_version
// bump, so a crash leaves the file at some whole version. state_error::schema_too_new if the file is
// newer than this build.
result<void> migrate(database& db);

}  // namespace easd::state::detail
