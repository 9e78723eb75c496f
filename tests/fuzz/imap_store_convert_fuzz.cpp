// Fuzzes imap_mail_store's conversions of server data (backend/imap/imap_convert.hpp): every FETCH of the
// input becomes a message_summary (addresses, RFC 2047/2231 decoding, the MIME tree, header fields), every
// LIST a folder tree, and the raw input a header-fields block. Beyond "no crash, no UB": strings come out
// as valid UTF-8 where decoding is ours, folder parents exist, and each role is given at most once.
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/message_data.hpp"
#include "backend/imap/client/response_parser.hpp"
#include "backend/imap/imap_convert.hpp"
#include "eas/core/utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace imap = easd::backend::imap;
namespace st = easd::backend::imap_store;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_part(const easd::backend::mime_part& p, int depth) {
  check(depth < 64);
  check(easd::utf8::is_valid(p.filename));
  for (const auto& c : p.children) check_part(c, depth + 1);
}

void summary(const imap::response& r) {
  auto m = imap::parse_fetch(r);
  if (!m) return;
  auto s = st::to_summary(*m);
  check(easd::utf8::is_valid(s.subject));
  for (const auto* list : {&s.from, &s.to, &s.cc, &s.bcc, &s.reply_to, &s.sender}) {
    for (const auto& a : *list) check(easd::utf8::is_valid(a.name));
  }
  for (const auto& [name, value] : s.headers) check(easd::utf8::is_valid(value) && !name.empty());
  check_part(s.body, 0);
  (void)st::to_imap_flags(s.flags);
}

void folders(const std::vector<imap::response>& rs) {
  imap::command_result cr;
  cr.untagged = rs;
  auto l = imap::parse_list(cr);
  if (!l) return;
  auto tree = st::folder_tree(*l);
  std::set<std::string> ids;
  for (const auto& f : tree) ids.insert(f.id);
  std::set<int> roles;
  for (const auto& f : tree) {
    check(f.parent_id.empty() || ids.contains(f.parent_id));
    if (f.role != easd::backend::folder_role::none) check(roles.insert(static_cast<int>(f.role)).second);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto h = st::parse_header_fields(in);
  check(h.size() <= 64);

  imap::response_parser p;
  std::vector<imap::response> responses;
  std::string_view rest = in;
  while (!rest.empty() && responses.size() < 64) {
    auto n = p.feed(rest);
    if (!n) break;
    rest.remove_prefix(*n);
    if (!p.ready()) break;
    responses.push_back(p.take());
    if (imap::is_fetch(responses.back())) summary(responses.back());
  }
  folders(responses);
  return 0;
}
