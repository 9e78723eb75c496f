# Cursor blobs come back from the state database, which a restore or a bit flip can change: fuzz the
# uid_set and mail_cursor parsers (STYLE.md 16).
easd_fuzzer(uid_set SOURCE uid_set_fuzz.cpp LIBS easd_state)
