/*
 * vwork.h - validation workers in the kernel: tasks on the executor.
 */
#pragma once

#include "wasm/load.h"

/*
 * vwork_workers - fills *w with workers for wasm_module_validate_on: a task
 * on the executor for each CPU but the caller's (none on one CPU), each
 * validating function bodies until none are left. Tasks that start late
 * (their CPU was busy) find nothing to do; the caller never waits for a
 * task that has not started.
 */
void vwork_workers(struct wasm_workers *w);
