#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "CKernels.h"

enum { huge_page = 2 << 20, huge_from = 4 << 20 };

float *cnn_allocate_floats(size_t count) {
    if (count == 0) count = 1;
    if (count > SIZE_MAX / sizeof(float)) return NULL;
    size_t bytes = count * sizeof(float);
    void *memory = NULL;
    if (bytes < huge_from) return posix_memalign(&memory, 64, bytes) == 0 ? memory : NULL;
    if (posix_memalign(&memory, huge_page, bytes) != 0) return NULL;
    // Whole huge pages only: the tail may share a page with other memory. Advice that fails
    // (no transparent huge pages) leaves ordinary pages, which are just slower.
    (void)madvise(memory, bytes / huge_page * huge_page, MADV_HUGEPAGE);
    return memory;
}

void cnn_free_floats(float *memory) { free(memory); }
