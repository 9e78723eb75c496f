# Sources of this area: target_sources(easd_protocol PRIVATE ...)
# Provisioning (issue 5): the gate in front of every command, Provision, Settings.
target_sources(easd_protocol PRIVATE
  policy_source.cpp
  provisioning_gate.cpp
  commands/device_information.cpp
  commands/provision.cpp
  commands/provision_request.cpp
  commands/settings.cpp
)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_source_files_properties(
    provisioning_gate.cpp commands/provision.cpp commands/settings.cpp
    TARGET_DIRECTORY easd_protocol
    PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
endif()
