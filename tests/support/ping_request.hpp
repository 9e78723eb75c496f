// The Ping request a phone sends ([MS-ASCMD] 2.2.1.13), shared by the hermetic Ping tests and the
// end-to-end push tests. Header-only: both kinds of test include it without linking easd_test_support.
#pragma once

#include "eas/wbxml/element.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easd::test {

// <Ping><HeartbeatInterval/>?<Folders><Folder><Id/><Class/></Folder>*</Folders>?</Ping>; a part left out
// (nullopt, no folders) is not sent, so the server reuses the saved one.
inline wbxml::element ping_request(std::optional<unsigned> heartbeat, const std::vector<std::string>& folders,
                                   std::string_view klass = "Email") {
  auto root = wbxml::element::named("Ping:Ping");
  if (heartbeat) root.add("Ping:HeartbeatInterval", std::to_string(*heartbeat));
  if (!folders.empty()) {
    auto& fs = root.add("Ping:Folders");
    for (const auto& id : folders) {
      auto& f = fs.add("Ping:Folder");
      f.add("Ping:Id", id);
      f.add("Ping:Class", std::string(klass));
    }
  }
  return root;
}

}  // namespace easd::test
