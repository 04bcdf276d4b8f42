/*
 * fdt_exercise.h - runs every lib/fdt entry point over one input; shared by
 * the libFuzzer target and the host test that replays tests/fuzz/regress/fdt.
 *
 * The input must be exactly `len` bytes of its own allocation so that ASan
 * catches any read past the end. Consistency checks that fail abort().
 */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "fdt/fdt.h"

static inline void fdt_exercise_check(int ok)
{
	if (!ok)
		abort();
}

/* Returns the fdt_init result (so callers can count accepted inputs). */
static inline int fdt_exercise(const uint8_t *data, size_t len)
{
	static const char *const paths[] = {"/",	   "/chosen", "/cpus",
					    "/soc/serial", "/memory", "//soc//plic@c000000/",
					    "/a/b/c/d"};
	static const char *const props[] = {"reg",	   "compatible", "status", "#address-cells",
					    "device_type", "bootargs"};
	struct fdt f;
	struct fdt_error err = {0, NULL};
	struct fdt_info info;
	uint64_t base, size;
	int e, node, child, parent, prev;

	e = fdt_init(&f, data, len, &err);
	if (e < 0) {
		fdt_exercise_check(err.msg != NULL && err.offset <= len);
		return e;
	}
	fdt_exercise_check(f.size <= len);
	if (fdt_parse_info(&f, &info, &err) == 0) {
		fdt_exercise_check(info.n_mem <= FDT_MAX_REGIONS && info.n_cpus <= FDT_MAX_CPUS);
		fdt_exercise_check(info.n_reserved <= FDT_MAX_REGIONS);
	} else {
		fdt_exercise_check(err.msg != NULL && err.offset <= len);
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (fdt_path_offset(&f, paths[i], &node) == 0)
			fdt_exercise_check(fdt_node_name(&f, node) != NULL);

	/* depth-first walk of the whole tree through the public API */
	fdt_exercise_check(fdt_path_offset(&f, "/", &node) == 0);
	fdt_exercise_check(fdt_parent_offset(&f, node, &parent) == ERR_NOENT);
	for (unsigned steps = 0; steps < 100000; steps++) {
		const void *val;
		uint32_t plen, u;
		fdt_exercise_check(fdt_node_name(&f, node) != NULL);
		for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
			if (fdt_getprop(&f, node, props[i], &val, &plen) == 0 && plen > 0)
				fdt_exercise_check(((const uint8_t *)val)[plen - 1] ==
						   ((const uint8_t *)val)[plen - 1]);
		(void)fdt_getprop_u32(&f, node, "#size-cells", &u);
		(void)fdt_node_check_compatible(&f, node, "ns16550a");
		(void)fdt_node_is_enabled(&f, node);
		for (unsigned idx = 0; idx < 3; idx++)
			(void)fdt_reg(&f, node, idx, &base, &size);
		if (fdt_first_child(&f, node, &child) == 0) {
			fdt_exercise_check(fdt_parent_offset(&f, child, &parent) == 0 &&
					   parent == node);
			node = child;
			continue;
		}
		/* climb until a sibling exists */
		while (fdt_next_sibling(&f, node, &child) != 0) {
			if (fdt_parent_offset(&f, node, &parent) != 0)
				goto walked;
			node = parent;
		}
		node = child;
	}
walked:
	prev = -1;
	while (fdt_find_compatible(&f, prev, "virtio,mmio", &node) == 0) {
		fdt_exercise_check(node > prev);
		prev = node;
	}
	for (unsigned i = 0; fdt_rsvmap_entry(&f, i, &base, &size) == 0; i++)
		fdt_exercise_check(f.off_rsvmap + (uint64_t)i * 16 + 16 <= f.size);
	/* bogus node offsets are rejected, never followed */
	for (int bad = -8; bad < 64; bad++)
		(void)fdt_getprop(&f, bad, "reg", &(const void *){NULL}, &(uint32_t){0});
	return 0;
}
