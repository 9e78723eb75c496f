// What travels on the push bus between change producers and held requests (Ping, long-poll Sync), within a
// node and between nodes. Small and self-describing so a node can drop what it does not understand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easd::push {

enum class message_kind : std::uint8_t {
  content = 1,     // items in `folder` changed ("" = any folder of the user: re-check them all)
  hierarchy = 2,   // the user's folder hierarchy changed (Ping answers Status 7 … a FolderSync is due)
  policy = 3,      // the device's (or every device's, device "") policy changed: wake so it meets the gate
  wipe = 4,        // a remote wipe is pending for `device`
  ping_claim = 5,  // `device` started a Ping with `generation`: older Pings of that device end at once
};

struct message {
  message_kind kind = message_kind::content;
  std::string user;     // the login, exactly as authenticated
  std::string folder;   // the state folder identity ("mail:<backend id>", later "cal:…"), "" = all
  std::string device;   // content/hierarchy: the device whose own request made the change (not woken);
                        // "" = none
                        // policy/wipe/ping_claim: the device addressed ("" = every device of the user)
  std::uint64_t generation = 0;  // ping_claim only
};

// The wire form on Redis: versioned, length-prefixed fields; decode() rejects anything malformed or
// oversized (fields over 1 KiB) — it is outside input once it has crossed the network. decode() also
// rejects an unknown version or kind, trailing bytes and an empty user (nobody to route it to).
std::string encode(const message& m);
std::optional<message> decode(std::string_view wire);

}  // namespace easd::push
