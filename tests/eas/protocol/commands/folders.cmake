# Folder hierarchy commands and mail collections (owner: folders), over backend/fake and a temp-file
# SQLite state store.
easd_test(folder_commands_test
  SOURCES folder_sync_test.cpp folder_commands_test.cpp mail_folders_test.cpp
  LIBS easd_protocol easd_backend_fake)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(folder_commands_test PRIVATE -fno-sanitize=function)
endif()
