# Item ServerIds and FileReferences (eas/protocol/commands/mail_folders.cpp) are device input. The source is
# compiled on its own here so the fuzzer does not need the whole protocol library.
if(NOT TARGET easd_mail_folders_obj)
  add_library(easd_mail_folders_obj OBJECT ${PROJECT_SOURCE_DIR}/eas/protocol/commands/mail_folders.cpp)
  target_include_directories(easd_mail_folders_obj PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(easd_mail_folders_obj PUBLIC easd_core easd_state easd_backend_api easd_wbxml PRIVATE easd_warnings)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(easd_mail_folders_obj PRIVATE -fno-sanitize=function)
  endif()
endif()
easd_fuzzer(folder_refs SOURCE folder_refs_fuzz.cpp LIBS easd_mail_folders_obj)
