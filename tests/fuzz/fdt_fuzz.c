/* fdt_fuzz.c - libFuzzer target for lib/fdt (make fuzz-fdt). */
#include <stddef.h>
#include <stdint.h>

#include "fdt_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)fdt_exercise(data, size);
	return 0;
}
