# 16.x drafts in Sync (issue 6 §6): target_sources(easd_protocol PRIVATE ...). Included by
# eas/protocol/CMakeLists.txt when present.
target_sources(easd_protocol PRIVATE
  commands/sync_drafts.cpp
  commands/sync_drafts_data.cpp
  compose/draft_mime.cpp
)
# g++ 12 inlines coroutine ramps and then warns falsely that Asio's frame allocator does not match its
# operator delete (the same suppression as sync.cmake).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_source_files_properties(
    commands/sync_drafts.cpp
    TARGET_DIRECTORY easd_protocol
    PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
endif()
