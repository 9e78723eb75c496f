# SMTP server replies are hostile bytes: fuzz the bounded reply parser and the EHLO reading (STYLE.md 16).
easd_fuzzer(smtp_reply SOURCE smtp_reply_fuzz.cpp LIBS easd_backend_smtp)
