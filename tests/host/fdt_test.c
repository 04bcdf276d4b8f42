/* fdt_test.c - lib/fdt on blobs compiled by dtc from the tests/host/fdt .dts files. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "fdt/fdt.h"
#include "fdt/fdt_blobs.h"

/* The named blob, validated; NULL (and a failed check) if that fails. */
static bool load(struct test_ctx *t, const char *name, struct fdt *f)
{
	const struct fdt_test_blob *b = fdt_test_blob_find(name);
	struct fdt_error err = {0, NULL};
	if (!EXPECT(b != NULL))
		return false;
	int e = fdt_init(f, b->data, b->len, &err);
	if (!EXPECT_OK(e)) {
		test_printf(t, "  %s: %s at %u\n", name, err.msg, err.offset);
		return false;
	}
	return true;
}

static int path(const struct fdt *f, const char *p)
{
	int node = -100;
	int e = fdt_path_offset(f, p, &node);
	return e < 0 ? e - 1000 : node;
}

TEST(fdt, totalsize)
{
	const struct fdt_test_blob *b = fdt_test_blob_find("virt");
	uint8_t bad[8] = {0xd0, 0x0d, 0xfe, 0xee, 0, 0, 1, 0};
	if (!EXPECT(b != NULL))
		return;
	EXPECT_EQ(fdt_totalsize(b->data), b->len);
	EXPECT_EQ(fdt_totalsize(bad), 0);
}

TEST(fdt, virt_paths)
{
	struct fdt f;
	if (!load(t, "virt", &f))
		return;
	EXPECT_EQ(path(&f, "/"), 0);
	EXPECT_STREQ(fdt_node_name(&f, 0), "");
	EXPECT_STREQ(fdt_node_name(&f, path(&f, "/chosen")), "chosen");
	EXPECT_STREQ(fdt_node_name(&f, path(&f, "/cpus")), "cpus");
	EXPECT_STREQ(fdt_node_name(&f, path(&f, "/cpus/cpu@2")), "cpu@2");
	EXPECT_STREQ(fdt_node_name(&f, path(&f, "/soc/serial")), "serial@10000000");
	EXPECT_STREQ(fdt_node_name(&f, path(&f, "//soc//serial@10000000/")), "serial@10000000");
	/* unit address omitted and ambiguous: the first, like libfdt */
	EXPECT_STREQ(fdt_node_name(&f, path(&f, "/soc/virtio_mmio")), "virtio_mmio@10008000");
	EXPECT_STREQ(fdt_node_name(&f, path(&f, "/memory")), "memory@80000000");
	EXPECT_EQ(path(&f, "/nope"), ERR_NOENT - 1000);
	EXPECT_EQ(path(&f, "/soc/serial@1000000"), ERR_NOENT - 1000);
	EXPECT_EQ(path(&f, "/soc/serial@100000000"), ERR_NOENT - 1000);
	EXPECT_EQ(path(&f, "/ch"), ERR_NOENT - 1000);
	EXPECT_EQ(path(&f, "chosen"), ERR_INVAL - 1000);
	EXPECT_EQ(path(&f, ""), ERR_INVAL - 1000);
}

TEST(fdt, virt_walk)
{
	static const char *const want[] = {
		"pmu",	  "fw-cfg@10100000",	  "flash@20000000",  "chosen", "poweroff",
		"reboot", "platform-bus@4000000", "memory@80000000", "cpus",   "soc"};
	struct fdt f;
	int node, e, parent;
	unsigned n = 0;
	if (!load(t, "virt", &f))
		return;
	for (e = fdt_first_child(&f, 0, &node); e == 0; e = fdt_next_sibling(&f, node, &node)) {
		if (n < ARRAY_SIZE(want))
			EXPECT_STREQ(fdt_node_name(&f, node), want[n]);
		EXPECT_OK(fdt_parent_offset(&f, node, &parent));
		EXPECT_EQ(parent, 0);
		n++;
	}
	EXPECT_EQ(e, ERR_NOENT);
	EXPECT_EQ(n, ARRAY_SIZE(want));
	EXPECT_EQ(fdt_next_sibling(&f, 0, &node), ERR_NOENT);
	EXPECT_EQ(fdt_parent_offset(&f, 0, &node), ERR_NOENT);
	EXPECT_EQ(fdt_first_child(&f, path(&f, "/chosen"), &node), ERR_NOENT);
	EXPECT_OK(fdt_parent_offset(&f, path(&f, "/cpus/cpu@1/interrupt-controller"), &parent));
	EXPECT_EQ(parent, path(&f, "/cpus/cpu@1"));
	/* not nodes: negative, misaligned, inside a property, past the end */
	EXPECT_EQ(fdt_first_child(&f, -1, &node), ERR_INVAL);
	EXPECT_EQ(fdt_first_child(&f, 2, &node), ERR_INVAL);
	EXPECT_EQ(fdt_first_child(&f, 8, &node), ERR_INVAL);
	EXPECT_EQ(fdt_next_sibling(&f, (int)f.size_struct, &node), ERR_INVAL);
	EXPECT(fdt_node_name(&f, 1 << 30) == NULL);
	EXPECT_EQ(fdt_parent_offset(&f, 4, &node), ERR_INVAL);
}

TEST(fdt, virt_props)
{
	struct fdt f;
	const void *v;
	uint32_t len, u = 0;
	int test;
	if (!load(t, "virt", &f))
		return;
	EXPECT_OK(fdt_getprop(&f, 0, "model", &v, &len));
	EXPECT_EQ(len, sizeof("riscv-virtio,qemu"));
	EXPECT(memcmp(v, "riscv-virtio,qemu", len) == 0);
	EXPECT_EQ(fdt_getprop(&f, 0, "modelx", &v, &len), ERR_NOENT);
	EXPECT_EQ(fdt_getprop(&f, 0, "mode", &v, &len), ERR_NOENT);
	EXPECT_OK(fdt_getprop_u32(&f, path(&f, "/cpus"), "timebase-frequency", &u));
	EXPECT_EQ(u, 10000000);
	EXPECT_EQ(fdt_getprop_u32(&f, 0, "model", &u), ERR_MALFORMED);
	/* a property with no value */
	EXPECT_OK(fdt_getprop(&f, path(&f, "/fw-cfg"), "dma-coherent", &v, &len));
	EXPECT_EQ(len, 0);

	test = path(&f, "/soc/test");
	EXPECT_OK(fdt_node_check_compatible(&f, test, "sifive,test1"));
	EXPECT_OK(fdt_node_check_compatible(&f, test, "sifive,test0"));
	EXPECT_OK(fdt_node_check_compatible(&f, test, "syscon"));
	EXPECT_EQ(fdt_node_check_compatible(&f, test, "sifive,test"), ERR_NOENT);
	EXPECT_EQ(fdt_node_check_compatible(&f, test, "syscon2"), ERR_NOENT);
	EXPECT_EQ(fdt_node_check_compatible(&f, test, ""), ERR_NOENT);
	EXPECT_EQ(fdt_node_check_compatible(&f, path(&f, "/chosen"), "x"), ERR_NOENT);
	EXPECT(fdt_node_is_enabled(&f, test));
	EXPECT(fdt_node_is_enabled(&f, path(&f, "/cpus/cpu@0")));
}

TEST(fdt, virt_find_compatible_and_reg)
{
	struct fdt f;
	int node = -1, prev = -1, n = 0;
	uint64_t base = 0, size = 0, last = 0;
	if (!load(t, "virt", &f))
		return;
	while (fdt_find_compatible(&f, prev, "virtio,mmio", &node) == 0) {
		EXPECT_GT(node, prev);
		EXPECT_OK(fdt_reg(&f, node, 0, &base, &size));
		/* QEMU lists them downwards */
		EXPECT_EQ_U(base, n == 0 ? 0x10008000 : last - 0x1000);
		last = base;
		EXPECT_EQ_U(size, 0x1000);
		prev = node;
		n++;
	}
	EXPECT_EQ(n, 8);
	EXPECT_EQ(fdt_find_compatible(&f, -2, "virtio,mmio", &node), ERR_INVAL);
	EXPECT_EQ(fdt_find_compatible(&f, 3, "virtio,mmio", &node), ERR_INVAL);
	EXPECT_EQ(fdt_find_compatible(&f, -1, "nothing,here", &node), ERR_NOENT);

	node = path(&f, "/flash");
	EXPECT_OK(fdt_reg(&f, node, 1, &base, &size));
	EXPECT_EQ_U(base, 0x22000000);
	EXPECT_EQ_U(size, 0x2000000);
	EXPECT_EQ(fdt_reg(&f, node, 2, &base, &size), ERR_NOENT);
	EXPECT_OK(fdt_reg(&f, path(&f, "/cpus/cpu@3"), 0, &base, &size));
	EXPECT_EQ_U(base, 3);
	EXPECT_EQ_U(size, 0);
	EXPECT_EQ(fdt_reg(&f, 0, 0, &base, &size), ERR_INVAL);
	EXPECT_EQ(fdt_reg(&f, path(&f, "/chosen"), 0, &base, &size), ERR_NOENT);
	/* pci@30000000 has #address-cells = <3>: its reg is read with soc's
	 * cells, but a child of it could not be */
	EXPECT_OK(fdt_reg(&f, path(&f, "/soc/pci"), 0, &base, &size));
	EXPECT_EQ_U(base, 0x30000000);
}

static void expect_virt_info(struct test_ctx *t, const struct fdt_info *i)
{
	static const uint8_t seed0[4] = {0xd0, 0x0a, 0xfb, 0xce};
	EXPECT_EQ(i->n_mem, 1);
	EXPECT_EQ_U(i->mem[0].base, 0x80000000);
	EXPECT_EQ_U(i->mem[0].size, 0x10000000);
	EXPECT_EQ(i->n_reserved, 0);
	EXPECT(i->bootargs == NULL);
	EXPECT_EQ(i->rng_seed_len, 32);
	EXPECT(i->rng_seed && memcmp(i->rng_seed, seed0, 4) == 0);
	EXPECT_STREQ(i->stdout_path, "/soc/serial@10000000");
	EXPECT_EQ(i->timebase_freq, 10000000);
	EXPECT_EQ(i->n_cpus, 4);
	for (unsigned c = 0; c < 4; c++) {
		EXPECT_EQ(i->cpus[c].hartid, c);
		EXPECT(i->cpus[c].enabled);
	}
	EXPECT(i->plic.present);
	EXPECT_EQ_U(i->plic.base, 0xc000000);
	EXPECT_EQ_U(i->plic.size, 0x600000);
	EXPECT_EQ(i->plic.ndev, 0x60);
	EXPECT(i->uart.present);
	EXPECT_EQ_U(i->uart.base, 0x10000000);
	EXPECT_EQ_U(i->uart.size, 0x100);
	EXPECT_EQ(i->uart.irq, 10);
	EXPECT_EQ(i->uart.clock_freq, 3686400);
	EXPECT_EQ(i->uart.reg_shift, 0);
	EXPECT(i->test_dev.present);
	EXPECT_EQ_U(i->test_dev.base, 0x100000);
	EXPECT_EQ_U(i->test_dev.size, 0x1000);
	/* QEMU's eight virtio-mmio slots, in blob order (the last one first) */
	if (EXPECT_EQ(i->n_virtio, 8)) {
		EXPECT_EQ_U(i->virtio[0].base, 0x10008000);
		EXPECT_EQ_U(i->virtio[0].size, 0x1000);
		EXPECT_EQ(i->virtio[0].irq, 8);
		EXPECT_EQ_U(i->virtio[7].base, 0x10001000);
		EXPECT_EQ(i->virtio[7].irq, 1);
	}
}

static bool info(struct test_ctx *t, const char *name, struct fdt *f, struct fdt_info *i)
{
	struct fdt_error err = {0, NULL};
	if (!load(t, name, f))
		return false;
	int e = fdt_parse_info(f, i, &err);
	if (!EXPECT_OK(e)) {
		test_printf(t, "  %s: %s at %u\n", name, err.msg, err.offset);
		return false;
	}
	return true;
}

TEST(fdt, info_virt)
{
	struct fdt f;
	struct fdt_info i;
	if (info(t, "virt", &f, &i))
		expect_virt_info(t, &i);
}

TEST(fdt, info_virt_v16)
{
	struct fdt f, f17;
	struct fdt_info i;
	if (!info(t, "virt-v16", &f, &i) || !load(t, "virt", &f17))
		return;
	expect_virt_info(t, &i);
	EXPECT_EQ(f.size_struct, f17.size_struct);
}

TEST(fdt, info_no_rng)
{
	struct fdt f;
	struct fdt_info i;
	if (!info(t, "no_rng", &f, &i))
		return;
	EXPECT(i.rng_seed == NULL);
	EXPECT_EQ(i.rng_seed_len, 0);
	EXPECT_STREQ(i.bootargs, "log=debug backtrace=full");
	EXPECT_STREQ(i.stdout_path, "serial0:115200n8");
	/* through the alias, skipping the disabled uart listed first */
	EXPECT(i.uart.present);
	EXPECT_EQ_U(i.uart.base, 0x10000000);
	EXPECT_EQ(i.uart.irq, 10);
	EXPECT_EQ(i.uart.reg_shift, 2);
	EXPECT_EQ(i.uart.clock_freq, 3686400);
	EXPECT_EQ(i.plic.ndev, 53);
	EXPECT_EQ_U(i.plic.size, 0x4000000);
	EXPECT_EQ_U(i.test_dev.base, 0x100000);
	EXPECT_EQ(i.n_cpus, 1);
	EXPECT_EQ_U(i.mem[0].size, 0x8000000);
}

TEST(fdt, info_reserved)
{
	static const struct fdt_range want[] = {
		{0x80000000, 0x40000},	{0x82000000, 0x1000}, {0x100000000, 0x2000},
		{0x87000000, 0x100000}, {0x88000000, 0x2000},
	};
	struct fdt f;
	struct fdt_info i;
	uint64_t b, s;
	if (!info(t, "reserved", &f, &i))
		return;
	EXPECT_EQ(i.n_mem, 1);
	if (EXPECT_EQ(i.n_reserved, ARRAY_SIZE(want)))
		for (unsigned k = 0; k < ARRAY_SIZE(want); k++) {
			EXPECT_EQ_U(i.reserved[k].base, want[k].base);
			EXPECT_EQ_U(i.reserved[k].size, want[k].size);
		}
	EXPECT(i.bootargs == NULL && i.stdout_path == NULL && i.rng_seed == NULL);
	EXPECT(!i.uart.present && !i.plic.present && !i.test_dev.present);
	EXPECT_EQ(i.n_cpus, 0);
	EXPECT_EQ(i.timebase_freq, 0);
	EXPECT_OK(fdt_rsvmap_entry(&f, 1, &b, &s));
	EXPECT_EQ_U(b, 0x88000000);
	EXPECT_EQ(fdt_rsvmap_entry(&f, 2, &b, &s), ERR_NOENT);
}

TEST(fdt, info_multi_mem)
{
	static const struct fdt_range want[] = {
		{0x80000000, 0x4000000},
		{0x100000000, 0x8000000},
		{0xc0000000, 0x2000000},
		{0xe0000000, 0x100000},
	};
	struct fdt f;
	struct fdt_info i;
	if (!info(t, "multi_mem", &f, &i))
		return;
	if (EXPECT_EQ(i.n_mem, ARRAY_SIZE(want)))
		for (unsigned k = 0; k < ARRAY_SIZE(want); k++) {
			EXPECT_EQ_U(i.mem[k].base, want[k].base);
			EXPECT_EQ_U(i.mem[k].size, want[k].size);
		}
}

TEST(fdt, info_cells1)
{
	struct fdt f;
	struct fdt_info i;
	if (!info(t, "cells1", &f, &i))
		return;
	EXPECT_EQ(i.n_mem, 2);
	EXPECT_EQ_U(i.mem[1].base, 0x88000000);
	EXPECT_EQ_U(i.mem[1].size, 0x1000000);
	EXPECT_EQ(i.n_cpus, 1);
	EXPECT_EQ(i.cpus[0].hartid, 3);
	EXPECT(i.cpus[0].enabled);
	EXPECT_EQ(i.timebase_freq, 1000000);
	EXPECT_EQ(i.rng_seed_len, 3);
	EXPECT(i.rng_seed && i.rng_seed[2] == 3);
	EXPECT(i.uart.present);
	EXPECT_EQ_U(i.uart.base, 0x10000000);
	EXPECT_EQ_U(i.uart.size, 8);
	EXPECT_EQ(i.uart.irq, 5);
	EXPECT_EQ(i.uart.clock_freq, 1843200);
	EXPECT(i.plic.present);
	EXPECT_EQ_U(i.plic.base, 0xc000000);
	EXPECT_EQ_U(i.plic.size, 0x210000);
	EXPECT_EQ(i.plic.ndev, 31);
	EXPECT(i.test_dev.present);
	EXPECT_EQ_U(i.test_dev.base, 0x100000);
}

TEST(fdt, info_cpus8)
{
	struct fdt f;
	struct fdt_info i;
	if (!info(t, "cpus8", &f, &i))
		return;
	if (!EXPECT_EQ(i.n_cpus, 8))
		return;
	for (unsigned c = 0; c < 8; c++) {
		EXPECT_EQ(i.cpus[c].hartid, c);
		EXPECT_EQ(i.cpus[c].enabled, c != 5);
	}
	EXPECT_EQ(i.timebase_freq, 12345678);
	EXPECT_EQ(i.n_mem, 0);
}

/* Too many entries: ERR_RANGE pointing into the node that overflowed, and
 * the caller's struct untouched. */
static void expect_overflow(struct test_ctx *t, const char *name, const char *node_path,
			    const char *msg)
{
	struct fdt f;
	struct fdt_info i, before;
	struct fdt_error err = {0, NULL};
	int node;
	memset(&i, 0x5a, sizeof(i));
	before = i;
	if (!load(t, name, &f))
		return;
	EXPECT_EQ(fdt_parse_info(&f, &i, &err), ERR_RANGE);
	EXPECT(memcmp(&i, &before, sizeof(i)) == 0);
	EXPECT_STREQ(err.msg, msg);
	if (!EXPECT_OK(fdt_path_offset(&f, node_path, &node)))
		return;
	/* the node itself or one of its properties */
	EXPECT_GE(err.offset, f.off_struct + (uint32_t)node);
	EXPECT_LT(err.offset, f.off_struct + (uint32_t)node + 64);
}

TEST(fdt, info_too_many)
{
	expect_overflow(t, "too_many_cpus", "/cpus/cpu@20", "too many cpus");
	expect_overflow(t, "too_many_mem", "/memory@80100000", "too many memory regions");
}
