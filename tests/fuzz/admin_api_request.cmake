# The admin API's request parsing (query strings, JSON bodies) and its JSON writer for hostile device
# strings.
easd_fuzzer(admin_api_request SOURCE admin_api_request_fuzz.cpp LIBS easd_admin_json)
