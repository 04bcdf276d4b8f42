/*
 * exec.c - schedulers, stealing, the worker loop and sleeping (see exec.h).
 *
 * Sleeping: a worker sets its bit in `idle` (seq_cst RMW), then looks at
 * every queue length (seq_cst loads). An enqueuer counts the task in the
 * queue (seq_cst RMW), then loads `idle` (seq_cst). Total order on these
 * means at least one side sees the other, so work never sits next to a
 * sleeping CPU. Waking clears the bit (whoever clears it calls wake_cpu) and
 * counts the woken worker as `searching` until it finds work or sleeps, so
 * a burst of spawns wakes one helper at a time, not all of them.
 */
#include <stdlib.h>

#include "base/compiler.h"
#include "base/err.h"
#include "base/spin.h"
#include "kasync/exec.h"
#include "kasync/exec_internal.h"

#define STEAL_ROUNDS	    4
#define MAX_STOLEN_PER_TICK 256
#define SPIN_BEFORE_SLEEP   64
#define LIFO_MAX_RUN	    3 /* slot tasks polled in a row before one from the queue */

static inline struct kasync_task *link_task(struct kasync_link *l)
{
	return CONTAINER_OF(l, struct kasync_task, link);
}

static inline void hook(struct kasync_exec *exec, enum kasync_hook_kind kind, uint32_t cpu,
			const struct kasync_task *task, uint64_t arg)
{
	const _Atomic bool *gate = exec->hook_gate[kind];
	/* relaxed: a switch like a tracepoint's; a stale value adds or drops one call */
	if (UNLIKELY(gate != NULL) && UNLIKELY(atomic_load_explicit(gate, memory_order_relaxed)))
		exec->hook(exec->hook_ctx, kind, cpu, task, arg);
}

static inline void count(_Atomic uint64_t *c, uint64_t n)
{
	/* relaxed: statistics only; nothing is ordered by them. */
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

int kasync_exec_init(struct kasync_exec *exec, uint32_t ncpu, const struct kasync_platform *plat,
		     uint64_t tick_ns)
{
	struct kasync_sched *s;

	if (ncpu == 0 || ncpu > KASYNC_MAX_CPUS || plat == NULL)
		return ERR_INVAL;
	s = aligned_alloc(64, ALIGN_UP(sizeof(*s) * ncpu, 64));
	if (s == NULL)
		return ERR_NOMEM;
	for (uint32_t i = 0; i < ncpu; i++) {
		kasync_mpsc_init(&s[i].q);
		s[i].exec = exec;
		s[i].cpu = i;
		/* relaxed: published with the executor before any worker starts. */
		atomic_store_explicit(&s[i].current, NULL, memory_order_relaxed);
		atomic_store_explicit(&s[i].lifo, NULL, memory_order_relaxed);
		s[i].lifo_run = 0;
		atomic_init(&s[i].polled, 0);
		atomic_init(&s[i].completed, 0);
		atomic_init(&s[i].spawned, 0);
		atomic_init(&s[i].woken_external, 0);
		atomic_init(&s[i].woken_internal, 0);
		atomic_init(&s[i].stolen, 0);
		s[i].end_tick = false;
		s[i].yield_slice = false;
		s[i].rng = 0x9e3779b97f4a7c15ull * (i + 1);
	}
	exec->scheds = s;
	exec->hook = NULL;
	exec->hook_ctx = NULL;
	for (unsigned k = 0; k < KASYNC_HOOK_COUNT; k++)
		exec->hook_gate[k] = NULL;
	exec->ncpu = ncpu;
	exec->plat = plat;
	kasync_mpsc_init(&exec->injector);
	kasync_mpsc_init(&exec->yielded);
	atomic_init(&exec->idle, 0);
	atomic_init(&exec->searching, 0);
	atomic_init(&exec->closed, false);
	atomic_init(&exec->next_id, 1);
	kasync_timer_init(&exec->timer, tick_ns, plat->now_ns(plat->ctx));
	return 0;
}

static void drain(struct kasync_mpsc *q)
{
	struct kasync_link *l;
	enum kasync_mpsc_pop r;

	while ((r = kasync_mpsc_pop(q, &l)) != KASYNC_MPSC_EMPTY) {
		if (r == KASYNC_MPSC_OK)
			kasync_task_unref(link_task(l));
	}
}

void kasync_exec_destroy(struct kasync_exec *exec)
{
	for (uint32_t i = 0; i < exec->ncpu; i++) {
		struct kasync_task *t = atomic_exchange(&exec->scheds[i].lifo, NULL);
		if (t != NULL)
			kasync_task_unref(t);
		drain(&exec->scheds[i].q);
	}
	drain(&exec->injector);
	drain(&exec->yielded);
	free(exec->scheds);
	exec->scheds = NULL;
}

struct kasync_sched *kasync_exec_current_sched(struct kasync_exec *exec)
{
	uint32_t cpu = exec->plat->cpu_id(exec->plat->ctx);
	return cpu < exec->ncpu ? &exec->scheds[cpu] : NULL;
}

/* Clears CPU `cpu`'s idle bit; if we were the one, wake it as a searcher. */
static bool wake_cpu(struct kasync_exec *exec, uint32_t cpu)
{
	uint64_t bit = (uint64_t)1 << cpu;
	if (!(atomic_fetch_and(&exec->idle, ~bit) & bit))
		return false;
	atomic_fetch_add(&exec->searching, 1);
	exec->plat->wake_cpu(exec->plat->ctx, cpu);
	return true;
}

void kasync_exec_wake_one(struct kasync_exec *exec)
{
	uint64_t idle;

	while ((idle = atomic_load(&exec->idle)) != 0) {
		if (wake_cpu(exec, (uint32_t)__builtin_ctzll(idle)))
			return;
	}
}

/*
 * After enqueueing on `target`'s queue (NULL: a global queue): make sure a
 * CPU will run the task. A sleeping target is woken (a cross-CPU wake goes
 * where the task last ran); else one sleeper is woken as a helper, unless a
 * worker is searching already (it checks every queue before sleeping): one
 * searcher at a time, no thundering herd. A rule that woke a helper only
 * for a backlog of two saved wakes on the host but left a task spawned by a
 * long poll (a guest's slice, a poll that waits for its child) waiting for
 * that poll to end (sched.join_completes_across_harts failed): not kept.
 */
static void notify(struct kasync_exec *exec, struct kasync_sched *target, bool target_is_self)
{
	uint64_t idle = atomic_load(&exec->idle);

	if (idle == 0)
		return;
	if (target != NULL && !target_is_self && (idle & ((uint64_t)1 << target->cpu)) &&
	    wake_cpu(exec, target->cpu))
		return;
	if (atomic_load(&exec->searching) != 0)
		return;
	kasync_exec_wake_one(exec);
}

/*
 * Queues a task on the caller's own scheduler `s`. During a poll there it
 * goes to the LIFO slot, to be polled next (a spawned child or a woken peer
 * is what the polling task touched last: chained_spawn and ping_pong then
 * never pass through the queue), and the task the slot held goes to the
 * queue. Outside a poll (a CPU's main context spawning) straight to the
 * queue, in order.
 */
static void push_local(struct kasync_sched *s, struct kasync_task *task)
{
	/* relaxed: `current` is written only on this CPU, and we are on it. */
	if (atomic_load_explicit(&s->current, memory_order_relaxed) != NULL) {
		/* seq_cst: the idle check reads the slots as it reads the queues' counts. */
		task = atomic_exchange(&s->lifo, task);
		if (task == NULL)
			return;
	}
	kasync_mpsc_push(&s->q, &task->link);
}

/* Takes the task in `s`'s LIFO slot, or NULL: its CPU, or a thief. */
static inline struct kasync_task *take_lifo(struct kasync_sched *s)
{
	/* relaxed pre-check: most polls find it empty; the exchange decides. */
	if (atomic_load_explicit(&s->lifo, memory_order_relaxed) == NULL)
		return NULL;
	/* acquire: pairs with the putter's exchange, which published the task. */
	return atomic_exchange_explicit(&s->lifo, NULL, memory_order_acquire);
}

void kasync_sched_enqueue_woken(struct kasync_task *task)
{
	/* relaxed: the binding is ordered by the state word's CAS that made us the enqueuer. */
	struct kasync_sched *s = atomic_load_explicit(&task->sched, memory_order_relaxed);
	struct kasync_exec *exec = task->exec;

	hook(exec, KASYNC_HOOK_WAKEUP, s ? s->cpu : KASYNC_NO_CPU, task, 0);
	if (s == NULL) {
		kasync_mpsc_push(&exec->injector, &task->link);
		notify(exec, NULL, false);
		return;
	}
	count(&s->woken_external, 1);
	if (kasync_exec_current_sched(exec) == s) {
		push_local(s, task);
		notify(exec, s, true);
		return;
	}
	kasync_mpsc_push(&s->q, &task->link);
	notify(exec, s, false);
}

int kasync_spawn(struct kasync_exec *exec, struct kasync_task *task, struct kasync_join *join)
{
	struct kasync_sched *s;

	if (atomic_load(&exec->closed)) {
		kasync_task_unref(task);
		return ERR_CLOSED;
	}
	task->exec = exec;
	/* relaxed: ids only need to be unique. */
	task->id = atomic_fetch_add_explicit(&exec->next_id, 1, memory_order_relaxed);
	if (join != NULL) {
		kasync_state_clone_ref(&task->state);
		kasync_state_create_join_handle(&task->state);
		join->task = task;
	}
	kasync_state_mark_queued(&task->state);
	s = kasync_exec_current_sched(exec);
	hook(exec, KASYNC_HOOK_SPAWN, s ? s->cpu : KASYNC_NO_CPU, task, 0);
	if (s == NULL) {
		kasync_mpsc_push(&exec->injector, &task->link);
		notify(exec, NULL, false);
		return 0;
	}
	/* relaxed: the push below publishes the binding with the task. */
	atomic_store_explicit(&task->sched, s, memory_order_relaxed);
	count(&s->spawned, 1);
	push_local(s, task);
	notify(exec, s, true);
	return 0;
}

void kasync_exec_set_hook(struct kasync_exec *exec, kasync_hook_fn fn, void *ctx,
			  const _Atomic bool *const gates[KASYNC_HOOK_COUNT])
{
	exec->hook_ctx = ctx;
	exec->hook = fn;
	for (unsigned k = 0; k < KASYNC_HOOK_COUNT; k++)
		exec->hook_gate[k] = fn ? gates[k] : NULL;
}

void kasync_exec_close(struct kasync_exec *exec)
{
	atomic_store(&exec->closed, true);
	for (uint32_t i = 0; i < exec->ncpu; i++)
		wake_cpu(exec, i);
}

bool kasync_exec_is_closed(struct kasync_exec *exec)
{
	return atomic_load(&exec->closed);
}

struct kasync_task *kasync_current_task(struct kasync_exec *exec)
{
	struct kasync_sched *s = kasync_exec_current_sched(exec);
	struct kasync_task *t;

	if (s == NULL)
		return NULL;
	/* relaxed: only this CPU writes it, and we are on this CPU. */
	t = atomic_load_explicit(&s->current, memory_order_relaxed);
	if (t != NULL)
		kasync_task_ref(t);
	return t;
}

void kasync_sched_counters(struct kasync_sched *s, struct kasync_counters *out)
{
	/* relaxed: statistics. */
	out->polled = atomic_load_explicit(&s->polled, memory_order_relaxed);
	out->completed = atomic_load_explicit(&s->completed, memory_order_relaxed);
	out->spawned = atomic_load_explicit(&s->spawned, memory_order_relaxed);
	out->woken_external = atomic_load_explicit(&s->woken_external, memory_order_relaxed);
	out->woken_internal = atomic_load_explicit(&s->woken_internal, memory_order_relaxed);
	out->stolen = atomic_load_explicit(&s->stolen, memory_order_relaxed);
}

void kasync_exec_counters(struct kasync_exec *exec, struct kasync_counters *out)
{
	struct kasync_counters c, sum = {0};

	for (uint32_t i = 0; i < exec->ncpu; i++) {
		kasync_sched_counters(&exec->scheds[i], &c);
		sum.polled += c.polled;
		sum.completed += c.completed;
		sum.spawned += c.spawned;
		sum.woken_external += c.woken_external;
		sum.woken_internal += c.woken_internal;
		sum.stolen += c.stolen;
	}
	*out = sum;
}

static size_t steal_from(struct kasync_sched *to, struct kasync_mpsc *from, size_t max, bool half);

/*
 * A task that used up its slice (kasync_yield_slice). If some task waits
 * for a CPU, here or in the yield queue, it goes to the back of the yield
 * queue, and the oldest yielded task takes its place here (unless this CPU
 * has tasks of its own to run first). False if nothing waits: it goes on
 * here, as a plain wake would.
 */
static bool requeue_yielded(struct kasync_sched *s, struct kasync_task *task)
{
	struct kasync_exec *exec = s->exec;

	/* relaxed: this CPU's own slot */
	if (kasync_mpsc_len(&s->q) == 0 &&
	    atomic_load_explicit(&s->lifo, memory_order_relaxed) == NULL) {
		if (kasync_mpsc_len(&exec->yielded) == 0)
			return false;
		steal_from(s, &exec->yielded, 1, false);
	}
	hook(exec, KASYNC_HOOK_WAKEUP, KASYNC_NO_CPU, task, 0);
	kasync_mpsc_push(&exec->yielded, &task->link);
	notify(exec, NULL, false);
	return true;
}

/*
 * The next task to poll here: the LIFO slot's, unless LIFO_MAX_RUN of them
 * ran in a row (two tasks waking each other through the slot would keep the
 * queue waiting), else the queue's oldest, else the slot's after all; NULL
 * if both are empty (or a thief holds the queue, or a push stays half done).
 */
static struct kasync_task *next_task(struct kasync_sched *s)
{
	struct kasync_task *task;
	struct kasync_link *l;
	unsigned retries = 0;

	if (s->lifo_run < LIFO_MAX_RUN && (task = take_lifo(s)) != NULL) {
		s->lifo_run++;
		return task;
	}
	s->lifo_run = 0;
	for (;;) {
		enum kasync_mpsc_pop r;

		if (!kasync_mpsc_try_consume(&s->q))
			return take_lifo(s); /* a thief holds it */
		r = kasync_mpsc_pop(&s->q, &l);
		kasync_mpsc_release(&s->q);
		if (r == KASYNC_MPSC_OK)
			return link_task(l);
		if (r == KASYNC_MPSC_EMPTY || ++retries > 64)
			return take_lifo(s);
		spin_relax();
	}
}

struct kasync_tick kasync_sched_tick(struct kasync_sched *s, size_t n)
{
	struct kasync_tick tick = {0};

	while (tick.polled < n) {
		struct kasync_task *task = next_task(s);

		if (task == NULL)
			break;
		hook(s->exec, KASYNC_HOOK_POLL_BEGIN, s->cpu, task, 0);
		/* relaxed: read only on this CPU (kasync_current_task). */
		atomic_store_explicit(&s->current, task, memory_order_relaxed);
		enum kasync_poll_result res = kasync_task_poll(task, s->exec);
		hook(s->exec, KASYNC_HOOK_POLL_END, s->cpu, task, (uint64_t)res);
		if (res == KASYNC_RESULT_READY || res == KASYNC_RESULT_READY_JOINED)
			hook(s->exec, KASYNC_HOOK_EXIT, s->cpu, task, 0);
		/* relaxed: as above. */
		atomic_store_explicit(&s->current, NULL, memory_order_relaxed);
		tick.polled++;
		switch (res) {
		case KASYNC_RESULT_READY:
		case KASYNC_RESULT_READY_JOINED:
			tick.completed++;
			kasync_task_unref(task);
			break;
		case KASYNC_RESULT_PENDING_SCHEDULE:
			tick.woken_internal++;
			if (UNLIKELY(s->yield_slice) && requeue_yielded(s, task))
				break;
			hook(s->exec, KASYNC_HOOK_WAKEUP, s->cpu, task, 0);
			kasync_mpsc_push(&s->q, &task->link);
			break;
		case KASYNC_RESULT_PENDING:
			kasync_task_unref(task);
			break;
		}
		if (s->end_tick) { /* that poll used a long time slice */
			s->end_tick = false;
			s->yield_slice = false; /* set only with end_tick */
			break;
		}
	}
	if (tick.polled) {
		hook(s->exec, KASYNC_HOOK_TICK, s->cpu, NULL, tick.polled);
		count(&s->polled, tick.polled);
		count(&s->completed, tick.completed);
		count(&s->woken_internal, tick.woken_internal);
	}
	/* relaxed: this CPU's own slot (a thief's exchange may empty it: harmless). */
	tick.has_remaining = kasync_mpsc_len(&s->q) > 0 ||
			     atomic_load_explicit(&s->lifo, memory_order_relaxed) != NULL;
	return tick;
}

/*
 * Moves up to `max` (or half, if `half`) tasks from `from` to `to`'s queue
 * as one batch: popped without uncounting, linked into a chain, appended
 * with one count and one exchange, then uncounted from `from` at once. A
 * task in transit is counted in `from` until it is counted in `to`, so the
 * idle check never misses it; the two queues' shared lines are touched once
 * per batch, not once per task.
 */
static size_t steal_from(struct kasync_sched *to, struct kasync_mpsc *from, size_t max, bool half)
{
	struct kasync_link *l, *first = NULL, *last = NULL;
	size_t n, got = 0;

	if (kasync_mpsc_len(from) == 0 || !kasync_mpsc_try_consume(from))
		return 0;
	n = kasync_mpsc_len(from);
	if (half)
		n -= n / 2;
	if (n > max)
		n = max;
	while (got < n && kasync_mpsc_pop_uncounted(from, &l) == KASYNC_MPSC_OK) {
		/* relaxed: the chain's push publishes it; the task is queued, so no waker reads
		 * it. */
		atomic_store_explicit(&link_task(l)->sched, to, memory_order_relaxed);
		if (last != NULL)
			atomic_store_explicit(&last->next, l, memory_order_relaxed);
		else
			first = l;
		last = l;
		got++;
	}
	kasync_mpsc_release(from);
	if (got) {
		kasync_mpsc_push_chain(&to->q, first, last, got);
		kasync_mpsc_uncount(from, got);
		count(&to->stolen, got);
		hook(to->exec, KASYNC_HOOK_STEAL, to->cpu, NULL, got);
	}
	return got;
}

static uint32_t rand_below(struct kasync_sched *s, uint32_t n)
{
	uint64_t x = s->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	s->rng = x;
	return (uint32_t)((x >> 32) % n);
}

static size_t try_steal(struct kasync_exec *exec, struct kasync_sched *s)
{
	size_t got = steal_from(s, &exec->injector, MAX_STOLEN_PER_TICK, false);

	if (got || exec->ncpu <= 1)
		return got;
	for (unsigned round = 0; round < STEAL_ROUNDS; round++) {
		uint32_t start = rand_below(s, exec->ncpu);
		for (uint32_t i = 0; i < exec->ncpu; i++) {
			uint32_t v = (start + i) % exec->ncpu;
			if (v == s->cpu)
				continue;
			got = steal_from(s, &exec->scheds[v].q, MAX_STOLEN_PER_TICK, true);
			if (got)
				return got;
		}
		for (unsigned k = 0; k < (1u << round); k++)
			spin_relax();
	}
	/* last, a slot: its CPU is likely to poll it next, unless it is in a long poll (a
	 * poll that waits for the child it just spawned must see it run elsewhere) */
	for (uint32_t i = 0; i < exec->ncpu; i++) {
		struct kasync_task *t;
		if (i == s->cpu || (t = take_lifo(&exec->scheds[i])) == NULL)
			continue;
		/* relaxed: the push publishes it; the task is queued, so no waker reads it. */
		atomic_store_explicit(&t->sched, s, memory_order_relaxed);
		kasync_mpsc_push(&s->q, &t->link);
		count(&s->stolen, 1);
		hook(exec, KASYNC_HOOK_STEAL, s->cpu, NULL, 1);
		return 1;
	}
	return steal_from(s, &exec->injector, MAX_STOLEN_PER_TICK, false);
}

void kasync_sched_end_tick(struct kasync_exec *exec)
{
	struct kasync_sched *s = kasync_exec_current_sched(exec);
	if (s)
		s->end_tick = true;
}

void kasync_yield_slice(struct kasync_cx *cx)
{
	struct kasync_sched *s = kasync_exec_current_sched(cx->exec);

	/* relaxed: `current` is written only on this CPU, and we are on it. */
	if (s != NULL && cx->task != NULL &&
	    atomic_load_explicit(&s->current, memory_order_relaxed) == cx->task) {
		s->yield_slice = true;
		s->end_tick = true;
	}
	kasync_waker_wake_by_ref(&cx->waker);
}

bool kasync_worker_tick(struct kasync_exec *exec, uint32_t cpu)
{
	struct kasync_sched *s = &exec->scheds[cpu];
	struct kasync_tick t = kasync_sched_tick(s, KASYNC_TICK_N);
	bool took = false;

	/* fairness: the oldest yielded task goes to a CPU whose own queue ran dry (see the top) */
	if (!t.has_remaining || t.polled == KASYNC_TICK_N)
		took = steal_from(s, &exec->yielded, 1, false) > 0;

	if (t.has_remaining) {
		/* fairness: what was spawned from outside waits at most one tick */
		steal_from(s, &exec->injector, MAX_STOLEN_PER_TICK, false);
		return true;
	}
	return took || try_steal(exec, s) > 0;
}

static bool work_available(struct kasync_exec *exec)
{
	if (kasync_mpsc_len(&exec->injector) != 0 || kasync_mpsc_len(&exec->yielded) != 0)
		return true;
	for (uint32_t i = 0; i < exec->ncpu; i++)
		if (kasync_mpsc_len(&exec->scheds[i].q) != 0 ||
		    atomic_load(&exec->scheds[i].lifo) != NULL) /* seq_cst: see the top */
			return true;
	return false;
}

/* A short spin before sleeping: a wake-up within a few microseconds costs no IPI. */
static bool spin_for_work(struct kasync_exec *exec)
{
	for (unsigned i = 0; i < SPIN_BEFORE_SLEEP; i++) {
		if (work_available(exec))
			return true;
		for (unsigned k = 0; k < 16; k++)
			spin_relax();
	}
	return false;
}

static void fire_timers(struct kasync_exec *exec)
{
	if (kasync_timer_next_ns(&exec->timer) != KASYNC_NO_DEADLINE)
		kasync_timer_fire(&exec->timer, exec->plat->now_ns(exec->plat->ctx));
}

int kasync_worker_run(struct kasync_exec *exec, uint32_t cpu)
{
	return kasync_worker_run_until(exec, cpu, NULL);
}

int kasync_worker_run_until(struct kasync_exec *exec, uint32_t cpu, const _Atomic bool *stop)
{
	const struct kasync_platform *p = exec->plat;
	uint64_t bit = (uint64_t)1 << cpu;
	bool searching = false;
	int ret = ERR_CLOSED;

	if (cpu >= exec->ncpu)
		return ERR_INVAL;
	for (;;) {
		if (stop && atomic_load(stop)) {
			ret = 0;
			break;
		}
		if (atomic_load(&exec->closed))
			break;
		fire_timers(exec);
		if (kasync_worker_tick(exec, cpu)) {
			if (searching) {
				searching = false;
				atomic_fetch_sub(&exec->searching, 1);
			}
			continue;
		}
		if (searching) {
			searching = false;
			atomic_fetch_sub(&exec->searching, 1);
		}
		if (spin_for_work(exec))
			continue;
		atomic_fetch_or(&exec->idle, bit);
		if (!atomic_load(&exec->closed) && !work_available(exec) &&
		    !(stop && atomic_load(stop))) {
			uint64_t next = kasync_timer_next_ns(&exec->timer);
			if (next == KASYNC_NO_DEADLINE || next > p->now_ns(p->ctx)) {
				hook(exec, KASYNC_HOOK_IDLE, cpu, NULL, 0);
				p->wait_event(p->ctx, cpu, next);
			}
		}
		/* if someone else cleared our bit, they counted us as searching */
		if (!(atomic_fetch_and(&exec->idle, ~bit) & bit))
			searching = true;
	}
	if (searching)
		atomic_fetch_sub(&exec->searching, 1);
	return ret;
}
