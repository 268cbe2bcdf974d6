# tests/cli_io.cmake - tests of the data-moving subcommands of `dccd`
# (import, export, cat, inspect) and of the text importer.  Owns:
#   test_textin     the cmocka unit test of src/cli/textin.c, linked here
#                   with the CLI object library (it is not part of libdccd);
#   cli_io_*        end-to-end shell scripts tests/cli/io_*.sh, each run in
#                   its own temporary directory with the dccd binary path;
#   cli_io_cat_raw  tests/cli/io_cat_raw.sh: `cat --raw` on a file of every
#                   type written by pqtool (DCCD_PQTOOL) and on the corpus;
#   cli_io_peers    tests/cli/io_peers.sh: export's CSV and JSON lines read
#                   by polars and DuckDB (node, tests/interop/node_modules);
#                   exits 77 (skipped) when node or the peers are absent.
if(TARGET test_textin)
  target_link_libraries(test_textin PRIVATE dccd_cli_objs)
endif()

# pqtool (tests/extra.cmake, included after this file) writes test inputs
# of any type; same condition as there.
set(_cli_io_pqtool)
if(EXISTS ${CMAKE_SOURCE_DIR}/src/parquet/reader.c AND EXISTS ${CMAKE_SOURCE_DIR}/src/parquet/writer.c)
  set(_cli_io_pqtool $<TARGET_FILE:pqtool>)
endif()

file(GLOB DCCD_CLI_IO_SCRIPTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/cli/io_*.sh)
foreach(script ${DCCD_CLI_IO_SCRIPTS})
  get_filename_component(name ${script} NAME_WE)
  string(REPLACE "io_" "cli_io_" tname ${name})
  add_test(NAME ${tname}
    COMMAND sh ${script} $<TARGET_FILE:dccd> ${CMAKE_CURRENT_BINARY_DIR}/${tname}-work)
  set_tests_properties(${tname} PROPERTIES
    ENVIRONMENT "PARQUET_TEST_DATA=${DCCD_PQ_TESTING};DCCD_SOURCE_DIR=${CMAKE_SOURCE_DIR};DCCD_PQTOOL=${_cli_io_pqtool}"
    SKIP_RETURN_CODE 77
    TIMEOUT 300
    LABELS cli)
endforeach()
