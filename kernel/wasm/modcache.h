/*
 * modcache.h - modules kept between runs: a second `run` of the same
 * program starts without decoding or validating it again.
 *
 * A module is found by its bytes: one of the same length whose binary is
 * the same memory (an initrd file used in place: it never changes) or
 * holds the same bytes (compared word by word). No hash: comparing is
 * cheaper than hashing (one pass that stops at the first difference, and
 * none at all for the initrd), and two modules can never be mistaken for
 * each other. A changed file has other bytes: it is never served a kept
 * module. A kept module is read-only and shared: every instance of it
 * points to the same struct wasm_module (instances never write their
 * module but for its compiled-code tables, which are atomics). Only modules whose bytes live as
 * long as they do are kept (an initrd file in place, or bytes the module owns). With the compiler
 * on, a kept module keeps its compiled code too (wasm_module_share_code): every function is
 * compiled once, by the first run that calls it, and later runs start with it compiled. The
 * interpreter's translations stay per instance (they hold the instance's addresses).
 *
 * Memory: a module's data is kernel heap, its compiled code pages are
 * charged to the cache's own account (kcode_shared_code), all counted in
 * the cache's bytes. The cache keeps at most MODCACHE_MAX modules; the
 * least recently used one not in use makes room for a new one, and every
 * module not in use is given back first when memory runs short (modcache_shrink: before
 * a program's memory growth or load is refused, and by `mem drop`).
 *
 * Any CPU, task context. The cache's lock is held only to look at or
 * change its table: never while comparing bytes or freeing a module.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/module.h"

#define MODCACHE_MAX 8

struct modcache_stats {
	uint32_t modules;    /* kept, in use or not */
	uint32_t in_use;     /* modules some program runs */
	uint64_t bytes;	     /* what they hold: data, binaries they own, code */
	uint64_t code_bytes; /* of it, their compiled code */
	uint64_t hits, misses;
};

/* modcache_get - a kept module of these bytes, with a reference the caller
 * gives back with modcache_put; NULL if there is none (a miss). */
struct wasm_module *modcache_get(const uint8_t *bytes, size_t len);

/*
 * modcache_add - offers m (decoded and validated, owned by the caller,
 * its bytes as long-lived as it) to the cache. true: the cache owns m now
 * and the caller holds one reference (modcache_put it); false (every slot
 * holds a module in use): the caller keeps m as it was. Two runs that
 * missed at once may both add theirs; the spare one ages out.
 */
bool modcache_add(struct wasm_module *m);

/* modcache_put - gives back a reference from modcache_get/modcache_add. */
void modcache_put(struct wasm_module *m);

/* modcache_shrink - frees every module not in use; returns how many heap
 * bytes they held (data, and binaries they owned). */
size_t modcache_shrink(void);

void modcache_stats(struct modcache_stats *out);
