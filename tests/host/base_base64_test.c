/* base_base64_test.c - lib/base/base64: RFC 4648's test vectors, pieces. */
#include <string.h>

#include "base/base64.h"
#include "base/test.h"

TEST(base64, rfc4648_vectors)
{
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const out[] = {"",	      "Zg==",	  "Zm8=",    "Zm9v",
					  "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	char buf[16];

	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		size_t n = base64_encode(in[i], strlen(in[i]), buf);
		EXPECT_EQ_U(n, BASE64_LEN(strlen(in[i])));
		buf[n] = 0;
		EXPECT_STREQ(buf, out[i]);
	}
}

TEST(base64, every_byte_and_pieces)
{
	unsigned char src[256];
	char whole[BASE64_LEN(256) + 1], parts[BASE64_LEN(256) + 1];

	for (int i = 0; i < 256; i++)
		src[i] = (unsigned char)(255 - i);
	size_t n = base64_encode(src, sizeof(src), whole);
	whole[n] = 0;
	/* 0xff 0xfe 0xfd -> 111111 111111 111110 111101 */
	EXPECT(strncmp(whole, "//79", 4) == 0);
	/* pieces of multiples of 3 give the same text */
	size_t m = base64_encode(src, 57, parts);
	m += base64_encode(src + 57, 114, parts + m);
	m += base64_encode(src + 171, 85, parts + m);
	parts[m] = 0;
	EXPECT_EQ_U(m, n);
	EXPECT_STREQ(parts, whole);
}
