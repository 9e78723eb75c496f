# Sources of this area: target_sources(easd_protocol PRIVATE ...)
# Push (owner: ping): Ping, the waiting side shared with long-poll Sync, and change publishing.
target_sources(easd_protocol PRIVATE
  commands/ping.cpp
  commands/ping_request.cpp
  commands/push_wait.cpp
  commands/push_publish.cpp
)
# g++ 12 inlines coroutine ramps and then warns falsely that Asio's frame allocator does not match its
# operator delete (the same suppression as sync.cmake and backend/imap/client).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_source_files_properties(
    commands/ping.cpp commands/push_wait.cpp
    TARGET_DIRECTORY easd_protocol
    PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
endif()
