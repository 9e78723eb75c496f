#include "eas/protocol/state/sqlite_db.hpp"

#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/state/error.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

namespace easd::state::detail {

error_code sqlite_error(int rc) noexcept {
  switch (rc & 0xff) {  // primary result code
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return make_error_code(state_error::busy);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
    case SQLITE_MISMATCH:
    case SQLITE_CONSTRAINT: return make_error_code(state_error::corrupt);
    case SQLITE_TOOBIG: return make_error_code(state_error::invalid_argument);
    default: return make_error_code(state_error::io);
  }
}

statement::~statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

statement& statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && !bind_error_) bind_error_ = sqlite_error(rc);
  return *this;
}

statement& statement::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob with a null pointer would bind NULL; NOT NULL columns want x''.
  static const char empty = 0;
  const char* data = bytes.empty() ? &empty : bytes.data();
  const int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && !bind_error_) bind_error_ = sqlite_error(rc);
  return *this;
}

statement& statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && !bind_error_) bind_error_ = sqlite_error(rc);
  return *this;
}

result<bool> statement::step() {
  // result<bool> needs the error spelled out: bool would also accept an error_code.
  if (bind_error_) return result<bool>(boost::system::in_place_error, bind_error_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return result<bool>(boost::system::in_place_error, sqlite_error(rc));
}

result<void> statement::run() {
  while (true) {
    auto r = step();
    if (!r) return r.error();
    if (!*r) return {};
  }
}

std::int64_t statement::column_int(int index) const noexcept { return sqlite3_column_int64(stmt_, index); }

std::string statement::column_text(int index) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
  const int n = sqlite3_column_bytes(stmt_, index);
  return p == nullptr || n <= 0 ? std::string() : std::string(p, static_cast<std::size_t>(n));
}

result<std::unique_ptr<database>> database::open(const std::string& path, int busy_timeout_ms) {
  assert_not_io_thread();
  // Create the file ourselves so it is 0600 from the first byte; SQLite gives -wal and -shm the same mode.
  if (const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); fd >= 0) {
    ::close(fd);
  } else {
    return make_error_code(state_error::io);
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<database> db(new database(raw));
  if (rc != SQLITE_OK) return sqlite_error(rc);
  sqlite3_extended_result_codes(raw, 1);
  if (sqlite3_busy_timeout(raw, busy_timeout_ms) != SQLITE_OK) return make_error_code(state_error::io);
  // Everything acknowledged to a device must survive a crash (ARCHITECTURE.md §1 "sync state").
  if (auto r = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !r) {
    return r.error();
  }
  // journal_mode can silently stay "delete" (e.g. on a file system without shared memory): check it.
  auto check = db->prepare("PRAGMA journal_mode");
  if (!check) return check.error();
  auto row = (*check)->step();
  if (!row) return row.error();
  if (!*row || (*check)->column_text(0) != "wal") return make_error_code(state_error::io);
  return db;
}

database::~database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

result<std::unique_ptr<statement>> database::prepare(const char* sql) {
  assert_not_io_thread();
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(rc);
    it = cache_.emplace(sql, stmt).first;
  }
  return std::make_unique<statement>(it->second);
}

result<void> database::exec(const char* sql) {
  assert_not_io_thread();
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc);
  return {};
}

std::int64_t database::changes() const noexcept { return sqlite3_changes64(db_); }

result<transaction> transaction::begin(database& db) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r.error();
  return transaction(db);
}

transaction::~transaction() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

result<read_transaction> read_transaction::begin(database& db) {
  if (auto r = db.exec("BEGIN"); !r) return r.error();
  return read_transaction(db);
}

read_transaction::~read_transaction() {
  if (db_ != nullptr) (void)db_->exec("COMMIT");
}

result<void> transaction::commit() {
  auto r = db_->exec("COMMIT");
  if (!r) return r;  // the destructor rolls back
  db_ = nullptr;
  return {};
}

}  // namespace easd::state::detail
