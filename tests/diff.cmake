# tests/diff.cmake - differential tests of the dccd store against the seed
# port (bench/seedport, the seed's ParquetStore on nodejs-polars), and
# cross-compatibility of their stores.  Owns:
#   dccd_ops       tests/diff/dccd_ops.c: runs the seed port's JSON-lines op
#                  scripts through the public dccd store API (jansson), printing
#                  results in seed_cli.mjs's format.
#   diff_seed      CTest test: tests/diff/run_diff.mjs (random op sequences from
#                  fixed seeds through dccd in WAL / sync_checkpoint /
#                  explicit-checkpoint modes and through the seed port; the
#                  period files read across; stores extended across; DuckDB
#                  reading dccd's files).  Skipped (exit 77) without node and the
#                  npm peers, like the other interop tests.
add_executable(dccd_ops ${CMAKE_CURRENT_SOURCE_DIR}/diff/dccd_ops.c)
target_include_directories(dccd_ops PRIVATE ${CMAKE_SOURCE_DIR}/include)
target_compile_options(dccd_ops PRIVATE ${DCCD_WARN})
target_link_libraries(dccd_ops PRIVATE dccd_static PkgConfig::JANSSON m)

add_test(NAME diff_seed
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/interop/run_interop.sh
          --script ${CMAKE_CURRENT_SOURCE_DIR}/diff/run_diff.mjs
          --dccd-ops $<TARGET_FILE:dccd_ops>
          --work ${CMAKE_CURRENT_BINARY_DIR}/diff-work)
set_tests_properties(diff_seed PROPERTIES
  SKIP_RETURN_CODE 77
  TIMEOUT 300
  LABELS interop)
