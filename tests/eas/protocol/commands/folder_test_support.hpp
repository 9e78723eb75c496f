// A hermetic protocol fixture for the folder commands: the standard dispatcher over a temp-file SQLite
// state store, a one-thread blocking pool and the in-memory fake_mail_store; requests are WBXML trees,
// replies are decoded back and can be checked against the shared response schemas.
#pragma once

#include "backend/fake/fake_mail_store.hpp"
#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/services.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"
#include "eas/wbxml/codec.hpp"
#include "tests/eas/protocol/state/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace easd::protocol::test {

namespace net = boost::asio;

// Runs one schema validation; 0 when valid. `out` receives the validator's output.
inline int validate_response(const std::string& name, const std::string& body, std::string& out) {
  const auto tool = std::filesystem::path(EASD_SHARED_DIR) / "tools/validate-eas-response";
  const auto dir = std::filesystem::temp_directory_path() / ("easd-folders-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / (name + ".wbxml");
  std::ofstream(file, std::ios::binary) << body;
  const auto log = dir / (name + ".log");
  const auto cmd = "sh '" + tool.string() + "' '" + file.string() + "' >'" + log.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream in(log);
  out.assign(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove_all(dir);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline bool have_validator() {
  return std::filesystem::exists(std::filesystem::path(EASD_SHARED_DIR) / "tools/validate-eas-response") &&
         std::system("command -v wbxml2xml >/dev/null 2>&1 && command -v xmllint >/dev/null 2>&1") == 0;
}

struct response {
  reply raw;
  wbxml::element doc;
  std::string text(std::string_view name) const {
    auto t = doc.child_text(name);
    return t ? std::string(*t) : std::string();
  }
  unsigned status() const {
    auto s = doc.child_text(doc.qualified_name().substr(0, doc.qualified_name().find(':')) + ":Status");
    return s ? static_cast<unsigned>(std::stoul(std::string(*s))) : 0u;
  }
};

class FolderFixture : public ::testing::Test {
protected:
  void SetUp() override {
    store_ = state::sqlite_state_store::open(dir_.file("state.db")).value();
    svc_.state = store_.get();
    svc_.blocking = &pool_;
    svc_.mail = &mail_;
    svc_.now = [] { return std::int64_t{1700000000}; };
  }

  request_context context(std::string command) const {
    request_context ctx;
    ctx.command = std::move(command);
    ctx.user = user_;
    ctx.password = "secret";
    ctx.device_id = device_;
    ctx.device_type = "TestDevice";
    ctx.client_address = "127.0.0.1";
    ctx.version = version_;
    return ctx;
  }

  response send(const std::string& command, const wbxml::element& request) {
    auto ctx = context(command);
    const auto body = wbxml::encode_to_string(request);
    net::io_context ioc;
    auto fut = net::co_spawn(ioc, dispatcher_.dispatch(ctx, body), net::use_future);
    ioc.run();
    response r{fut.get(), {}};
    if (!r.raw.body.empty()) {
      auto doc = wbxml::decode(r.raw.body);
      EXPECT_TRUE(doc) << command << ": undecodable response";
      if (doc) r.doc = std::move(*doc);
    }
    return r;
  }

  // Validates a response body against the schemas (skipped without the validator).
  void expect_valid(const std::string& name, const response& r) {
    if (!have_validator()) return;
    std::string out;
    EXPECT_EQ(validate_response(name, r.raw.body, out), 0) << name << ": " << out;
  }

  response folder_sync(const std::string& key) {
    auto req = wbxml::element::named("FolderHierarchy:FolderSync");
    req.add("FolderHierarchy:SyncKey", key);
    return send("FolderSync", req);
  }
  response folder_create(const std::string& key, const std::string& parent, const std::string& name,
                         const std::string& type = "12") {
    auto req = wbxml::element::named("FolderHierarchy:FolderCreate");
    req.add("FolderHierarchy:SyncKey", key);
    req.add("FolderHierarchy:ParentId", parent);
    req.add("FolderHierarchy:DisplayName", name);
    req.add("FolderHierarchy:Type", type);
    return send("FolderCreate", req);
  }
  response folder_update(const std::string& key, const std::string& server_id, const std::string& parent,
                         const std::string& name) {
    auto req = wbxml::element::named("FolderHierarchy:FolderUpdate");
    req.add("FolderHierarchy:SyncKey", key);
    req.add("FolderHierarchy:ServerId", server_id);
    req.add("FolderHierarchy:ParentId", parent);
    req.add("FolderHierarchy:DisplayName", name);
    return send("FolderUpdate", req);
  }
  response folder_delete(const std::string& key, const std::string& server_id) {
    auto req = wbxml::element::named("FolderHierarchy:FolderDelete");
    req.add("FolderHierarchy:SyncKey", key);
    req.add("FolderHierarchy:ServerId", server_id);
    return send("FolderDelete", req);
  }

  struct entry {
    std::string server_id, parent_id, name;
    unsigned type = 0;
    friend bool operator==(const entry&, const entry&) = default;
  };
  struct changes {
    std::vector<entry> adds, updates;
    std::vector<std::string> deletes;
    unsigned count = 0;
  };
  static changes changes_of(const response& r) {
    changes out;
    const auto* list = r.doc.child("FolderHierarchy:Changes");
    if (!list) return out;
    if (auto c = list->child_text("FolderHierarchy:Count")) out.count = static_cast<unsigned>(std::stoul(std::string(*c)));
    for (const auto& e : list->children()) {
      const auto name = e.qualified_name();
      auto text = [&](std::string_view n) {
        auto t = e.child_text(n);
        return t ? std::string(*t) : std::string();
      };
      if (name == "FolderHierarchy:Delete") out.deletes.push_back(text("FolderHierarchy:ServerId"));
      if (name != "FolderHierarchy:Add" && name != "FolderHierarchy:Update") continue;
      entry x{text("FolderHierarchy:ServerId"), text("FolderHierarchy:ParentId"), text("FolderHierarchy:DisplayName"),
              static_cast<unsigned>(std::stoul(text("FolderHierarchy:Type")))};
      (name == "FolderHierarchy:Add" ? out.adds : out.updates).push_back(std::move(x));
    }
    return out;
  }
  // ServerId by display name from a change list.
  static std::map<std::string, std::string> ids_by_name(const changes& c) {
    std::map<std::string, std::string> out;
    for (const auto& e : c.adds) out[e.name] = e.server_id;
    return out;
  }

  state::test::temp_dir dir_;
  std::unique_ptr<state::sqlite_state_store> store_;
  blocking_pool pool_{1};
  backend::fake_mail_store mail_;
  services svc_;
  dispatcher dispatcher_{command_table::standard(), svc_};
  std::string user_ = "alice";
  std::string device_ = "dev1";
  protocol_version version_ = protocol_version::v14_1;
};

}  // namespace easd::protocol::test
