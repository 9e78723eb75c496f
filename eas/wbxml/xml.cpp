// XML rendering of element trees (traces, tests, `easd wbxml decode/encode`). Never on the wire.
#include "eas/wbxml/codec.hpp"

#include "eas/core/base64.hpp"
#include "eas/core/utf8.hpp"
#include "eas/core/xml_char.hpp"
#include "eas/wbxml/code_pages.hpp"

#include <expat.h>

#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <type_traits>
#include <string>
#include <vector>

namespace easd::wbxml {
namespace {

// --- rendering ---------------------------------------------------------------------------------------

// Whether the bytes are UTF-8 made only of characters XML 1.0 can carry (XML 1.0 §2.2 Char).
bool xml_safe_text(std::string_view s) noexcept {
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto cp = utf8::decode_one(s, pos);
    if (!cp || !is_xml_char(*cp)) return false;
  }
  return true;
}

void append_escaped(std::string& out, std::string_view s) {
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      // XML parsers turn a literal CR into LF (XML 1.0 §2.11); a reference survives.
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
}

void append_name(std::string& out, const element& e) {
  const auto name = tag_name(e.id());
  if (!name.empty()) {
    out += name;
  } else {
    // Not producible by the decoder; rendered so a trace still shows what a handler built.
    out += "unknown-token-" + std::to_string(e.id().token);
  }
}

void append_open(std::string& out, const element& e, bool declare_ns) {
  out += '<';
  append_name(out, e);
  if (declare_ns) {
    out += " xmlns=\"";
    const auto ns = page_name(e.id().page);
    out += ns.empty() ? "page-" + std::to_string(e.id().page) : std::string(ns);
    out += '"';
  }
}

}  // namespace

std::string to_xml(const element& root) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  struct open_element {
    const element* node;
    std::size_t next_child;
  };
  std::vector<open_element> stack;
  // Writes the start of `e` (and all of it unless it has children); returns true when children follow.
  auto start = [&out](const element& e, std::size_t depth, bool declare_ns) {
    out.append(depth * 2, ' ');
    append_open(out, e, declare_ns);
    if (!e.children().empty()) {
      out += ">\n";
      return true;
    }
    const std::string& content = e.text();
    if (content.empty()) {
      out += "/>\n";
      return false;
    }
    if (e.is_opaque()) {
      out += " opaque=\"base64\">";
      out += encode_base64(content);
    } else if (!xml_safe_text(content)) {
      out += " encoding=\"base64\">";
      out += encode_base64(content);
    } else {
      out += '>';
      append_escaped(out, content);
    }
    out += "</";
    append_name(out, e);
    out += ">\n";
    return false;
  };
  if (start(root, 0, true)) stack.push_back({&root, 0});
  while (!stack.empty()) {
    auto& top = stack.back();
    const element& parent = *top.node;
    if (top.next_child == parent.children().size()) {
      out.append((stack.size() - 1) * 2, ' ');
      out += "</";
      append_name(out, parent);
      out += ">\n";
      stack.pop_back();
      continue;
    }
    const element& child = parent.children()[top.next_child++];
    const std::size_t depth = stack.size();
    if (start(child, depth, child.id().page != parent.id().page)) stack.push_back({&child, 0});
  }
  return out;
}

// --- parsing ---------------------------------------------------------------------------------------------

namespace {

// Separates namespace URI and local name in expat's namespace-processing mode.
constexpr char ns_separator = '\x01';

constexpr bool is_xml_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool all_space(std::string_view s) noexcept {
  for (const char c : s) {
    if (!is_xml_space(c)) return false;
  }
  return true;
}

enum class content_encoding { text, opaque_base64, text_base64 };

struct xml_frame {
  element* node;
  std::string text;
  content_encoding encoding = content_encoding::text;
  bool has_children = false;
};

class xml_builder {
public:
  xml_builder(XML_Parser parser, const limits& lim) : parser_(parser), lim_(lim) {}

  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** atts) {
    static_cast<xml_builder*>(self)->start(name, atts);
  }
  static void XMLCALL on_end(void* self, const XML_Char*) { static_cast<xml_builder*>(self)->end(); }
  static void XMLCALL on_text(void* self, const XML_Char* s, int len) {
    static_cast<xml_builder*>(self)->text(s, len);
  }
  static void XMLCALL on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*,
                                 int has_internal_subset) {
    // An internal subset can declare entities and default attributes; EAS XML never needs one.
    if (has_internal_subset != 0) static_cast<xml_builder*>(self)->stop(error::bad_xml);
  }
  static void XMLCALL on_skipped_entity(void* self, const XML_Char*, int) {
    // A reference to an entity declared in an external DTD that expat does not load.
    static_cast<xml_builder*>(self)->stop(error::bad_xml);
  }
  static void XMLCALL on_entity_decl(void* self, const XML_Char*, int, const XML_Char*, int,
                                     const XML_Char*, const XML_Char*, const XML_Char*,
                                     const XML_Char*) {
    static_cast<xml_builder*>(self)->stop(error::bad_xml);
  }

  error failure() const noexcept { return error_; }
  element take_root() { return std::move(root_); }

  void stop(error e) {
    if (error_ == error{}) error_ = e;
    XML_StopParser(parser_, XML_FALSE);
  }

private:
  void start(const XML_Char* qualified, const XML_Char** atts) {
    if (error_ != error{}) return;
    const std::string_view full(qualified);
    const auto sep = full.find(ns_separator);
    if (sep == std::string_view::npos) return stop(error::unknown_page);  // no namespace
    const auto page = find_page(full.substr(0, sep));
    if (!page) return stop(error::unknown_page);
    const auto t = find_tag(*page, full.substr(sep + 1));
    if (!t) return stop(error::unknown_token);
    if (++elements_ > lim_.max_elements) return stop(error::too_many_elements);
    if (stack_.size() + 1 > lim_.max_depth) return stop(error::depth_exceeded);

    content_encoding encoding = content_encoding::text;
    for (std::size_t i = 0; atts[i] != nullptr; i += 2) {
      const std::string_view name(atts[i]);
      const std::string_view value(atts[i + 1]);
      if (name == "opaque" && value == "base64") {
        encoding = content_encoding::opaque_base64;
      } else if (name == "encoding" && value == "base64") {
        encoding = content_encoding::text_base64;
      } else {
        return stop(error::bad_xml);
      }
    }

    element* node = nullptr;
    if (stack_.empty()) {
      root_ = element(*t);
      node = &root_;
    } else {
      xml_frame& parent = stack_.back();
      if (!all_space(parent.text)) return stop(error::mixed_content);
      if (parent.encoding != content_encoding::text) return stop(error::bad_xml);
      parent.text.clear();
      parent.has_children = true;
      node = &parent.node->children().emplace_back(*t);
    }
    stack_.push_back(xml_frame{node, {}, encoding});
  }

  void text(const XML_Char* s, int len) {
    if (error_ != error{}) return;
    if (stack_.empty()) return;  // expat reports no character data outside the root
    xml_frame& top = stack_.back();
    const auto n = static_cast<std::size_t>(len);
    if (n > lim_.max_decoded_bytes - decoded_) return stop(error::too_large);
    decoded_ += n;
    top.text.append(s, n);
  }

  void end() {
    if (error_ != error{}) return;
    xml_frame& top = stack_.back();
    if (top.has_children) {
      if (!all_space(top.text)) return stop(error::mixed_content);
    } else if (!top.text.empty()) {
      if (top.encoding == content_encoding::text) {
        top.node->set_text(std::move(top.text));
      } else {
        // Decoded output is shorter than its text, which max_xml_bytes already bounds.
        auto bytes = decode_base64(top.text, top.text.size(), {.allow_whitespace = true});
        if (!bytes) return stop(error::bad_xml);
        if (top.encoding == content_encoding::opaque_base64) {
          if (bytes->size() > lim_.max_opaque_bytes) return stop(error::opaque_too_large);
          if (!bytes->empty()) top.node->set_opaque(std::move(*bytes));
        } else {
          if (!bytes->empty()) top.node->set_text(std::move(*bytes));
        }
      }
    }
    stack_.pop_back();
  }

  XML_Parser parser_;
  const limits& lim_;
  element root_;
  std::vector<xml_frame> stack_;
  std::size_t elements_ = 0;
  std::size_t decoded_ = 0;
  error error_{};
};

struct parser_deleter {
  void operator()(XML_Parser p) const noexcept { XML_ParserFree(p); }
};

}  // namespace

boost::system::result<element> from_xml(std::string_view xml, const limits& lim) {
  if (xml.size() > lim.max_xml_bytes || xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return make_error_code(error::too_large);
  }
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, parser_deleter> parser(
      XML_ParserCreateNS("UTF-8", ns_separator));
  if (!parser) throw std::bad_alloc();
  xml_builder builder(parser.get(), lim);
  XML_SetUserData(parser.get(), &builder);
  XML_SetElementHandler(parser.get(), &xml_builder::on_start, &xml_builder::on_end);
  XML_SetCharacterDataHandler(parser.get(), &xml_builder::on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), &xml_builder::on_doctype);
  XML_SetEntityDeclHandler(parser.get(), &xml_builder::on_entity_decl);
  XML_SetSkippedEntityHandler(parser.get(), &xml_builder::on_skipped_entity);
  XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  const auto status = XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE);
  if (builder.failure() != error{}) return make_error_code(builder.failure());
  if (status != XML_STATUS_OK) return make_error_code(error::bad_xml);
  return builder.take_root();
}

}  // namespace easd::wbxml
