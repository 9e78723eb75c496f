# Ping and long-poll Sync (owner: ping), over backend/fake, a temp-file SQLite state store and the
# in-process push hub.
easd_test(ping_test
  SOURCES ping_test.cpp
  LIBS easd_protocol easd_backend_fake easd_state easd_push)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(ping_test PRIVATE -fno-sanitize=function)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(ping_test PRIVATE -Wno-mismatched-new-delete)
endif()
