/*
 * siphash.c - SipHash-2-4 (see siphash.h): a 256-bit state of four words,
 * the key xored with the ASCII of "somepseudorandomlygeneratedbytes";
 * each 8-byte little-endian message word is mixed in by two SipRounds, the
 * last word also carries the length in its top byte, and four more
 * SipRounds finish.
 */
#include "siphash.h"

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

struct sip {
	uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = rotl(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl(s->v2, 32);
}

static void sip_word(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

static uint64_t le64(const uint8_t *p, size_t n)
{
	uint64_t w = 0;

	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

static struct sip sip_init(const struct siphash_key *key)
{
	return (struct sip){
		.v0 = key->k0 ^ 0x736f6d6570736575ull,
		.v1 = key->k1 ^ 0x646f72616e646f6dull,
		.v2 = key->k0 ^ 0x6c7967656e657261ull,
		.v3 = key->k1 ^ 0x7465646279746573ull,
	};
}

/* The last word (the rest of the message, its length in the top byte),
 * then the finalization. */
static uint64_t sip_final(struct sip *s, uint64_t last)
{
	sip_word(s, last);
	s->v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

uint64_t siphash(const struct siphash_key *key, const void *data, size_t len)
{
	const uint8_t *p = data;
	struct sip s = sip_init(key);
	size_t whole = len - len % 8;

	for (size_t i = 0; i < whole; i += 8)
		sip_word(&s, le64(p + i, 8));
	return sip_final(&s, le64(p + whole, len % 8) | (uint64_t)(len & 0xff) << 56);
}

uint64_t siphash_u64(const struct siphash_key *key, uint64_t v)
{
	struct sip s = sip_init(key);

	sip_word(&s, v); /* one whole word, then none left: the length alone */
	return sip_final(&s, (uint64_t)8 << 56);
}
