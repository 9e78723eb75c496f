// Input: one control byte, then the body (WBXML for 14.0+, the raw message for 12.1).
// Control byte: bits 0–1 the command, bits 2–4 the protocol version, bit 5 which original the 12.1 query
// names, bit 6 From rewriting. Checks that every answer is empty or decodable WBXML, and that whatever
// was submitted carries no Bcc field and at least one recipient.
#include "backend/fake/fake_mail_store.hpp"
#include "backend/fake/fake_mail_submitter.hpp"
#include "eas/core/ascii.hpp"
#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/command_table.hpp"
#include "eas/protocol/commands/mail_folders.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/protocol/services.hpp"
#include "eas/protocol/state/sqlite_state_store.hpp"
#include "eas/wbxml/codec.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace {

using namespace easd;
namespace net = boost::asio;

struct shared_state {
  std::unique_ptr<state::sqlite_state_store> store;
  blocking_pool pool{1};
};

shared_state& shared() {
  static shared_state* s = [] {
    auto* out = new shared_state;
    const auto dir = std::filesystem::temp_directory_path() / ("easd-fuzz-send-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto opened = state::sqlite_state_store::open((dir / "state.db").string());
    if (!opened) std::abort();
    out->store = std::move(*opened);
    return out;
  }();
  return *s;
}

constexpr const char* commands[] = {"SendMail", "SmartReply", "SmartForward", "SendMail"};
constexpr protocol_version versions[] = {protocol_version::v12_1, protocol_version::v14_0, protocol_version::v14_1,
                                         protocol_version::v16_0, protocol_version::v16_1};

bool has_bcc_field(const std::string& message) {
  const auto end = message.find("\r\n\r\n");
  const std::string_view header(message.data(), end == std::string::npos ? message.size() : end);
  if (istarts_with_ascii(header, "bcc:")) return true;
  for (std::size_t at = header.find("\r\n"); at != std::string_view::npos; at = header.find("\r\n", at + 2)) {
    if (istarts_with_ascii(header.substr(at + 2), "bcc:")) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto& sh = shared();
  const std::uint8_t control = data[0];
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);

  backend::fake_mail_store mail;
  mail.add_folder("Sent", backend::folder_role::sent);
  const auto plain = mail.add_message("F1", backend::fake_message::plain("Hi", "Bob <bob@example.test>", "hello"));
  const auto attached = mail.add_message("F1", backend::fake_message::with_attachment(
                                                   "R", "a@example.test", "see", "r.pdf", "application/pdf", "%PDF"));
  backend::fake_mail_submitter smtp;

  protocol::services svc;
  svc.state = sh.store.get();
  svc.blocking = &sh.pool;
  svc.mail = &mail;
  svc.submitter = &smtp;
  svc.sends = sh.store.get();
  svc.now = [] { return std::int64_t{1700000000}; };
  svc.sending.rewrite_from = (control & 0x40) != 0;
  svc.sending.rate = {.max_messages = 0, .max_recipients = 0, .window_seconds = 3600};

  protocol::request_context ctx;
  ctx.command = commands[control & 3];
  ctx.user = "fuzz@example.test";
  ctx.password = "secret";
  ctx.device_id = "dev1";
  ctx.version = versions[((control >> 2) & 7) % std::size(versions)];
  ctx.content_type = "message/rfc822";
  if (ctx.version == protocol_version::v12_1 && ctx.command != "SendMail") {
    // The inbox is collection "1" for the first folder listed; any id the flow cannot find is fine too.
    ctx.collection_id = "1";
    ctx.item_id = protocol::item_server_id("1", (control & 0x20) ? attached : plain);
  }

  protocol::dispatcher d(protocol::command_table::standard(), svc);
  net::io_context ioc;
  auto fut = net::co_spawn(ioc, d.dispatch(ctx, body), net::use_future);
  ioc.run();
  const auto r = fut.get();
  if (!r.body.empty() && (r.content_type != protocol::wbxml_content_type || !wbxml::decode(r.body))) std::abort();
  for (const auto& s : smtp.sent()) {
    if (s.recipients.empty() || has_bcc_field(s.message)) std::abort();
  }
  return 0;
}
