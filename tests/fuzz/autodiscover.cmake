# Autodiscover request parser and reply writer (eas/server/autodiscover.cpp). Until easd_server is a real
# library the source is compiled into an object library here; once it is, link easd_server instead.
if(NOT TARGET easd_autodiscover_obj)
  add_library(easd_autodiscover_obj OBJECT ${PROJECT_SOURCE_DIR}/eas/server/autodiscover.cpp)
  target_include_directories(easd_autodiscover_obj PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(easd_autodiscover_obj PUBLIC easd_core EXPAT::EXPAT PRIVATE easd_warnings)
endif()
easd_fuzzer(autodiscover SOURCE autodiscover_fuzz.cpp LIBS easd_autodiscover_obj EXPAT::EXPAT)
