# bilateral_sdk_library(NAME EXPORT_NAME SOURCES ...
#   [PUBLIC_INCLUDE ...] [PRIVATE_INCLUDE ...] [PUBLIC_LINK ...]
#   [PRIVATE_LINK ...] [SDK_LINK ...] [WARNINGS])
#
# A library of the installed C++ SDK, in both forms from one compilation
# (position-independent objects, NAME_objects):
#   NAME         static, exported as bilateral::EXPORT_NAME_static; what the
#                server, bilateralctl and the tests link
#   NAME_shared  shared, libNAME.so.SOVERSION, exported as
#                bilateral::EXPORT_NAME, the default for applications
# SDK_LINK names other such libraries (their NAME): the static form links
# their static form, the shared form their shared form. Both forms are
# installed in the export set bilateralTargets (COMPONENT sdk). WARNINGS
# applies the project's warnings (bilateral_warnings); generated code goes
# without.
function(bilateral_sdk_library name export_name)
  cmake_parse_arguments(PARSE_ARGV 2 arg "WARNINGS" ""
    "SOURCES;PUBLIC_INCLUDE;PRIVATE_INCLUDE;PUBLIC_LINK;PRIVATE_LINK;SDK_LINK")
  add_library(${name}_objects OBJECT ${arg_SOURCES})
  set_target_properties(${name}_objects PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${name}_objects PUBLIC ${arg_PUBLIC_INCLUDE} PRIVATE ${arg_PRIVATE_INCLUDE})
  if(arg_WARNINGS)
    bilateral_warnings(${name}_objects)
  endif()
  target_link_libraries(${name}_objects PUBLIC ${arg_SDK_LINK} ${arg_PUBLIC_LINK}
                        PRIVATE ${arg_PRIVATE_LINK})

  add_library(${name} STATIC $<TARGET_OBJECTS:${name}_objects>)
  add_library(${name}_shared SHARED $<TARGET_OBJECTS:${name}_objects>)
  set(shared_sdk_link)
  foreach(sdk ${arg_SDK_LINK})
    list(APPEND shared_sdk_link ${sdk}_shared)
  endforeach()
  target_link_libraries(${name} PUBLIC ${arg_SDK_LINK} ${arg_PUBLIC_LINK} PRIVATE ${arg_PRIVATE_LINK})
  target_link_libraries(${name}_shared PUBLIC ${shared_sdk_link} ${arg_PUBLIC_LINK}
                        PRIVATE ${arg_PRIVATE_LINK})
  foreach(target ${name} ${name}_shared)
    target_include_directories(${target} PUBLIC ${arg_PUBLIC_INCLUDE})
  endforeach()
  # 0.x releases may break the ABI in a minor release; from 1.0 on, only a
  # major release does.
  if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(soversion ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
  else()
    set(soversion ${PROJECT_VERSION_MAJOR})
  endif()
  set_target_properties(${name}_shared PROPERTIES
    OUTPUT_NAME ${name} VERSION ${PROJECT_VERSION} SOVERSION ${soversion}
    EXPORT_NAME ${export_name})
  set_target_properties(${name} PROPERTIES EXPORT_NAME ${export_name}_static)
  add_library(bilateral::${export_name} ALIAS ${name}_shared)
  add_library(bilateral::${export_name}_static ALIAS ${name})

  install(TARGETS ${name} ${name}_shared EXPORT bilateralTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk NAMELINK_COMPONENT sdk)
endfunction()
