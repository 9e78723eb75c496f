# Provision requests and DeviceInformation (decoded device WBXML), compiled on their own so the fuzzer does
# not need the whole protocol library.
if(NOT TARGET easd_provision_request_obj)
  add_library(easd_provision_request_obj OBJECT
    ${PROJECT_SOURCE_DIR}/eas/protocol/commands/provision_request.cpp
    ${PROJECT_SOURCE_DIR}/eas/protocol/commands/device_information.cpp)
  target_include_directories(easd_provision_request_obj PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(easd_provision_request_obj PUBLIC easd_core easd_wbxml easd_state easd_backend_api
    easd_provisioning PRIVATE easd_warnings)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(easd_provision_request_obj PRIVATE -fno-sanitize=function)
  endif()
endif()
easd_fuzzer(provision_request SOURCE provision_request_fuzz.cpp LIBS easd_provision_request_obj)
