// Every Redis key and channel easd uses, spelled in one place (issue 4: "keys and channels spelled in one
// file"). User and device text is hostile: it is length-prefixed, never interpolated bare, so no user name
// can reach into another user's keys.
#pragma once

#include <string>
#include <string_view>

namespace easd::push::keys {

// "easd:u:<len>:<user>" — the channel a user's messages are published on.
std::string user_channel(std::string_view user);
// Keys for the bus's key/value store (hub-side names; redis_bus stores them as given).
std::string ping_parameters(std::string_view user, std::string_view device);
std::string ping_generation(std::string_view user, std::string_view device);

}  // namespace easd::push::keys
