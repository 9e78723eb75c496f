// Shared set-up of the item command tests: a fake mail store, a temporary SQLite state store, the
// blocking pool, and requests run through the real dispatcher and command table.
#pragma once

#include "backend/fake/fake_mail_store.hpp"
#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/command_table.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
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
#include <memory>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace easd::protocol::test {

namespace net = boost::asio;

// Exit status of ../shared/tools/validate-eas-response for `body` (-1: validator missing), output in `out`.
inline int validate_response(const std::string& name, const std::string& body, std::string& out) {
  const auto tool = std::filesystem::path(EASD_SHARED_DIR) / "tools/validate-eas-response";
  if (!std::filesystem::exists(tool)) return -1;
  const auto dir = std::filesystem::temp_directory_path() / ("easd-items-schema-" + std::to_string(::getpid()));
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

#define EASD_EXPECT_VALID(name, body)                                                   \
  do {                                                                                  \
    std::string validator_output_;                                                      \
    const int validator_rc_ = ::easd::protocol::test::validate_response(name, body, validator_output_); \
    if (validator_rc_ != -1) {                                                          \
      EXPECT_EQ(validator_rc_, 0) << validator_output_;                                 \
    }                                                                                   \
  } while (0)

class ItemsTest : public ::testing::Test {
protected:
  ItemsTest() {
    auto s = state::sqlite_state_store::open(dir_.file("state.db"));
    if (!s) std::abort();
    store_ = std::move(*s);
    svc_.state = store_.get();
    svc_.blocking = &pool_;
    svc_.mail = &mail_;
    svc_.now = [] { return std::int64_t{1700000000}; };
  }

  request_context context(std::string command, protocol_version v = protocol_version::v14_1) const {
    request_context ctx;
    ctx.command = std::move(command);
    ctx.user = user_;
    ctx.password = "secret";
    ctx.device_id = "dev1";
    ctx.device_type = "iPhone";
    ctx.version = v;
    return ctx;
  }

  reply run(request_context ctx, const wbxml::element& request) { return run_body(std::move(ctx), wbxml::encode_to_string(request)); }
  reply run_body(request_context ctx, std::string body) { return run_on(svc_, std::move(ctx), std::move(body)); }
  static reply run_on(services& svc, request_context ctx, std::string body) {
    dispatcher d(command_table::standard(), svc);
    net::io_context ioc;
    auto fut = net::co_spawn(ioc, d.dispatch(ctx, body), net::use_future);
    ioc.run();
    return fut.get();
  }

  // The device's CollectionId of a backend folder (allocated as FolderSync would).
  std::string collection(const std::string& folder_id) { return collection_on(svc_, user_, folder_id); }
  static std::string collection_on(services& svc, const std::string& user, const std::string& folder_id) {
    request_context ctx;
    ctx.user = user;
    ctx.device_id = "dev1";
    net::io_context ioc;
    auto fut = net::co_spawn(ioc, list_mail_collections(svc, ctx), net::use_future);
    ioc.run();
    auto all = fut.get();
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
  std::string user_ = "ann@example.test";
};

}  // namespace easd::protocol::test
