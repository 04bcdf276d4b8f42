/*
 * proc_internal.h - the state of a WebAssembly program task, shared by
 * proc.c (the task) and proc_host.c (its WASI environment).
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/siphash.h"
#include "kasync/task.h"
#include "kasync/timer.h"
#include "sched/timer.h"
#include "trace/ktrace_events.h" /* wasm:hostcall */
#include "wasm/kcode.h"
#include "wasm/proc.h"
#include "wasm/runtime.h"
#include "wasi/wasi.h"

struct wasm_proc {
	struct kasync_task task;
	char name[WASM_PROC_NAME_MAX];
	size_t len; /* of the module binary (the module holds it) */
	struct wasm_module *mod;
	bool mod_cached;	  /* mod is lent by the module cache (modcache_put it) */
	struct wasm_store *store; /* NULL once finished */
	struct wasm_exec *exec;
	struct wasm_funcinst *calls[2]; /* the start function, then _start */
	uint32_t next_call;		/* index in calls of the next to start */
	struct wasi_ctx wasi;
	bool wasi_live;
	struct wasi_env env; /* env.arg is this struct; files: io.files */
	struct wasm_proc_io io;
	struct ktimer slice; /* armed on the polling CPU during wasm_run */
	uint64_t slice_ticks;
	struct kasync_sleep sleep; /* poll_oneoff's deadline */
	struct kasync_cx *cx;	   /* the current poll's context, else NULL */
	bool spawned;		   /* handed to the executor */
	bool started;
	struct wasm_proc_status status;
	struct wasm_instance *inst;
	struct kcode_acct kcode; /* its compiled code and guest stacks */
	/* Written by the polling CPU only; read by /proc/tasks from any CPU. */
	_Atomic uint64_t run_ticks; /* time spent in wasm_run */
	_Atomic uint64_t mem_bytes; /* memory held: linear memory + code, 0 once finished */
	_Atomic uint64_t promised;  /* linear memory promised, not touched yet */
	uint32_t preempted;	    /* wasm_run suspended for budget or yield */
	uint64_t cpus;		    /* CPUs that polled it */
	/* random_get: SipHash of a counter under a key of its own (proc_host.c) */
	struct siphash_key rand_key;
	uint64_t rand_ctr; /* [own poll] */
};

/* proc_host_init - fills p->env with the kernel's WASI environment. */
void proc_host_init(struct wasm_proc *p);

/* proc_write_err - writes to the program's stderr (io or console). */
void proc_write_err(struct wasm_proc *p, const char *buf, size_t len);
