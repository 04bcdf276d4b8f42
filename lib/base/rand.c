/* rand.c - xoshiro256** seeded with splitmix64 (see rand.h). */
#include "rand.h"

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void rand_seed(struct rand *r, const void *seed, size_t len)
{
	const uint8_t *p = seed;
	uint64_t x = 0x6a09e667f3bcc908ull;
	/* Fold the seed bytes in 8 at a time so every byte moves the state. */
	for (size_t i = 0; i < len; i += 8) {
		uint64_t w = 0;
		for (size_t j = 0; j < 8 && i + j < len; j++)
			w |= (uint64_t)p[i + j] << (8 * j);
		x ^= w;
		x = splitmix(&x);
	}
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rand_next(struct rand *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t rand_below(struct rand *r, uint64_t bound)
{
	/* Rejection sampling removes the modulo bias. */
	uint64_t limit = -bound % bound; /* (2^64 - bound) % bound */
	for (;;) {
		uint64_t v = rand_next(r);
		if (v >= limit)
			return v % bound;
	}
}
