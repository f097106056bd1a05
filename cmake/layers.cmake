# evcsim_layer(NAME SOURCES ... [USES layer ...] [PRIVATE_LINKS target ...] [SIMGRID])
# One library per folder: evcsim_<NAME> from the folder's sources, linked to
# the layers it USES (and so, transitively, to theirs). Before anything of the
# folder compiles, cmake/check_layers.cmake reads its sources and fails the
# build on an #include "X/..." whose folder X is neither NAME nor a layer it
# uses (directly or through them), and on any SimGrid header outside the
# layer that says SIMGRID. An include that crosses a layer the wrong way is a
# build error, not a review comment.
function(evcsim_layer name)
  cmake_parse_arguments(L "SIMGRID" "" "SOURCES;USES;PRIVATE_LINKS" ${ARGN})
  set(allowed ${name})
  foreach(dep ${L_USES})
    get_property(dep_allowed GLOBAL PROPERTY EVCSIM_LAYER_${dep})
    if(NOT dep_allowed)
      message(FATAL_ERROR "layer ${name} uses ${dep}, which is not defined before it")
    endif()
    list(APPEND allowed ${dep_allowed})
  endforeach()
  list(REMOVE_DUPLICATES allowed)
  set_property(GLOBAL PROPERTY EVCSIM_LAYER_${name} ${allowed})

  add_library(evcsim_${name} STATIC ${L_SOURCES})
  target_include_directories(evcsim_${name} PUBLIC ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/gen)
  foreach(dep ${L_USES})
    target_link_libraries(evcsim_${name} PUBLIC evcsim_${dep})
  endforeach()
  if(L_PRIVATE_LINKS)
    target_link_libraries(evcsim_${name} PRIVATE ${L_PRIVATE_LINKS})
  endif()

  file(GLOB_RECURSE folder_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/layer_${name}.checked)
  set(simgrid OFF)
  if(L_SIMGRID)
    set(simgrid ON)
  endif()
  string(REPLACE ";" "," allowed_csv "${allowed}")
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DFOLDER=${CMAKE_CURRENT_SOURCE_DIR} -DROOT=${CMAKE_SOURCE_DIR} -DLAYER=${name}
            -DALLOWED=${allowed_csv} -DSIMGRID=${simgrid} -DSTAMP=${stamp}
            -P ${CMAKE_SOURCE_DIR}/cmake/check_layers.cmake
    DEPENDS ${folder_files} ${CMAKE_SOURCE_DIR}/cmake/check_layers.cmake
    COMMENT "layer ${name}: includes only from ${allowed_csv}")
  add_custom_target(evcsim_${name}_layer_check DEPENDS ${stamp})
  add_dependencies(evcsim_${name} evcsim_${name}_layer_check)
endfunction()
