// WBXML encoder for the EAS subset ([MS-ASWBXML] 2.1.3). Iterative like the decoder, so the depth of a
// tree never becomes call-stack depth.
#include "eas/wbxml/codec.hpp"

#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/tokens.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace easd::wbxml {
namespace {

template <class Out>
class encoder {
public:
  explicit encoder(Out& out) : out_(out) {}

  void run(const element& root) {
    // Thunderbird checks these four bytes literally.
    put(detail::header_version);
    put(detail::header_public_id);
    put(detail::header_charset);
    put(detail::header_string_table_length);
    struct open_element {
      const element* node;
      std::size_t next_child;
    };
    std::vector<open_element> stack;
    if (start(root)) stack.push_back({&root, 0});
    while (!stack.empty()) {
      auto& top = stack.back();
      if (top.next_child == top.node->children().size()) {
        put(detail::tok_end);
        stack.pop_back();
        continue;
      }
      const element& child = top.node->children()[top.next_child++];
      if (start(child)) stack.push_back({&child, 0});  // may invalidate `top`
    }
  }

private:
  // Writes the tag and any text/opaque content; returns true when children follow (END is due later).
  bool start(const element& e) {
    const tag t = e.id();
    const tag_info* info = find_info(t);
    if (info == nullptr) {
      throw std::invalid_argument("easd::wbxml::encode: tag not in the code-page table: " +
                                  e.qualified_name());
    }
    if (t.page != page_) {
      put(detail::tok_switch_page);
      put(t.page);
      page_ = t.page;
    }
    const std::string& content = e.text();
    const bool has_children = !e.children().empty();
    if (!has_children && content.empty()) {
      put(t.token);  // empty element: no content bit, no END
      return false;
    }
    put(static_cast<std::uint8_t>(t.token | detail::bit_content));
    if (has_children) {
      if (!content.empty()) {
        throw std::invalid_argument("easd::wbxml::encode: text and children in " + e.qualified_name());
      }
      return true;
    }
    const bool has_nul = std::memchr(content.data(), 0, content.size()) != nullptr;
    bool opaque = false;
    if (info->byte_array()) {
      opaque = e.is_opaque() || has_nul;
    } else if (has_nul) {
      // STR_I cannot carry NUL. Opaque bytes (only decoded input has them) keep OPAQUE; NUL in text a
      // handler built is a bug.
      if (!e.is_opaque()) {
        throw std::invalid_argument("easd::wbxml::encode: NUL byte in text of " + e.qualified_name());
      }
      opaque = true;
    }
    if (opaque) {
      put(detail::tok_opaque);
      put_mb(content.size());
      append(content);
    } else {
      put(detail::tok_str_i);
      append(content);
      put(0x00);
    }
    put(detail::tok_end);
    return false;
  }

  void put(std::uint8_t b) { out_.push_back(static_cast<typename Out::value_type>(b)); }

  void put_mb(std::size_t value) {
    if (value > 0xFFFFFFFFu) throw std::length_error("easd::wbxml::encode: opaque content over 4 GiB");
    std::uint8_t buf[5];
    std::size_t n = 0;
    auto v = static_cast<std::uint32_t>(value);
    do {
      buf[n++] = static_cast<std::uint8_t>(v & 0x7F);
      v >>= 7;
    } while (v != 0);
    while (n > 1) put(static_cast<std::uint8_t>(buf[--n] | 0x80));
    put(buf[0]);
  }

  void append(const std::string& s) {
    const auto* p = reinterpret_cast<const typename Out::value_type*>(s.data());
    out_.insert(out_.end(), p, p + s.size());
  }

  Out& out_;
  std::uint8_t page_ = 0;
};

// A first guess at the output size, so large documents are not copied by repeated growth.
std::size_t estimate_size(const element& root) {
  std::size_t total = 4;
  std::vector<const element*> stack{&root};
  while (!stack.empty()) {
    const element* e = stack.back();
    stack.pop_back();
    total += 3 + e->text().size();
    for (const auto& c : e->children()) stack.push_back(&c);
  }
  return total;
}

}  // namespace

std::vector<std::uint8_t> encode(const element& root) {
  std::vector<std::uint8_t> out;
  out.reserve(estimate_size(root));
  encoder<std::vector<std::uint8_t>>(out).run(root);
  return out;
}

std::string encode_to_string(const element& root) {
  std::string out;
  out.reserve(estimate_size(root));
  encoder<std::string>(out).run(root);
  return out;
}

}  // namespace easd::wbxml
