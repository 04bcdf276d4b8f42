/* shell_fuzz.c - libFuzzer target for the shell language (make fuzz-shell). */
#include <stddef.h>
#include <stdint.h>

#include "shell_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	shell_exercise(data, size);
	return 0;
}
