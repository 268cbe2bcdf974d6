#include "rel.h"
int rel_enospc_main(int argc, char **argv) { (void)argc; (void)argv; return 77; }
int rel_conc_main(int argc, char **argv) { (void)argc; (void)argv; return 77; }
int rel_paths_main(int argc, char **argv) { (void)argc; (void)argv; return 77; }
int rel_mem_main(int argc, char **argv) { (void)argc; (void)argv; return 77; }
int rel_temps_main(int argc, char **argv) { (void)argc; (void)argv; return 77; }
