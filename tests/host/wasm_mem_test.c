/*
 * wasm_mem_test.c - linear memory: grow semantics, limits, the checked
 * provider's bounds checks, and guarded memories whose faults become traps.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/host/mem_host.h"
#include "wasm/mem.h"

#define PAGE WASM_PAGE_SIZE

TEST(wasm_mem, checked_grow_and_max)
{
	struct wasm_memory m;

	if (!EXPECT_OK(wasm_memory_init(&m, wasm_mem_checked(), 1, 3, 100)))
		return;
	EXPECT(!m.guarded);
	EXPECT_EQ(m.pages, 1);
	EXPECT_EQ_U(m.size_bytes, PAGE);
	m.base[0] = 0x5a;
	m.base[PAGE - 1] = 0xa5;
	EXPECT_EQ(wasm_memory_grow(&m, 0), 1);
	EXPECT_EQ(wasm_memory_grow(&m, 3), -1); /* 4 > max 3 */
	EXPECT_EQ(m.pages, 1);
	EXPECT_EQ(wasm_memory_grow(&m, 1), 1);
	EXPECT_EQ(m.pages, 2);
	EXPECT_EQ_U(m.size_bytes, 2 * PAGE);
	/* old bytes kept, new bytes zero */
	EXPECT_EQ(m.base[0], 0x5a);
	EXPECT_EQ(m.base[PAGE - 1], 0xa5);
	EXPECT_EQ(m.base[PAGE], 0);
	EXPECT_EQ(m.base[2 * PAGE - 1], 0);
	EXPECT_EQ(wasm_memory_grow(&m, 1), 2);
	EXPECT_EQ(wasm_memory_grow(&m, 1), -1);
	EXPECT_EQ(wasm_memory_grow(&m, UINT32_MAX), -1);
	EXPECT_EQ(m.pages, 3);
	wasm_memory_destroy(&m);
	EXPECT(m.base == NULL);
}

TEST(wasm_mem, instance_limit_caps_grow)
{
	struct wasm_memory m;

	if (!EXPECT_OK(wasm_memory_init(&m, wasm_mem_checked(), 0, WASM_MEM_MAX_PAGES, 2)))
		return;
	EXPECT_EQ(m.cap_pages, 2);
	EXPECT_EQ(wasm_memory_grow(&m, 2), 0);
	EXPECT_EQ(wasm_memory_grow(&m, 1), -1);
	wasm_memory_destroy(&m);
}

TEST(wasm_mem, init_rejects_bad_limits)
{
	struct wasm_memory m = {.pages = 77};

	EXPECT_EQ(wasm_memory_init(&m, wasm_mem_checked(), 3, 2, 10), ERR_RANGE);
	EXPECT_EQ(wasm_memory_init(&m, wasm_mem_checked(), 3, 10, 2), ERR_RANGE);
	EXPECT_EQ(wasm_memory_init(&m, wasm_mem_checked(), 0, WASM_MEM_MAX_PAGES + 1, 10),
		  ERR_RANGE);
	EXPECT_EQ(m.pages, 77); /* untouched on failure */
}

TEST(wasm_mem, checked_bounds)
{
	struct wasm_memory m;

	if (!EXPECT_OK(wasm_memory_init(&m, wasm_mem_checked(), 1, 1, 1)))
		return;
	EXPECT(wasm_memory_needs_check(&m, 0, 1));
	EXPECT(wasm_memory_in_bounds(&m, 0, 0, 8));
	EXPECT(wasm_memory_in_bounds(&m, PAGE - 4, 0, 4));
	EXPECT(!wasm_memory_in_bounds(&m, PAGE - 3, 0, 4));
	EXPECT(wasm_memory_in_bounds(&m, 0, PAGE - 1, 1));
	EXPECT(!wasm_memory_in_bounds(&m, 1, PAGE - 1, 1));
	EXPECT(wasm_memory_in_bounds(&m, PAGE, 0, 0));
	EXPECT(!wasm_memory_in_bounds(&m, PAGE + 1, 0, 0));
	EXPECT(!wasm_memory_in_bounds(&m, UINT32_MAX, UINT32_MAX, 8));
	EXPECT(!wasm_memory_in_bounds(&m, 8, UINT64_MAX, 1));
	EXPECT(wasm_memory_owns_address(&m, (uintptr_t)m.base + PAGE - 1));
	EXPECT(!wasm_memory_owns_address(&m, (uintptr_t)m.base + PAGE));
	wasm_memory_destroy(&m);
}

TEST(wasm_mem, zero_page_memory)
{
	struct wasm_memory m;

	if (!EXPECT_OK(wasm_memory_init(&m, wasm_mem_checked(), 0, 1, 1)))
		return;
	EXPECT(!wasm_memory_in_bounds(&m, 0, 0, 1));
	EXPECT(wasm_memory_in_bounds(&m, 0, 0, 0));
	EXPECT_EQ(wasm_memory_grow(&m, 1), 0);
	EXPECT(wasm_memory_in_bounds(&m, 0, 0, 1));
	wasm_memory_destroy(&m);
}

/* A provider whose commit fails: grow must report -1 and change nothing. */
static int failing_commit(void *arg, uint8_t **base_io, uint64_t o, uint64_t n)
{
	(void)arg, (void)base_io, (void)o, (void)n;
	return ERR_NOMEM;
}

TEST(wasm_mem, provider_failure_leaves_memory)
{
	struct wasm_mem_provider p = *wasm_mem_checked();
	struct wasm_memory m;
	uint8_t *base;

	p.commit = failing_commit;
	if (!EXPECT_OK(wasm_memory_init(&m, &p, 1, 4, 4)))
		return;
	base = m.base;
	EXPECT_EQ(wasm_memory_grow(&m, 1), -1);
	EXPECT_EQ(m.pages, 1);
	EXPECT_EQ_U(m.size_bytes, PAGE);
	EXPECT(m.base == base);
	wasm_memory_destroy(&m);
}

/* ---- guarded memories ---- */

struct access {
	volatile uint8_t *p;
	uint8_t value;
	bool write;
};

static int do_access(void *arg)
{
	struct access *a = arg;

	if (a->write)
		*a->p = a->value;
	else
		a->value = *a->p;
	return 7;
}

static int guarded_access(struct wasm_memory *m, uint64_t off, bool write,
			  struct wasm_mem_fault *fault)
{
	struct access a = {.p = m->base + off, .value = 0x42, .write = write};

	return wasm_mem_host_guard_call(m, do_access, &a, fault);
}

TEST(wasm_mem, guarded_fault_becomes_trap)
{
	struct wasm_mem_fault f = {0};
	struct wasm_memory m;

	if (!EXPECT_OK(wasm_mem_host_guard_install()))
		return;
	if (!EXPECT_OK(wasm_memory_init(&m, wasm_mem_host_guarded(), 1, 4, 4)))
		return;
	EXPECT(m.guarded);
	EXPECT(!wasm_memory_needs_check(&m, UINT32_MAX, 16));
	EXPECT(wasm_memory_needs_check(&m, UINT64_C(1) << 33, 1));
	EXPECT_EQ(guarded_access(&m, PAGE - 1, true, &f), 7);
	EXPECT_EQ(m.base[PAGE - 1], 0x42);
	EXPECT_EQ(guarded_access(&m, PAGE, false, &f), ERR_TRAP);
	EXPECT_EQ_U(f.addr, (uintptr_t)m.base + PAGE);
	EXPECT(f.signo == SIGSEGV || f.signo == SIGBUS);
	/* the process survived; the same thread traps again after a trap */
	EXPECT_EQ(guarded_access(&m, PAGE + 5, true, &f), ERR_TRAP);
	EXPECT_EQ_U(f.addr, (uintptr_t)m.base + PAGE + 5);
	/* grow makes the next page accessible and zero, base does not move */
	{
		uint8_t *base = m.base;

		EXPECT_EQ(wasm_memory_grow(&m, 1), 1);
		EXPECT(m.base == base);
	}
	EXPECT_EQ(guarded_access(&m, PAGE + 5, false, &f), 7);
	EXPECT_EQ(guarded_access(&m, 2 * PAGE, false, &f), ERR_TRAP);
	/* the farthest index + offset the interpreter can form, unchecked */
	EXPECT_EQ(guarded_access(&m, (UINT64_C(1) << 33) + 15, true, &f), ERR_TRAP);
	EXPECT_EQ(wasm_memory_grow(&m, 3), -1);
	wasm_memory_destroy(&m);
}

TEST(wasm_mem, guarded_grows_to_4gib)
{
	struct wasm_mem_fault f = {0};
	struct wasm_memory m;
	uint64_t four_g = UINT64_C(1) << 32;

	if (!EXPECT_OK(wasm_mem_host_guard_install()))
		return;
	if (!EXPECT_OK(wasm_memory_init(&m, wasm_mem_host_guarded(), 0, WASM_MEM_MAX_PAGES,
					WASM_MEM_MAX_PAGES)))
		return;
	EXPECT_EQ(guarded_access(&m, 0, false, &f), ERR_TRAP);
	EXPECT_EQ(wasm_memory_grow(&m, WASM_MEM_MAX_PAGES), 0);
	EXPECT_EQ_U(m.size_bytes, four_g);
	EXPECT_EQ(guarded_access(&m, four_g - 1, true, &f), 7);
	EXPECT_EQ(guarded_access(&m, four_g, true, &f), ERR_TRAP);
	EXPECT_EQ(wasm_memory_grow(&m, 1), -1);
	EXPECT_EQ(wasm_memory_grow(&m, 0), (int64_t)WASM_MEM_MAX_PAGES);
	wasm_memory_destroy(&m);
}

/* A fault in an outer memory while an inner guard call runs lands outside. */
struct nested {
	struct wasm_memory *inner, *outer;
	struct wasm_mem_fault fault;
	int inner_ret;
};

static int touch_outer_oob(void *arg)
{
	struct nested *n = arg;
	volatile uint8_t *p = n->outer->base + n->outer->size_bytes;

	return *p;
}

static int run_inner(void *arg)
{
	struct nested *n = arg;

	n->inner_ret = wasm_mem_host_guard_call(n->inner, touch_outer_oob, n, &n->fault);
	return 1;
}

TEST(wasm_mem, guarded_nested_calls)
{
	struct wasm_memory a, b;
	struct wasm_mem_fault f = {0};
	struct nested n = {.inner = &b, .outer = &a, .inner_ret = 99};

	if (!EXPECT_OK(wasm_mem_host_guard_install()))
		return;
	if (!EXPECT_OK(wasm_memory_init(&a, wasm_mem_host_guarded(), 1, 1, 1)))
		return;
	if (!EXPECT_OK(wasm_memory_init(&b, wasm_mem_host_guarded(), 1, 1, 1))) {
		wasm_memory_destroy(&a);
		return;
	}
	EXPECT_EQ(wasm_mem_host_guard_call(&a, run_inner, &n, &f), ERR_TRAP);
	EXPECT_EQ(n.inner_ret, 99); /* the inner call never returned */
	EXPECT_EQ_U(f.addr, (uintptr_t)a.base + PAGE);
	/* both frames were popped: b traps to its own landing again */
	EXPECT_EQ(guarded_access(&b, PAGE, false, &f), ERR_TRAP);
	wasm_memory_destroy(&b);
	wasm_memory_destroy(&a);
}

/* Each thread's faults land in its own frames. */
static void *thread_traps(void *arg)
{
	struct wasm_memory m;
	struct wasm_mem_fault f;
	long bad = 0;

	(void)arg;
	if (wasm_memory_init(&m, wasm_mem_host_guarded(), 1, 2, 2))
		return (void *)1;
	for (int i = 0; i < 200; i++) {
		if (guarded_access(&m, PAGE + (uint64_t)i, false, &f) != ERR_TRAP ||
		    f.addr != (uintptr_t)m.base + PAGE + (uint64_t)i)
			bad++;
		if (guarded_access(&m, (uint64_t)i, true, &f) != 7)
			bad++;
	}
	wasm_memory_destroy(&m);
	return (void *)bad;
}

TEST(wasm_mem, guarded_traps_per_thread)
{
	pthread_t th[4];
	void *ret;

	if (!EXPECT_OK(wasm_mem_host_guard_install()))
		return;
	for (int i = 0; i < 4; i++)
		EXPECT_OK(pthread_create(&th[i], NULL, thread_traps, NULL));
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], &ret);
		EXPECT_EQ((long)ret, 0);
	}
}

/* A fault outside every registered memory is not swallowed: the process
 * dies (the default action, or the sanitizer's report and exit). */
TEST(wasm_mem, foreign_fault_is_not_a_trap)
{
	struct wasm_memory m;
	pid_t pid;
	int status = 0;

	if (!EXPECT_OK(wasm_mem_host_guard_install()))
		return;
	if (!EXPECT_OK(wasm_memory_init(&m, wasm_mem_host_guarded(), 1, 1, 1)))
		return;
	pid = fork();
	if (pid == 0) {
		struct rlimit no_core = {0, 0};
		struct wasm_memory other;
		struct wasm_mem_fault f;
		int devnull = open("/dev/null", O_WRONLY);

		/* quiet: no core file, no sanitizer report in the test log */
		setrlimit(RLIMIT_CORE, &no_core);
		if (devnull >= 0)
			dup2(devnull, 2);

		if (wasm_memory_init(&other, wasm_mem_host_guarded(), 1, 1, 1))
			_exit(3);
		/* m's guard region is registered; the fault is in `other` */
		struct access a = {.p = other.base + PAGE};
		wasm_mem_host_guard_call(&m, do_access, &a, &f);
		_exit(0);
	}
	if (!EXPECT_GT(pid, 0))
		return;
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(!(WIFEXITED(status) && WEXITSTATUS(status) == 0));
	EXPECT(!(WIFEXITED(status) && WEXITSTATUS(status) == 3));
	wasm_memory_destroy(&m);
}
