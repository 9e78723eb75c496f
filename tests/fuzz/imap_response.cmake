# IMAP server responses are hostile bytes: fuzz the incremental parser (STYLE.md 16).
easd_fuzzer(imap_response SOURCE imap_response_fuzz.cpp LIBS easd_backend_imap_client)
