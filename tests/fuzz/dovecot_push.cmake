# Dovecot push_notification JSON (admin listener): the parser's bounds, the push message it maps to, and
# the admin access decision over the same bytes as an Authorization header.
easd_fuzzer(dovecot_push SOURCE dovecot_push_fuzz.cpp LIBS easd_admin)
