# tests/extra.cmake - extra tests beyond the cmocka unit tests (included by
# tests/CMakeLists.txt when present).  Owns:
#   pqtool         tests/interop/pqtool.c: canonical JSON <-> Parquet through the
#                  public dccd API only; built once the reader and writer exist.
#   interop_peers  CTest test: tests/interop/run_interop.sh runs
#                  run_interop.mjs with node against polars, DuckDB and hyparquet
#                  (npm packages in tests/interop/node_modules, installed by
#                  `npm ci` / `make setup`).  Without node or node_modules it
#                  prints "SKIPPED: npm peers not installed (run make setup)"
#                  and exits 77, which CTest reports as skipped.
set(DCCD_INTEROP_DIR ${CMAKE_CURRENT_SOURCE_DIR}/interop)
set(_pqtool_args)
if(EXISTS ${CMAKE_SOURCE_DIR}/src/parquet/reader.c AND EXISTS ${CMAKE_SOURCE_DIR}/src/parquet/writer.c)
  add_executable(pqtool ${DCCD_INTEROP_DIR}/pqtool.c)
  target_include_directories(pqtool PRIVATE ${CMAKE_SOURCE_DIR}/include)
  target_compile_options(pqtool PRIVATE ${DCCD_WARN})
  target_link_libraries(pqtool PRIVATE dccd_static PkgConfig::JANSSON m)
  set(_pqtool_args --pqtool $<TARGET_FILE:pqtool>)
endif()

add_test(NAME interop_peers
  COMMAND sh ${DCCD_INTEROP_DIR}/run_interop.sh ${_pqtool_args}
          --work ${CMAKE_CURRENT_BINARY_DIR}/interop-work)
set_tests_properties(interop_peers PROPERTIES
  ENVIRONMENT "PARQUET_TEST_DATA=${DCCD_PQ_TESTING}"
  SKIP_RETURN_CODE 77
  TIMEOUT 300
  LABELS interop)

# The seed port (bench/seedport) checked against the seed's semantics.
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/seedport/selftest.mjs)
  add_test(NAME seedport_selftest
    COMMAND sh ${DCCD_INTEROP_DIR}/run_interop.sh --script ${CMAKE_SOURCE_DIR}/bench/seedport/selftest.mjs)
  set_tests_properties(seedport_selftest PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS interop)
endif()
