// The hermetic set-up every protocol command test shares: the standard dispatcher over a temp-file SQLite
// state store, a one-thread blocking pool and the in-memory fake_mail_store. Requests are WBXML bodies run
// through the real dispatcher and command table, the way the HTTP layer hands them over.
#pragma once

#include "backend/fake/fake_mail_store.hpp"
#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/command_table.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/services.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"
#include "eas/wbxml/codec.hpp"
#include "tests/eas/protocol/run_io.hpp"
#include "tests/eas/protocol/state/temp_dir.hpp"
#include "tests/eas/protocol/validate_response.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

namespace easd::protocol::test {

namespace net = boost::asio;

class ProtocolFixture : public ::testing::Test {
protected:
  ProtocolFixture() {
    auto s = state::sqlite_state_store::open(dir_.file("state.db"));
    if (!s) std::abort();
    store_ = std::move(*s);
    svc_.state = store_.get();
    svc_.blocking = &pool_;
    svc_.mail = &mail_;
    svc_.now = [this] { return now_; };
  }

  // An authenticated request of `command` from the fixture's user and device (in `version_` or `v`).
  request_context context(std::string command) const { return context(std::move(command), version_); }
  request_context context(std::string command, protocol_version v) const {
    request_context ctx;
    ctx.command = std::move(command);
    ctx.user = user_;
    ctx.password = "secret";
    ctx.device_id = device_;
    ctx.device_type = device_type_;
    ctx.client_address = client_address_;
    ctx.version = v;
    return ctx;
  }

  // One request through the dispatcher of the fixture's services (or of `svc`).
  reply dispatch(request_context ctx, const std::string& body) {
    return run_io(dispatcher_.dispatch(ctx, body));
  }
  static reply dispatch_on(services& svc, request_context ctx, const std::string& body) {
    dispatcher d(command_table::standard(), svc);
    return run_io(d.dispatch(ctx, body));
  }

  // The device's CollectionId of a backend folder (allocated as FolderSync would).
  std::string collection(const std::string& folder_id) { return collection_on(svc_, user_, folder_id); }
  static std::string collection_on(services& svc, const std::string& user, const std::string& folder_id) {
    request_context ctx;
    ctx.user = user;
    ctx.device_id = "dev1";
    auto all = run_io(list_mail_collections(svc, ctx));
    if (!all) return {};
    for (const auto& c : *all) {
      if (c.folder.id == folder_id) return c.server_id;
    }
    return {};
  }

  static wbxml::element decode(const reply& r) {
    auto doc = wbxml::decode(r.body);
    EXPECT_TRUE(doc) << "undecodable response";
    return doc ? *doc : wbxml::element{};
  }

  state::test::temp_dir dir_;
  std::unique_ptr<state::sqlite_state_store> store_;
  blocking_pool pool_{1};
  backend::fake_mail_store mail_;
  services svc_;
  dispatcher dispatcher_{command_table::standard(), svc_};
  std::int64_t now_ = 1700000000;
  std::string user_ = "ann@example.test";
  std::string device_ = "dev1";
  std::string device_type_ = "iPhone";
  std::string client_address_;
  protocol_version version_ = protocol_version::v14_1;
};

}  // namespace easd::protocol::test
