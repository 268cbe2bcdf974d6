# tests/reliability.cmake - the reliability suite (issue 5; docs/RELIABILITY.md).
#   reltool     tests/reliability/*.c drivers (public API only)
#   faultshim   tests/reliability/faultshim.c, an LD_PRELOAD library that
#               fails the Nth call of an I/O function with a chosen errno
# CTest entries (label `reliability`) run the short forms, each well under a
# minute; `./dev.sh torture` runs tests/reliability/run.sh with
# DCCD_TORTURE=1 for the long forms.  A test lacking a privilege (mounting a
# tmpfs) or the preload shim exits 77: CTest reports it as skipped.
set(DCCD_REL_DIR ${CMAKE_CURRENT_SOURCE_DIR}/reliability)
file(GLOB DCCD_REL_SOURCES CONFIGURE_DEPENDS ${DCCD_REL_DIR}/rel*.c ${DCCD_REL_DIR}/stubs_tmp.c)
add_executable(reltool ${DCCD_REL_SOURCES})
target_include_directories(reltool PRIVATE ${CMAKE_SOURCE_DIR}/include ${DCCD_REL_DIR})
target_compile_options(reltool PRIVATE ${DCCD_WARN})
find_package(Threads REQUIRED)
target_link_libraries(reltool PRIVATE dccd_static Threads::Threads)

add_library(dccd_faultshim MODULE ${DCCD_REL_DIR}/faultshim.c)
target_compile_options(dccd_faultshim PRIVATE ${DCCD_WARN} -Wno-missing-prototypes)
target_link_libraries(dccd_faultshim PRIVATE ${CMAKE_DL_LIBS})
set_target_properties(dccd_faultshim PROPERTIES PREFIX "lib")
