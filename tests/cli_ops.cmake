# tests/cli_ops.cmake - end-to-end tests of the store-operation subcommands
# of the dccd command (last, gaps, inventory, provenance, checkpoint,
# migrate, verify, demo), the man page and the bash completion.  Owns:
#   ops_helper      tests/cli/ops_helper.c: builds small stores and legacy v2
#                   files with the public API, dumps what the library loads
#   cli_ops_*       one CTest test per tests/cli/ops_*.sh script, run as
#                   bash SCRIPT DCCD OPS_HELPER WORKDIR SOURCE_DIR
# A script exits 77 (reported as skipped, with the reason on stdout) when the
# library function it exercises is still a placeholder ("not implemented
# yet") or a tool it needs (node) is missing.
# cli_ops_demo runs `dccd demo` once into a shared directory (a CTest
# fixture); the cli_ops_demo_* tests read that store.
add_executable(ops_helper ${CMAKE_CURRENT_SOURCE_DIR}/cli/ops_helper.c)
target_include_directories(ops_helper PRIVATE ${CMAKE_SOURCE_DIR}/include)
target_compile_options(ops_helper PRIVATE ${DCCD_WARN})
target_link_libraries(ops_helper PRIVATE dccd_static)

set(_ops_work ${CMAKE_CURRENT_BINARY_DIR}/cli-ops-work)
file(GLOB _ops_scripts CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/cli/ops_*.sh)
foreach(script ${_ops_scripts})
  get_filename_component(_name ${script} NAME_WE)
  string(REGEX REPLACE "^ops_" "" _name ${_name})
  if(_name STREQUAL "lib")
    continue()
  endif()
  add_test(NAME cli_ops_${_name}
    COMMAND bash ${script} $<TARGET_FILE:dccd> $<TARGET_FILE:ops_helper> ${_ops_work}/${_name}
            ${CMAKE_SOURCE_DIR})
  set_tests_properties(cli_ops_${_name} PROPERTIES
    SKIP_RETURN_CODE 77
    TIMEOUT 300
    LABELS cli
    ENVIRONMENT "DCCD_OPS_DEMO=${_ops_work}/demo-store")
  if(_name STREQUAL "demo")
    set_tests_properties(cli_ops_${_name} PROPERTIES FIXTURES_SETUP cli_ops_demo_store)
  elseif(_name MATCHES "^demo_")
    set_tests_properties(cli_ops_${_name} PROPERTIES FIXTURES_REQUIRED cli_ops_demo_store)
  endif()
endforeach()
