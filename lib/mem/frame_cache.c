/* frame_cache.c - per-CPU order-0 frame cache (see frame_cache.h). */
#include "base/err.h"
#include "mem/frame_cache.h"

void frame_cache_init(struct frame_cache *c)
{
	c->n = 0;
}

int frame_cache_pop(struct frame_cache *c, uint64_t *phys)
{
	if (c->n == 0)
		return ERR_NOMEM;
	*phys = c->frames[--c->n];
	return 0;
}

int frame_cache_push(struct frame_cache *c, uint64_t phys)
{
	if (c->n == FRAME_CACHE_SIZE)
		return ERR_NOSPC;
	c->frames[c->n++] = phys;
	return 0;
}

int frame_cache_refill(struct frame_cache *c, struct buddy *b)
{
	int added = 0;
	while (c->n < FRAME_CACHE_SIZE / 2) {
		uint64_t p;
		if (buddy_alloc(b, 0, &p) < 0)
			break;
		c->frames[c->n++] = p;
		added++;
	}
	return added > 0 || c->n > 0 ? added : ERR_NOMEM;
}

void frame_cache_drain(struct frame_cache *c, struct buddy *b, unsigned keep)
{
	while (c->n > keep)
		buddy_free(b, c->frames[--c->n], 0);
}
