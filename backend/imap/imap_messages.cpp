// Reading: summaries (ENVELOPE + BODYSTRUCTURE + a few header fields, in batches) and byte ranges of one
// part (BINARY where offered, else BODY and our own transfer decoding).
#include "backend/imap/client/fetch.hpp"
#include "backend/imap/client/search.hpp"
#include "backend/imap/imap_convert.hpp"
#include "backend/imap/imap_store_detail.hpp"
#include "eas/core/ascii.hpp"
#include "eas/core/transfer_encoding.hpp"

#include <algorithm>
#include <map>

namespace easd::backend::imap_store {

namespace net = boost::asio;

namespace {

// The header fields the Email converters read beyond the ENVELOPE ([MS-ASEMAIL] Importance, ThreadTopic,
// ConversationIndex, MessageClass, the attachment hint).
const char* const summary_fields[] = {"IMPORTANCE",    "X-PRIORITY",    "THREAD-TOPIC",    "THREAD-INDEX",
                                      "REFERENCES",    "CONTENT-CLASS", "X-MS-HAS-ATTACH", "CONTENT-TYPE"};

// One FETCH can carry a literal of at most options::max_literal_bytes; ranges are cut well below.
constexpr std::uint64_t max_range = 32u << 20;
constexpr std::uint64_t max_offset = 1ull << 40;

bool numeric_section(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' && s[i - 1] == '.') return false;
    if (!is_ascii_digit(s[i]) && s[i] != '.') return false;
  }
  return true;
}

// "", HEADER, TEXT, a part number, or a part number with .HEADER / .TEXT / .MIME (RFC 9051 §6.4.5).
bool valid_section(std::string_view s) {
  if (s.empty() || s == "HEADER" || s == "TEXT") return true;
  if (numeric_section(s)) return true;
  for (std::string_view tail : {".HEADER", ".TEXT", ".MIME"}) {
    if (s.size() > tail.size() && s.ends_with(tail) && numeric_section(s.substr(0, s.size() - tail.size()))) {
      return true;
    }
  }
  return false;
}

const imap::body_part* find_part(const imap::body_part& root, std::string_view section) {
  if (root.part == section && !root.multipart()) return &root;
  for (const auto& c : root.children) {
    if (const auto* hit = find_part(c, section)) return hit;
  }
  // A single-part message's only part is "1" (its root may carry "" or "1", depending on the parser).
  if (section == "1" && root.children.empty() && !root.multipart()) return &root;
  return nullptr;
}

// How much of each main text part the prefetch reads, and the most it keeps per shard: enough for the
// truncated bodies and previews phones ask for in a Sync (iOS: 5,120 bytes), not for whole large bodies.
constexpr std::uint32_t prefetch_bytes = 16 * 1024;
constexpr std::size_t prefetch_cap = 16u << 20;

std::string prefetch_key(std::string_view user, std::string_view folder_id, std::uint32_t uid,
                         std::string_view section) {
  std::string k;
  k.reserve(user.size() + folder_id.size() + section.size() + 16);
  k.append(user).push_back('\0');
  k.append(folder_id).push_back('\0');
  k.append(std::to_string(uid)).push_back('\0');
  k.append(section);
  return k;
}

// The first text/plain and text/html leaves that are not attachments, outside embedded messages: the
// parts the Email converter reads for Body and Preview.
void main_text_parts(const mime_part& p, std::vector<std::string>& out, bool& plain, bool& html) {
  if (p.type == "message") return;
  if (!p.children.empty()) {
    for (const auto& c : p.children) main_text_parts(c, out, plain, html);
    return;
  }
  if (p.type != "text" || p.disposition == "attachment" || !p.filename.empty()) return;
  bool* seen = p.subtype == "plain" ? &plain : p.subtype == "html" ? &html : nullptr;
  if (seen == nullptr || *seen) return;
  *seen = true;
  out.push_back(p.section.empty() ? "1" : p.section);
}

// One UID FETCH per distinct section over the batch: BINARY.SIZE and the first prefetch_bytes of each.
// Best effort: a failure here only means fetch_part goes to the server itself.
net::awaitable<void> prefetch_text(session& s, const std::string& folder_id, const std::vector<message_summary>& batch) {
  if (!s.c.caps().has("BINARY")) co_return;
  std::map<std::string, imap::sequence_set> by_section;
  for (const auto& m : batch) {
    std::vector<std::string> sections;
    bool plain = false, html = false;
    main_text_parts(m.body, sections, plain, html);
    for (const auto& sec : sections) by_section[sec].add(m.uid, m.uid);
  }
  if (s.sh.prefetched_bytes > prefetch_cap) {
    s.sh.prefetched.clear();
    s.sh.prefetched_bytes = 0;
  }
  for (const auto& [section, uids] : by_section) {
    if (!numeric_section(section)) continue;
    imap::section_request req;
    req.section = section;
    req.binary = true;
    req.partial = std::pair<std::uint64_t, std::uint32_t>(0, prefetch_bytes);
    imap::sequence_set set = uids;
    auto got = co_await imap::fetch_sections_sized(s.c, std::move(set), std::move(req));
    if (!got) co_return;
    for (auto& [uid, data] : *got) {
      s.sh.prefetched_bytes += data.bytes.size();
      s.sh.prefetched[prefetch_key(s.user, folder_id, uid, section)] = {std::move(data.bytes), data.size};
    }
  }
}

}  // namespace

net::awaitable<result<std::vector<message_summary>>> summaries(session& s, const std::string& folder_id,
                                                              const uid_set& uids) {
  auto path = co_await resolve(s, folder_id);
  if (!path) co_return path.error();
  auto opened = co_await open_mailbox(s, *path, false);
  if (!opened) co_return opened.error();
  std::vector<message_summary> out;
  if (uids.empty()) co_return out;
  const std::size_t batch = s.sh.fetch_batch;
  {
    // What an earlier call read ahead for this folder goes: after a UIDVALIDITY reset the same UIDs name
    // other messages, so an entry must not outlive the summaries call it was read with.
    const std::string key = prefetch_key(s.user, folder_id, 0, "");
    const std::string_view prefix(key.data(), s.user.size() + folder_id.size() + 2);
    std::erase_if(s.sh.prefetched, [&](const auto& kv) { return kv.first.starts_with(prefix); });
  }

  // A wide, sparse set (1:4294967295) would make many empty batches: ask which exist first.
  uid_set wanted = uids;
  if (uids.size() > batch) {
    imap::search_query q;
    q.uids = to_sequence_set(uids);
    auto present = co_await imap::uid_search(s.c, std::move(q));
    if (!present) co_return mapped(s.c, present.error());
    wanted = to_uid_set(*present);
  }
  imap::summary_request req;
  req.modseq = s.c.caps().has("CONDSTORE");
  for (const char* f : summary_fields) req.header_fields.emplace_back(f);

  const auto& ranges = wanted.ranges();
  std::size_t ri = 0;
  std::uint64_t next = ranges.empty() ? 0 : ranges[0].first;
  while (ri < ranges.size()) {
    // One chunk of at most `batch` UIDs.
    imap::sequence_set chunk;
    std::size_t in_chunk = 0;
    while (ri < ranges.size() && in_chunk < batch) {
      const std::uint64_t last = ranges[ri].last;
      const std::uint64_t take = std::min<std::uint64_t>(last - next + 1, batch - in_chunk);
      chunk.add(static_cast<std::uint32_t>(next), static_cast<std::uint32_t>(next + take - 1));
      in_chunk += take;
      next += take;
      if (next > last) {
        ++ri;
        if (ri < ranges.size()) next = ranges[ri].first;
      }
    }
    imap::summary_request r = req;
    auto got = co_await imap::fetch_summaries(s.c, std::move(chunk), std::move(r));
    if (!got) co_return mapped(s.c, got.error());
    const std::size_t first = out.size();
    for (const auto& m : *got) out.push_back(to_summary(m));
    if (out.size() - first > 1) {
      const std::vector<message_summary> fetched(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
      co_await prefetch_text(s, folder_id, fetched);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.uid < b.uid; });
  out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.uid == b.uid; }),
            out.end());
  co_return out;
}

net::awaitable<result<part_bytes>> fetch_part(session& s, const std::string& folder_id, std::uint32_t uid,
                                              const std::string& section, bool decoded, std::uint64_t offset,
                                              std::uint64_t max_bytes) {
  if (uid == 0 || !valid_section(section) || offset > max_offset) co_return error_code(mail_error::not_found);
  auto path = co_await resolve(s, folder_id);
  if (!path) co_return path.error();
  auto opened = co_await open_mailbox(s, *path, false);
  if (!opened) co_return opened.error();
  const auto len = static_cast<std::uint32_t>(std::min(max_bytes, max_range));
  if (len == 0) co_return part_bytes{};  // a partial length must be non-zero (RFC 9051 §9 "partial")
  const bool numeric = numeric_section(section);

  if (decoded && numeric && offset == 0) {
    // Read ahead by summaries(): usable when it covers the range asked for (or the whole part).
    const auto key = prefetch_key(s.user, folder_id, uid, section);
    if (auto it = s.sh.prefetched.find(key); it != s.sh.prefetched.end()) {
      auto& hit = it->second;
      const bool whole = hit.total && hit.bytes.size() >= *hit.total;
      if (whole || hit.bytes.size() >= len) {
        part_bytes out;
        out.total = hit.total;
        out.bytes = hit.bytes.substr(0, len);
        co_return out;
      }
    }
  }

  if (decoded && numeric && s.c.caps().has("BINARY")) {
    imap::section_request req;
    req.section = section;
    req.binary = true;
    req.partial = std::pair<std::uint64_t, std::uint32_t>(offset, len);
    auto r = co_await imap::fetch_section_sized(s.c, uid, std::move(req));
    if (r) co_return part_bytes{std::move(r->bytes), r->size};
    // [UNKNOWN-CTE] (RFC 3516 §4.3): an encoding the server cannot undo; decode ourselves below.
    if (r.error() != imap::error::command_failed || !iequals_ascii(s.c.last_completion().code, "UNKNOWN-CTE")) {
      co_return mapped(s.c, r.error(), mail_error::not_found);
    }
  }

  if (decoded && numeric) {
    // Without BINARY: the encoded bytes from the start, as many as the wanted decoded range can need, and
    // the decoding here. Offsets in encoded text do not map onto decoded ones, hence from 0.
    auto bs = co_await imap::fetch_body_structure(s.c, uid);
    if (!bs) co_return mapped(s.c, bs.error(), mail_error::not_found);
    if (!*bs) co_return error_code(mail_error::not_found);
    const auto* part = find_part(**bs, section);
    if (!part) co_return error_code(mail_error::not_found);
    const std::string enc = to_lower_ascii(part->encoding);
    const std::uint64_t want = offset + len;
    if (enc == "base64" || enc == "quoted-printable") {
      // base64: 4 characters per 3 bytes plus line breaks (≤ 76 characters per line); quoted-printable: ≤ 3
      // characters per byte plus soft line breaks.
      std::uint64_t need = enc == "base64" ? (want / 3 + 2) * 4 * 78 / 76 + 8 : want * 3 + want / 25 + 8;
      need = std::min<std::uint64_t>(need, std::min<std::uint64_t>(part->size + 8, max_range * 4));
      imap::section_request req;
      req.section = section;
      req.partial = std::pair<std::uint64_t, std::uint32_t>(0, static_cast<std::uint32_t>(need));
      auto raw = co_await imap::fetch_section_sized(s.c, uid, std::move(req));
      if (!raw) co_return mapped(s.c, raw.error(), mail_error::not_found);
      std::string all = mime::decode_transfer(raw->bytes, enc, static_cast<std::size_t>(want));
      part_bytes out;
      if (offset < all.size()) out.bytes = all.substr(static_cast<std::size_t>(offset), len);
      // An estimate: base64 carries 3 bytes per 4 characters, less its line breaks.
      if (enc == "base64") out.total = part->size / 78 * 57 + (part->size % 78) * 3 / 4;
      co_return out;
    }
    imap::section_request req;
    req.section = section;
    req.partial = std::pair<std::uint64_t, std::uint32_t>(offset, len);
    auto raw = co_await imap::fetch_section_sized(s.c, uid, std::move(req));
    if (!raw) co_return mapped(s.c, raw.error(), mail_error::not_found);
    co_return part_bytes{std::move(raw->bytes), part->size};
  }

  // As stored. Section "" is the raw message, whose size RFC822.SIZE gives.
  imap::section_request req;
  req.section = section;
  req.partial = std::pair<std::uint64_t, std::uint32_t>(offset, len);
  auto r = co_await imap::fetch_section_sized(s.c, uid, std::move(req));
  if (!r) co_return mapped(s.c, r.error(), mail_error::not_found);
  co_return part_bytes{std::move(r->bytes), r->size};
}

}  // namespace easd::backend::imap_store
