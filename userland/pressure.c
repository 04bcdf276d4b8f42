/* pressure.c - puts the kernel's memory under pressure, for the tests:
 *
 *   pressure hold MIB|max [SECS]   grows its memory by MIB (or until
 *                                  memory.grow refuses), touches every page,
 *                                  then waits SECS seconds (default: forever)
 *   pressure fill PATH MIB         writes a file of MIB MiB (64 KiB writes)
 *   pressure rm PATH               deletes a file
 *   pressure module data MIB OUT   writes a module with an active data
 *                                  segment of MIB MiB, whose _start checks
 *                                  the segment's first and last bytes
 *   pressure module funcs N OUT    writes a module with N functions; _start
 *                                  calls the last one
 *
 * Errors name the call and the errno text and exit 1; bad usage exits 2. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE  65536u
#define TOUCH 4096u
#define BYTE  0x5a /* the data segment's contents */

static int usage(void)
{
	fprintf(stderr, "usage: pressure hold MIB|max [SECS] | fill PATH MIB | rm PATH |\n"
			"       pressure module data MIB OUT | module funcs N OUT\n");
	return 2;
}

static int number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int hold(int argc, char **argv)
{
	unsigned long mib = 0, secs = 0;
	if (argc < 3 || argc > 4 || (strcmp(argv[2], "max") && number(argv[2], 4096, &mib)) ||
	    (argc == 4 && number(argv[3], 1000000, &secs)))
		return usage();
	unsigned long got = 0;
	while (!mib || got < mib) {
		uintptr_t old = __builtin_wasm_memory_grow(0, 1024 * 1024 / PAGE);
		if (old == (uintptr_t)-1)
			break;
		for (uintptr_t a = old * PAGE; a < (old + 16) * PAGE; a += TOUCH)
			*(volatile char *)a = 1; /* every page: the frames are really used */
		got++;
	}
	printf("pressure: holding %lu MiB%s\n", got,
	       !mib || got < mib ? " (memory.grow refused)" : "");
	fflush(stdout);
	for (unsigned long i = 0; !secs || i < secs; i++)
		sleep(1);
	return 0;
}

static int fill(int argc, char **argv)
{
	unsigned long mib;
	static char block[64 * 1024];
	if (argc != 4 || number(argv[3], 4096, &mib))
		return usage();
	memset(block, BYTE, sizeof(block));
	FILE *f = fopen(argv[2], "w");
	if (!f) {
		fprintf(stderr, "pressure: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	for (unsigned long i = 0; i < mib * 16; i++)
		if (fwrite(block, sizeof(block), 1, f) != 1) {
			fprintf(stderr, "pressure: writing %s after %lu KiB: %s\n", argv[2], i * 64,
				strerror(errno));
			fclose(f);
			return 1;
		}
	if (fclose(f)) {
		fprintf(stderr, "pressure: closing %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	printf("pressure: wrote %lu MiB to %s\n", mib, argv[2]);
	return 0;
}

/* ---- modules ---- */

struct out {
	FILE *f;
	int failed;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (n && fwrite(p, n, 1, o->f) != 1)
		o->failed = 1;
}

static void byte(struct out *o, unsigned b)
{
	uint8_t c = (uint8_t)b;
	put(o, &c, 1);
}

static void leb(struct out *o, uint64_t v)
{
	do {
		uint8_t b = v & 0x7f;
		v >>= 7;
		byte(o, v ? b | 0x80u : b);
	} while (v);
}

static size_t leb_len(uint64_t v)
{
	size_t n = 1;
	while (v >>= 7)
		n++;
	return n;
}

/* A section whose payload is `n` bytes of p. */
static void section(struct out *o, unsigned id, const void *p, size_t n)
{
	byte(o, id);
	leb(o, n);
	put(o, p, n);
}

static void header(struct out *o)
{
	static const uint8_t magic[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
	static const uint8_t type_v_v[] = {1, 0x60, 0, 0};
	put(o, magic, sizeof(magic));
	section(o, 1, type_v_v, sizeof(type_v_v));
}

/* export "_start" as function 0 (and "memory" when there is one) */
static void exports(struct out *o, int memory)
{
	static const uint8_t start_only[] = {1, 6, '_', 's', 't', 'a', 'r', 't', 0, 0};
	static const uint8_t with_mem[] = {2, 6,   '_', 's', 't', 'a', 'r', 't', 0, 0,
					   6, 'm', 'e', 'm', 'o', 'r', 'y', 2,	 0};
	if (memory)
		section(o, 7, with_mem, sizeof(with_mem));
	else
		section(o, 7, start_only, sizeof(start_only));
}

static void module_data(struct out *o, unsigned long mib)
{
	uint64_t size = (uint64_t)mib << 20, pages = size / PAGE + 1;
	uint32_t last = 1024 + (uint32_t)size - 1;
	/* _start: trap unless the first and last bytes are the segment's */
	uint8_t body[64];
	size_t n = 0;
	body[n++] = 0; /* no locals */
	const uint32_t at[2] = {1024, last};
	for (int i = 0; i < 2; i++) {
		body[n++] = 0x41; /* i32.const addr (5-byte LEB) */
		for (int k = 0; k < 5; k++)
			body[n++] = (uint8_t)(((at[i] >> (7 * k)) & 0x7f) | (k < 4 ? 0x80 : 0));
		static const uint8_t check[] = {
			0x2d,	   0,
			0, /* i32.load8_u */
			0x41,	   0x80 | (BYTE & 0x7f),
			BYTE >> 7, /* i32.const BYTE */
			0x47,	   0x04,
			0x40,	   0x00,
			0x0b, /* ne if unreachable end */
		};
		memcpy(body + n, check, sizeof(check));
		n += sizeof(check);
	}
	body[n++] = 0x0b;
	header(o);
	uint8_t funcs[] = {1, 0};
	section(o, 3, funcs, sizeof(funcs));
	uint8_t mem[16];
	size_t m = 0;
	mem[m++] = 1;
	mem[m++] = 0; /* min only */
	for (uint64_t v = pages; m == 2 || v; v >>= 7)
		mem[m++] = (uint8_t)((v & 0x7f) | (v >> 7 ? 0x80 : 0));
	section(o, 5, mem, m);
	exports(o, 1);
	byte(o, 10);
	leb(o, 1 + leb_len(n) + n);
	byte(o, 1);
	leb(o, n);
	put(o, body, n);
	/* data: one active segment at 1024 */
	static const uint8_t seg_head[] = {1, 0, 0x41, 0x80, 0x08, 0x0b}; /* i32.const 1024 */
	byte(o, 11);
	leb(o, sizeof(seg_head) + leb_len(size) + size);
	put(o, seg_head, sizeof(seg_head));
	leb(o, size);
	static uint8_t block[64 * 1024];
	memset(block, BYTE, sizeof(block));
	for (uint64_t left = size; left; left -= left < sizeof(block) ? left : sizeof(block))
		put(o, block, left < sizeof(block) ? left : sizeof(block));
}

static void module_funcs(struct out *o, unsigned long nf)
{
	header(o);
	byte(o, 3); /* every function is type 0 */
	leb(o, leb_len(nf) + nf);
	leb(o, nf);
	for (unsigned long i = 0; i < nf; i++)
		byte(o, 0);
	exports(o, 0);
	/* function 0 calls the last one; the others are empty */
	size_t first = 1 + 1 + leb_len(nf - 1) + 1;
	byte(o, 10);
	leb(o, leb_len(nf) + 1 + first + (nf - 1) * 3);
	leb(o, nf);
	leb(o, first);
	byte(o, 0);
	byte(o, 0x10);
	leb(o, nf - 1);
	byte(o, 0x0b);
	static const uint8_t empty[] = {2, 0, 0x0b};
	for (unsigned long i = 1; i < nf; i++)
		put(o, empty, sizeof(empty));
}

static int module(int argc, char **argv)
{
	unsigned long n;
	int data;
	if (argc != 5 || ((data = !strcmp(argv[2], "data")) == 0 && strcmp(argv[2], "funcs")) ||
	    number(argv[3], data ? 1024 : 10000000, &n) || (!data && n < 2))
		return usage();
	struct out o = {fopen(argv[4], "w"), 0};
	if (!o.f) {
		fprintf(stderr, "pressure: %s: %s\n", argv[4], strerror(errno));
		return 1;
	}
	if (data)
		module_data(&o, n);
	else
		module_funcs(&o, n);
	if (fclose(o.f) || o.failed) {
		fprintf(stderr, "pressure: writing %s: %s\n", argv[4], strerror(errno));
		return 1;
	}
	printf("pressure: wrote %s\n", argv[4]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "hold"))
		return hold(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "fill"))
		return fill(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "rm")) {
		if (unlink(argv[2])) {
			fprintf(stderr, "pressure: rm %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "module"))
		return module(argc, argv);
	return usage();
}
