# NOTIFY events and IDLE updates are hostile server bytes mapped to folder ids: fuzz the mapping of
# imap_mail_watch (backend/imap/imap_notify.hpp) on top of the response parser (STYLE.md 16).
easd_fuzzer(imap_notify SOURCE imap_notify_fuzz.cpp LIBS easd_backend_imap)
