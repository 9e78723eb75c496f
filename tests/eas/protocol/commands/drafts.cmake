# 16.x drafts in Sync (owner: drafts): Add / Change / Delete / email2:Send of drafts over backend/fake, and
# the draft MIME (compose/draft_mime).
easd_test(drafts_test
  SOURCES drafts_test.cpp
  LIBS easd_protocol easd_backend_fake easd_state)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(drafts_test PRIVATE -fno-sanitize=function)
endif()
