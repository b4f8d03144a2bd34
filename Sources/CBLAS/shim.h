// OpenBLAS's CBLAS interface for Swift (pkg-config openblas gives the include directory).
#ifndef CNN_TUI_CBLAS_SHIM_H
#define CNN_TUI_CBLAS_SHIM_H

#include <cblas.h>

// Declared by OpenBLAS's cblas.h on most builds; repeated here for the ones that do not.
char *openblas_get_corename(void);
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

#endif
