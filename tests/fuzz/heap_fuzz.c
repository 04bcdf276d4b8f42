/* heap_fuzz.c - libFuzzer target for lib/mem/heap: random operation sequences (make fuzz-heap). */
#include <stddef.h>
#include <stdint.h>

#include "heap_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)heap_exercise(data, size);
	return 0;
}
