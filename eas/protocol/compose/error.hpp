// Errors of the MIME code for sending (issue 6), as values (STYLE.md 7). The commands map them to EAS
// status in eas/protocol/status.cpp, one place ([MS-ASCMD] 2.2.3.177.2 common codes): malformed and
// bad_address → 107 InvalidMIME, no_recipients → 119, too_many_recipients → 115/120 (configuration),
// from_not_allowed → 120 MailSubmissionFailed, too_large and too_many_attachments → 122 / 120.
#pragma once

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace easd::compose {

enum class compose_error {
  malformed = 1,         // no header block, a line that is no field, a broken multipart or parameter
  too_large,             // the header block, a field, the message or the composed output beyond its bound
  too_many_fields,       // more header fields than allowed
  bad_address,           // an address list that is not RFC 5322 3.4, or an invalid addr-spec
  too_many_recipients,   // To + Cc + Bcc beyond the configured count
  no_recipients,         // nobody to send to
  from_not_allowed,      // From (or Sender) is not one of the user's addresses and the policy rejects
  too_many_attachments,  // the composed message would carry more parts than allowed
};

const boost::system::error_category& compose_category() noexcept;

inline boost::system::error_code make_error_code(compose_error e) noexcept {
  return {static_cast<int>(e), compose_category()};
}

}  // namespace easd::compose

template <>
struct boost::system::is_error_code_enum<easd::compose::compose_error> : std::true_type {};
