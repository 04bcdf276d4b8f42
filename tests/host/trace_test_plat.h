/*
 * trace_test_plat.h - a host platform for the trace tests: a deterministic
 * clock (+1000 ns per reading), the "CPU" of a thread in a thread-local,
 * a settable pid/comm, and an optional hook run inside the clock (to play an
 * interrupt that nests a tracepoint inside another).
 */
#pragma once

#include <stdatomic.h>
#include <string.h>

#include "trace/ctx.h"

struct test_plat {
	_Atomic uint64_t now;
	int32_t pid;
	char comm[TRACE_COMM_LEN];
	void (*in_clock)(struct test_plat *tp);
	_Atomic int wakeups;
};

static _Thread_local unsigned test_plat_cpu;

static inline uint64_t test_plat_clock(void *arg)
{
	struct test_plat *tp = arg;
	void (*hook)(struct test_plat *) = tp->in_clock;
	if (hook) {
		tp->in_clock = NULL;
		hook(tp);
	}
	return atomic_fetch_add(&tp->now, 1000) + 1000;
}

static inline unsigned test_plat_cpu_id(void *arg)
{
	(void)arg;
	return test_plat_cpu;
}

static inline int32_t test_plat_pid(void *arg)
{
	return ((struct test_plat *)arg)->pid;
}

static inline void test_plat_comm(void *arg, char comm[TRACE_COMM_LEN])
{
	memcpy(comm, ((struct test_plat *)arg)->comm, TRACE_COMM_LEN);
}

static inline void test_plat_wake(void *arg)
{
	atomic_fetch_add(&((struct test_plat *)arg)->wakeups, 1);
}

static inline struct trace_platform test_plat_make(struct test_plat *tp, uint64_t start_ns)
{
	memset(tp, 0, sizeof(*tp));
	atomic_init(&tp->now, start_ns);
	tp->pid = 42;
	memcpy(tp->comm, "tester", 7);
	test_plat_cpu = 0;
	return (struct trace_platform){
		.arg = tp,
		.clock_ns = test_plat_clock,
		.cpu_id = test_plat_cpu_id,
		.current_pid = test_plat_pid,
		.current_comm = test_plat_comm,
		.wake_readers = test_plat_wake,
	};
}
