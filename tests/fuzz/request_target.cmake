# Request target (both query forms), EAS header values and X-Forwarded-For: all device-controlled text.
easd_fuzzer(request_target SOURCE request_target_fuzz.cpp LIBS easd_http)
