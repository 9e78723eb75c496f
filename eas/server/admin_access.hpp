// Who may use the admin listener: a client network allow-list first, then, when configured, a shared
// secret. Pure decision, no I/O, so every branch is tested without sockets.
//
// The secret travels in Authorization as either
//  * Basic, any non-empty user name, the secret as password — what Dovecot's push_notification OX driver
//    sends from the userinfo of its url (ox:url=http://easd:SECRET@host:port/push/dovecot), or
//  * Bearer SECRET (RFC 6750) for other callers.
// The comparison takes the same time wherever the first difference is.
#pragma once

#include "eas/core/config.hpp"
#include "eas/http/client_address.hpp"

#include <boost/asio/ip/address.hpp>

#include <string>
#include <string_view>

namespace easd::server {

enum class admin_access {
  granted,
  forbidden,     // the client address is not in push_allow: 403
  unauthorized,  // a secret is configured and the request does not carry it: 401
};

struct admin_policy {
  http::trusted_proxies allow;  // client networks (the type is a plain CIDR set)
  std::string secret;           // "" : the allow-list alone decides

  // Throws config_error (naming the file and key) for a bad network, or when a network outside loopback is
  // allowed without a secret: anyone on it could then wake every phone of every user.
  static admin_policy from_config(const config& cfg);
};

admin_access check_admin_access(const admin_policy& policy, const boost::asio::ip::address& client,
                                std::string_view authorization);

}  // namespace easd::server
