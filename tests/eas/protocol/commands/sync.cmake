# Sync for the Email class (owner: sync), over backend/fake and a temp-file SQLite state store.
easd_test(sync_test
  SOURCES sync_test.cpp sync_convergence_test.cpp
  LIBS easd_protocol easd_backend_fake easd_state)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(sync_test PRIVATE -fno-sanitize=function)
endif()
