/*
 * ktest.c - the test kernel's main: runs every TEST linked into the kernel
 * (the files in kernel/tests/), checks that no frame leaked, and ends QEMU with the
 * verdict (exit status 0 = all passed). Bootargs `test=FILTER` selects
 * tests by name, like the host runner.
 */
#include <string.h>

#include "arch/arch.h"
#include "base/test.h"
#include "console.h"
#include "kmain.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "tests/ktest.h"

static void out_console(void *arg, const char *s, size_t len)
{
	(void)arg;
	kprintf("%.*s", (int)len, s);
}

/* The value of `test=` in the boot arguments, copied into buf. */
static const char *filter_from_bootargs(char *buf, size_t size)
{
	const char *a = kg.dt.bootargs;
	for (const char *p = a; p && *p; p++) {
		if ((p == a || p[-1] == ' ') && strncmp(p, "test=", 5) == 0) {
			size_t n = 0;
			for (p += 5; p[n] && p[n] != ' ' && n < size - 1; n++)
				buf[n] = p[n];
			buf[n] = 0;
			return buf;
		}
	}
	return 0;
}

uint64_t ktest_free_frames(void)
{
	struct frame_stats s;
	ktest_drain_all_caches();
	frame_stats(&s);
	return s.free;
}

static void drain(void *arg)
{
	(void)arg;
	frame_drain_cache();
}

void ktest_drain_all_caches(void)
{
	for (uint32_t i = 0; i < ncpus; i++)
		cpu_call(i, drain, 0);
}

void kernel_run(void)
{
	char fbuf[128];
	struct test_ctx t = { .out = out_console };
	const char *filter = filter_from_bootargs(fbuf, sizeof(fbuf));
	kprintf("ktest: running in-kernel tests on %u CPU(s)%s%s\n", ncpus, filter ? ", filter " : "",
		filter ? filter : "");
	struct kheap_stats hb, ha;
	struct vm_stats vb, va;
	kheap_stats(&hb);
	vm_stats(&vb);
	uint64_t before = ktest_free_frames();
	int failed = test_run(&t, __start_test_cases, __stop_test_cases, filter);
	uint64_t after = ktest_free_frames();
	kheap_stats(&ha);
	vm_stats(&va);
	/* The heap keeps what it grew by, with the page tables that map it;
	 * those frames are not leaked. */
	uint64_t grown = (ha.total - hb.total) / FRAME_SIZE + va.table_pages - vb.table_pages;
	/* The leak checks are tests of their own, counted in the verdict. */
	if (after + grown != before) {
		kprintf("FAIL ktest.no_frame_leak: %llu frames free before the tests, %llu after "
			"(+%llu kept by the heap)\n",
			(unsigned long long)before, (unsigned long long)after,
			(unsigned long long)grown);
		failed++;
		t.failed++;
	} else {
		kprintf("ok   ktest.no_frame_leak (%llu frames free, %llu more now in the heap)\n",
			(unsigned long long)before, (unsigned long long)grown);
		t.passed++;
	}
	if (ha.in_use != hb.in_use) {
		kprintf("FAIL ktest.no_heap_leak: %zu heap bytes in use before the tests, %zu after\n",
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
