// What every connection of the public listener shares. Built once in main.cpp; outlives all connections.
#pragma once

#include "eas/core/config.hpp"
#include "eas/http/authenticator.hpp"
#include "eas/http/client_address.hpp"
#include "eas/protocol/dispatcher.hpp"
#include "eas/server/autodiscover.hpp"
#include "eas/server/connection_registry.hpp"
#include "eas/server/tls_context.hpp"

#include <string>

namespace easd::server {

struct server_context {
  const easd::config& cfg;
  const protocol::dispatcher& dispatcher;
  http::authenticator& authenticator;
  const http::trusted_proxies& proxies;
  autodiscover_settings autodiscover;
  tls_context* tls = nullptr;  // null: plain HTTP behind a TLS-terminating proxy
  connection_registry& connections;
  // Precomputed OPTIONS headers ([MS-ASHTTP] 2.2.4).
  std::string protocol_versions;  // "12.1,14.0,14.1,16.0,16.1"
  std::string protocol_commands;
  std::string server_version;  // MS-Server-ActiveSync
};

}  // namespace easd::server
