// What one command brought back: its tagged completion and every untagged response that arrived while it
// ran (RFC 9051 §2.2.2: untagged data may concern this command or be unsolicited, e.g. EXISTS, FETCH
// flag changes, VANISHED). Typed views (select.hpp, list.hpp, fetch.hpp, ...) are built from this.
#pragma once

#include "backend/imap/client/response.hpp"

#include <vector>

namespace easd::backend::imap {

struct command_result {
  response completion;             // the tagged OK/NO/BAD
  std::vector<response> untagged;  // in arrival order; status responses included (OK [UIDNEXT n] ...)

  bool ok() const noexcept { return completion.status == status::ok; }
};

}  // namespace easd::backend::imap
