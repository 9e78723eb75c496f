// A hermetic protocol fixture for the folder commands: the standard dispatcher over a temp-file SQLite
// state store, a one-thread blocking pool and the in-memory fake_mail_store; requests are WBXML trees,
// replies are decoded back and can be checked against the shared response schemas.
#pragma once

#include "tests/eas/protocol/commands/protocol_fixture.hpp"

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace easd::protocol::test {

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

class FolderFixture : public ProtocolFixture {
protected:
  FolderFixture() {
    user_ = "alice";
    device_type_ = "TestDevice";
    client_address_ = "127.0.0.1";
  }

  response send(const std::string& command, const wbxml::element& request) {
    const auto body = wbxml::encode_to_string(request);
    response r{dispatch(context(command), body), {}};
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
};

}  // namespace easd::protocol::test
