# Sources of the sending commands (issue 6): target_sources(easd_protocol PRIVATE ...)
target_sources(easd_protocol PRIVATE
  commands/send_flow.cpp
  commands/send_mail.cpp
  commands/smart_reply.cpp
)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_source_files_properties(
    commands/send_flow.cpp commands/send_mail.cpp commands/smart_reply.cpp
    TARGET_DIRECTORY easd_protocol
    PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
endif()
