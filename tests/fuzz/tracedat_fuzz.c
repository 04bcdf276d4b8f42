/* tracedat_fuzz.c - libFuzzer target for the trace.dat reader (make fuzz-tracedat). */
#include <stddef.h>
#include <stdint.h>

#include "tracedat_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)tracedat_exercise(data, size);
	return 0;
}
