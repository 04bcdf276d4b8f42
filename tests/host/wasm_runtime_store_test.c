/*
 * wasm_runtime_store_test.c - the store's ownership (adopted objects freed
 * once, in reverse order, unless disowned; everything freed with the store,
 * which LeakSanitizer checks in the host-asan build), and the trap report.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/runtime.h"
#include "wasm/runtime/runtime_internal.h"
#include "wasm/runtime/runtime_store.h"
#include "wasm_runtime_mods.h"
#include "wasm_runtime_util.h"

/* An adopted object that records the order it was freed in. */
struct tracked {
	struct wasm_store *s;
	int id;
	int *log;
	int *nlog;
	bool disown_self; /* call wasm_store_disown from its free_fn, as an exec might */
};

static void tracked_free(void *obj)
{
	struct tracked *o = obj;

	o->log[(*o->nlog)++] = o->id;
	if (o->disown_self)
		wasm_store_disown(o->s, o);
	free(o);
}

static struct tracked *tracked_new(struct wasm_store *s, int id, int *log, int *nlog)
{
	struct tracked *o = calloc(1, sizeof(*o));

	if (o)
		*o = (struct tracked){.s = s, .id = id, .log = log, .nlog = nlog};
	return o;
}

TEST(wasm_runtime_store, adopt_and_disown)
{
	struct tracked *o[4];
	struct wasm_store *s;
	int log[8], nlog = 0;

	if (!EXPECT_OK(wasm_store_new(NULL, &s)))
		return;
	for (int i = 0; i < 4; i++) {
		o[i] = tracked_new(s, i, log, &nlog);
		if (!EXPECT(o[i] != NULL) || !EXPECT_OK(wasm_store_adopt(s, o[i], tracked_free)))
			return;
	}
	o[3]->disown_self = true;
	wasm_store_disown(s, o[1]);
	wasm_store_disown(s, o[1]); /* not adopted any more: ignored */
	wasm_store_disown(s, &nlog);
	tracked_free(o[1]);
	EXPECT_EQ(nlog, 1);
	wasm_store_free(s);
	if (EXPECT_EQ(nlog, 4)) {
		EXPECT_EQ(log[1], 3);
		EXPECT_EQ(log[2], 2);
		EXPECT_EQ(log[3], 0);
	}
}

static int host_nop(struct wasm_host_call *c, union wasm_val *vals)
{
	(void)c, (void)vals;
	return WASM_HOST_OK;
}

/* Everything a busy store can hold, freed by wasm_store_free alone. */
TEST(wasm_runtime_store, frees_everything)
{
	struct wasm_module *mx = RT_LOAD(mod_exporter), *ms = RT_LOAD(mod_segs),
			   *mo = RT_LOAD(mod_elem_oob), *mg = RT_LOAD(mod_globals);
	struct wasm_store *s = NULL;
	struct wasm_linker *l, *l2;
	struct wasm_instance *ix, *is = NULL;
	struct wasm_tableinst *tb;
	struct wasm_memory *mem;
	struct wasm_globalinst *g;
	struct wasm_error err;
	struct wasm_extern x;
	int log[2], nlog = 0;

	if (!mx || !ms || !mo || !mg || !EXPECT_OK(wasm_store_new(NULL, &s)))
		goto out;
	if (!EXPECT_OK(wasm_linker_new(s, &l)) || !EXPECT_OK(wasm_linker_new(s, &l2)))
		goto out;
	for (int i = 0; i < 40; i++) { /* grows the linker's array */
		char name[3] = {(char)('a' + i / 10), (char)('0' + i % 10), 0};

		EXPECT_OK(wasm_linker_define_func(l2, "many", name, "i:", host_nop, NULL));
	}
	EXPECT_EQ(wasm_linker_define_func(l2, "many", "x", "i:", NULL, NULL), ERR_INVAL);
	EXPECT_OK(wasm_instantiate(s, mx, NULL, &ix, &err));
	EXPECT_OK(wasm_linker_define_instance(l, "x", ix));
	EXPECT_OK(wasm_store_new_table(s, WASM_TYPE_FUNCREF,
				       (struct wasm_limits){4, 0, false, false}, &tb));
	EXPECT_OK(wasm_store_new_memory(s, (struct wasm_limits){1, 0, false, false}, &mem));
	EXPECT_OK(wasm_store_new_global(s, WASM_TYPE_I32, false, rt_i32(1), &g));
	x = (struct wasm_extern){.kind = WASM_EXTERN_TABLE, .u.table = tb};
	EXPECT_OK(wasm_linker_define(l, "m", "t", &x));
	x = (struct wasm_extern){.kind = WASM_EXTERN_MEMORY, .u.mem = mem};
	EXPECT_OK(wasm_linker_define(l, "m", "mem", &x));
	x = (struct wasm_extern){.kind = WASM_EXTERN_GLOBAL, .u.global = g};
	EXPECT_OK(wasm_linker_define(l, "m", "off", &x));
	EXPECT_OK(wasm_linker_define(l, "m", "g", &x));
	for (int i = 0; i < 3; i++)
		EXPECT_OK(wasm_instantiate(s, ms, l, &is, &err));
	EXPECT_EQ(wasm_instantiate(s, mo, l, &is, &err), ERR_TRAP); /* kept by the store */
	EXPECT_EQ(wasm_instantiate(s, mg, l, &is, &err), ERR_LINK); /* m.x missing: nothing kept */
	for (int i = 0; i < 3; i++) /* replaced, but each funcinst lives on */
		EXPECT_OK(wasm_linker_define_func(l, "h", "f", "iI:fF", host_nop, NULL));
	EXPECT_OK(wasm_store_adopt(s, tracked_new(s, 1, log, &nlog), tracked_free));
	EXPECT(wasm_store_check(s));
out:
	wasm_store_free(s);
	if (s)
		EXPECT_EQ(nlog, 1);
	wasm_module_free(mx);
	wasm_module_free(ms);
	wasm_module_free(mo);
	wasm_module_free(mg);
}

/*
 * wasm_store_owns_address runs in a fault handler while memories may be
 * being created: a memory is published only once initialized. Here another
 * thread reads while this one creates memories (under TSan this checks the
 * release/acquire pairing); each published memory must be seen as owned.
 */
#define PUBLISH_N 64

struct publish_ctx {
	struct wasm_store *s;
	_Atomic(uintptr_t) bases[PUBLISH_N];
	atomic_int n;
	atomic_bool stop;
	atomic_int misses;
};

static void *publish_reader(void *arg)
{
	struct publish_ctx *c = arg;

	while (!atomic_load(&c->stop)) {
		int n = atomic_load(&c->n);

		for (int i = 0; i < n; i++)
			if (!wasm_store_owns_address(c->s, atomic_load(&c->bases[i])))
				atomic_fetch_add(&c->misses, 1);
	}
	return NULL;
}

TEST(wasm_runtime_store, owns_address_while_publishing)
{
	static struct publish_ctx c;
	pthread_t th;

	memset(&c, 0, sizeof(c));
	if (!EXPECT_OK(wasm_store_new(NULL, &c.s)))
		return;
	if (!EXPECT_OK(pthread_create(&th, NULL, publish_reader, &c))) {
		wasm_store_free(c.s);
		return;
	}
	for (int i = 0; i < PUBLISH_N; i++) {
		struct wasm_memory *m;

		if (!EXPECT_OK(wasm_store_new_memory(c.s, (struct wasm_limits){1, 0, false, false},
						     &m)))
			break;
		atomic_store(&c.bases[i], (uintptr_t)m->base + (uintptr_t)i);
		atomic_store(&c.n, i + 1);
	}
	atomic_store(&c.stop, true);
	pthread_join(th, NULL);
	EXPECT_EQ(atomic_load(&c.misses), 0);
	EXPECT_EQ(atomic_load(&c.n), PUBLISH_N);
	wasm_store_free(c.s);
}

/* ---- traps ---- */

TEST(wasm_runtime_trap, names)
{
	EXPECT_STREQ(wasm_trap_str(WASM_TRAP_DIV_ZERO), "integer divide by zero");
	EXPECT_STREQ(wasm_trap_str(WASM_TRAP_MEMORY_OOB), "out of bounds memory access");
	EXPECT_STREQ(wasm_trap_str(WASM_TRAP_TABLE_OOB), "out of bounds table access");
	EXPECT_STREQ(wasm_trap_str(WASM_TRAP_UNINIT_ELEM), "uninitialized element");
	EXPECT_STREQ(wasm_trap_str(WASM_TRAP_INDIRECT_TYPE), "indirect call type mismatch");
	EXPECT_STREQ(wasm_trap_str(WASM_TRAP_CALL_STACK), "call stack exhausted");
	for (int k = 0; k < WASM_TRAP__COUNT; k++)
		EXPECT(strcmp(wasm_trap_str(k), "unknown trap") != 0);
	EXPECT_STREQ(wasm_trap_str(WASM_TRAP__COUNT), "unknown trap");
	EXPECT_STREQ(wasm_trap_str(-1), "unknown trap");
}

TEST(wasm_runtime_trap, format)
{
	static const char want[] = "trap: integer divide by zero\n"
				   "  #0 0x0000004a in divide (fib.wasm)\n"
				   "  #1 0x00000090 in main\n"
				   "  #2 0x00000003 in func[7]\n"
				   "  ... 5 more frames\n";
	struct wasm_module *m = RT_LOAD(mod_names);
	struct wasm_instance *inst = NULL;
	struct wasm_trap tr = {0};
	struct wasm_error err;
	struct wasm_store *s = NULL;
	char buf[256], small[sizeof(want) + 8];
	size_t n;

	if (!m || !EXPECT_OK(wasm_store_new(NULL, &s)) ||
	    !EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err)))
		goto out;
	inst->name = "fib.wasm";
	tr.kind = WASM_TRAP_DIV_ZERO;
	tr.depth = 8;
	tr.nframes = 3;
	tr.frames[0] = (struct wasm_trap_frame){inst, 0, 0x4a};
	tr.frames[1] = (struct wasm_trap_frame){inst, 1, 0x90};
	tr.frames[2] = (struct wasm_trap_frame){inst, 7, 3}; /* no name */
	n = wasm_trap_format(&tr, buf, sizeof(buf));
	EXPECT_EQ(n, strlen(want));
	EXPECT_STREQ(buf, want);
	EXPECT_EQ(wasm_trap_format(&tr, NULL, 0), strlen(want));

	/* Every truncation: NUL-terminated prefix, nothing past len. */
	for (size_t len = 0; len <= sizeof(want) + 1; len++) {
		bool ok = true;

		memset(small, 'X', sizeof(small));
		ok &= EXPECT_EQ(wasm_trap_format(&tr, small, len), strlen(want));
		for (size_t i = len; i < sizeof(small); i++)
			ok &= small[i] == 'X';
		if (len) {
			size_t got = strlen(small);

			ok &= EXPECT_EQ(got, MIN(len - 1, strlen(want)));
			ok &= memcmp(small, want, got) == 0;
		}
		if (!EXPECT(ok)) {
			test_printf(t, "len %zu\n", len);
			break;
		}
	}

	/* Host traps carry a message; exits a status; no frames is fine. */
	tr = (struct wasm_trap){.kind = WASM_TRAP_HOST, .msg = "bad fd"};
	wasm_trap_format(&tr, buf, sizeof(buf));
	EXPECT_STREQ(buf, "trap: host function failed: bad fd\n");
	tr = (struct wasm_trap){.kind = WASM_TRAP_EXIT, .exit_code = 3};
	wasm_trap_format(&tr, buf, sizeof(buf));
	EXPECT_STREQ(buf, "exit: status 3\n");
	/* The instance name again where the instance changes. */
	tr = (struct wasm_trap){.kind = WASM_TRAP_UNREACHABLE, .depth = 3, .nframes = 3};
	tr.frames[0] = (struct wasm_trap_frame){inst, 1, 1};
	tr.frames[1] = (struct wasm_trap_frame){NULL, 4, 2};
	tr.frames[2] = (struct wasm_trap_frame){inst, 0, 3};
	wasm_trap_format(&tr, buf, sizeof(buf));
	EXPECT_STREQ(buf, "trap: unreachable\n"
			  "  #0 0x00000001 in main (fib.wasm)\n"
			  "  #1 0x00000002 in func[4]\n"
			  "  #2 0x00000003 in divide (fib.wasm)\n");
	/* A recursion: a frame repeated more than twice is counted, not
	 * printed again (twice is printed) */
	tr = (struct wasm_trap){.kind = WASM_TRAP_CALL_STACK, .depth = 40, .nframes = 32};
	tr.frames[0] = (struct wasm_trap_frame){inst, 0, 0x4a};
	tr.frames[1] = tr.frames[2] = (struct wasm_trap_frame){inst, 7, 3};
	for (int i = 3; i < 32; i++)
		tr.frames[i] = (struct wasm_trap_frame){inst, 1, 0x90};
	wasm_trap_format(&tr, buf, sizeof(buf));
	EXPECT_STREQ(buf, "trap: call stack exhausted\n"
			  "  #0 0x0000004a in divide (fib.wasm)\n"
			  "  #1 0x00000003 in func[7]\n"
			  "  #2 0x00000003 in func[7]\n"
			  "  #3 0x00000090 in main\n"
			  "  ... 28 more frames of main\n"
			  "  ... 8 more frames\n");
out:
	wasm_store_free(s);
	wasm_module_free(m);
}
