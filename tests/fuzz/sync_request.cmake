# Sync requests (decoded device WBXML) and the Sync blobs read back from the state database.
easd_fuzzer(sync_request SOURCE sync_request_fuzz.cpp LIBS easd_protocol)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(fuzz_regression_sync_request PRIVATE -fno-sanitize=function)
endif()
