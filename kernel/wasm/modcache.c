/*
 * modcache.c - modules kept between runs (see modcache.h).
 *
 * A fixed table of MODCACHE_MAX slots under one lock; a slot is free when
 * its module is NULL. Modules leave the table under the lock and are freed
 * after it is dropped.
 */
#include "wasm/modcache.h"

#include <string.h>

#include "core/panic.h"
#include "core/spinlock.h"
#include "wasm/kcode.h"
#include "wasm/runtime.h"

/* What a kept module holds: its data, its binary if it owns it (an initrd
 * file's is not the heap's), its compiled code. */
static size_t held(const struct wasm_module *m)
{
	return m->meta_bytes + (m->owns_bytes ? m->len : 0) + wasm_module_shared_code_bytes(m);
}

struct slot {
	struct wasm_module *mod;
	uint32_t refs;
	uint64_t used; /* clock of the last get or add: the least goes first */
};

static struct {
	struct spinlock lock;
	struct slot slots[MODCACHE_MAX];
	uint64_t clock, hits, misses;
} mc; /* [lock] */

/* Whether a and b hold the same len bytes: a word at a time when both are
 * 8-byte aligned (malloc'd buffers are), else a byte at a time. */
static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i = 0;

	if (((uintptr_t)a | (uintptr_t)b) % 8 == 0)
		for (; i + 8 <= len; i += 8)
			if (*(const uint64_t *)(const void *)(a + i) !=
			    *(const uint64_t *)(const void *)(b + i))
				return false;
	return memcmp(a + i, b + i, len - i) == 0;
}

struct wasm_module *modcache_get(const uint8_t *bytes, size_t len)
{
	for (int i = 0; i < MODCACHE_MAX; i++) {
		struct slot *s = &mc.slots[i];
		bool irq = spin_lock(&mc.lock);
		struct wasm_module *m = s->mod;

		if (!m || m->len != len) {
			spin_unlock(&mc.lock, irq);
			continue;
		}
		s->refs++; /* held while comparing: not evicted meanwhile */
		spin_unlock(&mc.lock, irq);
		if (m->bytes == bytes || same_bytes(m->bytes, bytes, len)) {
			irq = spin_lock(&mc.lock);
			s->used = ++mc.clock;
			mc.hits++;
			spin_unlock(&mc.lock, irq);
			return m;
		}
		modcache_put(m);
	}
	bool irq = spin_lock(&mc.lock);
	mc.misses++;
	spin_unlock(&mc.lock, irq);
	return NULL;
}

bool modcache_add(struct wasm_module *m)
{
	struct wasm_module *old = NULL;
	struct slot *room = NULL;

	/* before it is in the table, where other runs find it: its compiled
	 * code is then kept with it (out of memory: each run compiles its own) */
	if (kcode_enabled())
		wasm_module_share_code(m, kcode_shared_code());
	bool irq = spin_lock(&mc.lock);

	for (int i = 0; i < MODCACHE_MAX && !(room && !room->mod); i++) {
		struct slot *s = &mc.slots[i];
		if (!s->mod || (!s->refs && (!room || s->used < room->used)))
			room = s;
	}
	if (room) {
		old = room->mod;
		*room = (struct slot){.mod = m, .refs = 1, .used = ++mc.clock};
	}
	spin_unlock(&mc.lock, irq);
	if (old)
		wasm_module_free(old);
	if (!room && m->shared_code) { /* not kept: no instance has seen it */
		m->shared_free(m->shared_code);
		m->shared_code = NULL;
		m->shared_free = NULL;
	}
	return room != NULL;
}

void modcache_put(struct wasm_module *m)
{
	bool irq = spin_lock(&mc.lock);
	int i = 0;

	while (i < MODCACHE_MAX && mc.slots[i].mod != m)
		i++;
	if (i == MODCACHE_MAX || !mc.slots[i].refs)
		panic("modcache: a module put back that it did not lend");
	mc.slots[i].refs--;
	spin_unlock(&mc.lock, irq);
}

size_t modcache_shrink(void)
{
	struct wasm_module *gone[MODCACHE_MAX];
	size_t bytes = 0;
	int n = 0;
	bool irq = spin_lock(&mc.lock);

	for (int i = 0; i < MODCACHE_MAX; i++) {
		struct slot *s = &mc.slots[i];
		if (s->mod && !s->refs) {
			bytes += held(s->mod);
			gone[n++] = s->mod;
			*s = (struct slot){0};
		}
	}
	spin_unlock(&mc.lock, irq);
	while (n > 0)
		wasm_module_free(gone[--n]);
	return bytes;
}

void modcache_stats(struct modcache_stats *out)
{
	bool irq = spin_lock(&mc.lock);

	*out = (struct modcache_stats){.hits = mc.hits, .misses = mc.misses};
	for (int i = 0; i < MODCACHE_MAX; i++) {
		if (!mc.slots[i].mod)
			continue;
		out->modules++;
		out->in_use += mc.slots[i].refs > 0;
		out->bytes += held(mc.slots[i].mod);
		out->code_bytes += wasm_module_shared_code_bytes(mc.slots[i].mod);
	}
	spin_unlock(&mc.lock, irq);
}
