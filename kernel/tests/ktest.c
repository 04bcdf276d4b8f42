/*
 * ktest.c - the test kernel's main: runs every TEST linked into the kernel
 * (the files in kernel/tests/), checks that no frame leaked, and ends QEMU with the
 * verdict (exit status 0 = all passed). Bootargs `test=FILTER` selects
 * tests by name, like the host runner.
 */
#include <string.h>

#include "arch/arch.h"
#include "base/assert.h"
#include "base/compiler.h"
#include "base/test.h"
#include "core/console.h"
#include "core/kmain.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "core/panic.h"
#include "tests/ktest.h"
#include "wasm/modcache.h"

static void out_console(void *arg, const char *s, size_t len)
{
	(void)arg;
	kprintf("%.*s", (int)len, s);
}

/* The value of boot argument `key` ("test="), copied into buf, or NULL. */
static const char *bootarg(const char *key, char *buf, size_t size)
{
	const char *a = kg.dt.bootargs;
	size_t klen = strlen(key);
	for (const char *p = a; p && *p; p++) {
		if ((p == a || p[-1] == ' ') && strncmp(p, key, klen) == 0) {
			size_t n = 0;
			for (p += klen; p[n] && p[n] != ' ' && n < size - 1; n++)
				buf[n] = p[n];
			buf[n] = 0;
			return buf;
		}
	}
	return 0;
}

static volatile int depth_sink = 1;

/* Recurses until the stack's guard page stops it (depth_sink never
 * becomes 0; the compiler cannot know). */
static int recurse(int n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	if (depth_sink)
		depth_sink = recurse(n + 1) + pad[0];
	return depth_sink;
}

/*
 * crash=KIND: deliberate kernel failures, for tests/qemu/crash.sh. Each must
 * end QEMU with a non-zero status after printing its report.
 */
static void ktest_crash(const char *kind)
{
	static const char text_marker = 0;
	kprintf("ktest: deliberate crash: %s\n", kind);
	if (strcmp(kind, "fault") == 0)
		*(volatile uint64_t *)(uintptr_t)0xdead0000ull = 1; /* unmapped (low half) */
	else if (strcmp(kind, "wx") == 0)
		*(volatile uint8_t *)(uintptr_t)ktest_crash =
			(uint8_t)text_marker; /* kernel text */
	else if (strcmp(kind, "panic") == 0)
		panic("deliberate panic (%d)", 42);
	else if (strcmp(kind, "nested") == 0)
		panic("%s", (const char *)(uintptr_t)0xdead0000ull); /* faults inside panic */
	else if (strcmp(kind, "stack") == 0)
		recurse(0);
	else if (strcmp(kind, "assert") == 0)
		ASSERT(kind[0] == 'x');
	kprintf("ktest: unknown crash kind '%s'\n", kind);
	arch_shutdown(3);
}

uint64_t ktest_free_frames(void)
{
	struct frame_stats s;
	ktest_drain_all_caches();
	frame_stats(&s);
	return s.free;
}

uint64_t ktest_frames_not_held(void)
{
	struct kheap_stats h;
	struct vm_stats v;
	uint64_t free = ktest_free_frames();
	kheap_stats(&h);
	vm_stats(&v);
	return free + h.committed / FRAME_SIZE + v.table_pages;
}

static void drain(void *arg)
{
	(void)arg;
	frame_drain_cache();
}

void ktest_capture_write(void *arg, int fd, const void *buf, size_t len)
{
	struct ktest_capture *c = arg;

	(void)fd;
	len = MIN(len, sizeof(c->buf) - 1 - c->len);
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	c->buf[c->len] = 0;
}

void ktest_drain_all_caches(void)
{
	modcache_shrink();
	for (uint32_t i = 0; i < ncpus; i++)
		cpu_call(i, drain, 0);
}

void kernel_run(void)
{
	char fbuf[128];
	struct test_ctx t = {.out = out_console};
	const char *crash = bootarg("crash=", fbuf, sizeof(fbuf));
	if (crash)
		ktest_crash(crash);
	const char *bench = bootarg("bench=", fbuf, sizeof(fbuf));
	if (bench) {
		if (strcmp(bench, "exec") == 0) {
			ktest_bench_exec();
		} else if (strcmp(bench, "wasm") == 0) {
			ktest_bench_wasm();
		} else {
			kprintf("ktest: unknown benchmark '%s' (known: exec, wasm)\n", bench);
			arch_shutdown(2);
		}
		arch_shutdown(0);
	}
	const char *spec = bootarg("spec=", fbuf, sizeof(fbuf));
	if (spec) {
		char mbuf[16], vbuf[8];
		const char *mem = bootarg("spec_mem=", mbuf, sizeof(mbuf));
		const char *suite = bootarg("spec_suite=", vbuf, sizeof(vbuf));

		arch_shutdown(ktest_spec(spec, mem && strcmp(mem, "checked") == 0,
					 suite && strcmp(suite, "3.0") == 0));
	}
	const char *filter = bootarg("test=", fbuf, sizeof(fbuf));
	kprintf("ktest: running in-kernel tests on %u CPU(s)%s%s\n", ncpus,
		filter ? ", filter " : "", filter ? filter : "");
	struct kheap_stats hb, ha;
	kheap_stats(&hb);
	uint64_t before = ktest_frames_not_held(), free_before = ktest_free_frames();
	int failed = test_run(&t, __start_test_cases, __stop_test_cases, filter);
	uint64_t after = ktest_frames_not_held(), free_after = ktest_free_frames();
	kheap_stats(&ha);
	/* The leak checks are tests of their own, counted in the verdict. The
	 * frames the heap and the page tables hold come and go with the heap's
	 * needs; they are not leaked. */
	if (after != before) {
		kprintf("FAIL ktest.no_frame_leak: %llu frames free or in the heap before the "
			"tests, %llu after\n",
			(unsigned long long)before, (unsigned long long)after);
		failed++;
		t.failed++;
	} else {
		kprintf("ok   ktest.no_frame_leak (%llu frames free before, %llu after)\n",
			(unsigned long long)free_before, (unsigned long long)free_after);
		t.passed++;
	}
	if (ha.in_use != hb.in_use) {
		kprintf("FAIL ktest.no_heap_leak: %zu heap bytes in use before the tests, %zu "
			"after\n",
			hb.in_use, ha.in_use);
		failed++;
		t.failed++;
	} else {
		kprintf("ok   ktest.no_heap_leak (%zu bytes in use before and after)\n", ha.in_use);
		t.passed++;
	}
	kprintf("ktest: %d passed, %d failed\n", t.passed, t.failed);
	arch_shutdown(failed ? 1 : 0);
}
