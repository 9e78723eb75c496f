// An in-memory backend::mail_submitter for hermetic tests of the sending commands: it records every
// submission and answers from a script (FIFO of results; once the script is empty, `sent`). Mirrors the
// real submitter's all-or-nothing contract: a scripted failure records nothing as delivered.
// Not thread-safe: one test thread (or one strand) drives it.
#pragma once

#include "backend/api/mail_submitter.hpp"

#include <cstddef>
#include <deque>
#include <vector>

namespace easd::backend {

class fake_mail_submitter final : public mail_submitter {
public:
  // Queues the result of the next submit() (then the one after, ...).
  void script(submit_result r) { script_.push_back(std::move(r)); }
  void script(submit_outcome o, unsigned smtp_code = 0);
  void set_size_limit(std::size_t bytes) noexcept { size_limit_ = bytes; }

  boost::asio::awaitable<submit_result> submit(const submission& s) override;
  std::size_t size_limit() const noexcept override { return size_limit_; }

  // Every submit() call in order, whatever its outcome; and those that were "sent".
  const std::vector<submission>& attempts() const noexcept { return attempts_; }
  const std::vector<submission>& sent() const noexcept { return sent_; }
  void clear();

private:
  std::deque<submit_result> script_;
  std::vector<submission> attempts_;
  std::vector<submission> sent_;
  std::size_t size_limit_ = 0;
};

}  // namespace easd::backend
