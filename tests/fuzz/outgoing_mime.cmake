# The phone's MIME message (SendMail, and the Mime of SmartReply/SmartForward): header parsing, the
# submission checks, and reading and composing the body parts (STYLE.md 16).
easd_fuzzer(outgoing_mime SOURCE outgoing_mime_fuzz.cpp LIBS easd_protocol)
