/* base_siphash_test.c - SipHash-2-4 against the reference vectors (key
 * 00 01 .. 0f, messages 00 01 .. of every length that takes a different
 * path: empty, a partial word, whole words, both). */
#include "base/siphash.h"
#include "base/test.h"

TEST(siphash, reference_vectors)
{
	static const struct {
		size_t len;
		uint64_t want;
	} v[] = {
		{0, 0x726fdb47dd0e0e31ull},  {1, 0x74f839c593dc67fdull},
		{7, 0xab0200f58b01d137ull},  {8, 0x93f5f5799a932462ull},
		{15, 0xa129ca6149be45e5ull}, {16, 0x3f2acc7f57c29bdbull},
		{63, 0x958a324ceb064572ull},
	};
	const struct siphash_key key = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
	uint8_t msg[64];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		EXPECT_EQ_U(siphash(&key, msg, v[i].len), v[i].want);
	EXPECT_EQ_U(siphash_u64(&key, 0x0706050403020100ull), 0x93f5f5799a932462ull);
}

TEST(siphash, the_key_matters)
{
	const struct siphash_key a = {1, 2}, b = {1, 3};

	EXPECT_NE(siphash_u64(&a, 42), siphash_u64(&b, 42));
	EXPECT_NE(siphash_u64(&a, 42), siphash_u64(&a, 43));
	EXPECT_EQ_U(siphash_u64(&a, 42), siphash_u64(&a, 42));
}
