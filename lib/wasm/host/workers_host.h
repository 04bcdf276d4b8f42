/*
 * workers_host.h - validation workers on the host: POSIX threads.
 */
#pragma once

#include "wasm/load.h"

/*
 * wasm_workers_host - fills *w with workers that are threads, n of them
 * besides the caller; n < 0: one per online CPU but the caller's.
 * Each validation starts its threads and they end with it.
 */
void wasm_workers_host(struct wasm_workers *w, int n);
