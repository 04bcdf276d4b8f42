/*
 * wasm_validate_par_test.c - function bodies validated by workers
 * (validate_bodies.c): the same verdict, error and per-function facts as
 * the caller alone, whatever the interleaving; workers that never start,
 * or start after validation has returned. Under TSan in make test.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/host/workers_host.h"
#include "wasm/load.h"

#define NFUNCS 120
#define ROUNDS 50

enum body { OK, BAD_RESULT, BAD_LOCAL, MALFORMED };

struct mbuf {
	uint8_t b[4096];
	size_t n;
};

static void put(struct mbuf *m, uint8_t v)
{
	if (m->n < sizeof(m->b))
		m->b[m->n++] = v;
}

static void put_u(struct mbuf *m, uint32_t v)
{
	do {
		put(m, (uint8_t)((v & 0x7f) | (v >> 7 ? 0x80 : 0)));
		v >>= 7;
	} while (v);
}

/* NFUNCS functions () -> i32; bodies OK unless `kinds` says otherwise
 * for the index at the same position of `at` (nbad entries). */
static size_t par_module(uint8_t *out, const uint32_t *at, const enum body *kinds, int nbad)
{
	static const uint8_t head[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f};
	struct mbuf m = {0}, code = {0};

	memcpy(m.b, head, sizeof(head));
	m.n = sizeof(head);
	put(&m, 3);	       /* function section */
	put_u(&m, 1 + NFUNCS); /* the count takes one byte */
	put(&m, NFUNCS);
	for (int i = 0; i < NFUNCS; i++)
		put(&m, 0);
	put(&code, NFUNCS);
	for (uint32_t i = 0; i < NFUNCS; i++) {
		enum body k = OK;

		for (int j = 0; j < nbad; j++)
			if (at[j] == i)
				k = kinds[j];
		put(&code, 4);
		put(&code, 0); /* no locals */
		switch (k) {
		case OK: /* i32.const i */
			put(&code, 0x41);
			put(&code, (uint8_t)(i & 0x3f));
			break;
		case BAD_RESULT: /* i64.const 0 */
			put(&code, 0x42);
			put(&code, 0);
			break;
		case BAD_LOCAL: /* local.get 5 */
			put(&code, 0x20);
			put(&code, 5);
			break;
		case MALFORMED: /* no such opcode */
			put(&code, 0xff);
			put(&code, 0);
			break;
		}
		put(&code, 0x0b);
	}
	put(&m, 10);
	put_u(&m, (uint32_t)code.n);
	for (size_t i = 0; i < code.n; i++)
		put(&m, code.b[i]);
	memcpy(out, m.b, m.n);
	return m.n;
}

/* Decodes bytes and validates them with w (NULL: alone). */
static int validate_with(const uint8_t *bytes, size_t len, const struct wasm_workers *w,
			 struct wasm_module **out, struct wasm_error *err)
{
	struct wasm_module *m;
	int rc;

	memset(err, 0, sizeof(*err));
	rc = wasm_module_decode(bytes, len, &m, err);
	if (rc)
		return rc;
	rc = wasm_module_validate_on(m, w, err);
	if (out && !rc)
		*out = m;
	else
		wasm_module_free(m);
	return rc;
}

static bool same_error(struct test_ctx *t, int rc_a, const struct wasm_error *a, int rc_b,
		       const struct wasm_error *b)
{
	return EXPECT_EQ(rc_a, rc_b) && EXPECT_EQ(a->offset, b->offset) &&
	       EXPECT_STREQ(a->msg, b->msg);
}

TEST(wasm_validate_par, the_first_invalid_function_is_reported_whatever_the_interleaving)
{
	static const struct {
		uint32_t at[2];
		enum body kinds[2];
		const char *func; /* in the message */
	} cases[] = {
		{{90, 7}, {BAD_RESULT, BAD_LOCAL}, "(func 7)"},
		{{3, 119}, {BAD_LOCAL, BAD_RESULT}, "(func 3)"},
		{{119, 118}, {BAD_RESULT, BAD_RESULT}, "(func 118)"},
		{{20, 60}, {BAD_RESULT, MALFORMED}, "(func 60)"}, /* malformed wins */
	};
	uint8_t bin[4096];
	struct wasm_workers w;

	wasm_workers_host(&w, 4);
	w.run_bytes = 1; /* every function a run of its own */
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t len = par_module(bin, cases[c].at, cases[c].kinds, 2);
		struct wasm_error alone, err;
		int rc_alone = validate_with(bin, len, NULL, NULL, &alone);

		if (!EXPECT(rc_alone == ERR_INVALID || rc_alone == ERR_MALFORMED) ||
		    !EXPECT(strstr(alone.msg, cases[c].func)))
			return;
		for (int r = 0; r < ROUNDS; r++) {
			int rc = validate_with(bin, len, &w, NULL, &err);

			if (!same_error(t, rc_alone, &alone, rc, &err))
				return;
		}
	}
}

TEST(wasm_validate_par, workers_record_what_the_caller_alone_would)
{
	uint8_t bin[4096];
	size_t len = par_module(bin, NULL, NULL, 0);
	struct wasm_module *a, *b;
	struct wasm_error err;
	struct wasm_workers w;

	wasm_workers_host(&w, 3);
	w.run_bytes = 16; /* a few functions a run */
	if (!EXPECT_OK(validate_with(bin, len, NULL, &a, &err)))
		return;
	if (EXPECT_OK(validate_with(bin, len, &w, &b, &err))) {
		EXPECT(b->validated);
		for (uint32_t i = 0; i < a->nfuncs; i++) {
			if (!EXPECT_EQ(a->funcs[i].max_height, b->funcs[i].max_height) ||
			    !EXPECT_EQ(a->funcs[i].nblocks, b->funcs[i].nblocks))
				break;
		}
		wasm_module_free(b);
	}
	wasm_module_free(a);
}

/* Workers that never start: the caller validates everything. */
static unsigned start_none(void *ctx, void (*work)(void *), void *arg, unsigned n)
{
	(void)ctx, (void)work, (void)arg, (void)n;
	return 0;
}

/* Workers that start only after validation has returned (a busy
 * executor): they must find nothing to do and touch no module. */
struct late {
	void (*work)(void *);
	void *arg[8];
	unsigned n;
};

static unsigned start_late(void *ctx, void (*work)(void *), void *arg, unsigned n)
{
	struct late *l = ctx;

	for (unsigned i = 0; i < n && l->n < 8; i++) {
		l->work = work;
		l->arg[l->n++] = arg;
	}
	return n < 8 ? n : 8;
}

TEST(wasm_validate_par, workers_that_never_start_or_start_late)
{
	uint8_t bin[4096];
	const uint32_t at[] = {50};
	const enum body kinds[] = {BAD_LOCAL};
	size_t len = par_module(bin, at, kinds, 1);
	struct late late = {0};
	struct wasm_workers none = {.n = 2, .run_bytes = 1, .start = start_none};
	struct wasm_workers later = {.n = 3, .run_bytes = 1, .start = start_late, .ctx = &late};
	struct wasm_error alone, err;
	int rc_alone = validate_with(bin, len, NULL, NULL, &alone);

	EXPECT_EQ(rc_alone, ERR_INVALID);
	same_error(t, rc_alone, &alone, validate_with(bin, len, &none, NULL, &err), &err);
	same_error(t, rc_alone, &alone, validate_with(bin, len, &later, NULL, &err), &err);
	if (EXPECT_EQ(late.n, 3u))
		for (unsigned i = 0; i < late.n; i++)
			late.work(late.arg[i]); /* the module is gone: ASan would see a touch */
}

/* Many validations at once, each with its own workers (TSan). */
static void *validate_thread(void *unused)
{
	const uint32_t at[] = {77};
	const enum body kinds[] = {BAD_RESULT};
	uint8_t mine[4096];
	size_t len = par_module(mine, at, kinds, 1);
	struct wasm_workers w;
	struct wasm_error err;
	intptr_t bad = 0;

	(void)unused;
	wasm_workers_host(&w, 2);
	w.run_bytes = 8;
	for (int r = 0; r < 20; r++)
		if (validate_with(mine, len, &w, NULL, &err) != ERR_INVALID ||
		    !strstr(err.msg, "(func 77)"))
			bad++;
	return (void *)bad;
}

TEST(wasm_validate_par, concurrent_validations)
{
	pthread_t th[4];
	int started = 0;

	for (; started < 4; started++)
		if (pthread_create(&th[started], NULL, validate_thread, NULL))
			break;
	EXPECT_EQ(started, 4);
	for (int i = 0; i < started; i++) {
		void *bad;

		pthread_join(th[i], &bad);
		EXPECT_EQ((intptr_t)bad, 0);
	}
}
