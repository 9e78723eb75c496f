# Ping requests (decoded device WBXML) and the Ping parameters read back from the push bus's store. The
# parser is compiled on its own so the fuzzer does not need the whole protocol library.
if(NOT TARGET easd_ping_request_obj)
  add_library(easd_ping_request_obj OBJECT ${PROJECT_SOURCE_DIR}/eas/protocol/commands/ping_request.cpp)
  target_include_directories(easd_ping_request_obj PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(easd_ping_request_obj PUBLIC easd_core easd_wbxml easd_state easd_backend_api
    PRIVATE easd_warnings)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(easd_ping_request_obj PRIVATE -fno-sanitize=function)
  endif()
endif()
easd_fuzzer(ping_request SOURCE ping_request_fuzz.cpp LIBS easd_ping_request_obj)
