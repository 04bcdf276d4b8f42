/*
 * fdt_info.c - fdt_parse_info: the boot summary of a device tree.
 *
 * Fills a private copy of `struct fdt_info` and copies it out only when
 * every part succeeded, so the caller's struct is never half written.
 * Arrays are bounded: one entry too many is ERR_RANGE with the offset of
 * the node that overflowed, never silent truncation.
 */
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "fdt/fdt.h"
#include "fdt/fdt_internal.h"

struct info_ctx {
	const struct fdt *f;
	struct fdt_info *o;
	struct fdt_error *err;
};

static int fail(struct info_ctx *c, int code, int node_or_prop, const char *msg)
{
	if (c->err) {
		c->err->offset = c->f->off_struct + (uint32_t)node_or_prop;
		c->err->msg = msg;
	}
	return code;
}

static int add_range(struct info_ctx *c, struct fdt_range *arr, unsigned *n, uint64_t base,
		     uint64_t size, int at, const char *msg)
{
	if (size == 0)
		return 0;
	if (*n == FDT_MAX_REGIONS)
		return fail(c, ERR_RANGE, at, msg);
	arr[*n].base = base;
	arr[*n].size = size;
	(*n)++;
	return 0;
}

/* Every entry of `node`'s "reg" (decoded with `ac`/`sc`) into `arr`. */
static int add_reg_all(struct info_ctx *c, int node, uint32_t ac, uint32_t sc,
		       struct fdt_range *arr, unsigned *n, const char *full_msg)
{
	struct fdt_tok reg;
	uint64_t base, size;
	int e;

	if (fdt_prop_find(c->f, node, "reg", &reg) < 0)
		return 0;
	for (unsigned i = 0;; i++) {
		e = fdt_reg_decode(reg.val, reg.len, ac, sc, i, &base, &size);
		if (e == ERR_NOENT)
			return 0;
		if (e == ERR_UNSUPP)
			return fail(c, e, (int)reg.off, "unsupported #address-cells/#size-cells");
		if (e < 0)
			return fail(c, e, (int)reg.off, "reg length not a multiple of an entry");
		if ((e = add_range(c, arr, n, base, size, (int)reg.off, full_msg)) < 0)
			return e;
	}
}

static bool prop_is(const struct fdt *f, int node, const char *name, const char *value)
{
	struct fdt_tok t;
	size_t n = strlen(value) + 1;
	return fdt_prop_find(f, node, name, &t) == 0 && t.len == n && memcmp(t.val, value, n) == 0;
}

/* A string property: absent leaves `*s` NULL; present must hold a NUL. */
static int get_string(struct info_ctx *c, int node, const char *name, const char **s)
{
	struct fdt_tok t;
	if (fdt_prop_find(c->f, node, name, &t) < 0)
		return 0;
	if (!memchr(t.val, 0, t.len))
		return fail(c, ERR_MALFORMED, (int)t.off, "string property without its NUL");
	*s = (const char *)t.val;
	return 0;
}

/* An optional one-cell property: absent leaves `*v` alone. */
static int get_u32(struct info_ctx *c, int node, const char *name, uint32_t *v)
{
	struct fdt_tok t;
	if (fdt_prop_find(c->f, node, name, &t) < 0)
		return 0;
	if (t.len != 4)
		return fail(c, ERR_MALFORMED, (int)t.off, "cell property of the wrong length");
	*v = fdt_be32(t.val);
	return 0;
}

/* Every enabled device_type="memory" node, in one walk that keeps each
 * level's #address-cells/#size-cells (UINT32_MAX when unreadable, which
 * fdt_reg_decode rejects only if a memory node needs it). */
static int scan_memory(struct info_ctx *c)
{
	uint32_t ac[FDT_MAX_DEPTH + 1], sc[FDT_MAX_DEPTH + 1];
	uint32_t depth = 0, off;
	struct fdt_tok t;
	int e;

	for (off = 0;; off = t.next) {
		if (fdt_tok_read(c->f, off, &t, c->err) < 0)
			return ERR_MALFORMED;
		if (t.tag == FDT_TOK_END)
			return 0;
		if (t.tag == FDT_TOK_END_NODE) {
			if (depth == 0)
				return fail(c, ERR_MALFORMED, (int)off, "unbalanced end of node");
			depth--;
		}
		if (t.tag != FDT_TOK_BEGIN_NODE)
			continue;
		if (depth == FDT_MAX_DEPTH)
			return fail(c, ERR_MALFORMED, (int)off, "nesting too deep");
		depth++;
		if (fdt_cells(c->f, (int)off, &ac[depth], &sc[depth]) < 0)
			ac[depth] = sc[depth] = UINT32_MAX;
		if (depth < 2 || !prop_is(c->f, (int)off, "device_type", "memory") ||
		    !fdt_node_is_enabled(c->f, (int)off))
			continue;
		e = add_reg_all(c, (int)off, ac[depth - 1], sc[depth - 1], c->o->mem, &c->o->n_mem,
				"too many memory regions");
		if (e < 0)
			return e;
	}
}

static int scan_reserved(struct info_ctx *c)
{
	uint32_t ac, sc;
	uint64_t base, size;
	int node, child, e;

	if (fdt_path_offset(c->f, "/reserved-memory", &node) == 0) {
		if (fdt_cells(c->f, node, &ac, &sc) < 0)
			return fail(c, ERR_MALFORMED, node, "bad #address-cells/#size-cells");
		for (e = fdt_first_child(c->f, node, &child); e == 0;
		     e = fdt_next_sibling(c->f, child, &child)) {
			if (!fdt_node_is_enabled(c->f, child))
				continue;
			e = add_reg_all(c, child, ac, sc, c->o->reserved, &c->o->n_reserved,
					"too many reserved regions");
			if (e < 0)
				return e;
		}
	}
	for (unsigned i = 0; fdt_rsvmap_entry(c->f, i, &base, &size) == 0; i++) {
		if (c->o->n_reserved == FDT_MAX_REGIONS && size != 0) {
			if (c->err) {
				c->err->offset = c->f->off_rsvmap + i * 16;
				c->err->msg = "too many reserved regions";
			}
			return ERR_RANGE;
		}
		if ((e = add_range(c, c->o->reserved, &c->o->n_reserved, base, size, 0, "")) < 0)
			return e;
	}
	return 0;
}

static int scan_chosen(struct info_ctx *c)
{
	struct fdt_tok t;
	int node, e;

	if (fdt_path_offset(c->f, "/chosen", &node) < 0)
		return 0;
	if ((e = get_string(c, node, "bootargs", &c->o->bootargs)) < 0)
		return e;
	if ((e = get_string(c, node, "stdout-path", &c->o->stdout_path)) < 0)
		return e;
	if (fdt_prop_find(c->f, node, "rng-seed", &t) == 0) {
		c->o->rng_seed = t.val;
		c->o->rng_seed_len = t.len;
	}
	return 0;
}

static int scan_cpus(struct info_ctx *c)
{
	uint32_t ac, sc;
	uint64_t hart, size;
	int node, child, e;
	struct fdt_tok reg;

	if (fdt_path_offset(c->f, "/cpus", &node) < 0)
		return 0;
	if ((e = get_u32(c, node, "timebase-frequency", &c->o->timebase_freq)) < 0)
		return e;
	if (fdt_cells(c->f, node, &ac, &sc) < 0)
		return fail(c, ERR_MALFORMED, node, "bad #address-cells/#size-cells");
	for (e = fdt_first_child(c->f, node, &child); e == 0;
	     e = fdt_next_sibling(c->f, child, &child)) {
		struct fdt_cpu *cpu;
		if (!prop_is(c->f, child, "device_type", "cpu"))
			continue;
		if (c->o->n_cpus == FDT_MAX_CPUS)
			return fail(c, ERR_RANGE, child, "too many cpus");
		if (fdt_prop_find(c->f, child, "reg", &reg) < 0)
			return fail(c, ERR_MALFORMED, child, "cpu without reg");
		e = fdt_reg_decode(reg.val, reg.len, ac, sc, 0, &hart, &size);
		if (e < 0)
			return fail(c, e == ERR_NOENT ? ERR_MALFORMED : e, (int)reg.off,
				    "bad cpu reg");
		if (hart > UINT32_MAX)
			return fail(c, ERR_RANGE, (int)reg.off, "hart id wider than 32 bits");
		if (c->o->timebase_freq == 0 &&
		    (e = get_u32(c, child, "timebase-frequency", &c->o->timebase_freq)) < 0)
			return e;
		cpu = &c->o->cpus[c->o->n_cpus++];
		cpu->hartid = (uint32_t)hart;
		cpu->enabled = fdt_node_is_enabled(c->f, child);
	}
	return 0;
}

/* Compatible with `a` or `b`? (Two strings rather than a table of
 * pointers, so the loader needs no relocated data.) */
static bool compat_either(const struct fdt *f, int node, const char *a, const char *b)
{
	return fdt_node_check_compatible(f, node, a) == 0 ||
	       fdt_node_check_compatible(f, node, b) == 0;
}

/* The first enabled node compatible with `a` or `b`. */
static int find_device(const struct fdt *f, const char *a, const char *b, int *node)
{
	struct fdt_tok t;
	for (uint32_t off = 0;; off = t.next) {
		if (fdt_tok_read(f, off, &t, NULL) < 0)
			return ERR_MALFORMED;
		if (t.tag == FDT_TOK_END)
			return ERR_NOENT;
		if (t.tag == FDT_TOK_BEGIN_NODE && compat_either(f, (int)off, a, b) &&
		    fdt_node_is_enabled(f, (int)off)) {
			*node = (int)off;
			return 0;
		}
	}
}

static int device_reg(struct info_ctx *c, int node, uint64_t *base, uint64_t *size)
{
	int e = fdt_reg(c->f, node, 0, base, size);
	if (e < 0)
		return fail(c, e == ERR_NOENT ? ERR_MALFORMED : e, node,
			    "device without a usable reg");
	return 0;
}

/* Every enabled "virtio,mmio" node (the first FDT_MAX_VIRTIO of them). */
static int scan_virtio(struct info_ctx *c)
{
	struct fdt_info *o = c->o;
	struct fdt_tok t;

	for (uint32_t off = 0;; off = t.next) {
		if (fdt_tok_read(c->f, off, &t, NULL) < 0)
			return fail(c, ERR_MALFORMED, (int)off, "bad structure block");
		if (t.tag == FDT_TOK_END)
			return 0;
		if (t.tag != FDT_TOK_BEGIN_NODE ||
		    !compat_either(c->f, (int)off, "virtio,mmio", "virtio,mmio") ||
		    !fdt_node_is_enabled(c->f, (int)off) || o->n_virtio == FDT_MAX_VIRTIO)
			continue;
		int node = (int)off, e;
		struct fdt_tok irq;
		if ((e = device_reg(c, node, &o->virtio[o->n_virtio].base,
				    &o->virtio[o->n_virtio].size)) < 0)
			return e;
		o->virtio[o->n_virtio].irq = 0;
		if (fdt_prop_find(c->f, node, "interrupts", &irq) == 0 && irq.len >= 4)
			o->virtio[o->n_virtio].irq = fdt_be32(irq.val);
		o->n_virtio++;
	}
}

/* The node stdout-path names ("/soc/serial@10000000:115200" or an alias). */
static int stdout_node(const struct fdt *f, const char *path, int *node)
{
	const char *colon = strchr(path, ':');
	size_t n = colon ? (size_t)(colon - path) : strlen(path);
	struct fdt_tok t;
	int aliases;

	if (n > 0 && path[0] != '/') {
		char name[64];
		if (n >= sizeof(name) || fdt_path_offset(f, "/aliases", &aliases) < 0)
			return ERR_NOENT;
		memcpy(name, path, n);
		name[n] = '\0';
		if (fdt_prop_find(f, aliases, name, &t) < 0 || !memchr(t.val, 0, t.len))
			return ERR_NOENT;
		path = (const char *)t.val;
		n = strlen(path);
	}
	return fdt_path_offset_len(f, path, n, node);
}

static int scan_devices(struct info_ctx *c)
{
	struct fdt_info *o = c->o;
	struct fdt_tok t;
	int node, e;

	if (find_device(c->f, "riscv,plic0", "sifive,plic-1.0.0", &node) == 0) {
		if ((e = device_reg(c, node, &o->plic.base, &o->plic.size)) < 0 ||
		    (e = get_u32(c, node, "riscv,ndev", &o->plic.ndev)) < 0)
			return e;
		o->plic.present = true;
	}

	if (!(o->stdout_path && stdout_node(c->f, o->stdout_path, &node) == 0 &&
	      compat_either(c->f, node, "ns16550a", "ns16550") &&
	      fdt_node_is_enabled(c->f, node)) &&
	    find_device(c->f, "ns16550a", "ns16550", &node) < 0)
		node = -1;
	if (node >= 0) {
		if ((e = device_reg(c, node, &o->uart.base, &o->uart.size)) < 0 ||
		    (e = get_u32(c, node, "clock-frequency", &o->uart.clock_freq)) < 0 ||
		    (e = get_u32(c, node, "reg-shift", &o->uart.reg_shift)) < 0)
			return e;
		if (fdt_prop_find(c->f, node, "interrupts", &t) == 0) {
			if (t.len < 4)
				return fail(c, ERR_MALFORMED, (int)t.off, "empty interrupts");
			o->uart.irq = fdt_be32(t.val);
		}
		o->uart.present = true;
	}

	if (find_device(c->f, "sifive,test0", "sifive,test1", &node) == 0) {
		if ((e = device_reg(c, node, &o->test_dev.base, &o->test_dev.size)) < 0)
			return e;
		o->test_dev.present = true;
	}

	if (find_device(c->f, "google,goldfish-rtc", "google,goldfish-rtc", &node) == 0) {
		if ((e = device_reg(c, node, &o->rtc.base, &o->rtc.size)) < 0)
			return e;
		o->rtc.present = true;
	}
	return scan_virtio(c);
}

int fdt_parse_info(const struct fdt *f, struct fdt_info *out, struct fdt_error *err)
{
	struct fdt_info tmp;
	struct info_ctx c = {.f = f, .o = &tmp, .err = err};
	int e;

	memset(&tmp, 0, sizeof(tmp));
	if ((e = scan_memory(&c)) < 0 || (e = scan_reserved(&c)) < 0 || (e = scan_chosen(&c)) < 0 ||
	    (e = scan_cpus(&c)) < 0 || (e = scan_devices(&c)) < 0)
		return e;
	*out = tmp;
	return 0;
}
