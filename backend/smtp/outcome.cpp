#include "backend/smtp/outcome.hpp"

namespace easd::backend::smtp {

submit_result classify(stage s, const reply& r) {
  submit_result out;
  out.smtp_code = r.code;
  out.detail = r.summary();
  if (r.positive() && s == stage::message) {
    out.outcome = submit_outcome::sent;
  } else if (r.code == 530 || r.code == 534 || r.code == 535) {
    out.outcome = submit_outcome::auth_failed;
  } else if (r.code == 552) {
    out.outcome = s == stage::rcpt ? submit_outcome::temporary : submit_outcome::too_large;
  } else if (r.permanent()) {
    out.outcome = s == stage::rcpt ? submit_outcome::recipient_rejected : submit_outcome::rejected;
  } else {
    // 4xx, and a 2xx/3xx where the session needed something else (a server out of step): nothing sent.
    out.outcome = submit_outcome::temporary;
  }
  return out;
}

submit_result transport_failure(error_code ec) {
  submit_result out;
  out.outcome = submit_outcome::temporary;
  out.smtp_code = 0;
  out.detail = ec.message();
  return out;
}

}  // namespace easd::backend::smtp
