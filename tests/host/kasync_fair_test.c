/*
 * kasync_fair_test.c - CPU shares among tasks that use up their time slice
 * (kasync_yield_slice), counted in polls, not in wall time.
 *
 * Simulated CPUs: one thread plays CPUs 0..M-1, calling kasync_worker_tick
 * for each in turn, so a round is one tick of every CPU and the schedule is
 * exactly reproducible. A spinner's poll stands for one time slice. Real
 * threads: M workers whose spinners' slices end one CPU at a time, in turn
 * (see below), however the host schedules the threads.
 */
#include <sched.h>
#include <time.h>

#include "base/test.h"
#include "kasync_util.h"

#define MAX_SPIN 32

/* t->n: polls; t->i: the CPU of the last poll; t->out: polls that moved it. */
static enum kasync_poll spinner(struct kt *t, struct kasync_cx *cx)
{
	uint32_t cpu = kasync_exec_current_sched(cx->exec)->cpu;

	if (t->n++ > 0 && (uint32_t)t->i != cpu)
		t->out++;
	t->i = cpu;
	if (t->arg != NULL) {
		kasync_yield_slice(cx);
	} else { /* what proc.c did: wake itself on its own CPU, end the tick */
		kasync_waker_wake_by_ref(&cx->waker);
		kasync_sched_end_tick(cx->exec);
	}
	return KASYNC_PENDING;
}

struct sim {
	struct rt rt;
	uint32_t ncpu;
	struct kt *spin[MAX_SPIN];
	uint32_t nspin;
};

/* `nspin` spinners spawned on CPU 0 (as the kernel's shell spawns programs). */
static bool sim_begin(struct test_ctx *t, struct sim *s, uint32_t ncpu, uint32_t nspin,
		      bool yield_slice)
{
	s->ncpu = ncpu;
	s->nspin = nspin;
	if (!EXPECT_OK(rt_init(&s->rt, ncpu)))
		return false;
	kasync_host_set_cpu(&s->rt.host, 0);
	for (uint32_t i = 0; i < nspin; i++) {
		s->spin[i] = kt_new(spinner, yield_slice ? s : NULL);
		EXPECT_OK(kasync_spawn(&s->rt.exec, &s->spin[i]->task, NULL));
	}
	return true;
}

/* `rounds` rounds of ticks of CPUs 0..active-1 (the others sleep). */
static void sim_rounds(struct sim *s, long rounds, uint32_t active)
{
	for (long r = 0; r < rounds; r++)
		for (uint32_t c = 0; c < active; c++) {
			kasync_host_set_cpu(&s->rt.host, c);
			kasync_worker_tick(&s->rt.exec, c);
		}
}

/* The spinners' poll counts: *min and *max, and the sum as the result. */
static long sim_polls(struct sim *s, long *min, long *max)
{
	long sum = 0;

	*min = *max = s->spin[0]->n;
	for (uint32_t i = 0; i < s->nspin; i++) {
		long n = s->spin[i]->n;
		*min = n < *min ? n : *min;
		*max = n > *max ? n : *max;
		sum += n;
	}
	return sum;
}

/* Cancels what is left (destroy releases the queued tasks) and checks for leaks. */
static void sim_end(struct test_ctx *t, struct sim *s, long live0)
{
	kasync_host_set_cpu(&s->rt.host, KASYNC_NO_CPU);
	kasync_exec_destroy(&s->rt.exec);
	EXPECT_EQ(kt_live(), live0);
}

/* N >= M spinners on M CPUs, spread from CPU 0 in the first rounds, then
 * 1000 rounds: every CPU polls a spinner in every round, and the spinners'
 * counts differ by at most 2. */
static void sim_fair(struct test_ctx *t, uint32_t ncpu, uint32_t nspin)
{
	struct sim s;
	long live0 = kt_live(), min, max, sum;

	if (!sim_begin(t, &s, ncpu, nspin, true))
		return;
	sim_rounds(&s, 10, ncpu);
	for (uint32_t i = 0; i < s.nspin; i++)
		s.spin[i]->n = 0;
	sim_rounds(&s, 1000, ncpu);
	sum = sim_polls(&s, &min, &max);
	test_printf(t, "%u spinners on %u CPUs: %ld..%ld polls each, %ld in all\n", nspin, ncpu,
		    min, max, sum);
	EXPECT_EQ(sum, 1000L * ncpu);
	EXPECT_LE(max - min, 2);
	sim_end(t, &s, live0);
}

TEST(kasync_fair, sixteen_spinners_on_four_cpus)
{
	sim_fair(t, 4, 16);
}

TEST(kasync_fair, five_and_seven_spinners_on_four_cpus)
{
	sim_fair(t, 4, 5);
	sim_fair(t, 4, 7);
}

TEST(kasync_fair, four_spinners_on_one_cpu)
{
	sim_fair(t, 1, 4);
}

/* Fewer spinners than CPUs: with nobody waiting, each goes on on its own
 * CPU, polled in every round, and never moves (the fourth CPU sleeps, as a
 * worker without work does). */
TEST(kasync_fair, three_spinners_on_four_cpus_stay_put)
{
	struct sim s;
	long live0 = kt_live();

	if (!sim_begin(t, &s, 4, 3, true))
		return;
	sim_rounds(&s, 10, 3);
	for (uint32_t i = 0; i < s.nspin; i++)
		s.spin[i]->n = s.spin[i]->out = 0;
	sim_rounds(&s, 1000, 3);
	for (uint32_t i = 0; i < s.nspin; i++) {
		EXPECT_EQ(s.spin[i]->n, 1000);
		EXPECT_EQ(s.spin[i]->out, 0);
	}
	EXPECT_EQ(kasync_mpsc_len(&s.rt.exec.yielded), 0);
	sim_end(t, &s, live0);
}

/* The cause, and the locality a plain self-wake keeps: re-queued on its own
 * CPU, a spinner never moves once every CPU has one, so shares follow how
 * the spinners happened to be spread (16 on 4 CPUs: 8, 4, 2, 2 by halving
 * steals, so 1:4 between the luckiest and the rest). */
TEST(kasync_fair, plain_self_wake_stays_on_its_cpu)
{
	struct sim s;
	long live0 = kt_live(), min, max, moved = 0;

	if (!sim_begin(t, &s, 4, 16, false))
		return;
	sim_rounds(&s, 100, 4);
	for (uint32_t i = 0; i < s.nspin; i++)
		s.spin[i]->out = 0;
	sim_rounds(&s, 1000, 4);
	for (uint32_t i = 0; i < s.nspin; i++)
		moved += s.spin[i]->out;
	sim_polls(&s, &min, &max);
	test_printf(t, "plain wakes: %ld..%ld polls each, %ld moves\n", min, max, moved);
	EXPECT_EQ(moved, 0);
	EXPECT_GE(max, 2 * min);
	sim_end(t, &s, live0);
}

/* A task that waits (t->arg: where its waker goes) and counts its polls. */
static enum kasync_poll sleeper(struct kt *t, struct kasync_cx *cx)
{
	struct kasync_waker *slot = t->arg;

	t->n++;
	t->i = kasync_exec_current_sched(cx->exec)->cpu;
	kasync_waker_drop(slot);
	*slot = kasync_waker_clone(&cx->waker);
	return KASYNC_PENDING;
}

/* A task woken from outside (an interrupt, a timer) while 8 spinners share
 * 2 CPUs: it runs on the CPU it ran on, behind at most the one spinner that
 * was due there, not behind the round of the spinners (4 slices a CPU). */
TEST(kasync_fair, woken_task_runs_in_the_next_tick_of_its_cpu)
{
	struct sim s;
	struct kasync_waker w = {NULL, NULL};
	struct kt *sl;
	long live0 = kt_live();

	if (!sim_begin(t, &s, 2, 8, true))
		return;
	kasync_host_set_cpu(&s.rt.host, 1);
	sl = kt_new(sleeper, &w);
	EXPECT_OK(kasync_spawn(&s.rt.exec, &sl->task, NULL));
	sim_rounds(&s, 20, 2);
	EXPECT_EQ(sl->n, 1);
	EXPECT_EQ(sl->i, 1);
	for (int k = 0; k < 10; k++) {
		long before = s.spin[0]->n + s.spin[1]->n;
		kasync_host_set_cpu(&s.rt.host, KASYNC_NO_CPU);
		kasync_waker_wake_by_ref(&w);
		kasync_host_set_cpu(&s.rt.host, 1);
		kasync_worker_tick(&s.rt.exec, 1);
		if (sl->n == 1 + k)
			kasync_worker_tick(&s.rt.exec, 1);
		EXPECT_EQ(sl->n, 2 + k);
		EXPECT_EQ(sl->i, 1);
		sim_rounds(&s, 3, 2);
		EXPECT_GT(s.spin[0]->n + s.spin[1]->n, before); /* the spinners go on */
	}
	kasync_waker_drop(&w);
	sim_end(t, &s, live0);
}

/* A task that never runs dry (it wakes itself at once, a short poll) */
static enum kasync_poll busy(struct kt *t, struct kasync_cx *cx)
{
	t->n++;
	kasync_waker_wake_by_ref(&cx->waker);
	return KASYNC_PENDING;
}

/* On one CPU beside a task that keeps its queue from ever running dry, the
 * yielded spinners still get a turn after every full tick, equally. */
TEST(kasync_fair, full_ticks_let_yielded_tasks_in)
{
	struct sim s;
	struct kt *b;
	long live0 = kt_live(), min, max, sum;

	if (!sim_begin(t, &s, 1, 3, true))
		return;
	b = kt_new(busy, NULL);
	EXPECT_OK(kasync_spawn(&s.rt.exec, &b->task, NULL));
	sim_rounds(&s, 600, 1);
	sum = sim_polls(&s, &min, &max);
	test_printf(t, "beside a busy task: %ld..%ld polls each, busy %ld\n", min, max, b->n);
	EXPECT_GE(sum, 250);
	EXPECT_LE(max - min, 1);
	sim_end(t, &s, live0);
}

/* --- real threads, slices ending in turn --- */

/*
 * M worker threads whose spinners' slices end one CPU at a time, in the
 * order CPU 0, 1, .., M-1, 0, .. (slices of equal length that started one
 * after another end in that order): a poll on CPU c returns when the turn
 * is c's, and the turn passes on once CPU c has started its next poll, so
 * each CPU's requeue and pick happen alone, as they do between slices that
 * end milliseconds apart. However the host schedules the threads, the
 * executor's choices alone decide who runs.
 */
struct turns {
	uint32_t ncpu;
	long warm;		/* polls count from this many slice ends on */
	long end;		/* the spinners finish after this many slice ends */
	_Atomic long ended;	/* slice ends so far; the turn is ended % ncpu */
	bool started[MAX_SPIN]; /* [cpu]: that CPU polled a spinner (its thread only) */
	_Atomic bool broken;
	_Atomic long remaining; /* spinners not finished; the last closes the executor */
};

static uint64_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

static enum kasync_poll turn_spinner(struct kt *t, struct kasync_cx *cx)
{
	struct turns *tu = t->arg;
	uint32_t cpu = kasync_exec_current_sched(cx->exec)->cpu;
	uint64_t give_up = now_s() + 120; /* only against a hang: a failure, not a measure */
	long e;

	if (tu->started[cpu])
		atomic_fetch_add(&tu->ended, 1); /* this CPU's last slice end is done */
	tu->started[cpu] = true;
	if (atomic_load(&tu->ended) >= tu->end || atomic_load(&tu->broken)) {
		if (atomic_fetch_sub(&tu->remaining, 1) == 1)
			kasync_exec_close(cx->exec);
		return KASYNC_READY;
	}
	if (atomic_load(&tu->ended) >= tu->warm)
		t->n++;
	while ((e = atomic_load(&tu->ended)) % tu->ncpu != cpu && e < tu->end &&
	       !atomic_load(&tu->broken)) {
		sched_yield();
		if (now_s() > give_up)
			atomic_store(&tu->broken, true);
	}
	kasync_yield_slice(cx);
	return KASYNC_PENDING;
}

static void turns_fair(struct test_ctx *t, uint32_t threads, uint32_t nspin, long end)
{
	static struct turns tu;
	struct rt rt;
	struct kasync_join jh[MAX_SPIN];
	long n[MAX_SPIN], min, max, sum = 0, live0 = kt_live();

	tu.ncpu = threads;
	tu.warm = 4 * nspin; /* all have been spread out of the first CPUs' queues */
	tu.end = tu.warm + end;
	atomic_store(&tu.ended, 0);
	for (uint32_t i = 0; i < MAX_SPIN; i++)
		tu.started[i] = false;
	atomic_store(&tu.broken, false);
	atomic_store(&tu.remaining, nspin);
	if (!EXPECT_OK(rt_init(&rt, threads)))
		return;
	for (uint32_t i = 0; i < nspin; i++) /* from outside: all through the injector */
		EXPECT_OK(kasync_spawn(&rt.exec, &kt_new(turn_spinner, &tu)->task, &jh[i]));
	EXPECT_OK(rt_start(&rt, threads));
	kasync_host_workers_join(&rt.w);
	for (uint32_t i = 0; i < nspin; i++) {
		n[i] = ((struct kt *)jh[i].task)->n;
		sum += n[i];
		kasync_join_drop(&jh[i]);
	}
	kasync_exec_destroy(&rt.exec);
	min = max = n[0];
	for (uint32_t i = 0; i < nspin; i++) {
		min = n[i] < min ? n[i] : min;
		max = n[i] > max ? n[i] : max;
	}
	test_printf(t, "%u spinners on %u threads, %ld slices: %ld..%ld polls each\n", nspin,
		    threads, sum, min, max);
	EXPECT(!atomic_load(&tu.broken));
	EXPECT_GE(sum, end);
	EXPECT_LE(sum, end + threads);
	EXPECT_LE(max - min, 1);
	EXPECT_EQ(kt_live(), live0);
}

TEST(kasync_fair, sixteen_spinners_on_four_threads)
{
	turns_fair(t, 4, 16, 1600);
}

TEST(kasync_fair, seven_spinners_on_four_threads)
{
	turns_fair(t, 4, 7, 1400);
}
