// Parses server text into responses for tests of the typed views (select, list, fetch, search).
#pragma once

#include "backend/imap/client/command_result.hpp"
#include "backend/imap/client/response_parser.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace easd::test {

inline std::vector<backend::imap::response> parse_responses(std::string_view text) {
  backend::imap::response_parser p;
  std::vector<backend::imap::response> out;
  while (!text.empty()) {
    auto n = p.feed(text);
    EXPECT_TRUE(n) << "unparsable test input";
    if (!n) break;
    text.remove_prefix(*n);
    if (p.ready()) out.push_back(p.take());
  }
  EXPECT_TRUE(p.idle()) << "incomplete test input";
  return out;
}

// The untagged responses of `text`, completed by its last (tagged) line.
inline backend::imap::command_result result_of(std::string_view text) {
  backend::imap::command_result r;
  auto all = parse_responses(text);
  for (auto& x : all) {
    if (x.kind == backend::imap::response_kind::tagged) {
      r.completion = std::move(x);
    } else {
      r.untagged.push_back(std::move(x));
    }
  }
  return r;
}

}  // namespace easd::test
