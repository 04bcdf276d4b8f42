/*
 * wat_num.c - number literals (wat_num.h).
 *
 * A float is first made exact as m * 2^e2 plus a "sticky" bit saying some
 * nonzero value below m's last bit was dropped; round_float then rounds
 * that once. Hex literals get there by shifting. Decimal ones (digits d,
 * exponent E: d * 10^E) by dividing two big integers d * 10^max(E,0) and
 * 10^max(-E,0), scaled by a power of two so the quotient has 64 bits; the
 * remainder is the sticky bit. Digits past the 800th only matter through
 * whether they are all zero (an f64 needs at most 767 significant digits
 * to round right), so they become one final nonzero digit or none.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasm/text/wat_num.h"

static int digit_val(char c, bool hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (hex && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The length of the digit run at s[0, n) (digits with single `_` between
 * them), 0 if there is none or an underscore is misplaced. */
static size_t digit_run(const char *s, size_t n, bool hex)
{
	size_t i = 0;

	if (n == 0 || digit_val(s[0], hex) < 0)
		return 0;
	while (i < n) {
		if (digit_val(s[i], hex) >= 0) {
			i++;
		} else if (s[i] == '_' && i + 1 < n && digit_val(s[i + 1], hex) >= 0) {
			i++;
		} else if (s[i] == '_') {
			return 0;
		} else {
			break;
		}
	}
	return i;
}

int wat_parse_uint(const char *s, size_t n, unsigned bits, uint64_t *out)
{
	bool hex = n > 2 && s[0] == '0' && s[1] == 'x';
	uint64_t v = 0, max = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
	unsigned base = hex ? 16 : 10;
	bool over = false;

	if (hex) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || digit_run(s, n, hex) != n)
		return ERR_MALFORMED;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_')
			continue;
		uint64_t d = (uint64_t)digit_val(s[i], hex);
		if (v > (max - d) / base)
			over = true;
		else
			v = v * base + d;
	}
	if (over)
		return ERR_RANGE;
	*out = v;
	return 0;
}

int wat_parse_int(const char *s, size_t n, unsigned bits, uint64_t *out)
{
	uint64_t v, mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
	int rc;

	if (n == 0 || (s[0] != '+' && s[0] != '-'))
		return wat_parse_uint(s, n, bits, out);
	rc = wat_parse_uint(s + 1, n - 1, 64, &v);
	if (rc)
		return rc;
	if (s[0] == '-' ? v > (UINT64_C(1) << (bits - 1)) : v >= (UINT64_C(1) << (bits - 1)))
		return ERR_RANGE;
	*out = (s[0] == '-' ? 0 - v : v) & mask;
	return 0;
}

/* The IEEE format: `mbits` fraction bits, exponent bias and maximum. */
struct fmt {
	int mbits, bias, emax;
};

/*
 * round_float - the bits of (m * 2^e2, plus a bit more if sticky) rounded
 * to nearest even in format f, without the sign. ERR_RANGE if it rounds to
 * infinity. m == 0 is zero whatever the sticky bit (only a value whose
 * digits are all zero gets here with m == 0).
 */
static int round_float(uint64_t m, int64_t e2, bool sticky, const struct fmt *f, uint64_t *out)
{
	int prec = f->mbits + 1, emin = 1 - f->bias;

	if (m == 0) {
		*out = 0;
		return 0;
	}
	while (!(m >> 63)) {
		m <<= 1;
		e2--;
	}
	int64_t lead = e2 + 63; /* the exponent of m's top bit */
	if (lead > f->emax)
		return ERR_RANGE;
	int64_t keep = lead >= emin ? prec : prec - (emin - lead);
	uint64_t mant, round, rest;
	if (keep <= 0) {
		/* Below half the smallest subnormal, or exactly at it (keep 0). */
		mant = 0;
		round = keep == 0;
		rest = keep == 0 ? ((m << 1) != 0 || sticky) : 1;
	} else {
		int drop = 64 - (int)keep;
		mant = m >> drop;
		round = (m >> (drop - 1)) & 1;
		rest = (m & ((UINT64_C(1) << (drop - 1)) - 1)) != 0 || sticky;
	}
	if (round && (rest || (mant & 1)))
		mant++;
	if (lead < emin) {
		/* A subnormal: its field is 0, and a carry into the hidden bit's
		 * place makes it the smallest normal by the same arithmetic. */
		*out = mant;
		return 0;
	}
	if (mant >> prec) {
		mant >>= 1;
		lead++;
	}
	if (lead > f->emax)
		return ERR_RANGE;
	*out = (uint64_t)(lead + f->bias) << f->mbits | (mant & ((UINT64_C(1) << f->mbits) - 1));
	return 0;
}

/* A little-endian big integer of 32-bit limbs; enough for 800 digits
 * scaled by 10^1130, times 2^64. */
#define BIG_LIMBS 136
struct big {
	uint32_t v[BIG_LIMBS];
	int n; /* limbs in use; v[n-1] != 0 unless n == 0 */
};

static void big_trim(struct big *b)
{
	while (b->n > 0 && b->v[b->n - 1] == 0)
		b->n--;
}

static void big_muladd(struct big *b, uint32_t mul, uint32_t add)
{
	uint64_t carry = add;
	for (int i = 0; i < b->n; i++) {
		carry += (uint64_t)b->v[i] * mul;
		b->v[i] = (uint32_t)carry;
		carry >>= 32;
	}
	if (carry && b->n < BIG_LIMBS)
		b->v[b->n++] = (uint32_t)carry;
}

static void big_pow10(struct big *b, int64_t e)
{
	for (; e >= 9; e -= 9)
		big_muladd(b, 1000000000u, 0);
	static const uint32_t p10[9] = {1,	10,	 100,	   1000,     10000,
					100000, 1000000, 10000000, 100000000};
	big_muladd(b, p10[e], 0);
}

static int64_t big_bits(const struct big *b)
{
	if (b->n == 0)
		return 0;
	return (int64_t)(b->n - 1) * 32 + (32 - __builtin_clz(b->v[b->n - 1]));
}

static void big_shl(struct big *b, int64_t k)
{
	int64_t w = k / 32, s = k % 32;
	int n = b->n + (int)w + 1;
	for (int i = n - 1; i >= 0; i--) {
		uint64_t hi = i - w >= 0 && i - w < b->n ? b->v[i - w] : 0;
		uint64_t lo = s && i - w - 1 >= 0 && i - w - 1 < b->n ? b->v[i - w - 1] : 0;
		b->v[i] = (uint32_t)(hi << s | (s ? lo >> (32 - s) : 0));
	}
	b->n = n;
	big_trim(b);
}

static void big_shr1(struct big *b)
{
	for (int i = 0; i < b->n; i++)
		b->v[i] = b->v[i] >> 1 | (i + 1 < b->n ? b->v[i + 1] << 31 : 0);
	big_trim(b);
}

static int big_cmp(const struct big *a, const struct big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return 0;
}

static void big_sub(struct big *a, const struct big *b)
{
	int64_t borrow = 0;
	for (int i = 0; i < a->n; i++) {
		int64_t d = (int64_t)a->v[i] - (i < b->n ? b->v[i] : 0) - borrow;
		borrow = d < 0;
		a->v[i] = (uint32_t)(d + (borrow ? (INT64_C(1) << 32) : 0));
	}
	big_trim(a);
}

#define MAX_DIGITS 800

/* The decimal float digits[0, nd) * 10^e10 (nd <= MAX_DIGITS + 1, no
 * leading zeros, nd > 0) in format f. */
static int decimal_float(const char *digits, int nd, int64_t e10, const struct fmt *f,
			 uint64_t *out)
{
	/* 10^(mag-1) <= value < 10^mag: decide the far ranges without work. */
	int64_t mag = nd + e10;
	if (mag > (f->mbits > 30 ? 310 : 40))
		return ERR_RANGE;
	if (mag < (f->mbits > 30 ? -324 : -46)) {
		*out = 0;
		return 0;
	}
	struct big *num = calloc(2, sizeof(*num)), *den = num + 1;
	if (!num)
		return ERR_NOMEM;
	for (int i = 0; i < nd; i++) {
		if (num->n == 0 && digits[i] == '0')
			continue;
		if (num->n == 0)
			num->n = 1;
		big_muladd(num, 10, (uint32_t)(digits[i] - '0'));
	}
	den->v[0] = 1;
	den->n = 1;
	big_pow10(e10 >= 0 ? num : den, e10 >= 0 ? e10 : -e10);
	/* num * 2^s / den in (2^62, 2^64) */
	int64_t s = 63 - big_bits(num) + big_bits(den);
	big_shl(s >= 0 ? num : den, s >= 0 ? s : -s);
	big_shl(den, 63);
	uint64_t q = 0;
	for (int i = 63; i >= 0; i--) {
		if (big_cmp(num, den) >= 0) {
			big_sub(num, den);
			q |= UINT64_C(1) << i;
		}
		big_shr1(den);
	}
	bool sticky = num->n != 0;
	free(num);
	return round_float(q, -s, sticky, f, out);
}

/* The hex float: hex digits s[0, n) with an optional '.', then p exponent
 * already split off as e2. */
static int hex_float(const char *s, size_t n, int64_t e2, const struct fmt *f, uint64_t *out)
{
	uint64_t m = 0;
	bool sticky = false, seen_dot = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (s[i] == '.') {
			seen_dot = true;
			continue;
		}
		uint64_t d = (uint64_t)digit_val(s[i], true);
		if (m >> 60) {
			/* Full: the digit only counts as sticky (and as a
			 * power of 16 if it is before the point). */
			sticky |= d != 0;
			if (!seen_dot)
				e2 += 4;
		} else {
			m = m << 4 | d;
			if (seen_dot)
				e2 -= 4;
		}
	}
	return round_float(m, e2, sticky, f, out);
}

/* Parses [+-]digits into *e, saturating far beyond any float's range. */
static bool parse_exp(const char *s, size_t n, int64_t *e)
{
	bool neg = n > 0 && s[0] == '-';
	int64_t v = 0;

	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		s++;
		n--;
	}
	if (n == 0 || digit_run(s, n, false) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_' && v < 1000000000)
			v = v * 10 + (s[i] - '0');
	*e = neg ? -v : v;
	return true;
}

int wat_parse_float(const char *s, size_t n, unsigned bits, uint64_t *out)
{
	const struct fmt f = bits == 32 ? (struct fmt){23, 127, 127} : (struct fmt){52, 1023, 1023};
	uint64_t sign = 0, v = 0, exp_all = ((UINT64_C(1) << (bits == 32 ? 8 : 11)) - 1) << f.mbits;
	bool hex;
	int rc;

	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		sign = s[0] == '-' ? UINT64_C(1) << (bits - 1) : 0;
		s++;
		n--;
	}
	if (n == 3 && memcmp(s, "inf", 3) == 0) {
		*out = sign | exp_all;
		return 0;
	}
	if (n == 3 && memcmp(s, "nan", 3) == 0) {
		*out = sign | exp_all | UINT64_C(1) << (f.mbits - 1);
		return 0;
	}
	if (n > 4 && memcmp(s, "nan:", 4) == 0) {
		if (n < 7 || s[4] != '0' || s[5] != 'x')
			return ERR_MALFORMED;
		rc = wat_parse_uint(s + 4, n - 4, 64, &v);
		if (rc)
			return rc;
		if (v == 0 || v >> f.mbits)
			return ERR_RANGE;
		*out = sign | exp_all | v;
		return 0;
	}
	hex = n > 2 && s[0] == '0' && s[1] == 'x';
	if (hex) {
		s += 2;
		n -= 2;
	}
	/* mantissa: digits [. [digits]] */
	size_t i = digit_run(s, n, hex), int_end = i, frac_end;
	if (i == 0)
		return ERR_MALFORMED;
	if (i < n && s[i] == '.') {
		i++;
		i += digit_run(s + i, n - i, hex);
	}
	frac_end = i;
	int64_t e = 0;
	if (i < n) {
		char c = s[i];
		if (hex ? (c != 'p' && c != 'P') : (c != 'e' && c != 'E'))
			return ERR_MALFORMED;
		if (!parse_exp(s + i + 1, n - i - 1, &e))
			return ERR_MALFORMED;
	}
	if (hex) {
		rc = hex_float(s, frac_end, e, &f, &v);
	} else {
		/* Collect the significant digits; e moves with the point. */
		char dig[MAX_DIGITS + 1];
		int nd = 0;
		bool tail = false;
		for (size_t k = 0; k < frac_end; k++) {
			char c = s[k];
			if (c == '_' || c == '.')
				continue;
			bool frac = k > int_end;
			if (nd < MAX_DIGITS && (nd > 0 || c != '0')) {
				dig[nd++] = c;
				e -= frac;
			} else if (nd == 0) {
				e -= frac; /* a leading zero */
			} else {
				tail |= c != '0';
				e += !frac;
			}
		}
		if (tail) {
			dig[nd++] = '1';
			e--;
		}
		if (nd == 0) {
			v = 0;
			rc = 0;
		} else {
			rc = decimal_float(dig, nd, e, &f, &v);
		}
	}
	if (rc)
		return rc;
	*out = sign | v;
	return 0;
}

int wat_v128_shape(const char *s, size_t n)
{
	static const char names[WAT_V128_NSHAPES][6] = {"i8x16", "i16x8", "i32x4",
							"i64x2", "f32x4", "f64x2"};
	for (int i = 0; i < WAT_V128_NSHAPES; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return i;
	return -1;
}

int wat_v128_lane(int shape, const char *s, size_t n, unsigned i, uint8_t v[16])
{
	unsigned bits = wat_v128_lane_bits(shape);
	uint64_t x;
	int rc = wat_v128_is_float(shape) ? wat_parse_float(s, n, bits, &x)
					  : wat_parse_int(s, n, bits, &x);

	if (rc)
		return rc;
	for (unsigned k = 0; k < bits / 8; k++)
		v[i * (bits / 8) + k] = (uint8_t)(x >> (8 * k));
	return 0;
}
