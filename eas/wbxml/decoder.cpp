// Iterative, bounded WBXML decoder for the EAS subset ([MS-ASWBXML] 2.1.3, WAP-192 WBXML 1.3 §5).
//
// One pass over the input with an explicit stack of open elements: no recursion, so a hostile nesting
// depth costs a bounded vector, never the call stack. Every length is checked against the remaining input
// and the limits before anything is allocated or copied.
#include "eas/wbxml/codec.hpp"

#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/tokens.hpp"

#include <cstring>
#include <string>
#include <utility>

namespace easd::wbxml {
namespace {

// Global tokens EAS does not use: ENTITY, LITERAL, EXT_I_*, PI, LITERAL_C, EXT_T_*, STR_T, LITERAL_A,
// EXT_*, LITERAL_AC ([MS-ASWBXML] 2.1.3 lists the features used).
constexpr bool is_forbidden_global(std::uint8_t b) noexcept {
  switch (b) {
    case 0x02: case 0x04:
    case 0x40: case 0x41: case 0x42: case 0x43: case 0x44:
    case 0x80: case 0x81: case 0x82: case 0x83: case 0x84:
    case 0xC0: case 0xC1: case 0xC2: case 0xC4:
      return true;
    default:
      return false;
  }
}

struct frame {
  element* node;
  std::string content;
  bool has_children = false;
  bool any_opaque = false;
};

class decoder {
public:
  decoder(const std::uint8_t* data, std::size_t size, const limits& lim) noexcept
      : data_(data), size_(size), lim_(lim) {}

  boost::system::result<element> run() {
    if (auto e = header(); failed(e)) return make_error_code(e);
    if (auto e = body(); failed(e)) return make_error_code(e);
    return std::move(root_);
  }

  std::size_t error_offset() const noexcept { return error_at_; }

private:
  static constexpr bool failed(error e) noexcept { return e != error{}; }

  // mb_u_int32 (WAP-192 §5.1): big-endian 7-bit groups, high bit = more follow. At most 5 bytes, and
  // the value must fit in 32 bits.
  error read_mb(std::uint32_t& value, std::size_t& length) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 5; ++i) {
      if (pos_ >= size_) return mark(error::truncated);
      const std::uint8_t b = data_[pos_++];
      v = (v << 7) | (b & 0x7F);
      if ((b & 0x80) == 0) {
        if (v > 0xFFFFFFFFu) return mark(error::bad_integer);
        value = static_cast<std::uint32_t>(v);
        length = i + 1;
        return error{};
      }
    }
    return mark(error::bad_integer);
  }

  error mark(error e) noexcept {
    error_at_ = pos_;
    return e;
  }
  error mark_at(error e, std::size_t at) noexcept {
    error_at_ = at;
    return e;
  }

  // Exactly 03 01 6A 00. The string-table length is checked before a single table byte is read, so a
  // large table costs nothing (libwbxml expands them; wbxml.md §7).
  error header() noexcept {
    if (size_ == 0) return mark(error::truncated);
    if (data_[0] != detail::header_version) return mark_at(error::bad_header, 0);
    pos_ = 1;
    std::uint32_t v = 0;
    std::size_t len = 0;
    std::size_t at = pos_;
    if (auto e = read_mb(v, len); failed(e)) return e;
    if (v != detail::header_public_id || len != 1) return mark_at(error::bad_header, at);
    at = pos_;
    if (auto e = read_mb(v, len); failed(e)) return e;
    if (v != detail::header_charset || len != 1) return mark_at(error::bad_header, at);
    at = pos_;
    if (auto e = read_mb(v, len); failed(e)) return e;
    if (v != detail::header_string_table_length) return mark_at(error::string_table, at);
    if (len != 1) return mark_at(error::bad_header, at);
    return error{};
  }

  error body() {
    std::uint8_t page = 0;
    bool have_root = false;
    while (pos_ < size_) {
      const std::size_t at = pos_;
      const std::uint8_t b = data_[pos_];
      if (b == detail::tok_switch_page) {
        if (have_root && stack_.empty()) return mark(error::unbalanced);
        if (pos_ + 1 >= size_) return mark(error::truncated);
        const std::uint8_t p = data_[pos_ + 1];
        if (p >= page_count) return mark_at(error::unknown_page, at + 1);
        page = p;
        pos_ += 2;
      } else if (b == detail::tok_end) {
        if (stack_.empty()) return mark(error::unbalanced);
        close_top();
        ++pos_;
      } else if (b == detail::tok_str_i) {
        if (stack_.empty()) return mark(error::unbalanced);
        const std::size_t start = pos_ + 1;
        const void* nul = start < size_ ? std::memchr(data_ + start, 0, size_ - start) : nullptr;
        if (nul == nullptr) return mark(error::truncated);
        const std::size_t len = static_cast<const std::uint8_t*>(nul) - (data_ + start);
        if (auto e = add_content(start, len, false, at); failed(e)) return e;
        pos_ = start + len + 1;
      } else if (b == detail::tok_opaque) {
        if (stack_.empty()) return mark(error::unbalanced);
        ++pos_;
        std::uint32_t len = 0;
        std::size_t len_bytes = 0;
        if (auto e = read_mb(len, len_bytes); failed(e)) return e;
        if (len > lim_.max_opaque_bytes) return mark_at(error::opaque_too_large, at);
        if (len > size_ - pos_) return mark_at(error::truncated, at);
        if (auto e = add_content(pos_, len, true, at); failed(e)) return e;
        pos_ += len;
      } else if (is_forbidden_global(b) || (b & detail::bit_attributes) != 0) {
        return mark(error::forbidden_token);
      } else {
        const tag t{page, static_cast<std::uint8_t>(b & 0x3F)};
        if (!is_known(t)) return mark(error::unknown_token);
        if (have_root && stack_.empty()) return mark(error::unbalanced);
        if (++elements_ > lim_.max_elements) return mark(error::too_many_elements);
        if (stack_.size() + 1 > lim_.max_depth) return mark(error::depth_exceeded);
        element* node = nullptr;
        if (!have_root) {
          root_ = element(t);
          node = &root_;
          have_root = true;
        } else {
          frame& parent = stack_.back();
          if (!parent.content.empty()) return mark(error::mixed_content);
          parent.has_children = true;
          node = &parent.node->children().emplace_back(t);
        }
        if ((b & detail::bit_content) != 0) stack_.push_back(frame{node, {}});
        ++pos_;
      }
    }
    if (!stack_.empty()) return mark(error::truncated);
    if (!have_root) return mark(error::empty_document);
    return error{};
  }

  error add_content(std::size_t start, std::size_t len, bool opaque, std::size_t at) {
    frame& top = stack_.back();
    if (len == 0) return error{};
    if (top.has_children) return mark_at(error::mixed_content, at);
    if (len > lim_.max_decoded_bytes - decoded_) return mark_at(error::too_large, at);
    decoded_ += len;
    top.content.append(reinterpret_cast<const char*>(data_ + start), len);
    top.any_opaque = top.any_opaque || opaque;
    return error{};
  }

  // Stores the content of the innermost element in the canonical form described in codec.hpp.
  void close_top() {
    frame& top = stack_.back();
    if (!top.content.empty()) {
      const bool keep_opaque = is_opaque_element(top.node->id())
                                   ? top.any_opaque
                                   : top.content.find('\0') != std::string::npos;
      if (keep_opaque) {
        top.node->set_opaque(std::move(top.content));
      } else {
        top.node->set_text(std::move(top.content));
      }
    }
    stack_.pop_back();
  }

  const std::uint8_t* data_;
  std::size_t size_;
  const limits& lim_;
  std::size_t pos_ = 0;
  std::size_t error_at_ = 0;
  std::size_t elements_ = 0;
  std::size_t decoded_ = 0;
  element root_;
  std::vector<frame> stack_;
};

}  // namespace

boost::system::result<element> decode(std::span<const std::uint8_t> bytes, const limits& lim,
                                      std::size_t& error_offset) {
  decoder d(bytes.data(), bytes.size(), lim);
  auto r = d.run();
  if (!r) error_offset = d.error_offset();
  return r;
}

boost::system::result<element> decode(std::span<const std::uint8_t> bytes, const limits& lim) {
  std::size_t ignored = 0;
  return decode(bytes, lim, ignored);
}

boost::system::result<element> decode(std::string_view bytes, const limits& lim) {
  return decode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), lim);
}

}  // namespace easd::wbxml
