// Shared set-up of the item command tests: the protocol fixture (fake mail store, temporary SQLite state
// store, blocking pool, real dispatcher and command table) with request helpers.
#pragma once

#include "tests/eas/protocol/commands/protocol_fixture.hpp"

#include <string>
#include <utility>

namespace easd::protocol::test {

class ItemsTest : public ProtocolFixture {
protected:
  reply run(request_context ctx, const wbxml::element& request) { return run_body(std::move(ctx), wbxml::encode_to_string(request)); }
  reply run_body(request_context ctx, std::string body) { return run_on(svc_, std::move(ctx), std::move(body)); }
  static reply run_on(services& svc, request_context ctx, std::string body) {
    return dispatch_on(svc, std::move(ctx), body);
  }
};

}  // namespace easd::protocol::test
