# Sources of this area: target_sources(easd_protocol PRIVATE ...)
target_sources(easd_protocol PRIVATE
  commands/mail_changes.cpp
  commands/sync.cpp
  commands/sync_request.cpp
  commands/sync_collection.cpp
  commands/sync_client_changes.cpp
  commands/sync_response.cpp
)
# g++ 12 inlines coroutine ramps (run_blocking's among them) and then warns falsely that Asio's frame
# allocator does not match its operator delete; the same suppression as backend/imap/client.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_source_files_properties(
    commands/mail_changes.cpp commands/sync.cpp commands/sync_request.cpp commands/sync_collection.cpp
    commands/sync_client_changes.cpp commands/sync_response.cpp
    TARGET_DIRECTORY easd_protocol
    PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
endif()
