/*
 * rand.h - a small, fast, non-cryptographic PRNG (xoshiro256**), seeded
 * through splitmix64 so that any seed, even all zeros, gives a good state.
 * Used for address-space randomization and work-stealing victim choice.
 * The state is a plain struct owned by the caller (one per CPU in the kernel).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct rand {
	uint64_t s[4];
};

/* rand_seed - seeds from `len` bytes (any length, may be 0). */
void rand_seed(struct rand *r, const void *seed, size_t len);
uint64_t rand_next(struct rand *r);
/* rand_below - uniform in [0, bound); bound must be non-zero. */
uint64_t rand_below(struct rand *r, uint64_t bound);
