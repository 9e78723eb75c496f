#include "backend/fake/fake_mail_submitter.hpp"

#include <utility>

namespace easd::backend {

void fake_mail_submitter::script(submit_outcome o, unsigned smtp_code) {
  submit_result r;
  r.outcome = o;
  r.smtp_code = smtp_code;
  r.detail = "scripted";
  script_.push_back(std::move(r));
}

boost::asio::awaitable<submit_result> fake_mail_submitter::submit(const submission& s) {
  attempts_.push_back(s);
  submit_result r;
  if (!script_.empty()) {
    r = std::move(script_.front());
    script_.pop_front();
  } else if (size_limit_ != 0 && s.message.size() > size_limit_) {
    // Like a real server with SIZE: too big is refused before anything is sent.
    r.outcome = submit_outcome::too_large;
    r.smtp_code = 552;
  } else {
    r.outcome = submit_outcome::sent;
    r.smtp_code = 250;
  }
  if (r.outcome == submit_outcome::sent) sent_.push_back(s);
  co_return r;
}

void fake_mail_submitter::clear() {
  script_.clear();
  attempts_.clear();
  sent_.clear();
}

}  // namespace easd::backend
