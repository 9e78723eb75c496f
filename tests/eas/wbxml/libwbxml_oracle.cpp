#include "tests/eas/wbxml/libwbxml_oracle.hpp"

#include "tests/eas/wbxml/libwbxml_abi.hpp"

#include "eas/wbxml/code_pages.hpp"

#include <cstring>
#include <memory>

namespace easd::wbxml::test {
namespace {

struct name_row {
  std::uint8_t page;
  std::uint8_t token;
  const char* libwbxml_name;
};
constexpr name_row libwbxml_names[] = {
#include "tests/eas/wbxml/libwbxml_names.inc"
};

struct decode_context {
  element root;
  std::vector<element*> stack;
  std::vector<std::string> text;  // content collected per open element
  bool have_root = false;
  bool failed = false;
};

void on_start(void* ctx, WBXMLTag* t, WBXMLAttribute**, WB_BOOL) {
  auto& c = *static_cast<decode_context*>(ctx);
  tag id = libwbxml_unknown;
  if (t != nullptr && t->type == WBXML_VALUE_TOKEN && t->u.token != nullptr) {
    id = tag{t->u.token->wbxmlCodePage, t->u.token->wbxmlToken};
  }
  element* node = nullptr;
  if (c.stack.empty()) {
    if (c.have_root) {
      c.failed = true;
      return;
    }
    c.root = element(id);
    c.have_root = true;
    node = &c.root;
  } else {
    node = &c.stack.back()->children().emplace_back(id);
  }
  c.stack.push_back(node);
  c.text.emplace_back();
}

void on_end(void* ctx, WBXMLTag*, WB_BOOL) {
  auto& c = *static_cast<decode_context*>(ctx);
  if (c.stack.empty()) {
    c.failed = true;
    return;
  }
  if (!c.text.back().empty()) c.stack.back()->set_text(std::move(c.text.back()));
  c.text.pop_back();
  c.stack.pop_back();
}

void on_characters(void* ctx, WB_UTINY* ch, WB_ULONG start, WB_ULONG length) {
  auto& c = *static_cast<decode_context*>(ctx);
  if (c.text.empty()) return;
  c.text.back().append(reinterpret_cast<const char*>(ch) + start, length);
}

struct tree_deleter {
  void operator()(WBXMLTree* t) const noexcept { wbxml_tree_destroy(t); }
};

bool build(WBXMLTree* tree, WBXMLTreeNode* parent, const element& e, std::string& why) {
  const WBXMLTagEntry* entry = libwbxml_entry(e.id());
  if (entry == nullptr) {
    why = "libwbxml 0.11.8 lacks " + e.qualified_name();
    return false;
  }
  WBXMLTag* t = wbxml_tag_create_token(entry);
  WBXMLTreeNode* node = wbxml_tree_add_elt(tree, parent, t);
  wbxml_tag_destroy(t);
  if (node == nullptr) {
    why = "wbxml_tree_add_elt failed";
    return false;
  }
  if (!e.text().empty()) {
    if ((entry->options & 0x1) == 0 && e.text().find('\0') != std::string::npos) {
      why = "NUL in text of " + e.qualified_name() + " (libwbxml would write it as STR_I)";
      return false;
    }
    if (wbxml_tree_add_text(tree, node, reinterpret_cast<const WB_UTINY*>(e.text().data()),
                            static_cast<WB_ULONG>(e.text().size())) == nullptr) {
      why = "wbxml_tree_add_text failed";
      return false;
    }
  }
  for (const auto& c : e.children()) {
    if (!build(tree, node, c, why)) return false;
  }
  return true;
}

void compare(const element& ours, const element& theirs, const std::string& path, int& gaps,
             std::string& diff) {
  if (!diff.empty()) return;
  const std::string here = path + "/" + ours.qualified_name();
  if (theirs.id() == libwbxml_unknown) {
    if (!libwbxml_lacks(ours.id())) {
      diff = here + ": libwbxml reports an unknown tag where the spec defines one";
      return;
    }
    ++gaps;
  } else if (ours.id() != theirs.id()) {
    diff = here + ": libwbxml has " + theirs.qualified_name();
    return;
  }
  if (ours.text() != theirs.text()) {
    diff = here + ": content differs ('" + ours.text() + "' vs '" + theirs.text() + "')";
    return;
  }
  if (ours.children().size() != theirs.children().size()) {
    diff = here + ": " + std::to_string(ours.children().size()) + " children vs " +
           std::to_string(theirs.children().size());
    return;
  }
  for (std::size_t i = 0; i < ours.children().size(); ++i) {
    compare(ours.children()[i], theirs.children()[i], here, gaps, diff);
  }
}

}  // namespace

const WBXMLTagEntry* libwbxml_entry(tag t) {
  for (const WBXMLTagEntry* e = sv_airsync_tag_table; e->xmlName != nullptr; ++e) {
    if (e->wbxmlCodePage == t.page && e->wbxmlToken == t.token) return e;
  }
  return nullptr;
}

bool libwbxml_lacks(tag t) {
  for (const auto& row : libwbxml_names) {
    if (row.page == t.page && row.token == t.token) return row.libwbxml_name == nullptr;
  }
  return false;
}

libwbxml_decoded libwbxml_decode(std::span<const std::uint8_t> bytes) {
  libwbxml_decoded out;
  decode_context ctx;
  WBXMLContentHandler handler{nullptr, nullptr, &on_start, &on_end, &on_characters, nullptr};
  std::unique_ptr<WBXMLParser, decltype(&wbxml_parser_destroy)> parser(wbxml_parser_create(),
                                                                       &wbxml_parser_destroy);
  wbxml_parser_set_content_handler(parser.get(), &handler);
  wbxml_parser_set_user_data(parser.get(), &ctx);
  wbxml_parser_set_language(parser.get(), WBXML_LANG_ACTIVESYNC);
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());  // the API takes a non-const pointer
  const WBXMLError err = wbxml_parser_parse(parser.get(), copy.data(), static_cast<WB_ULONG>(copy.size()));
  if (err != WBXML_OK) {
    out.error = reinterpret_cast<const char*>(wbxml_errors_string(err));
    return out;
  }
  if (ctx.failed || !ctx.have_root || !ctx.stack.empty()) {
    out.error = "unbalanced callbacks";
    return out;
  }
  out.tree = std::move(ctx.root);
  return out;
}

std::optional<std::vector<std::uint8_t>> libwbxml_encode(const element& root, std::string& why) {
  std::unique_ptr<WBXMLTree, tree_deleter> tree(wbxml_tree_create(WBXML_LANG_ACTIVESYNC, WBXML_CHARSET_UTF_8));
  if (!tree) {
    why = "wbxml_tree_create failed";
    return std::nullopt;
  }
  if (!build(tree.get(), nullptr, root, why)) return std::nullopt;
  WBXMLGenWBXMLParams params{};
  params.wbxml_version = WBXML_VERSION_13;
  params.keep_ignorable_ws = TRUE;
  params.use_strtbl = FALSE;
  params.produce_anonymous = TRUE;
  WB_UTINY* out = nullptr;
  WB_ULONG len = 0;
  const WBXMLError err = wbxml_tree_to_wbxml(tree.get(), &out, &len, &params);
  if (err != WBXML_OK) {
    why = reinterpret_cast<const char*>(wbxml_errors_string(err));
    return std::nullopt;
  }
  std::vector<std::uint8_t> bytes(out, out + len);
  wbxml_free(out);
  return bytes;
}

std::string compare_with_libwbxml(const element& ours, const element& theirs, int& known_gaps) {
  std::string diff;
  compare(ours, theirs, "", known_gaps, diff);
  return diff;
}

bool uses_tags_libwbxml_lacks(const element& root) {
  if (libwbxml_lacks(root.id())) return true;
  for (const auto& c : root.children()) {
    if (uses_tags_libwbxml_lacks(c)) return true;
  }
  return false;
}

}  // namespace easd::wbxml::test
