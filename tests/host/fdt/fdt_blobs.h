/* fdt_blobs.h - the device-tree blobs compiled from the tests/host/fdt .dts files at
 * build time (mk/lib-fdt.mk runs dtc, then dtb2c.py writes the table). */
#pragma once

#include <stdint.h>

struct fdt_test_blob {
	const char *name;    /* the .dts file's base name, "virt" */
	const uint8_t *data; /* 8-byte aligned */
	uint32_t len;
};

/* fdt_test_blob_find - the blob called `name`, or NULL. */
const struct fdt_test_blob *fdt_test_blob_find(const char *name);
