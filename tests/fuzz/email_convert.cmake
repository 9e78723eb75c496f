# What a device or a sender controls in the Email converter (STYLE.md 16): Sync/ItemOperations Options
# and client Change ApplicationData (WBXML), the persisted options text, and header values and MIME
# structure of a message. Only the converter's parsing sources are linked, not all of easd_protocol.
set(email_convert_sources
  ${PROJECT_SOURCE_DIR}/eas/protocol/convert/conversation.cpp
  ${PROJECT_SOURCE_DIR}/eas/protocol/convert/email_flags.cpp
  ${PROJECT_SOURCE_DIR}/eas/protocol/convert/email_layout.cpp
  ${PROJECT_SOURCE_DIR}/eas/protocol/convert/email_options.cpp
  ${PROJECT_SOURCE_DIR}/eas/protocol/convert/email_properties.cpp)
easd_fuzzer(email_convert SOURCE email_convert_fuzz.cpp LIBS easd_core easd_wbxml easd_backend_api OpenSSL::Crypto)
foreach(t fuzz_regression_email_convert fuzz_email_convert)
  if(TARGET ${t})
    target_sources(${t} PRIVATE ${email_convert_sources})
  endif()
endforeach()
