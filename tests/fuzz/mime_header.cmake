# Header field values come from any sender through the IMAP server: RFC 2047 words, RFC 2231 values
# and Date headers (STYLE.md 16).
easd_fuzzer(mime_header SOURCE mime_header_fuzz.cpp LIBS easd_core)
