# Address lists come from the phone's To/Cc/Bcc/From and become SMTP RCPT TO arguments (STYLE.md 16).
easd_fuzzer(address_list SOURCE address_list_fuzz.cpp LIBS easd_protocol)
