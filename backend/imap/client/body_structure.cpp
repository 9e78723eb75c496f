#include "backend/imap/client/body_structure.hpp"

#include "backend/imap/client/error.hpp"
#include "backend/imap/client/values.hpp"
#include "eas/core/ascii.hpp"

namespace easd::backend::imap {
namespace {

using detail::children;

struct walker {
  const std::vector<value>& v;
  body_limits limits;
  std::size_t parts = 0;

  bool is_list(std::size_t i) const { return i < v.size() && v[i].kind == value_kind::list; }
  bool is_nil(std::size_t i) const { return i < v.size() && v[i].kind == value_kind::nil; }

  // body-fld-param: NIL or (name value name value ...)
  result<std::vector<body_param>> params(std::size_t i) {
    std::vector<body_param> out;
    if (is_nil(i)) return out;
    if (!is_list(i)) return error::protocol_error;
    auto c = children(v, i);
    if (c.size() % 2 != 0) return error::protocol_error;
    for (std::size_t k = 0; k < c.size(); k += 2) {
      auto n = detail::astring(v, c[k]);
      auto val = detail::astring(v, c[k + 1]);
      if (!n || !val) return error::protocol_error;
      out.push_back({std::string(*n), std::string(*val)});
    }
    return out;
  }

  // The optional extension fields that follow: [md5] dsp lang loc (md5 only for single parts).
  result<void> extensions(body_part& p, const std::vector<std::size_t>& c, std::size_t k, bool with_md5) {
    bool ok = false;
    if (with_md5 && k < c.size()) {
      p.md5 = detail::nstring(v, c[k++], ok);
      if (!ok) return error::protocol_error;
    }
    if (k < c.size()) {
      std::size_t d = c[k++];
      if (is_list(d)) {
        auto dc = children(v, d);
        if (dc.size() != 2) return error::protocol_error;
        auto t = detail::astring(v, dc[0]);
        if (!t) return error::protocol_error;
        p.disposition = std::string(*t);
        auto dp = params(dc[1]);
        if (!dp) return dp.error();
        p.disposition_params = std::move(*dp);
      } else if (!is_nil(d)) {
        return error::protocol_error;
      }
    }
    if (k < c.size()) {
      std::size_t l = c[k++];
      if (is_list(l)) {
        for (auto x : children(v, l)) {
          auto s = detail::astring(v, x);
          if (!s) return error::protocol_error;
          p.language.emplace_back(*s);
        }
      } else if (auto s = detail::astring(v, l)) {
        p.language.emplace_back(*s);
      } else if (!is_nil(l)) {
        return error::protocol_error;
      }
    }
    if (k < c.size()) {
      p.location = detail::nstring(v, c[k++], ok);
      if (!ok) return error::protocol_error;
    }
    return {};  // later extensions (body-extension) are skipped
  }

  result<body_part> part(std::size_t i, std::size_t depth, std::string number) {
    if (depth > limits.max_depth) return error::nesting_too_deep;
    if (++parts > limits.max_parts) return error::too_many_values;
    if (!is_list(i)) return error::protocol_error;
    auto c = children(v, i);
    if (c.empty()) return error::protocol_error;
    body_part p;
    p.part = number;
    if (is_list(c[0])) {
      p.type = "MULTIPART";
      std::size_t k = 0;
      std::size_t n = 0;
      while (k < c.size() && is_list(c[k])) {
        ++n;
        std::string child = number.empty() ? std::to_string(n) : number + "." + std::to_string(n);
        auto sub = part(c[k], depth + 1, std::move(child));
        if (!sub) return sub.error();
        p.children.push_back(std::move(*sub));
        ++k;
      }
      auto st = detail::astring(v, k < c.size() ? c[k] : v.size());
      if (!st) return error::protocol_error;
      p.subtype = std::string(*st);
      ++k;
      if (k < c.size()) {
        auto pr = params(c[k++]);
        if (!pr) return pr.error();
        p.params = std::move(*pr);
      }
      auto e = extensions(p, c, k, false);
      if (!e) return e.error();
      return p;
    }

    if (c.size() < 7) return error::protocol_error;
    auto t = detail::astring(v, c[0]);
    auto st = detail::astring(v, c[1]);
    if (!t || !st) return error::protocol_error;
    p.type = std::string(*t);
    p.subtype = std::string(*st);
    auto pr = params(c[2]);
    if (!pr) return pr.error();
    p.params = std::move(*pr);
    bool ok = false;
    p.id = detail::nstring(v, c[3], ok);
    if (!ok) return error::protocol_error;
    p.description = detail::nstring(v, c[4], ok);
    if (!ok) return error::protocol_error;
    auto enc = detail::nstring(v, c[5], ok);
    if (!ok) return error::protocol_error;
    p.encoding = enc.value_or("");
    auto size = detail::number(v, c[6]);
    if (!size) return error::protocol_error;
    p.size = *size;
    std::size_t k = 7;
    if (p.is("MESSAGE", "RFC822") || p.is("MESSAGE", "GLOBAL")) {
      if (c.size() < 10) return error::protocol_error;
      auto env = parse_envelope(v, c[7]);
      if (!env) return env.error();
      p.message_envelope = std::move(*env);
      bool inner_multi = is_list(c[8]) && !children(v, c[8]).empty() && is_list(children(v, c[8])[0]);
      std::string inner = inner_multi ? number : number + ".1";
      auto sub = part(c[8], depth + 1, std::move(inner));
      if (!sub) return sub.error();
      p.children.push_back(std::move(*sub));
      auto lines = detail::number(v, c[9]);
      if (!lines) return error::protocol_error;
      p.lines = *lines;
      k = 10;
    } else if (iequals_ascii(p.type, "TEXT")) {
      if (c.size() < 8) return error::protocol_error;
      auto lines = detail::number(v, c[7]);
      if (!lines) return error::protocol_error;
      p.lines = *lines;
      k = 8;
    }
    auto e = extensions(p, c, k, true);
    if (!e) return e.error();
    return p;
  }
};

}  // namespace

bool body_part::multipart() const noexcept { return iequals_ascii(type, "MULTIPART"); }

bool body_part::is(std::string_view t, std::string_view st) const noexcept {
  return iequals_ascii(type, t) && iequals_ascii(subtype, st);
}

const std::string* body_part::param(std::string_view name) const noexcept {
  for (const auto& p : params) {
    if (iequals_ascii(p.name, name)) return &p.value;
  }
  return nullptr;
}

result<body_part> parse_body_structure(const std::vector<value>& v, std::size_t i, body_limits limits) {
  walker w{v, limits};
  bool multi = i < v.size() && v[i].kind == value_kind::list && i + 1 < v.size() && i + 1 < v[i].end &&
               v[i + 1].kind == value_kind::list;
  return w.part(i, 0, multi ? std::string() : std::string("1"));
}

}  // namespace easd::backend::imap
