// Fuzzes the IMAP response parser. Input: one mode byte, then server bytes.
// Checks, beyond "no crash, no leak, no UB": parsing in fragments gives exactly what parsing the whole
// buffer gives; a list's `end` stays inside its parent; and a string encoded by command_builder parses
// back to the same bytes (so quoting and literals in commands agree with what a server would read).
// Every parsed response also goes through the typed views (FETCH with ENVELOPE/BODYSTRUCTURE, SELECT,
// LIST/STATUS, ESEARCH, VANISHED, COPYUID, sequence sets) and every string through the modified UTF-7
// decoder. Mode bit 0x20: the input itself is a mailbox name; decode(encode(x)) == x and
// encode(decode(y)) == y must hold whenever the step succeeds.
#include "backend/imap/client/capabilities.hpp"
#include "backend/imap/client/command.hpp"
#include "backend/imap/client/fetch.hpp"
#include "backend/imap/client/list.hpp"
#include "backend/imap/client/message_data.hpp"
#include "backend/imap/client/mutf7.hpp"
#include "backend/imap/client/response_parser.hpp"
#include "backend/imap/client/search.hpp"
#include "backend/imap/client/select.hpp"
#include "backend/imap/client/sequence_set.hpp"
#include "backend/imap/client/store.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imap = easd::backend::imap;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string describe(const imap::response& r) {
  std::string s;
  s += static_cast<char>('0' + static_cast<int>(r.kind));
  s += static_cast<char>('0' + static_cast<int>(r.status));
  s += r.tag + '\x1f' + r.code + '\x1f' + r.code_args + '\x1f' + r.text;
  for (const auto& v : r.data) {
    s += '\x1e';
    s += static_cast<char>('0' + static_cast<int>(v.kind));
    s += v.literal ? 'L' : '-';
    s += v.binary ? 'B' : '-';
    s += std::to_string(v.end) + ':' + v.text;
  }
  return s;
}

void check_tree(const imap::response& r) {
  // Every list's descendants lie inside it, and inside every enclosing list: walk with an explicit stack.
  std::vector<std::size_t> ends{r.data.size()};
  for (std::size_t i = 0; i < r.data.size(); ++i) {
    while (i >= ends.back()) ends.pop_back();
    const auto& v = r.data[i];
    if (v.kind == imap::value_kind::list) {
      check(v.end > i && v.end <= ends.back());
      ends.push_back(v.end);
    }
  }
  if (r.is_status()) check(r.data.empty());
  (void)imap::capabilities::from_text(r.code_args).has("IMAP4rev1");
  (void)imap::capabilities::from_response(r).has("AUTH=PLAIN");
  for (const auto& v : r.data) (void)imap::to_number(v);
}

void check_mutf7(std::string_view s) {
  auto d = imap::decode_mutf7(s);
  if (d) {
    auto e = imap::encode_mutf7(*d);
    check(e && *e == s);  // the decoder only accepts canonical input
  }
  auto e = imap::encode_mutf7(s);
  if (e) {
    auto back = imap::decode_mutf7(*e, 1 << 20);
    check(back && *back == s);
  }
}

void check_set(std::string_view s) {
  auto set = imap::sequence_set::parse(s, 64);
  if (!set) return;
  auto again = imap::sequence_set::parse(set->to_string(), 1 << 20);
  check(again && *again == *set);
  for (const auto& rg : set->ranges()) check(rg.first >= 1 && rg.first <= rg.last && set->contains(rg.last));
  (void)set->expand(1000);
}

void typed_views(const imap::response& r) {
  imap::command_result cr;
  cr.untagged.push_back(r);
  cr.completion = r;
  if (imap::is_fetch(r)) {
    (void)imap::parse_fetch(r);
    (void)imap::parse_fetch(r, {.max_depth = 3, .max_parts = 8});
  }
  (void)imap::parse_select(cr);
  (void)imap::parse_list(cr);
  (void)imap::parse_status(r);
  (void)imap::parse_flag_changes(cr);
  (void)imap::parse_search(cr, "e1", 100);
  if (auto c = imap::parse_copy_uid(r.code_args)) (void)c->pairs(1000);
  for (const auto& v : r.data) {
    if (v.kind == imap::value_kind::string && v.text.size() < 2000) (void)imap::decode_mutf7(v.text);
    if (v.kind == imap::value_kind::atom && v.text.size() < 200) check_set(v.text);
  }
}

struct outcome {
  std::vector<std::string> responses;
  bool failed = false;
  int error = 0;
};

outcome parse(std::string_view in, std::size_t piece, const imap::parser_limits& limits) {
  imap::response_parser p(limits);
  outcome out;
  std::size_t pos = 0;
  while (pos < in.size()) {
    std::size_t n = piece == 0 ? in.size() - pos : std::min(piece, in.size() - pos);
    std::string_view chunk = in.substr(pos, n);
    while (!chunk.empty()) {
      auto r = p.feed(chunk);
      if (!r) {
        out.failed = true;
        out.error = r.error().value();
        return out;
      }
      check(*r <= chunk.size());
      chunk.remove_prefix(*r);
      if (p.ready()) {
        auto resp = p.take();
        check_tree(resp);
        typed_views(resp);
        out.responses.push_back(describe(resp));
      } else {
        check(chunk.empty());  // the parser only stops early at the end of a response
      }
    }
    pos += n;
  }
  return out;
}

void round_trip(std::string_view s) {
  imap::command_builder b("*", "X", imap::literal_mode::non_synchronizing);
  b.raw(" ");
  if (!b.string(s)) {
    check(s.find('\0') != std::string_view::npos);
    return;
  }
  auto chunks = std::move(b).finish();
  check(chunks.size() == 1);
  imap::response_parser p;
  auto r = p.feed(chunks[0]);
  check(r && *r == chunks[0].size() && p.ready());
  auto resp = p.take();
  check(resp.data.size() == 2 && resp.data[1].kind == imap::value_kind::string && resp.data[1].text == s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);

  imap::parser_limits limits;
  if (mode & 0x80) {  // small limits, so that every cap is reached
    limits.max_line_bytes = 64;
    limits.max_literal_bytes = 32;
    limits.max_response_bytes = 256;
    limits.max_depth = 4;
    limits.max_values = 16;
  }
  const std::size_t piece = (mode & 0x0f) + 1;
  auto whole = parse(in, 0, limits);
  auto frag = parse(in, piece, limits);
  check(whole.responses == frag.responses);
  check(whole.failed == frag.failed && whole.error == frag.error);

  if (mode & 0x40) round_trip(in.substr(0, 300));
  if (mode & 0x20) check_mutf7(in.substr(0, 600));
  return 0;
}
