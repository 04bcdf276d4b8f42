/*
 * jit_rt.h - the compiler tier's runtime as the rest of lib/wasm sees it:
 * the hooks by which instantiation (runtime_link.c) and the execution API
 * (interp.c) hand a store's work to compiled code. Not for users: a store
 * turns the tier on with wasm_store_config.code_mem and stack_mem.
 *
 * With the tier on, every instance gets a struct jit_inst (inst->jit), and
 * every call started on an exec without fuel runs on a fiber on a guest
 * stack of that exec (jit_exec_run), instead of in the interpreter's loop.
 * Functions the compiler refuses run in the interpreter, nested inside the
 * call. wasm_run's budget is not counted by compiled code: only a yield
 * request (wasm_exec_request_yield) or a blocking host call suspends it.
 */
#pragma once

#include <stdbool.h>

#include "wasm/runtime.h"

struct jit_inst;

/* jit_store_enabled - whether stores of `cfg` compile (both memories given
 * and compiled code can run on this architecture). */
bool jit_store_enabled(const struct wasm_store_config *cfg);

/*
 * jit_inst_new - makes inst->jit: the entry table (one stub per defined
 * function, which compiles it on its first call) and the data compiled
 * code reads. Called by wasm_instantiate once inst's index spaces are
 * filled. 0 or ERR_NOMEM (err->msg says so). Nothing is left on failure.
 */
int jit_inst_new(struct wasm_instance *inst, struct wasm_error *err);

/* jit_inst_free - frees inst->jit's stubs and every compiled function.
 * NULL is ignored. */
void jit_inst_free(struct jit_inst *ji);

/* jit_inst_footprint - bytes ji holds: its tables, stubs and every
 * function compiled so far (code and pc maps). Any thread (a snapshot). */
size_t jit_inst_footprint(const struct jit_inst *ji);

/* jit_inst_compiled - how many of ji's functions are compiled. Any thread. */
uint32_t jit_inst_compiled(const struct jit_inst *ji);

/* jit_exec_init - fills the fields of a new exec compiled code reads. */
void jit_exec_init(struct wasm_exec *x);

/* jit_exec_wants - whether the call being started on x runs compiled: the
 * store compiles, x has no fuel, and x has its guest stack (allocated now
 * on its first compiled call; without one, out of memory, the call is
 * interpreted instead). */
bool jit_exec_wants(struct wasm_exec *x);

/* jit_exec_run - wasm_run for a compiled call (x READY, x->jit_call):
 * starts or resumes it on x's fiber; as wasm_run, minus the budget. */
enum wasm_run_status jit_exec_run(struct wasm_exec *x);

/* jit_exec_abort - drops a suspended compiled call (its stack's contents). */
void jit_exec_abort(struct wasm_exec *x);

/* jit_exec_free - frees x's guest stack and state. */
void jit_exec_free(struct wasm_exec *x);
