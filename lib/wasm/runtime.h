/*
 * runtime.h - the WebAssembly runtime: stores, instances, linking and
 * execution.
 *
 *   store ─ owns every runtime object: instances, function, table, memory
 *   │       and global instances (host-made or module-made). Freeing the
 *   │       store frees them all; nothing is freed earlier.
 *   ├─ linker    (module, name) -> extern, for resolving imports
 *   ├─ instance  a module instantiated: its index spaces point at objects
 *   │            of the store (its own or other instances'/host ones)
 *   └─ exec      one thread of execution: a frame stack and a value stack
 *                owned by the engine. `wasm_exec_call` starts a call,
 *                `wasm_run` runs it until it returns, traps or suspends;
 *                a suspended call continues with the next `wasm_run`,
 *                possibly on another CPU.
 *
 * Invariants:
 *  - No C recursion per WebAssembly call: wasm_run's C stack use is bounded
 *    whatever the guest does; guest frames live in the exec.
 *  - A trap or a suspension never leaves an engine structure half updated,
 *    and never leaks memory. After a trap the exec is idle again, and the
 *    instances stay usable (the spec testsuite calls them after traps).
 *  - Everything a guest can do is bounded by limits: pages per memory,
 *    elements per table, call depth, value-stack bytes and fuel.
 *  - Objects of one store are used by one thread at a time (the kernel runs
 *    an instance on one CPU at a time); only wasm_exec_request_yield may be
 *    called concurrently, from any thread or interrupt handler.
 *
 * Values: `union wasm_val` holds any value; floats as raw IEEE bits (NaN
 * payloads must survive), references as uintptr_t with 0 = null. A funcref
 * is a `struct wasm_funcinst *`, an exnref a `struct wasm_exn *`. The any
 * and extern hierarchies (GC) share one representation, told apart by the
 * low two bits (every pointer here is at least 4-aligned):
 *
 *   0                      null (of every hierarchy)
 *   ...ptr...00            a GC object, `struct wasm_gc_obj *` (a struct or
 *                          an array of the store's GC heap, wasm/gc/gc_heap.h)
 *   v << 1 | 1             an i31 value v (bits 0-30 of the i32)
 *   h << 2 | 2             a host reference: the host's value h (at most
 *                          WASM_REF_HOST_MAX), made by wasm_ref_host
 *
 * So extern.convert_any and any.convert_extern are the identity: an object
 * externalized and internalized again is the same reference (ref.eq), a
 * host externref internalized and externalized again is the same
 * externref, and a host value is never taken for an object. An embedder
 * passes its externrefs (and anyref host values) through wasm_ref_host and
 * reads them back with wasm_ref_host_value; an externref it receives may
 * also be an externalized object or i31, which it may keep only as long as
 * the collector sees it (values in the exec's results, in tables and
 * globals). A v128 takes two consecutive entries of a value array (args,
 * results, host calls' vals): bytes 0-7 of the vector (lanes in
 * little-endian order) in .i64 of the first, bytes 8-15 in the second;
 * counts of such arrays (nargs, nresults) are in entries, so a function
 * (v128, i32) takes 3 (wasm_types_slots). Decided so: an entry stays 8
 * bytes, the interpreter's slot, so host calls keep reading their
 * arguments in place and functions without v128 pay nothing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/mem.h"
#include "wasm/module.h"

union wasm_val {
	uint32_t i32;
	uint64_t i64;
	uint32_t f32; /* raw bits */
	uint64_t f64; /* raw bits */
	uintptr_t ref;
};

/* The any/extern representation (see above). */
#define WASM_REF_TAG_MASK 3u
#define WASM_REF_TAG_I31  1u /* bit 0 */
#define WASM_REF_TAG_HOST 2u
#define WASM_REF_HOST_MAX (UINTPTR_MAX >> 2)

/* wasm_ref_host - the reference for host value h (<= WASM_REF_HOST_MAX). */
static inline uintptr_t wasm_ref_host(uintptr_t h)
{
	return h << 2 | WASM_REF_TAG_HOST;
}
static inline bool wasm_ref_is_host(uintptr_t r)
{
	return (r & WASM_REF_TAG_MASK) == WASM_REF_TAG_HOST;
}
/* wasm_ref_host_value - a host reference's value. */
static inline uintptr_t wasm_ref_host_value(uintptr_t r)
{
	return r >> 2;
}
/* wasm_ref_i31 - ref.i31: the low 31 bits of v. */
static inline uintptr_t wasm_ref_i31(uint32_t v)
{
	return (uintptr_t)(v & 0x7fffffffu) << 1 | WASM_REF_TAG_I31;
}
static inline bool wasm_ref_is_i31(uintptr_t r)
{
	return r & WASM_REF_TAG_I31;
}
/* wasm_ref_i31_get - i31.get_s (sign) or i31.get_u of an i31 reference. */
static inline uint32_t wasm_ref_i31_get(uintptr_t r, bool sign)
{
	uint32_t v = (uint32_t)(r >> 1) & 0x7fffffffu;

	return sign && (v & 0x40000000u) ? v | 0x80000000u : v;
}
/* wasm_ref_is_obj - whether an any/extern reference is a GC object. */
static inline bool wasm_ref_is_obj(uintptr_t r)
{
	return r && !(r & WASM_REF_TAG_MASK);
}

struct wasm_store;
struct wasm_instance;
struct wasm_exec;
struct wasm_linker;
struct wasm_code; /* the interpreter's translated functions, per instance */
struct jit_inst;  /* the compiler tier's, per instance */

/* ---- traps ---- */

enum wasm_trap_kind {
	WASM_TRAP_NONE,
	WASM_TRAP_UNREACHABLE,	  /* "unreachable" */
	WASM_TRAP_MEMORY_OOB,	  /* "out of bounds memory access" */
	WASM_TRAP_TABLE_OOB,	  /* "out of bounds table access" */
	WASM_TRAP_UNDEFINED_ELEM, /* "undefined element" (call_indirect index) */
	WASM_TRAP_UNINIT_ELEM,	  /* "uninitialized element" (null in call_indirect) */
	WASM_TRAP_INDIRECT_TYPE,  /* "indirect call type mismatch" */
	WASM_TRAP_DIV_ZERO,	  /* "integer divide by zero" */
	WASM_TRAP_INT_OVERFLOW,	  /* "integer overflow" */
	WASM_TRAP_INVALID_CONV,	  /* "invalid conversion to integer" */
	WASM_TRAP_CALL_STACK,	  /* "call stack exhausted" (depth limit) */
	WASM_TRAP_VALUE_STACK,	  /* "value stack exhausted" (stack bytes limit) */
	WASM_TRAP_FUEL,		  /* "fuel exhausted" */
	WASM_TRAP_HOST,		  /* a host function failed; msg says why */
	WASM_TRAP_EXIT,		  /* a host function ended the program (proc_exit);
				     exit_code holds the status: not an error */
	WASM_TRAP_NOMEM,	  /* the engine ran out of memory mid-call */
	WASM_TRAP_CODE_LIMIT,	  /* a function's first call would take the
				     instance's translated code past
				     max_code_bytes */
	WASM_TRAP_EXCEPTION,	  /* "uncaught exception": a WebAssembly
				     exception reached the top of the call;
				     not a trap for the spec, reported as one
				     so that every embedder stops there;
				     wasm_exec_exception has it */
	WASM_TRAP_NULL_EXNREF,	  /* "null exception reference" (throw_ref) */
	WASM_TRAP_NULL_FUNCREF,	  /* "null function reference" (call_ref) */
	WASM_TRAP_NULL_REF,	  /* "null reference" (ref.as_non_null) */
	WASM_TRAP_NULL_STRUCT,	  /* "null structure reference" (struct.get/set) */
	WASM_TRAP_NULL_ARRAY,	  /* "null array reference" (array.*) */
	WASM_TRAP_NULL_I31,	  /* "null i31 reference" (i31.get_s/_u) */
	WASM_TRAP_ARRAY_OOB,	  /* "out of bounds array access" */
	WASM_TRAP_CAST,		  /* "cast failure" (ref.cast) */
	WASM_TRAP__COUNT,
};

/* wasm_trap_str - the spec testsuite's text for `kind` ("integer overflow"). */
const char *wasm_trap_str(int kind);

#define WASM_TRAP_MAX_FRAMES 32

/* One WebAssembly frame of a trap's backtrace, innermost first. */
struct wasm_trap_frame {
	const struct wasm_instance *inst;
	uint32_t func;	 /* function index in inst->module */
	uint32_t offset; /* byte offset in the module binary of the instruction
			    being executed (the call, for outer frames) */
};

struct wasm_trap {
	int kind;	    /* enum wasm_trap_kind */
	const char *msg;    /* extra detail (host traps), static, or NULL */
	uint32_t exit_code; /* WASM_TRAP_EXIT only */
	uint32_t depth;	    /* frames on the stack when it trapped */
	uint32_t nframes;   /* min(depth, WASM_TRAP_MAX_FRAMES) recorded */
	struct wasm_trap_frame frames[WASM_TRAP_MAX_FRAMES];
};

/*
 * wasm_trap_format - writes a human-readable trap report into buf (always
 * NUL-terminated if len > 0) and returns the length it needed:
 *
 *   trap: integer divide by zero
 *     #0 0x0000004a in divide (fib.wasm)
 *     #1 0x00000090 in main
 *     ...
 *
 * Function names come from the name section, else "func[N]".
 */
size_t wasm_trap_format(const struct wasm_trap *t, char *buf, size_t len);

/* ---- the store and its objects ---- */

/*
 * A host function. `vals` holds the nparams arguments on entry; the
 * function writes its nresults results to vals[0..nresults) (the array has
 * room for max(nparams, nresults)). It returns:
 *  WASM_HOST_OK      - results written.
 *  WASM_HOST_BLOCKED - not ready, nothing changed: wasm_run returns
 *                      WASM_RUN_SUSPENDED (reason WASM_SUSPEND_BLOCKED) and
 *                      the next wasm_run calls the function again with the
 *                      same arguments.
 *  WASM_HOST_TRAP    - the call traps with WASM_TRAP_HOST (c->trap_msg) or
 *                      with c->trap_kind if the function set it (e.g.
 *                      WASM_TRAP_EXIT with c->exit_code for proc_exit).
 *  WASM_HOST_YIELD   - part done, and wasm_exec_yield_requested() said the
 *                      time is up: the request is consumed, wasm_run
 *                      returns WASM_RUN_SUSPENDED (reason WASM_SUSPEND_YIELD)
 *                      and the next wasm_run calls the function again with
 *                      the same arguments; the function kept its progress.
 *  WASM_HOST_THROW   - throws c->exn (an exception of this store, e.g. one
 *                      that a call back into WebAssembly on another exec
 *                      left uncaught: wasm_exec_exception) at the call, as
 *                      if the host function were a `throw_ref`.
 *
 * Exceptions and host frames: an exception never unwinds through a host
 * function by itself. WebAssembly that a host function calls (on another
 * exec) ends with WASM_TRAP_EXCEPTION there; the host function then
 * decides: WASM_HOST_THROW passes the exception on to its own caller,
 * where handlers see it; WASM_HOST_TRAP makes it a trap, which no handler
 * catches (traps are never caught, not even by catch_all).
 */
enum { WASM_HOST_OK, WASM_HOST_BLOCKED, WASM_HOST_TRAP, WASM_HOST_YIELD, WASM_HOST_THROW };

struct wasm_host_call {
	struct wasm_exec *exec;
	/* The instance whose code made the call (for its memory); NULL when
	 * the host function was called directly by wasm_exec_call. */
	struct wasm_instance *caller;
	void *arg; /* the function's `arg` */
	/* out, for WASM_HOST_TRAP: */
	int trap_kind; /* 0: WASM_TRAP_HOST */
	const char *trap_msg;
	uint32_t exit_code;
	const struct wasm_exn *exn; /* out, for WASM_HOST_THROW */
};

typedef int (*wasm_host_fn)(struct wasm_host_call *c, union wasm_val *vals);

struct wasm_funcinst {
	const struct wasm_functype *type; /* in the module, or the store's copy */
	struct wasm_instance *inst;	  /* defining instance; NULL for host */
	uint32_t index;			  /* function index in inst->module */
	wasm_host_fn host;		  /* host functions only */
	void *host_arg;
};

struct wasm_tableinst {
	uint32_t elem_type; /* a reference type (module.h) */
	/* The module whose types a concrete elem_type indexes (NULL: made by
	 * the host, no concrete type). */
	const struct wasm_module *types_of;
	uint32_t size;
	uint32_t max;	  /* min(declared max, store limit) */
	uintptr_t *elems; /* size entries; 0 = null */
};

struct wasm_globalinst {
	uint32_t type;			    /* a value type (module.h) */
	const struct wasm_module *types_of; /* as wasm_tableinst's */
	bool is_mutable;
	union wasm_val val; /* a v128: bytes 0-7 (see union wasm_val) */
	uint64_t val_hi;    /* a v128: bytes 8-15; 0 for other types */
};

/* An exception tag (3.0): its identity is its address. */
struct wasm_taginst {
	const struct wasm_functype *type; /* no results; params: the payload */
};

/*
 * An exception: its tag and payload (the tag's params). An exnref value is
 * a `struct wasm_exn *` (0: null). Exceptions belong to the store of the
 * code that threw them and live until it is freed (an exnref may be kept
 * anywhere a reference fits; the store has no collector), except one that
 * never became a reference anyone could keep (caught by catch or catch_all
 * straight from its throw): that one is freed as it is caught, so a loop
 * that throws and catches runs in constant memory.
 */
struct wasm_exn {
	const struct wasm_taginst *tag;
	uint32_t nvals;
	bool escaped; /* engine-private: it became an exnref, or reached the embedder */
	union wasm_val vals[];
};

/* An import or export: one of the five kinds. */
struct wasm_extern {
	uint8_t kind; /* enum wasm_extern_kind */
	union {
		struct wasm_funcinst *func;
		struct wasm_tableinst *table;
		struct wasm_memory *mem;
		struct wasm_globalinst *global;
		struct wasm_taginst *tag;
	} u;
};

struct wasm_instance {
	struct wasm_store *store;
	const struct wasm_module *module; /* not owned: outlives the instance */
	const char *name;		  /* for backtraces (file or registered
					     name), may be NULL; not owned */
	struct wasm_funcinst **funcs;	  /* module->nfuncs */
	struct wasm_tableinst **tables;	  /* module->ntables */
	struct wasm_memory **mems;	  /* module->nmems */
	struct wasm_globalinst **globals; /* module->nglobals */
	struct wasm_taginst **tags;	  /* module->ntags */
	bool *elem_dropped;		  /* module->nelems */
	bool *data_dropped;		  /* module->ndatas */
	struct wasm_code *code;		  /* the interpreter's, see interp.h */
	struct jit_inst *jit;		  /* the compiler tier's (jit/jit_rt.h),
					     NULL when the store does not compile */
};

/* A function's first translation, as wasm_translate_hook.done sees it. */
struct wasm_translate_info {
	const struct wasm_instance *inst;
	uint32_t func;	     /* function index in inst->module (imports first) */
	uint32_t wasm_bytes; /* its body in the binary (locals included) */
	uint32_t ins;	     /* instructions of its interpreter form, or of
				its machine code (compiled) */
	size_t bytes;	     /* memory that form takes */
	uint64_t begin;	     /* what hook.begin returned before translating (0
				without begin) */
	bool compiled;	     /* compiled to machine code, not interpreted */
	bool refused;	     /* the compiler refused it (an instruction it does
				not handle yet): it runs interpreted, and its
				translation is reported next; ins, bytes 0 */
};

/*
 * An observer of translation (wasm_store_config.translate_hook), so an
 * embedder can show where start-up time goes. The library has no clock:
 * `begin` (may be NULL) is called just before a function is translated and
 * may return a timestamp, which `done` receives in info->begin once the
 * function's form is published; `done` is also told once of each function
 * the compiler refuses (per module when its code is shared, see
 * wasm_module_share_code). Only kept translations are reported: when
 * threads race on the first call of one function, each calls begin, and
 * only the one whose form is published calls done. Both run inside
 * wasm_run (or wasm_instantiate with eager_code) on the thread making the
 * call, possibly on several threads at once for one store; they must not
 * call into the store. done NULL: no observer, and translation costs
 * nothing more.
 */
struct wasm_translate_hook {
	uint64_t (*begin)(void *arg);
	void (*done)(void *arg, const struct wasm_translate_info *info);
	void *arg;
};

/*
 * Memory for compiled code (riscv64 only; see wasm_store_config.code_mem).
 * The compiler writes a function's code through `rw`, then seals it: from
 * then on its bytes are only executed, at the address seal returns (never
 * writable and executable at one address). `bytes` is what the memory
 * costs its owner (counted as the program's, shown by the embedder).
 *
 * Instruction fetch: with `sync` NULL, seal makes the code fetchable by
 * every thread or CPU (the host: the OS flushes every thread's icache).
 * With `sync`, seal makes it fetchable only where it ran, and a thread
 * must call sync before it runs code sealed elsewhere: the runtime does so
 * at the start of every compiled run and whenever it takes a function's
 * code from a table other threads fill (jit_rt.c), the only ways new code
 * reaches a thread (the kernel: a local fence.i when any code was sealed
 * since this CPU's last one, instead of a remote fence per function). A
 * store's code_mem.sync must also cover code sealed by the code memory of
 * the modules it runs (wasm_module_share_code): one clock for all. And a
 * store with sync runs compiled code on one thread at a time (the kernel's
 * programs: one exec each), since a function table its code calls through
 * is filled by whichever thread runs it.
 */
struct wasm_code_mem {
	void *arg;
	/* Room for `bytes` of code: *rw to write it, *handle to name it. 0 or
	 * ERR_NOMEM. */
	int (*alloc)(void *arg, size_t bytes, void **rw, void **handle);
	/* Makes the code read-execute; its execute address, or NULL (out of
	 * memory: the code is then freed). */
	void *(*seal)(void *arg, void *handle);
	void (*free)(void *arg, void *handle);
	/* Makes code sealed anywhere so far fetchable here; NULL: not needed. */
	void (*sync)(void *arg);
};

/*
 * The native stacks compiled code runs on, one per running call (see
 * lib/wasm/jit/jit_abi.h): `bytes` of stack with an inaccessible guard
 * below it. 0 or ERR_NOMEM; [*lo, *hi) is the usable stack.
 */
struct wasm_stack_mem {
	void *arg;
	int (*alloc)(void *arg, size_t bytes, void **handle, uintptr_t *lo, uintptr_t *hi);
	void (*free)(void *arg, void *handle);
};

struct wasm_store_config {
	/* Where linear memory comes from; NULL: wasm_mem_checked(). */
	const struct wasm_mem_provider *mem_provider;
	uint32_t max_memory_pages; /* per memory; 0: WASM_MEM_MAX_PAGES */
	uint32_t max_table_elems;  /* per table; 0: WASM_DEFAULT_MAX_TABLE */
	/* Bytes of translated code an instance may hold; 0: no limit. A
	 * function is translated on its first call, which past the limit
	 * traps (WASM_TRAP_CODE_LIMIT; out of memory: WASM_TRAP_NOMEM);
	 * instantiation fails with ERR_NOMEM if the per-function table
	 * alone (or, eager, all the code) would pass it. */
	size_t max_code_bytes;
	/* Translate every function at instantiation (tests, benchmarks)
	 * instead of each on its first call. */
	bool eager_code;
	/* Told of each function's translation (see above). */
	struct wasm_translate_hook translate_hook;
	/*
	 * Guarded memories only: runs fn(fn_arg) such that a hardware fault
	 * on an address for which wasm_store_owns_address(s, addr) holds makes
	 * it return ERR_TRAP instead of crashing (host: sigsetjmp + SIGSEGV
	 * handler, see host/mem_host.h; kernel: the page-fault handler).
	 * wasm_run goes through it. NULL: the provider must be a checked one.
	 * It may land faults in a guest stack's guard page (stack_mem) too
	 * (the kernel does): the run then traps "call stack exhausted".
	 */
	int (*guard_call)(void *guard_arg, struct wasm_store *s, int (*fn)(void *), void *fn_arg);
	void *guard_arg;
	/*
	 * The compiler tier (riscv64 builds only): with both set, functions
	 * are compiled to machine code on their first call and run on a
	 * native stack of stack_bytes (0: WASM_DEFAULT_GUEST_STACK) per
	 * running call; NULL: the interpreter runs everything. An exec with
	 * fuel always interprets (compiled code counts no units).
	 */
	const struct wasm_code_mem *code_mem;
	const struct wasm_stack_mem *stack_mem;
	size_t stack_bytes;
	/* Bytes the store's GC objects (structs, arrays) may take at once;
	 * 0: WASM_DEFAULT_GC_BYTES. An allocation past it, after a
	 * collection, traps "out of memory" (WASM_TRAP_NOMEM); the store
	 * keeps working. */
	size_t max_gc_bytes;
	/* Whether the GC heap may take `bytes` more of the system's memory
	 * (the kernel: without dipping into its own reserve); asked every
	 * 64 KiB of growth, after a collection if it said no; no: the
	 * allocation traps "out of memory" as past max_gc_bytes. NULL: only
	 * max_gc_bytes limits it. */
	bool (*gc_room)(size_t bytes);
};

#define WASM_DEFAULT_MAX_TABLE	 10000000u
#define WASM_DEFAULT_GUEST_STACK (1u << 20)
#define WASM_DEFAULT_GC_BYTES	 ((size_t)256 << 20)

/* wasm_store_new - an empty store. ERR_NOMEM, ERR_INVAL (a guarded provider
 * without guard_call). `cfg` is copied; NULL means all defaults. */
int wasm_store_new(const struct wasm_store_config *cfg, struct wasm_store **out);

/* wasm_store_free - frees the store and every object in it (instances,
 * funcs, tables, memories, globals, linkers, execs). NULL is ignored. The
 * modules instantiated in it are the caller's to free, after this. */
void wasm_store_free(struct wasm_store *s);

/*
 * wasm_store_note_fault - for guard_call implementations: the faulting
 * address, machine pc and frame pointer (s0) of the fault that makes
 * guard_call return ERR_TRAP, noted before returning, so that the compiler
 * tier can tell what it hit (an address the store does not own: a guest
 * stack's guard page) and where in compiled code (the trap's backtrace).
 * Unknown values are 0.
 */
void wasm_store_note_fault(struct wasm_store *s, uintptr_t addr, uintptr_t pc, uintptr_t fp);

/* wasm_store_owns_address - whether addr lies in one of the store's
 * memories (its reservation if guarded). Reads only; safe from a fault
 * handler while the store's thread is stopped in the fault. */
bool wasm_store_owns_address(const struct wasm_store *s, uintptr_t addr);

/*
 * Host-made objects, owned by the store. `sig` for functions is
 * "params:results", one letter per value: i i32, I i64, f f32, F f64,
 * r funcref, e externref, v v128 (two entries of vals, see union wasm_val)
 * (e.g. "iI:i"). ERR_INVAL for a bad sig or limits
 * (min > max), ERR_NOMEM.
 */
int wasm_store_new_func(struct wasm_store *s, const char *sig, wasm_host_fn fn, void *arg,
			struct wasm_funcinst **out);
int wasm_store_new_table(struct wasm_store *s, uint32_t elem_type, struct wasm_limits limits,
			 struct wasm_tableinst **out);
int wasm_store_new_memory(struct wasm_store *s, struct wasm_limits limits,
			  struct wasm_memory **out);
int wasm_store_new_global(struct wasm_store *s, uint8_t type, bool is_mutable, union wasm_val v,
			  struct wasm_globalinst **out);

/* ---- linking and instantiation ---- */

/* wasm_linker_new - an empty name table in `s` (freed with the store). */
int wasm_linker_new(struct wasm_store *s, struct wasm_linker **out);

/* wasm_linker_define - makes `e` importable as module.name (NUL-terminated;
 * copied). A later definition of the same name and kind replaces it. `e`
 * must name objects of the linker's store. */
int wasm_linker_define(struct wasm_linker *l, const char *module, const char *name,
		       const struct wasm_extern *e);

/* wasm_linker_define_instance - defines every export of `inst` under
 * `module` (the spec testsuite's `register`). */
int wasm_linker_define_instance(struct wasm_linker *l, const char *module,
				struct wasm_instance *inst);

/* wasm_linker_define_func - wasm_store_new_func + wasm_linker_define. */
int wasm_linker_define_func(struct wasm_linker *l, const char *module, const char *name,
			    const char *sig, wasm_host_fn fn, void *arg);

/*
 * wasm_instantiate - instantiates validated module `m` in `s`, resolving its
 * imports through `l` (NULL: no imports allowed): allocates its functions,
 * tables, memories and globals, evaluates global initializers, then applies
 * the active element and data segments in order and drops them (and the
 * declarative ones), as the 2.0 spec says. Does NOT run the start function:
 * the caller runs wasm_instance_start_func() (if not NULL) on an exec.
 *
 * Errors (*err filled, section "link" or "instantiate"):
 *  ERR_LINK  - "unknown import" / "incompatible import type", naming the
 *              import.
 *  ERR_TRAP  - a segment was out of bounds ("out of bounds table access",
 *              "out of bounds memory access"); err->kind holds ERR_TRAP.
 *              Segments applied before it stay applied to imported tables
 *              and memories (spec behaviour). No instance is returned, but
 *              the store keeps it until freed: its functions may already
 *              sit in imported tables.
 *  ERR_RANGE - a memory or table is larger than the store's limits.
 *  ERR_NOMEM.
 * `m` must outlive the store. *out is written only on success.
 */
int wasm_instantiate(struct wasm_store *s, const struct wasm_module *m, const struct wasm_linker *l,
		     struct wasm_instance **out, struct wasm_error *err);

/* wasm_instance_export - the export named `name` (NUL-terminated); ERR_NOENT. */
int wasm_instance_export(const struct wasm_instance *inst, const char *name,
			 struct wasm_extern *out);

/* wasm_instance_footprint - bytes of memory the instance's code and its
 * module hold (the module's binary, arena, the translated code and the
 * compiled code), not counting linear memories. */
size_t wasm_instance_footprint(const struct wasm_instance *inst);

/* wasm_instance_code_stats - how many of the instance's functions have been
 * translated or compiled so far (each on its first call, see eager_code) and
 * the bytes its translated and compiled code holds. Any thread, any time (a snapshot). */
void wasm_instance_code_stats(const struct wasm_instance *inst, uint32_t *ntranslated,
			      size_t *bytes);

/*
 * wasm_module_share_code - from now on, the functions of m that any store
 * compiles (the compiler tier) are kept with m, in code memory from cm,
 * and shared by every instance of m made afterwards whose memory 0 is of
 * the same kind (checked or guarded): a function compiled for one instance
 * is not compiled again for the next. For modules kept between runs (the
 * kernel's module cache): their code is counted against cm's owner, not
 * against the programs that run it. cm must outlive m; the code goes with
 * m (wasm_module_free), so m must outlive every instance of it. Call at
 * most once, before any instance of m is made. 0, or ERR_NOMEM (nothing
 * changed: each instance compiles its own).
 */
int wasm_module_share_code(struct wasm_module *m, const struct wasm_code_mem *cm);

/* wasm_module_shared_code_bytes - bytes m's shared compiled code holds
 * (records, code and pc maps; 0 without). Any thread (a snapshot). */
size_t wasm_module_shared_code_bytes(const struct wasm_module *m);

/* wasm_instance_start_func - the start function, or NULL if none. */
struct wasm_funcinst *wasm_instance_start_func(const struct wasm_instance *inst);

/* ---- execution ---- */

struct wasm_exec_limits {
	uint32_t max_call_depth;  /* frames; 0: WASM_DEFAULT_CALL_DEPTH */
	uint32_t max_stack_bytes; /* value stack (params, locals, operands);
				     0: WASM_DEFAULT_STACK_BYTES */
	uint64_t fuel;		  /* total units for the exec's life; 0: none */
};

#define WASM_DEFAULT_CALL_DEPTH	 10000u
#define WASM_DEFAULT_STACK_BYTES (8u << 20)

/* wasm_exec_new - an idle exec in `s` (freed with the store, or earlier
 * with wasm_exec_free). Stacks grow on demand up to the limits. */
int wasm_exec_new(struct wasm_store *s, const struct wasm_exec_limits *lim, struct wasm_exec **out);
void wasm_exec_free(struct wasm_exec *x);

/*
 * wasm_exec_call - starts a call of `f` with `args` on an idle exec;
 * nothing runs until wasm_run. ERR_BUSY if a call is in progress
 * (suspended), ERR_INVAL if nargs does not match f's type, ERR_NOMEM.
 */
int wasm_exec_call(struct wasm_exec *x, struct wasm_funcinst *f, const union wasm_val *args,
		   uint32_t nargs);

enum wasm_run_status {
	WASM_RUN_DONE,	    /* returned: wasm_exec_results; exec idle again */
	WASM_RUN_TRAPPED,   /* wasm_exec_trap; exec idle again */
	WASM_RUN_SUSPENDED, /* wasm_exec_suspend_reason; call wasm_run again */
	WASM_RUN_IDLE,	    /* no call in progress */
};

enum wasm_suspend_reason {
	WASM_SUSPEND_NONE,
	WASM_SUSPEND_BUDGET,  /* `budget` units used up */
	WASM_SUSPEND_YIELD,   /* wasm_exec_request_yield was called */
	WASM_SUSPEND_BLOCKED, /* a host function returned WASM_HOST_BLOCKED */
};

/*
 * wasm_run - runs the exec's call for at most about `budget` units
 * (UINT64_MAX: no limit) and returns why it stopped. A unit is roughly one
 * WebAssembly instruction; units (and fuel) are charged at loop back-edges
 * and calls, where yield requests are also checked, so a run may overshoot
 * by one straight-line stretch of code.
 */
enum wasm_run_status wasm_run(struct wasm_exec *x, uint64_t budget);

enum wasm_suspend_reason wasm_exec_suspend_reason(const struct wasm_exec *x);

/* wasm_exec_results - after WASM_RUN_DONE: the results (count in *n). Valid
 * until the next wasm_exec_call. */
const union wasm_val *wasm_exec_results(const struct wasm_exec *x, uint32_t *n);

/* wasm_exec_trap - after WASM_RUN_TRAPPED: the trap. Valid until the next
 * wasm_exec_call. */
const struct wasm_trap *wasm_exec_trap(const struct wasm_exec *x);

/* wasm_exec_exception - after WASM_RUN_TRAPPED with WASM_TRAP_EXCEPTION:
 * the uncaught exception (owned by the store), else NULL. */
const struct wasm_exn *wasm_exec_exception(const struct wasm_exec *x);

/* wasm_store_new_tag - a host-made tag of type `sig` (as for functions,
 * no results), owned by the store. ERR_INVAL, ERR_NOMEM. */
int wasm_store_new_tag(struct wasm_store *s, const char *sig, struct wasm_taginst **out);

/* wasm_exec_request_yield - asks the running (or next) wasm_run to return
 * WASM_RUN_SUSPENDED at its next back-edge or call. Any thread, any
 * context (one atomic store). */
void wasm_exec_request_yield(struct wasm_exec *x);

/* wasm_exec_yield_requested - whether a yield request is pending (for a
 * long host function deciding whether to stop part way). Any thread. */
bool wasm_exec_yield_requested(const struct wasm_exec *x);

/* wasm_exec_abort - abandons a suspended call; the exec becomes idle. */
void wasm_exec_abort(struct wasm_exec *x);

/* wasm_exec_fuel_left - the fuel not yet charged (UINT64_MAX if unlimited). */
uint64_t wasm_exec_fuel_left(const struct wasm_exec *x);

/*
 * wasm_invoke - convenience for hosts that cannot suspend: wasm_exec_call,
 * then wasm_run without budget. Returns 0 with results in `results` (room
 * for `nresults`, which must equal the function's result count), ERR_TRAP
 * (wasm_exec_trap says which), ERR_AGAIN if a host function blocked (the
 * call is abandoned), or wasm_exec_call's errors.
 */
int wasm_invoke(struct wasm_exec *x, struct wasm_funcinst *f, const union wasm_val *args,
		uint32_t nargs, union wasm_val *results, uint32_t nresults);
