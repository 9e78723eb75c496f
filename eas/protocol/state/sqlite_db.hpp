// A thin, private wrapper over one SQLite connection: open with the durability settings, a cache of
// prepared statements, parameter binding, and SQLite result codes turned into state_error values.
// Not thread-safe: sqlite_state_store serialises every use behind its mutex.
//
// Every value from outside (user, device id, collection id, names, blobs) goes through bind(); SQL text is
// only ever a string literal of this module (Z-Push CVE-2025-8264 was SQL built from the user name).
#pragma once

#include "eas/core/result.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace easd::state::detail {

error_code sqlite_error(int rc) noexcept;

class statement {
public:
  explicit statement(sqlite3_stmt* s) noexcept : stmt_(s) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();  // resets the statement and clears its bindings, so the cached one is ready again

  // Parameters are numbered from 1. Text and blobs are copied by SQLite (SQLITE_TRANSIENT).
  statement& bind(int index, std::string_view text);
  statement& bind_blob(int index, std::string_view bytes);
  statement& bind(int index, std::int64_t value);

  // One step: true for a row, false when done; errors are values.
  result<bool> step();
  // Steps to the end, expecting no rows.
  result<void> run();

  std::int64_t column_int(int index) const noexcept;
  std::string column_text(int index) const;  // bytes verbatim, embedded NULs included

private:
  sqlite3_stmt* stmt_;
  error_code bind_error_;
};

class database {
public:
  // Opens (creating with mode 0600 if missing) and applies WAL, synchronous=FULL, foreign_keys, busy_timeout.
  static result<std::unique_ptr<database>> open(const std::string& path, int busy_timeout_ms);
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database();

  // A cached prepared statement for a SQL literal of this module (cached by the literal's address). The
  // returned handle resets the statement when destroyed; release it before preparing the same SQL again.
  result<std::unique_ptr<statement>> prepare(const char* sql);
  // Runs a fixed script (schema migrations, pragmas); never for anything carrying outside data.
  result<void> exec(const char* sql);
  std::int64_t changes() const noexcept;

private:
  explicit database(sqlite3* db) noexcept : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE … COMMIT; rolls back in the destructor unless commit() succeeded. IMMEDIATE takes the
// write lock up front so two writers never deadlock upgrading read locks.
class transaction {
public:
  static result<transaction> begin(database& db);
  transaction(transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  transaction& operator=(transaction&&) = delete;
  ~transaction();
  result<void> commit();

private:
  explicit transaction(database& db) noexcept : db_(&db) {}
  database* db_;
};

// A read transaction (BEGIN … COMMIT), so a chain row and the states it names come from one snapshot.
class read_transaction {
public:
  static result<read_transaction> begin(database& db);
  read_transaction(read_transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  read_transaction& operator=(read_transaction&&) = delete;
  ~read_transaction();

private:
  explicit read_transaction(database& db) noexcept : db_(&db) {}
  database* db_;
};

}  // namespace easd::state::detail
