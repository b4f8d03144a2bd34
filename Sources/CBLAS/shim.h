// OpenBLAS's CBLAS interface for Swift (pkg-config openblas gives the include directory).
#ifndef CNN_TUI_CBLAS_SHIM_H
#define CNN_TUI_CBLAS_SHIM_H

#include <cblas.h>

// Declared by OpenBLAS's cblas.h on most builds; repeated here for the ones that do not.
char *openblas_get_corename(void);
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

// OpenBLAS's own kernel selection (DYNAMIC_ARCH builds, as Debian's): `gotoblas_dynamic_init`
// picks the kernel table for the CPU, or for OPENBLAS_CORETYPE when set; `_quit` forgets it.
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);

#endif
