# Server data into the mail_store api's types (backend/imap/imap_convert.cpp): hostile bytes (STYLE.md 16).
easd_fuzzer(imap_store_convert SOURCE imap_store_convert_fuzz.cpp LIBS easd_backend_imap)
