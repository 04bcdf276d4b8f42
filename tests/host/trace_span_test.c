/* trace_span_test.c - the span registry rules, one by one, and under threads. */
#include <pthread.h>
#include <string.h>

#include "base/test.h"
#include "trace/span.h"

static const struct trace_span_meta m_root = {"root", "t", 3};
static const struct trace_span_meta m_a = {"a", "t", 3};
static const struct trace_span_meta m_b = {"b", "t", 3};

struct closes {
	int n;
	const char *names[16];
};

static void on_close(void *arg, uint64_t id, const struct trace_span_meta *m)
{
	struct closes *c = arg;
	(void)id;
	if (c->n < 16)
		c->names[c->n] = m->name;
	c->n++;
}

TEST(trace_span, ids_unique_and_not_reused_immediately)
{
	struct trace_span_registry reg;
	uint64_t a, b, c;

	if (!EXPECT_OK(trace_span_registry_init(&reg, 4, 1, NULL, NULL)))
		return;
	EXPECT_OK(trace_span_new(&reg, 0, &m_a, TRACE_SPAN_ROOT, 0, &a));
	EXPECT_OK(trace_span_new(&reg, 0, &m_b, TRACE_SPAN_ROOT, 0, &b));
	EXPECT_NE(a, b);
	EXPECT(trace_span_try_close(&reg, a));
	EXPECT(!trace_span_is_live(&reg, a));
	EXPECT_OK(trace_span_new(&reg, 0, &m_a, TRACE_SPAN_ROOT, 0, &c));
	EXPECT_NE(c, a); /* the slot is reused, the id is not */
	EXPECT_NE(c, b);
	EXPECT_EQ(trace_span_live_count(&reg), 2u);
	EXPECT_OK(trace_span_check(&reg));
	/* capacity */
	uint64_t d, e, f;
	EXPECT_OK(trace_span_new(&reg, 0, &m_a, TRACE_SPAN_ROOT, 0, &d));
	EXPECT_OK(trace_span_new(&reg, 0, &m_a, TRACE_SPAN_ROOT, 0, &e));
	EXPECT_EQ(trace_span_new(&reg, 0, &m_a, TRACE_SPAN_ROOT, 0, &f), -1 /* ERR_NOMEM */);
	trace_span_registry_destroy(&reg);
}

TEST(trace_span, refcount_and_parent_chain_close_order)
{
	struct trace_span_registry reg;
	struct closes cl = {0};
	uint64_t root, a, b;

	if (!EXPECT_OK(trace_span_registry_init(&reg, 16, 1, on_close, &cl)))
		return;
	trace_span_new(&reg, 0, &m_root, TRACE_SPAN_ROOT, 0, &root);
	trace_span_new(&reg, 0, &m_a, TRACE_SPAN_EXPLICIT, root, &a);
	trace_span_new(&reg, 0, &m_b, TRACE_SPAN_EXPLICIT, a, &b);
	EXPECT_EQ(trace_span_parent_of(&reg, b), a);
	EXPECT_EQ(trace_span_clone(&reg, b), b);
	EXPECT(!trace_span_try_close(&reg, root)); /* held by a */
	EXPECT(!trace_span_try_close(&reg, a));	   /* held by b */
	EXPECT(trace_span_is_live(&reg, root));
	EXPECT_EQ(cl.n, 0);
	EXPECT(!trace_span_try_close(&reg, b)); /* the clone remains */
	EXPECT_EQ(cl.n, 0);
	EXPECT(trace_span_try_close(&reg, b));
	if (!EXPECT_EQ(cl.n, 3))
		return;
	EXPECT_STREQ(cl.names[0], "b");
	EXPECT_STREQ(cl.names[1], "a");
	EXPECT_STREQ(cl.names[2], "root");
	EXPECT(!trace_span_is_live(&reg, root));
	EXPECT_EQ(trace_span_live_count(&reg), 0u);
	EXPECT_OK(trace_span_check(&reg));
	trace_span_registry_destroy(&reg);
}

TEST(trace_span, stack_duplicates_current_and_scope)
{
	struct trace_span_registry reg;
	struct closes cl = {0};
	uint64_t root, a, ids[4];

	if (!EXPECT_OK(trace_span_registry_init(&reg, 16, 2, on_close, &cl)))
		return;
	trace_span_new(&reg, 0, &m_root, TRACE_SPAN_ROOT, 0, &root);
	EXPECT_EQ(trace_span_current(&reg, 0), 0u);
	trace_span_enter(&reg, 0, root);
	EXPECT_EQ(trace_span_current(&reg, 0), root);
	EXPECT_EQ(trace_span_current(&reg, 1), 0u); /* per CPU */
	trace_span_new(&reg, 0, &m_a, TRACE_SPAN_CONTEXTUAL, 0, &a);
	EXPECT_EQ(trace_span_parent_of(&reg, a), root);
	trace_span_enter(&reg, 0, a);
	trace_span_enter(&reg, 0, root); /* duplicate: no clone */
	EXPECT(reg.stacks[0].e[2].duplicate);
	EXPECT_EQ(trace_span_current(&reg, 0), a); /* duplicates are skipped */
	EXPECT_EQ(trace_span_scope(&reg, a, ids, 4), 2u);
	EXPECT_EQ(ids[0], a);
	EXPECT_EQ(ids[1], root);
	EXPECT_STREQ(trace_span_meta_of(&reg, ids[1])->name, "root");
	/* drop the creation references: entered spans stay open */
	EXPECT(!trace_span_try_close(&reg, a));
	EXPECT(!trace_span_try_close(&reg, root));
	trace_span_exit(&reg, 0, root); /* removes the duplicate, no close */
	EXPECT_EQ(cl.n, 0);
	EXPECT_EQ(reg.stacks[0].depth, 2u);
	trace_span_exit(&reg, 0, a);
	EXPECT_EQ(cl.n, 1);
	EXPECT_EQ(trace_span_current(&reg, 0), root);
	trace_span_exit(&reg, 0, root);
	EXPECT_EQ(cl.n, 2);
	EXPECT_EQ(trace_span_current(&reg, 0), 0u);
	trace_span_exit(&reg, 0, root); /* not on the stack: ignored */
	EXPECT_OK(trace_span_check(&reg));
	trace_span_registry_destroy(&reg);
}

#define THREADS 8
#define ROUNDS	4000

struct worker {
	struct trace_span_registry *reg;
	unsigned cpu;
	uint64_t shared_parent;
	int failures;
};

static void *span_worker(void *arg)
{
	struct worker *w = arg;
	uint64_t ids[8];

	for (int r = 0; r < ROUNDS; r++) {
		int n = 1 + r % 8;
		for (int i = 0; i < n; i++) {
			uint64_t parent = i ? ids[i - 1] : w->shared_parent;
			if (trace_span_new(w->reg, w->cpu, &m_a, TRACE_SPAN_EXPLICIT, parent,
					   &ids[i]) != 0)
				w->failures++;
		}
		trace_span_enter(w->reg, w->cpu, ids[n - 1]);
		if (trace_span_current(w->reg, w->cpu) != ids[n - 1])
			w->failures++;
		/* close in creation order: children (and the stack) keep them alive */
		for (int i = 0; i < n; i++)
			if (trace_span_try_close(w->reg, ids[i]))
				w->failures++;
		trace_span_exit(w->reg, w->cpu, ids[n - 1]);
		if (trace_span_is_live(w->reg, ids[0]))
			w->failures++;
	}
	return NULL;
}

TEST(trace_span, concurrent_create_close)
{
	struct trace_span_registry reg;
	struct closes cl = {0};
	pthread_t th[THREADS];
	struct worker w[THREADS];
	uint64_t shared;

	if (!EXPECT_OK(trace_span_registry_init(&reg, 256, THREADS, NULL, &cl)))
		return;
	trace_span_new(&reg, 0, &m_root, TRACE_SPAN_ROOT, 0, &shared);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){.reg = &reg, .cpu = (unsigned)i, .shared_parent = shared};
		pthread_create(&th[i], NULL, span_worker, &w[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(w[i].failures, 0);
	}
	EXPECT_EQ(trace_span_live_count(&reg), 1u);
	EXPECT_OK(trace_span_check(&reg));
	EXPECT(trace_span_try_close(&reg, shared));
	EXPECT_EQ(trace_span_live_count(&reg), 0u);
	trace_span_registry_destroy(&reg);
}
