/*
 * siphash.h - SipHash-2-4 (Aumasson and Bernstein, 2012), a keyed
 * pseudorandom function for short inputs: without the 128-bit key, its
 * outputs say nothing about its inputs or about the key.
 *
 * Used where a value must be shown or handed out without revealing what
 * produced it: kernel pointers in trace output (lib/trace, like Linux's
 * %p) and the random bytes a guest asks for (a counter under a secret key).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t k0, k1; /* the key's bytes 0-7 and 8-15, little-endian */
};

/* siphash - the 64-bit SipHash-2-4 of data[0..len) under key. */
uint64_t siphash(const struct siphash_key *key, const void *data, size_t len);

/* siphash_u64 - siphash of the 8 little-endian bytes of v. */
uint64_t siphash_u64(const struct siphash_key *key, uint64_t v);
