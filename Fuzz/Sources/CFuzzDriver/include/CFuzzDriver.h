// libFuzzer's driver, for harnesses that have a main of their own (SwiftPM names an executable's
// entry point itself, so libFuzzer's main cannot be used): it parses libFuzzer's flags and calls
// `callback` with each input.
#ifndef CNN_TUI_FUZZ_DRIVER_H
#define CNN_TUI_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
