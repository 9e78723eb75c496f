# Sources of this area: target_sources(easd_protocol PRIVATE ...)
target_sources(easd_protocol PRIVATE
  convert/conversation.cpp
  convert/email_application_data.cpp
  convert/email_attachments.cpp
  convert/email_body.cpp
  convert/email_flags.cpp
  convert/email_layout.cpp
  convert/email_options.cpp
  convert/email_properties.cpp
  convert/original.cpp
  convert/provision_doc.cpp
)
# g++ 12 false positive on Asio's awaitable frame operator new/delete once coroutine ramps are inlined
# (GCC PR 109224); the same suppression as commands/sync.cmake and backend/imap.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_source_files_properties(
    convert/email_application_data.cpp convert/email_body.cpp convert/original.cpp
    TARGET_DIRECTORY easd_protocol
    PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
endif()
