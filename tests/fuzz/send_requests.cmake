# SendMail, SmartReply and SmartForward requests, both forms, through the real dispatcher and the whole
# send flow (parse, compose with the original, prepare, ledger) against a fake store and submitter.
easd_fuzzer(send_requests SOURCE send_requests_fuzz.cpp LIBS easd_protocol easd_backend_fake easd_state)
