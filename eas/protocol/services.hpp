// The backend interfaces a command handler may use. Wired in eas/server/main.cpp; grows as commands land
// (mail_store, state_store, push hub, device registry…).
#pragma once

namespace easd::protocol {

struct services {};

}  // namespace easd::protocol
