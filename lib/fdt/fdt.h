/*
 * fdt.h - a flattened device tree (DTB) reader that needs no heap.
 *
 * Used by the loader (physical addresses, no allocator) and by the kernel.
 * fdt_init() validates the header and walks the whole structure block once,
 * so the lookups that follow can rely on:
 *   - the token stream is well formed: one root node, balanced BEGIN/END,
 *     properties before subnodes, nesting at most FDT_MAX_DEPTH, a final END;
 *   - every node name is NUL-terminated inside the structure block;
 *   - every property value lies inside the structure block and every
 *     property name offset points at a NUL-terminated string inside the
 *     strings block;
 *   - the memory reservation map is terminated inside the blob.
 * The lookups still bounds-check every read, so a bogus `node` handed in by
 * a caller yields ERR_INVAL, never a read past the blob.
 *
 * A node is named by an `int`: the offset of its FDT_BEGIN_NODE token from
 * the start of the structure block (the root is fdt_path_offset "/": 0
 * unless the block starts with NOP tokens). All multi-byte values in
 * the blob are big-endian and read byte by byte (the blob need not be
 * aligned in memory).
 *
 *   blob: | header | mem_rsvmap | structure block | strings block |
 *                                 ^ node offsets count from here
 *
 * No allocation, no mutable globals: all state is in `struct fdt`, which
 * holds a pointer to the caller's blob (the blob must outlive it).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC     0xd00dfeedu
#define FDT_MAX_DEPTH 64 /* deeper nesting is rejected by fdt_init */

/* Where a malformed blob went wrong: a byte offset from the blob's start. */
struct fdt_error {
	uint32_t offset;
	const char *msg; /* static string */
};

struct fdt {
	const uint8_t *blob;
	uint32_t size; /* totalsize from the header */
	uint32_t off_struct, size_struct, off_strings, size_strings, off_rsvmap;
};

/*
 * fdt_init - validates the blob at `blob` (at most `max_size` readable
 * bytes) and fills `f`. Checks the header (magic, version >= 16, last
 * compatible version <= 17, totalsize <= max_size, every block inside
 * totalsize and after the header, alignment of the blocks) and walks the
 * structure block and reservation map once (see above).
 * Errors: ERR_TRUNC (max_size or totalsize too small for what the header
 * says), ERR_MALFORMED (bad magic, token, nesting, name, ...), ERR_UNSUPP
 * (version). On error `*err` (if not NULL) says where; `*f` is untouched.
 */
int fdt_init(struct fdt *f, const void *blob, size_t max_size, struct fdt_error *err);

/* fdt_totalsize - totalsize from the header at `blob` (8 readable bytes);
 * 0 if the magic is wrong. */
uint32_t fdt_totalsize(const void *blob);

/*
 * fdt_path_offset - the node at an absolute `path` ("/", "/chosen",
 * "/soc/serial@10000000"). A component without '@' also matches a node
 * named "component@unit" (like libfdt: an exact match wins, otherwise the
 * first such node). Errors: ERR_INVAL (path not absolute), ERR_NOENT.
 */
int fdt_path_offset(const struct fdt *f, const char *path, int *node);

/* fdt_first_child / fdt_next_sibling - tree walking.
 * Errors: ERR_NOENT (none), ERR_INVAL (`node` is not a node). */
int fdt_first_child(const struct fdt *f, int node, int *child);
int fdt_next_sibling(const struct fdt *f, int node, int *next);

/* fdt_parent_offset - the parent of `node`. Errors: ERR_NOENT for the root,
 * ERR_INVAL if `node` is not a node. Costs a walk from the root. */
int fdt_parent_offset(const struct fdt *f, int node, int *parent);

/* fdt_node_name - "memory@80000000" ("" for the root); NULL if `node` is
 * not a node. Points into the blob. */
const char *fdt_node_name(const struct fdt *f, int node);

/*
 * fdt_getprop - the value of property `name` of `node`: `*val` points into
 * the blob (not aligned), `*len` is its length in bytes.
 * Errors: ERR_NOENT (no such property), ERR_INVAL (`node` is not a node).
 */
int fdt_getprop(const struct fdt *f, int node, const char *name, const void **val, uint32_t *len);

/* fdt_getprop_u32 - a property that must be exactly one cell.
 * Errors: those of fdt_getprop, ERR_MALFORMED (length is not 4). */
int fdt_getprop_u32(const struct fdt *f, int node, const char *name, uint32_t *v);

/* fdt_node_check_compatible - 0 if `compat` is one of the strings of the
 * node's "compatible" property; ERR_NOENT if not (or no such property);
 * ERR_INVAL if `node` is not a node. */
int fdt_node_check_compatible(const struct fdt *f, int node, const char *compat);

/* fdt_node_is_enabled - true if "status" is absent, "okay" or "ok". */
bool fdt_node_is_enabled(const struct fdt *f, int node);

/*
 * fdt_find_compatible - the first node after `after` (in structure-block
 * order; -1 starts at the root) compatible with `compat`.
 * Errors: ERR_NOENT (no more), ERR_INVAL (`after` is not a node).
 */
int fdt_find_compatible(const struct fdt *f, int after, const char *compat, int *node);

/*
 * fdt_reg - entry `idx` of the node's "reg", decoded with the parent's
 * #address-cells (default 2) and #size-cells (default 1). No "ranges"
 * translation is done: the result is the address on the parent bus (QEMU
 * virt maps its buses 1:1).
 * Errors: ERR_NOENT (no "reg" or idx past its end), ERR_UNSUPP (#address-cells
 * not 1..2 or #size-cells not 0..2), ERR_MALFORMED (length not a multiple
 * of an entry), ERR_INVAL (`node` is the root or not a node).
 */
int fdt_reg(const struct fdt *f, int node, unsigned idx, uint64_t *base, uint64_t *size);

/* fdt_rsvmap_entry - entry `idx` of the memory reservation block (the
 * /memreserve/ lines). ERR_NOENT past the terminating entry. */
int fdt_rsvmap_entry(const struct fdt *f, unsigned idx, uint64_t *base, uint64_t *size);

/* ---- the summary that the loader and the kernel use ---- */

#define FDT_MAX_REGIONS 16
#define FDT_MAX_CPUS	32
#define FDT_MAX_VIRTIO	16

struct fdt_range {
	uint64_t base, size;
};

struct fdt_cpu {
	uint32_t hartid;
	bool enabled; /* status absent, "okay" or "ok" */
};

struct fdt_info {
	/* every enabled device_type="memory" node, every non-empty reg entry */
	struct fdt_range mem[FDT_MAX_REGIONS];
	unsigned n_mem;
	/* enabled /reserved-memory children's reg entries (children that only
	 * have "size" are dynamic and skipped), then the memreserve block */
	struct fdt_range reserved[FDT_MAX_REGIONS];
	unsigned n_reserved;
	const char *bootargs;	 /* /chosen/bootargs or NULL */
	const uint8_t *rng_seed; /* /chosen/rng-seed or NULL */
	uint32_t rng_seed_len;
	const char *stdout_path; /* /chosen/stdout-path (with any ":options") or NULL */
	uint32_t timebase_freq;	 /* /cpus, else the first cpu node that has it; 0 if none */
	struct fdt_cpu cpus[FDT_MAX_CPUS]; /* nodes under /cpus with device_type="cpu" */
	unsigned n_cpus;
	struct {
		bool present;
		uint64_t base, size;
		uint32_t ndev; /* riscv,ndev (0 if absent) */
	} plic;		       /* "riscv,plic0" or "sifive,plic-1.0.0" */
	struct {
		bool present;
		uint64_t base, size;
		uint32_t irq;	     /* first cell of "interrupts" (0 if absent) */
		uint32_t clock_freq; /* clock-frequency (0 if absent) */
		uint32_t reg_shift;  /* reg-shift (0 if absent) */
	} uart; /* "ns16550a"/"ns16550": the one stdout-path names, else the first */
	struct {
		bool present;
		uint64_t base, size;
	} test_dev; /* "sifive,test0" or "sifive,test1" */
	struct {
		bool present;
		uint64_t base, size;
	} rtc; /* "google,goldfish-rtc": wall-clock time */
	/* "virtio,mmio" slots, in blob order (the first FDT_MAX_VIRTIO; QEMU's
	 * virt has 8, most of them empty: the driver reads their device id) */
	struct {
		uint64_t base, size;
		uint32_t irq; /* first cell of "interrupts" (0 if absent) */
	} virtio[FDT_MAX_VIRTIO];
	unsigned n_virtio;
};

/*
 * fdt_parse_info - fills `*out` from an initialized `f` (disabled devices
 * are ignored). Strings and the seed point into the blob.
 * Errors (with `*err` set when not NULL; `*out` untouched): ERR_RANGE (more
 * than FDT_MAX_REGIONS memory or reserved ranges, more than FDT_MAX_CPUS
 * cpus, a hart id wider than 32 bits), ERR_MALFORMED (a string property
 * without its NUL, a cell property of the wrong length, a bad "reg"),
 * ERR_UNSUPP (unsupported #address-cells/#size-cells on a node we need).
 */
int fdt_parse_info(const struct fdt *f, struct fdt_info *out, struct fdt_error *err);
