/* ext2_fuzz.c - libFuzzer target for lib/ext2: an input is a disk image
 * (make fuzz-ext2; ext2_exercise.h says what is done with it). */
#include <stddef.h>
#include <stdint.h>

#include "ext2_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)ext2_exercise(data, size);
	return 0;
}
