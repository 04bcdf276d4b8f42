/*
 * platform.h - what the tracing core needs from whoever hosts it.
 *
 * lib/trace never reads a CPU id, a clock or the current task by itself: the
 * kernel (or a host test) passes a `struct trace_platform` of function
 * pointers. Every hook may be called from interrupt context and must not
 * block or allocate.
 */
#pragma once

#include <stdint.h>

#ifndef TRACE_MAX_CPUS
#define TRACE_MAX_CPUS 8 /* QEMU virt: 1 to 8 harts */
#endif

#define TRACE_COMM_LEN 16 /* like Linux's TASK_COMM_LEN */

struct trace_platform {
	void *arg;
	/* monotonic nanoseconds */
	uint64_t (*clock_ns)(void *arg);
	/* the calling CPU, < ncpus */
	unsigned (*cpu_id)(void *arg);
	/* the current task's pid (0 for the idle task / early boot) */
	int32_t (*current_pid)(void *arg);
	/* the current task's name, NUL-terminated within TRACE_COMM_LEN; may be NULL */
	void (*current_comm)(void *arg, char comm[TRACE_COMM_LEN]);
	/* TRACE_FLAG_* bits of the caller's context (irqs off, hardirq...); may be NULL */
	uint8_t (*context_flags)(void *arg);
	/* preempt depth (low nibble) | migrate-disable depth << 4; may be NULL */
	uint8_t (*preempt_count)(void *arg);
	/*
	 * Returns once every tracepoint write that began before the call has
	 * finished (kernel: an IPI round or a quiescent point on every CPU).
	 * Used before freeing a filter or resizing rings. May be NULL only if
	 * the host guarantees no concurrent writers during those operations.
	 */
	void (*sync_writers)(void *arg);
	/*
	 * Called by a writer after a commit when a trace_pipe reader announced
	 * that it waits (trace_pipe_wait_prepare). Must be IRQ-safe (defer the
	 * actual wakeup). May be NULL.
	 */
	void (*wake_readers)(void *arg);
};
