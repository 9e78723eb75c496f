// The original of a SmartReply/SmartForward as the composer needs it (eas/protocol/compose/compose_input.hpp):
// read from the mail store with the same MIME layout the Email converter shows the device, so the text
// quoted and the attachments carried are the ones the phone saw listed.
#pragma once

#include "backend/api/mail_store.hpp"
#include "eas/core/result.hpp"
#include "eas/protocol/compose/compose_input.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace easd::protocol::convert {

struct original_limits {
  std::size_t max_text = 4u << 20;       // per text body (UTF-8); longer text is quoted cut
  std::size_t max_attachments = 100;     // more: backend::mail_error::too_large
  std::size_t max_total = 32u << 20;     // attachment bytes together; more: backend::mail_error::too_large
};

// The message `uid` of `folder_id`: its addresses, date, subject, ids, text bodies and — when
// `with_attachments` — every attachment's decoded bytes. mail_error::not_found when it is gone (or
// \Deleted); too_large as above; transport errors as the store reports them.
boost::asio::awaitable<result<compose::original_message>> load_original(backend::mail_store& store,
                                                                         const backend::account& acct,
                                                                         std::string folder_id, std::uint32_t uid,
                                                                         bool with_attachments,
                                                                         original_limits limits = {});

}  // namespace easd::protocol::convert
