/*
 * ktrace_events.c - every kernel tracepoint's definition (see
 * ktrace_events.h), whichever subsystem fires it, and the executor hook that
 * fires the sched:* events and counts executor work.
 *
 * The executor calls ktrace_exec_hook through a function pointer, gated per
 * kind by the enable flag of the event behind it, rather than carrying
 * tracepoints itself: lib/kasync stays portable and free of globals, and a
 * disabled sched event costs two loads and two predicted branches per call
 * site (no call). Each poll is two switches, worker -> task and task ->
 * worker, so the common pid of every record matches the running task.
 */
#include "trace/ktrace_events.h"

#include "core/cpu.h"
#include "kasync/state.h"
#include "trace/ktrace.h"
#include "sched/timer.h"
#include "wasm/runtime.h" /* wasm_trap_str */

#define PRIO	 120 /* Linux's default, for tools that expect the field */
#define LINE_LEN 32  /* shell:line keeps the start of the line: enough to tell it */

TRACE_EVENT(sched, sched_switch,
	    TP_PROTO(const char *prev_comm, int prev_pid, long prev_state, const char *next_comm,
		     int next_pid),
	    TP_FIELDS(TP_STRING(prev_comm, TRACE_COMM_LEN), TP_FIELD(int, prev_pid),
		      TP_FIELD(int, prev_prio), TP_FIELD(long, prev_state),
		      TP_STRING(next_comm, TRACE_COMM_LEN), TP_FIELD(int, next_pid),
		      TP_FIELD(int, next_prio)),
	    TP_ASSIGN(trace_copy_str(REC->prev_comm, prev_comm, TRACE_COMM_LEN);
		      REC->prev_pid = prev_pid; REC->prev_prio = PRIO; REC->prev_state = prev_state;
		      trace_copy_str(REC->next_comm, next_comm, TRACE_COMM_LEN);
		      REC->next_pid = next_pid; REC->next_prio = PRIO;),
	    TP_PRINT("prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s ==> next_comm=%s "
		     "next_pid=%d next_prio=%d",
		     REC->prev_comm, REC->prev_pid, REC->prev_prio,
		     REC->prev_state == 0   ? "R"
		     : REC->prev_state == 1 ? "S"
					    : "X",
		     REC->next_comm, REC->next_pid, REC->next_prio));

TRACE_EVENT(sched, sched_wakeup, TP_PROTO(const char *comm, int pid, int target_cpu),
	    TP_FIELDS(TP_STRING(comm, TRACE_COMM_LEN), TP_FIELD(int, pid), TP_FIELD(int, prio),
		      TP_FIELD(int, target_cpu)),
	    TP_ASSIGN(trace_copy_str(REC->comm, comm, TRACE_COMM_LEN); REC->pid = pid;
		      REC->prio = PRIO; REC->target_cpu = target_cpu;),
	    TP_PRINT("comm=%s pid=%d prio=%d target_cpu=%03d", REC->comm, REC->pid, REC->prio,
		     REC->target_cpu));

TRACE_EVENT(sched, task_spawn, TP_PROTO(const char *comm, int pid, int target_cpu),
	    TP_FIELDS(TP_STRING(comm, TRACE_COMM_LEN), TP_FIELD(int, pid),
		      TP_FIELD(int, target_cpu)),
	    TP_ASSIGN(trace_copy_str(REC->comm, comm, TRACE_COMM_LEN); REC->pid = pid;
		      REC->target_cpu = target_cpu;),
	    TP_PRINT("comm=%s pid=%d target_cpu=%d", REC->comm, REC->pid, REC->target_cpu));

TRACE_EVENT(sched, task_exit, TP_PROTO(const char *comm, int pid, int cancelled),
	    TP_FIELDS(TP_STRING(comm, TRACE_COMM_LEN), TP_FIELD(int, pid),
		      TP_FIELD(int, cancelled)),
	    TP_ASSIGN(trace_copy_str(REC->comm, comm, TRACE_COMM_LEN); REC->pid = pid;
		      REC->cancelled = cancelled;),
	    TP_PRINT("comm=%s pid=%d cancelled=%d", REC->comm, REC->pid, REC->cancelled));

TRACE_EVENT(irq, irq_handler_entry, TP_PROTO(int irq, const char *name),
	    TP_FIELDS(TP_FIELD(int, irq), TP_STRING(name, TRACE_COMM_LEN)),
	    TP_ASSIGN(REC->irq = irq; trace_copy_str(REC->name, name, TRACE_COMM_LEN);),
	    TP_PRINT("irq=%d name=%s", REC->irq, REC->name));

TRACE_EVENT(irq, irq_handler_exit, TP_PROTO(int irq, int handled),
	    TP_FIELDS(TP_FIELD(int, irq), TP_FIELD(int, ret)),
	    TP_ASSIGN(REC->irq = irq; REC->ret = handled;),
	    TP_PRINT("irq=%d ret=%s", REC->irq, REC->ret ? "handled" : "unhandled"));

TRACE_EVENT(timer, timer_expire, TP_PROTO(const struct ktimer *t, uint64_t deadline, uint64_t now),
	    TP_FIELDS(TP_POINTER(timer), TP_POINTER(function), TP_FIELD(uint64_t, expires),
		      TP_FIELD(uint64_t, now)),
	    TP_ASSIGN(REC->timer = (uint64_t)(uintptr_t)t;
		      REC->function = (uint64_t)(uintptr_t)t->fn; REC->expires = deadline;
		      REC->now = now;),
	    TP_PRINT("timer=0x%llx function=0x%llx expires=%llu now=%llu",
		     (unsigned long long)REC->timer, (unsigned long long)REC->function,
		     (unsigned long long)REC->expires, (unsigned long long)REC->now));

TRACE_EVENT(mm, page_fault, TP_PROTO(uint64_t address, uint64_t ip, int kind, int handled),
	    TP_FIELDS(TP_POINTER(address), TP_POINTER(ip), TP_FIELD(int, kind),
		      TP_FIELD(int, handled)),
	    TP_ASSIGN(REC->address = address; REC->ip = ip; REC->kind = kind;
		      REC->handled = handled;),
	    TP_PRINT("address=0x%llx ip=0x%llx kind=%s handled=%d",
		     (unsigned long long)REC->address, (unsigned long long)REC->ip,
		     REC->kind == 0   ? "load"
		     : REC->kind == 1 ? "store"
				      : "exec",
		     REC->handled));

/* ---- wasm: programs (kernel/wasm/proc.c, proc_host.c) ---- */

TRACE_EVENT(wasm, load,
	    TP_PROTO(const char *prog, uint64_t bytes, uint32_t funcs, int cached, uint64_t find_us,
		     uint64_t decode_us, uint64_t validate_us, uint64_t instantiate_us),
	    TP_FIELDS(TP_STRING(prog, TRACE_COMM_LEN), TP_FIELD(uint64_t, bytes),
		      TP_FIELD(uint32_t, funcs), TP_FIELD(int, cached), TP_FIELD(uint64_t, find_us),
		      TP_FIELD(uint64_t, decode_us), TP_FIELD(uint64_t, validate_us),
		      TP_FIELD(uint64_t, instantiate_us)),
	    TP_ASSIGN(trace_copy_str(REC->prog, prog, TRACE_COMM_LEN); REC->bytes = bytes;
		      REC->funcs = funcs; REC->cached = cached; REC->find_us = find_us;
		      REC->decode_us = decode_us; REC->validate_us = validate_us;
		      REC->instantiate_us = instantiate_us;),
	    TP_PRINT("prog=%s bytes=%llu funcs=%u cached=%d find_us=%llu decode_us=%llu "
		     "validate_us=%llu instantiate_us=%llu",
		     REC->prog, (unsigned long long)REC->bytes, REC->funcs, REC->cached,
		     (unsigned long long)REC->find_us, (unsigned long long)REC->decode_us,
		     (unsigned long long)REC->validate_us,
		     (unsigned long long)REC->instantiate_us));

TRACE_EVENT(wasm, translate,
	    TP_PROTO(const char *prog, uint32_t func, uint32_t wasm_bytes, uint32_t ins,
		     uint64_t bytes, uint64_t ns, int compiled),
	    TP_FIELDS(TP_STRING(prog, TRACE_COMM_LEN), TP_FIELD(uint32_t, func),
		      TP_FIELD(uint32_t, wasm_bytes), TP_FIELD(uint32_t, ins),
		      TP_FIELD(uint64_t, bytes), TP_FIELD(uint64_t, ns), TP_FIELD(int, compiled)),
	    TP_ASSIGN(trace_copy_str(REC->prog, prog, TRACE_COMM_LEN); REC->func = func;
		      REC->wasm_bytes = wasm_bytes; REC->ins = ins; REC->bytes = bytes;
		      REC->ns = ns; REC->compiled = compiled;),
	    TP_PRINT("prog=%s func=%u wasm_bytes=%u ins=%u bytes=%llu ns=%llu tier=%s", REC->prog,
		     REC->func, REC->wasm_bytes, REC->ins, (unsigned long long)REC->bytes,
		     (unsigned long long)REC->ns, REC->compiled ? "jit" : "interp"));

TRACE_EVENT(wasm, instance_start, TP_PROTO(const char *prog, int guarded, uint32_t pages),
	    TP_FIELDS(TP_STRING(prog, TRACE_COMM_LEN), TP_FIELD(int, guarded),
		      TP_FIELD(uint32_t, pages)),
	    TP_ASSIGN(trace_copy_str(REC->prog, prog, TRACE_COMM_LEN); REC->guarded = guarded;
		      REC->pages = pages;),
	    TP_PRINT("prog=%s guarded=%d pages=%u", REC->prog, REC->guarded, REC->pages));

TRACE_EVENT(wasm, start, TP_PROTO(const char *prog, int start_func),
	    TP_FIELDS(TP_STRING(prog, TRACE_COMM_LEN), TP_FIELD(int, start_func)),
	    TP_ASSIGN(trace_copy_str(REC->prog, prog, TRACE_COMM_LEN);
		      REC->start_func = start_func;),
	    TP_PRINT("prog=%s entry=%s", REC->prog, REC->start_func ? "start" : "_start"));

TRACE_EVENT(wasm, instance_exit,
	    TP_PROTO(const char *prog, int code, int trap, uint64_t run_us, uint32_t translated,
		     uint32_t funcs),
	    TP_FIELDS(TP_STRING(prog, TRACE_COMM_LEN), TP_FIELD(int, code), TP_FIELD(int, trap),
		      TP_FIELD(uint64_t, run_us), TP_FIELD(uint32_t, translated),
		      TP_FIELD(uint32_t, funcs)),
	    TP_ASSIGN(trace_copy_str(REC->prog, prog, TRACE_COMM_LEN); REC->code = code;
		      REC->trap = trap; REC->run_us = run_us; REC->translated = translated;
		      REC->funcs = funcs;),
	    TP_PRINT("prog=%s code=%d trap=%d run_us=%llu translated=%u funcs=%u", REC->prog,
		     REC->code, REC->trap, (unsigned long long)REC->run_us, REC->translated,
		     REC->funcs));

TRACE_EVENT(wasm, instance_kill, TP_PROTO(const char *prog, uint64_t run_us),
	    TP_FIELDS(TP_STRING(prog, TRACE_COMM_LEN), TP_FIELD(uint64_t, run_us)),
	    TP_ASSIGN(trace_copy_str(REC->prog, prog, TRACE_COMM_LEN); REC->run_us = run_us;),
	    TP_PRINT("prog=%s run_us=%llu", REC->prog, (unsigned long long)REC->run_us));

/* name: the innermost function's, from the module's name section ("" if
 * none), cut to WASM_TRAP_NAME_LEN - 1 bytes */
TRACE_EVENT(wasm, trap,
	    TP_PROTO(const char *prog, int kind, uint32_t func, const char *name, uint32_t offset),
	    TP_FIELDS(TP_STRING(prog, TRACE_COMM_LEN), TP_FIELD(int, kind),
		      TP_FIELD(uint32_t, func), TP_STRING(name, WASM_TRAP_NAME_LEN),
		      TP_FIELD(uint32_t, offset)),
	    TP_ASSIGN(trace_copy_str(REC->prog, prog, TRACE_COMM_LEN); REC->kind = kind;
		      REC->func = func; trace_copy_str(REC->name, name, WASM_TRAP_NAME_LEN);
		      REC->offset = offset;),
	    TP_PRINT("prog=%s kind=%s func=%u name=%s offset=0x%x", REC->prog,
		     wasm_trap_str(REC->kind), REC->func, REC->name, REC->offset));

TRACE_EVENT(wasm, hostcall, TP_PROTO(const char *prog, const char *service),
	    TP_FIELDS(TP_STRING(prog, TRACE_COMM_LEN), TP_STRING(service, TRACE_COMM_LEN)),
	    TP_ASSIGN(trace_copy_str(REC->prog, prog, TRACE_COMM_LEN);
		      trace_copy_str(REC->service, service, TRACE_COMM_LEN);),
	    TP_PRINT("prog=%s service=%s", REC->prog, REC->service));

/* ---- shell: its latency (kernel/shell/shell.c) ---- */

TRACE_EVENT(shell, line, TP_PROTO(const char *line), TP_FIELDS(TP_STRING(line, LINE_LEN)),
	    TP_ASSIGN(trace_copy_str(REC->line, line, LINE_LEN);), TP_PRINT("line=%s", REC->line));

TRACE_EVENT(shell, interrupt, TP_PROTO(int job), TP_FIELDS(TP_FIELD(int, job)),
	    TP_ASSIGN(REC->job = job;), TP_PRINT("job=%d", REC->job));

TRACE_EVENT(shell, prompt, TP_PROTO(int newline), TP_FIELDS(TP_FIELD(int, newline)),
	    TP_ASSIGN(REC->newline = newline;), TP_PRINT("newline=%d", REC->newline));

TRACE_METRIC(exec_ticks, "executor ticks that polled at least one task");
TRACE_METRIC(exec_steals, "tasks stolen from another queue");
TRACE_METRIC(exec_idle, "times a worker went to sleep");

/* The executor calls the hook only while the event behind it is enabled
 * (the counters' kinds are rare: once per tick, steal or sleep). */
static const _Atomic bool always = true;
const _Atomic bool *const ktrace_exec_gates[KASYNC_HOOK_COUNT] = {
	[KASYNC_HOOK_SPAWN] = &trace_event_state_sched_task_spawn.enabled,
	[KASYNC_HOOK_WAKEUP] = &trace_event_state_sched_sched_wakeup.enabled,
	[KASYNC_HOOK_POLL_BEGIN] = &trace_event_state_sched_sched_switch.enabled,
	[KASYNC_HOOK_POLL_END] = &trace_event_state_sched_sched_switch.enabled,
	[KASYNC_HOOK_EXIT] = &trace_event_state_sched_task_exit.enabled,
	[KASYNC_HOOK_TICK] = &always,
	[KASYNC_HOOK_STEAL] = &always,
	[KASYNC_HOOK_IDLE] = &always,
};

static const char *const swapper[] = {"swapper/0", "swapper/1", "swapper/2", "swapper/3",
				      "swapper/4", "swapper/5", "swapper/6", "swapper/7"};
STATIC_ASSERT(ARRAY_SIZE(swapper) >= TRACE_MAX_CPUS);

static const char *name_of(const struct kasync_task *t)
{
	return t->name ? t->name : "task";
}

static long prev_state(uint64_t res)
{
	switch (res) {
	case KASYNC_RESULT_READY:
	case KASYNC_RESULT_READY_JOINED:
		return KTRACE_STATE_DEAD;
	case KASYNC_RESULT_PENDING_SCHEDULE:
		return KTRACE_STATE_RUNNING;
	default:
		return KTRACE_STATE_SLEEP;
	}
}

void ktrace_exec_hook(void *ctx, enum kasync_hook_kind kind, uint32_t cpu,
		      const struct kasync_task *task, uint64_t arg)
{
	uint32_t me = cpu_id(); /* counters belong to the calling CPU */
	int target = cpu == KASYNC_NO_CPU ? -1 : (int)cpu;
	(void)ctx;
	switch (kind) {
	case KASYNC_HOOK_SPAWN:
		TRACE_POINT(sched, task_spawn, name_of(task), (int)task->id, target);
		break;
	case KASYNC_HOOK_WAKEUP:
		TRACE_POINT(sched, sched_wakeup, name_of(task), (int)task->id, target);
		break;
	case KASYNC_HOOK_POLL_BEGIN:
		TRACE_POINT(sched, sched_switch, swapper[me % TRACE_MAX_CPUS], 0,
			    KTRACE_STATE_RUNNING, name_of(task), (int)task->id);
		break;
	case KASYNC_HOOK_POLL_END:
		TRACE_POINT(sched, sched_switch, name_of(task), (int)task->id, prev_state(arg),
			    swapper[me % TRACE_MAX_CPUS], 0);
		break;
	case KASYNC_HOOK_EXIT:
		TRACE_POINT(sched, task_exit, name_of(task), (int)task->id,
			    (kasync_state_load(&task->state) & KASYNC_ST_CANCELLED) != 0);
		break;
	case KASYNC_HOOK_TICK:
		trace_metric_inc(&exec_ticks, me);
		break;
	case KASYNC_HOOK_STEAL:
		trace_metric_add(&exec_steals, me, arg);
		break;
	case KASYNC_HOOK_IDLE:
		trace_metric_inc(&exec_idle, me);
		break;
	case KASYNC_HOOK_COUNT:
		break;
	}
}
