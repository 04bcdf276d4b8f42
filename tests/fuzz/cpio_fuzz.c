/* cpio_fuzz.c - libFuzzer target for the initramfs cpio parser (make fuzz-cpio). */
#include <stddef.h>
#include <stdint.h>

#include "cpio_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)cpio_exercise(data, size);
	return 0;
}
