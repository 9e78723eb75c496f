// Input: one control byte, then the request body (WBXML; for GetAttachment the AttachmentName).
// Control byte: bits 0–1 the command, bits 2–4 the protocol version, bit 5 MS-ASAcceptMultiPart.
// Checks that every answer is well-formed: WBXML that decodes, or a multipart body whose table
// describes exactly its parts with a decodable part 0.
#include "backend/fake/fake_mail_store.hpp"
#include "eas/core/blocking_pool.hpp"
#include "eas/protocol/command_table.hpp"
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
    const auto dir = std::filesystem::temp_directory_path() / ("easd-fuzz-items-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto opened = state::sqlite_state_store::open((dir / "state.db").string());
    if (!opened) std::abort();
    out->store = std::move(*opened);
    return out;
  }();
  return *s;
}

std::uint32_t le32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  return v;
}

void check_multipart(const std::string& b) {
  if (b.size() < 4) std::abort();
  const std::uint64_t count = le32(b, 0);
  if (count == 0 || b.size() < 4 + 8 * count) std::abort();
  std::uint64_t next = 4 + 8 * count;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t offset = le32(b, 4 + 8 * i), length = le32(b, 8 + 8 * i);
    if (offset != next || offset + length > b.size()) std::abort();
    next = offset + length;
  }
  if (next != b.size()) std::abort();
  if (!wbxml::decode(std::string_view(b).substr(4 + 8 * count, le32(b, 8)))) std::abort();
}

constexpr const char* commands[] = {"MoveItems", "ItemOperations", "GetItemEstimate", "GetAttachment"};
constexpr protocol_version versions[] = {protocol_version::v12_1, protocol_version::v14_0, protocol_version::v14_1,
                                         protocol_version::v16_0, protocol_version::v16_1};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto& sh = shared();
  const std::uint8_t control = data[0];
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);

  backend::fake_mail_store mail;
  const auto work = mail.add_folder("Work");
  const auto trash = mail.add_folder("Trash", backend::folder_role::trash);
  mail.add_folder("Trash/Old");
  mail.add_message("F1", backend::fake_message::plain("Hi", "Bob <bob@example.test>", "hello"));
  mail.add_message("F1", backend::fake_message::with_attachment("R", "a@example.test", "see", "r.pdf",
                                                                "application/pdf", "%PDF-1.4 bytes"));
  mail.add_message(work, backend::fake_message::html("H", "a@example.test", "<p>x</p>"));
  mail.add_message(trash, backend::fake_message::plain("T", "a@example.test", "t"));

  protocol::services svc;
  svc.state = sh.store.get();
  svc.blocking = &sh.pool;
  svc.mail = &mail;
  svc.now = [] { return std::int64_t{1700000000}; };

  protocol::request_context ctx;
  ctx.command = commands[control & 3];
  ctx.user = "fuzz@example.test";
  ctx.device_id = "dev1";
  ctx.version = versions[((control >> 2) & 7) % std::size(versions)];
  ctx.accept_multipart = (control & 0x20) != 0;
  std::string wire = body;
  if (ctx.command == "GetAttachment") {
    ctx.attachment_name = body;
    wire.clear();
  }

  protocol::dispatcher d(protocol::command_table::standard(), svc);
  net::io_context ioc;
  auto fut = net::co_spawn(ioc, d.dispatch(ctx, wire), net::use_future);
  ioc.run();
  const auto r = fut.get();
  if (r.content_type == "application/vnd.ms-sync.multipart") {
    check_multipart(r.body);
  } else if (r.content_type == protocol::wbxml_content_type && !wbxml::decode(r.body)) {
    std::abort();
  }
  return 0;
}
