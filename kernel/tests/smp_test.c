/* smp_test.c - in-kernel tests of SMP bring-up, IPIs, timers and traps. */
#include <stdatomic.h>

#include "arch/arch.h"
#include "base/err.h"
#include "base/test.h"
#include "core/bootargs.h"
#include "core/cpu.h"
#include "core/kmain.h"
#include "core/symbols.h"
#include "tests/ktest.h"
#include "sched/timer.h"

TEST(smp, every_hart_came_up)
{
	EXPECT_EQ(ncpus, (uint32_t)__builtin_popcountll(kg.bi->cpu_mask));
	EXPECT_EQ(ncpus, kg.dt.n_cpus);
	for (uint32_t i = 0; i < ncpus; i++) {
		EXPECT(cpus[i].online);
		EXPECT_EQ(cpus[i].id, i);
		EXPECT(kg.bi->cpu_mask & (1ull << cpus[i].hartid));
	}
}

static void whoami(void *arg)
{
	*(uint32_t *)arg = cpu_id();
}

TEST(smp, cross_call_runs_on_the_target)
{
	for (uint32_t i = 0; i < ncpus; i++) {
		uint32_t got = 99;
		cpu_call(i, whoami, &got);
		EXPECT_EQ(got, i);
	}
}

struct ping {
	uint32_t to;
	int ok;
	uint64_t ticks;
};

/* Sends a ping to `to` and waits (interrupts on) for its pong. */
static void ping(void *arg)
{
	struct ping *p = arg;
	struct cpu *me = cpu_this();
	uint64_t bit = 1ul << p->to;
	atomic_fetch_and(&me->pong_from, ~bit);
	uint64_t start = arch_now_ticks(), limit = start + timer_ms_to_ticks(1000);
	atomic_fetch_or(&cpus[p->to].ping_from, 1ul << me->id);
	cpu_send_ipi(p->to, IPI_PING);
	bool irq = arch_irq_save();
	arch_irq_enable();
	while (!(atomic_load(&me->pong_from) & bit) && arch_now_ticks() < limit)
		arch_cpu_relax();
	arch_irq_restore(irq);
	p->ticks = arch_now_ticks() - start;
	p->ok = (atomic_load(&me->pong_from) & bit) != 0;
}

TEST(smp, ipi_round_trip_between_every_pair)
{
	uint64_t worst = 0;
	for (uint32_t from = 0; from < ncpus; from++) {
		for (uint32_t to = 0; to < ncpus; to++) {
			if (from == to)
				continue;
			struct ping p = {to, 0, 0};
			cpu_call(from, ping, &p);
			if (!EXPECT(p.ok))
				test_printf(t, "  no pong: CPU %u -> CPU %u\n", from, to);
			worst = p.ticks > worst ? p.ticks : worst;
		}
	}
	if (ncpus > 1)
		test_printf(t, "  slowest IPI round trip: %llu us\n",
			    (unsigned long long)timer_ticks_to_us(worst));
}

static atomic_int fired;
static uint64_t fired_at[3];

static void on_timer(struct ktimer *k)
{
	(void)k;
	int n = atomic_fetch_add(&fired, 1);
	if (n < 3)
		fired_at[n] = arch_now_ticks();
}

TEST(timer, deadlines_fire_in_order_and_not_early)
{
	struct ktimer a, b, c;
	atomic_store(&fired, 0);
	uint64_t now = arch_now_ticks();
	uint64_t da = now + timer_ms_to_ticks(3), db = now + timer_ms_to_ticks(1),
		 dc = now + timer_ms_to_ticks(2);
	uint64_t irqs = cpu_this()->timer_interrupts;
	timer_add(&a, da, on_timer);
	timer_add(&b, db, on_timer);
	timer_add(&c, dc, on_timer);
	uint64_t limit = now + timer_ms_to_ticks(500);
	while (atomic_load(&fired) < 3 && arch_now_ticks() < limit)
		arch_wait_for_interrupt();
	if (!EXPECT_EQ(atomic_load(&fired), 3))
		return;
	EXPECT_GE(fired_at[0], db);
	EXPECT_GE(fired_at[1], dc);
	EXPECT_GE(fired_at[2], da);
	EXPECT_GT(cpu_this()->timer_interrupts, irqs);
	/* Nothing pending: the hardware timer is off (no periodic tick). */
	EXPECT_EQ_U(cpu_this()->next_deadline, UINT64_MAX);
	uint64_t quiet = cpu_this()->timer_interrupts;
	uint64_t until = arch_now_ticks() + timer_ms_to_ticks(20);
	while (arch_now_ticks() < until) /* spin: wfi would sleep for good */
		arch_cpu_relax();
	EXPECT_EQ(cpu_this()->timer_interrupts, quiet);
}

TEST(timer, cancel)
{
	struct ktimer a;
	atomic_store(&fired, 0);
	timer_add(&a, arch_now_ticks() + timer_ms_to_ticks(1000), on_timer);
	EXPECT(timer_cancel(&a));
	EXPECT(!timer_cancel(&a));
	uint64_t until = arch_now_ticks() + timer_ms_to_ticks(10);
	while (arch_now_ticks() < until)
		arch_cpu_relax();
	EXPECT_EQ(atomic_load(&fired), 0);
}

static int problems_seen;
static void count_problem(const char *msg, const char *arg, unsigned len)
{
	(void)msg;
	(void)arg;
	(void)len;
	problems_seen++;
}

TEST(bootargs, parse_and_report)
{
	struct bootargs b;
	problems_seen = 0;
	EXPECT_EQ(bootargs_parse("log=debug backtrace=full", &b, count_problem), 0);
	EXPECT_EQ(trace_log_level_for(&b.log, "boot"), TRACE_LEVEL_DEBUG);
	EXPECT_EQ(b.backtrace, BACKTRACE_FULL);
	EXPECT_EQ(bootargs_parse("  log=kasync=loud bogus x=1 backtrace=", &b, count_problem), 4);
	EXPECT_EQ(problems_seen, 4);
	EXPECT_EQ(trace_log_level_for(&b.log, "kasync"), TRACE_LEVEL_INFO); /* defaults survive */
	EXPECT_EQ(b.backtrace, BACKTRACE_SHORT);
	EXPECT_EQ(bootargs_parse(0, &b, count_problem), 0);
	EXPECT_EQ(b.jobs, BOOTARGS_JOBS_DEFAULT);
	EXPECT_EQ(bootargs_parse("jobs=5", &b, count_problem), 0);
	EXPECT_EQ(b.jobs, 5);
	EXPECT_EQ(bootargs_parse("jobs=1024 jobs=0 jobs=1025 jobs=x jobs=", &b, count_problem), 4);
	EXPECT_EQ(b.jobs, 1024); /* bad values keep what was there */
	EXPECT(b.jit);		 /* on by default */
	EXPECT_EQ(bootargs_parse("jit=0", &b, count_problem), 0);
	EXPECT(!b.jit);
	EXPECT_EQ(bootargs_parse("jit=0 jit=2 jit= jit=yes", &b, count_problem), 3);
	EXPECT(!b.jit);
	EXPECT_EQ(bootargs_parse("jit=1", &b, count_problem), 0);
	EXPECT(b.jit);
	/* the loader's flag is known; near misses are not */
	EXPECT_EQ(bootargs_parse("nokaslr", &b, count_problem), 0);
	EXPECT_EQ(bootargs_parse("nokaslrx nokaslr=1", &b, count_problem), 2);
}

TEST(symbols, resolve_kernel_functions)
{
	const char *name;
	uint64_t off;
	uint64_t addr = (uint64_t)(uintptr_t)ktest_free_frames;
	if (!EXPECT_OK(symbols_lookup(addr + 4, &name, &off)))
		return;
	EXPECT_STREQ(name, "ktest_free_frames");
	EXPECT_EQ(off, 4);
	EXPECT_EQ(symbols_address_of("ktest_free_frames"), addr);
	EXPECT_EQ(symbols_lookup(16, &name, &off), ERR_NOENT);
}
