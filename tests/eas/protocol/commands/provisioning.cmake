# Provisioning (owner: provisioning): Provision, Settings and the gate, over a temp-file SQLite state store
# that is also the device registry.
easd_test(provisioning_command_test
  SOURCES provision_test.cpp settings_test.cpp gate_decision_test.cpp
  LIBS easd_protocol easd_backend_fake easd_state easd_provisioning easd_test_support)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(provisioning_command_test PRIVATE -fno-sanitize=function)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(provisioning_command_test PRIVATE -Wno-mismatched-new-delete)
endif()
