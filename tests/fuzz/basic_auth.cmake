# Authorization: Basic parsing, the query-user rule and the credential cache round trip.
easd_fuzzer(basic_auth SOURCE basic_auth_fuzz.cpp LIBS easd_http)
