# Tests of the sending commands: SendMail, SmartReply, SmartForward (fake store and submitter, real ledger).
easd_test(send_test
  SOURCES send_test.cpp
  LIBS easd_protocol easd_backend_fake easd_state)
