// Feeds the input to every parser of the Email converter: as WBXML to the Options and client-Change
// parsers, as text to the persisted-options parser (whose output must round-trip), the subject and
// header helpers, and — read as a recipe — as a MIME structure tree to the layout analysis.
#include "eas/protocol/convert/email_detail.hpp"

#include "eas/core/utf8.hpp"
#include "eas/wbxml/codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace easd;
using namespace easd::protocol::convert;

constexpr std::string_view types[] = {"text", "multipart", "image", "application", "message"};
constexpr std::string_view subtypes[] = {"plain", "html", "alternative", "related", "mixed", "signed",
                                         "calendar", "rfc822", "pkcs7-mime", "pkcs7-signature", "png"};
constexpr std::string_view dispositions[] = {"", "inline", "attachment"};

// Builds a tree from the bytes: each byte picks type, subtype, disposition and how many children follow.
backend::mime_part tree(std::string_view& in, int depth, const std::string& section) {
  backend::mime_part p;
  p.section = section;
  if (in.empty()) return p;
  const auto b = static_cast<unsigned char>(in.front());
  in.remove_prefix(1);
  p.type = types[b % std::size(types)];
  p.subtype = subtypes[(b / 5) % std::size(subtypes)];
  p.disposition = dispositions[(b / 55) % std::size(dispositions)];
  if (b & 0x40) p.filename = in.substr(0, std::min<std::size_t>(in.size(), b & 0x0F));
  if (b & 0x20) p.content_id = "cid";
  p.encoding = (b & 0x10) ? "base64" : "7bit";
  p.size = b * 1000u;
  if (p.type == "multipart" && depth < 80) {
    const int n = b % 4;
    for (int i = 1; i <= n; ++i) {
      p.children.push_back(tree(in, depth + 1, section.empty() ? std::to_string(i) : section + "." + std::to_string(i)));
    }
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  wbxml::limits lim;
  lim.max_decoded_bytes = 1u << 20;
  if (auto doc = wbxml::decode(bytes, lim)) {
    // Every element is tried as Options and as ApplicationData (real requests nest them in Sync and
    // ItemOperations trees).
    std::vector<const wbxml::element*> todo{&*doc};
    while (!todo.empty()) {
      const auto* e = todo.back();
      todo.pop_back();
      for (const auto& c : e->children()) todo.push_back(&c);
      for (const auto v : {protocol_version::v12_1, protocol_version::v14_0, protocol_version::v16_1}) {
        const auto o = parse_email_options(e, v);
        if (o.body.size() > 4 || o.body_part.size() > 4) std::abort();
        const auto back = parse_serialized_email_options(serialize_email_options(o));
        if (!back || !(*back == o)) std::abort();
      }
      const auto change = parse_client_flag_change(*e);
      if (change.categories && change.categories->size() > 300) std::abort();
    }
  }

  if (const auto o = parse_serialized_email_options(bytes)) {
    const auto back = parse_serialized_email_options(serialize_email_options(*o));
    if (!back || !(*back == *o)) std::abort();
  }

  if (utf8::is_valid(bytes)) {
    const auto topic = detail::strip_subject_prefixes(bytes);
    if (topic.size() > bytes.size() || !utf8::is_valid(topic)) std::abort();
  }
  (void)detail::calendar_method(bytes);
  backend::message_summary msg;
  msg.headers = {{"thread-index", std::string(bytes)}, {"references", std::string(bytes)},
                 {"x-priority", std::string(bytes)}, {"importance", std::string(bytes)}};
  msg.message_id = std::string(bytes);
  if (detail::conversation_id(msg).size() != 16) std::abort();
  if (detail::conversation_index(msg).size() % 5 != 0) std::abort();
  const int imp = detail::importance_of(msg);
  if (imp < 0 || imp > 2) std::abort();

  auto recipe = bytes;
  msg.body = tree(recipe, 0, "");
  const auto layout = detail::analyse_layout(msg);
  for (const auto& a : layout.attachments) {
    if (a.part == nullptr || a.part == layout.plain || a.part == layout.html || a.display_name.empty()) std::abort();
  }
  (void)detail::message_class(layout, "REQUEST");
  return 0;
}
