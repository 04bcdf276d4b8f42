/*
 * wasm_decode_test.c - lib/wasm's decoder and validator on hand-made
 * binaries: the module representation, malformed and invalid inputs, and
 * the validator's per-function output.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/reader.h"

/* A small module builder: header, then sections with computed sizes. */
struct mb {
	uint8_t buf[4096];
	size_t len;
};

static void mb_bytes(struct mb *b, const uint8_t *p, size_t n)
{
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void mb_leb(struct mb *b, uint32_t v)
{
	do {
		uint8_t byte = v & 0x7f;

		v >>= 7;
		b->buf[b->len++] = v ? (uint8_t)(byte | 0x80) : byte;
	} while (v);
}

static void mb_init(struct mb *b)
{
	static const uint8_t hdr[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};

	b->len = 0;
	mb_bytes(b, hdr, sizeof(hdr));
}

static void mb_sec(struct mb *b, uint8_t id, const uint8_t *p, size_t n)
{
	b->buf[b->len++] = id;
	mb_leb(b, (uint32_t)n);
	mb_bytes(b, p, n);
}

/* One function of type `type` (a functype's bytes) with `body` (locals
 * vector + instructions + end); `mem` adds a one-page memory. */
static void mb_func(struct mb *b, const uint8_t *type, size_t tn, const uint8_t *body, size_t bn,
		    bool mem)
{
	uint8_t tsec[64], csec[512];
	static const uint8_t fsec[] = {1, 0};
	static const uint8_t msec[] = {1, 0, 1};

	mb_init(b);
	tsec[0] = 1;
	memcpy(tsec + 1, type, tn);
	mb_sec(b, 1, tsec, tn + 1);
	mb_sec(b, 3, fsec, sizeof(fsec));
	if (mem)
		mb_sec(b, 5, msec, sizeof(msec));
	csec[0] = 1;
	csec[1] = (uint8_t)bn; /* bodies here are < 128 bytes */
	memcpy(csec + 2, body, bn);
	mb_sec(b, 10, csec, bn + 2);
}

static int load(const struct mb *b, struct wasm_module **m, struct wasm_error *err)
{
	return wasm_module_load(b->buf, b->len, m, err);
}

static const uint8_t type_v_v[] = {0x60, 0, 0};
static const uint8_t type_ii_i[] = {0x60, 2, 0x7f, 0x7f, 1, 0x7f};

TEST(wasm_decode, empty_module)
{
	static const uint8_t bin[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
	struct wasm_module *m = NULL;
	struct wasm_error err;

	if (!EXPECT_OK(wasm_module_load(bin, sizeof(bin), &m, &err)))
		return;
	EXPECT_EQ(m->ntypes, 0);
	EXPECT_EQ(m->nfuncs, 0);
	EXPECT_EQ(m->start, WASM_NONE);
	EXPECT(m->validated);
	wasm_module_free(m);
}

/* The three ways a module holds its bytes; ASan checks that a taken buffer
 * is freed exactly once (also when decoding fails) and a borrowed one never. */
TEST(wasm_decode, bytes_copied_taken_or_borrowed)
{
	static const uint8_t bin[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
	struct wasm_module *m = NULL;
	struct wasm_error err;
	uint8_t *heap = malloc(sizeof(bin));

	if (!EXPECT(heap))
		return;
	memcpy(heap, bin, sizeof(bin));
	const struct wasm_load_opts borrow = {.bytes = WASM_BYTES_BORROW};
	const struct wasm_load_opts take = {.bytes = WASM_BYTES_TAKE};
	const struct wasm_load_opts copy = {.bytes = WASM_BYTES_COPY};
	if (EXPECT_OK(wasm_module_load_opts(bin, sizeof(bin), &borrow, &m, &err))) {
		EXPECT(m->bytes == bin);
		wasm_module_free(m);
	}
	if (EXPECT_OK(wasm_module_load_opts(heap, sizeof(bin), &take, &m, &err))) {
		EXPECT(m->bytes == heap);
		wasm_module_free(m); /* frees heap */
	}
	if (EXPECT_OK(wasm_module_load_opts(bin, sizeof(bin), &copy, &m, &err))) {
		EXPECT(m->bytes != bin);
		wasm_module_free(m);
	}
	heap = malloc(4);
	if (!EXPECT(heap))
		return;
	memcpy(heap, "\0asX", 4);
	EXPECT_EQ(wasm_module_load_opts(heap, 4, &take, &m, &err), ERR_MALFORMED);
}

TEST(wasm_decode, header_errors)
{
	static const uint8_t magic[] = {0, 'a', 's', 'n', 1, 0, 0, 0};
	static const uint8_t version[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
	static const uint8_t shortv[] = {0, 'a', 's', 'm', 1};
	struct wasm_module *m = (struct wasm_module *)&m;
	struct wasm_error err;

	EXPECT_EQ(wasm_module_decode(magic, sizeof(magic), &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "magic header not detected") != NULL);
	EXPECT_STREQ(err.section, "header");
	EXPECT_EQ(wasm_module_decode(version, sizeof(version), &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "unknown binary version") != NULL);
	EXPECT_EQ(err.offset, 4);
	EXPECT_EQ(wasm_module_decode(shortv, sizeof(shortv), &m, &err), ERR_MALFORMED);
	EXPECT_EQ(wasm_module_decode(NULL, 0, &m, &err), ERR_MALFORMED);
	/* out-param untouched on failure */
	EXPECT(m == (struct wasm_module *)&m);
}

TEST(wasm_decode, reader_leb_limits)
{
	struct wasm_reader r;
	uint32_t u;
	int32_t s;
	int64_t s64;
	static const uint8_t max_u32[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
	static const uint8_t big_u32[] = {0xff, 0xff, 0xff, 0xff, 0x1f};
	static const uint8_t long_u32[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
	static const uint8_t pad_zero[] = {0x80, 0x80, 0x80, 0x80, 0x00};
	static const uint8_t min_s32[] = {0x80, 0x80, 0x80, 0x80, 0x78};
	static const uint8_t bad_s32[] = {0x80, 0x80, 0x80, 0x80, 0x70};
	static const uint8_t neg1_s64[] = {0x7f};
	static const uint8_t min_s64[] = {0x80, 0x80, 0x80, 0x80, 0x80,
					  0x80, 0x80, 0x80, 0x80, 0x7f};
	static const uint8_t bad_s64[] = {0x80, 0x80, 0x80, 0x80, 0x80,
					  0x80, 0x80, 0x80, 0x80, 0x01};
	static const uint8_t cut[] = {0x80, 0x80};

	wasm_reader_init(&r, max_u32, sizeof(max_u32));
	EXPECT(wasm_reader_u32(&r, &u));
	EXPECT_EQ_U(u, 0xffffffffu);
	wasm_reader_init(&r, big_u32, sizeof(big_u32));
	EXPECT(!wasm_reader_u32(&r, &u));
	EXPECT_STREQ(r.fail, "integer too large");
	wasm_reader_init(&r, long_u32, sizeof(long_u32));
	EXPECT(!wasm_reader_u32(&r, &u));
	EXPECT_STREQ(r.fail, "integer representation too long");
	wasm_reader_init(&r, pad_zero, sizeof(pad_zero));
	EXPECT(wasm_reader_u32(&r, &u));
	EXPECT_EQ(u, 0);
	wasm_reader_init(&r, min_s32, sizeof(min_s32));
	EXPECT(wasm_reader_s32(&r, &s));
	EXPECT_EQ(s, INT32_MIN);
	wasm_reader_init(&r, bad_s32, sizeof(bad_s32));
	EXPECT(!wasm_reader_s32(&r, &s));
	EXPECT_STREQ(r.fail, "integer too large");
	wasm_reader_init(&r, neg1_s64, sizeof(neg1_s64));
	EXPECT(wasm_reader_s64(&r, &s64));
	EXPECT_EQ(s64, -1);
	wasm_reader_init(&r, min_s64, sizeof(min_s64));
	EXPECT(wasm_reader_s64(&r, &s64));
	EXPECT_EQ(s64, INT64_MIN);
	wasm_reader_init(&r, bad_s64, sizeof(bad_s64));
	EXPECT(!wasm_reader_s64(&r, &s64));
	wasm_reader_init(&r, cut, sizeof(cut));
	EXPECT(!wasm_reader_u32(&r, &u));
	EXPECT_STREQ(r.fail, "unexpected end");
	EXPECT_EQ(r.pos, 2);
}

/* (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1
 * i32.add) with a name section naming it "plus". */
static void build_add(struct mb *b)
{
	static const uint8_t body[] = {0, 0x20, 0, 0x20, 1, 0x6a, 0x0b};
	static const uint8_t exp[] = {1, 3, 'a', 'd', 'd', 0, 0};
	static const uint8_t names[] = {4, 'n', 'a', 'm', 'e', 1, 7, 1, 0, 4, 'p', 'l', 'u', 's'};
	uint8_t tsec[16], csec[16];

	mb_init(b);
	tsec[0] = 1;
	memcpy(tsec + 1, type_ii_i, sizeof(type_ii_i));
	mb_sec(b, 1, tsec, sizeof(type_ii_i) + 1);
	mb_sec(b, 3, (const uint8_t[]){1, 0}, 2);
	mb_sec(b, 7, exp, sizeof(exp));
	csec[0] = 1;
	csec[1] = sizeof(body);
	memcpy(csec + 2, body, sizeof(body));
	mb_sec(b, 10, csec, sizeof(body) + 2);
	mb_sec(b, 0, names, sizeof(names));
}

TEST(wasm_decode, add_module_representation)
{
	struct mb b;
	struct wasm_module *m;
	struct wasm_error err;
	const struct wasm_export *e;
	struct wasm_name n;

	build_add(&b);
	if (!EXPECT_OK(load(&b, &m, &err)))
		return;
	EXPECT_EQ(m->ntypes, 1);
	EXPECT_EQ(m->types[0].nparams, 2);
	EXPECT_EQ(m->types[0].nresults, 1);
	EXPECT_EQ(m->types[0].results[0], WASM_TYPE_I32);
	EXPECT_EQ(m->nfuncs, 1);
	EXPECT_EQ(m->nfunc_imports, 0);
	EXPECT_EQ(m->funcs[0].import, WASM_NONE);
	EXPECT_EQ(m->funcs[0].nlocals, 0);
	/* the code starts after the locals vector and ends after `end` */
	EXPECT_EQ(m->bytes[m->funcs[0].code_start], 0x20);
	EXPECT_EQ(m->funcs[0].code_end - m->funcs[0].code_start, 6);
	EXPECT_EQ(m->bytes[m->funcs[0].code_end - 1], 0x0b);
	EXPECT_EQ(m->funcs[0].max_height, 2);
	EXPECT_EQ(m->funcs[0].max_depth, 1);
	EXPECT_EQ(m->funcs[0].nblocks, 0);
	e = wasm_module_find_export(m, "add", 3, WASM_EXTERN_FUNC);
	if (EXPECT(e != NULL))
		EXPECT_EQ(e->index, 0);
	EXPECT(wasm_module_find_export(m, "add", 3, WASM_EXTERN_GLOBAL) == NULL);
	n = wasm_module_func_name(m, 0);
	EXPECT_EQ(n.len, 4);
	EXPECT(n.ptr && memcmp(n.ptr, "plus", 4) == 0);
	EXPECT(wasm_module_func_name(m, 1).ptr == NULL);
	wasm_module_free(m);
}

TEST(wasm_decode, every_truncation_is_malformed)
{
	struct mb b;
	struct wasm_module *m;
	struct wasm_error err;

	build_add(&b);
	for (size_t n = 0; n < b.len; n++) {
		int rc = wasm_module_load(b.buf, n, &m, &err);

		/* cutting right before a section leaves a valid module */
		if (rc == 0) {
			wasm_module_free(m);
			continue;
		}
		if (!EXPECT_EQ(rc, ERR_MALFORMED))
			test_printf(t, "  prefix %zu: %s\n", n, err.msg);
	}
}

TEST(wasm_decode, section_errors)
{
	struct mb b;
	struct wasm_module *m;
	struct wasm_error err;

	mb_init(&b);
	mb_sec(&b, 14, NULL, 0);
	EXPECT_EQ(load(&b, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "malformed section id") != NULL);

	/* type section claiming one more byte than it uses */
	mb_init(&b);
	mb_sec(&b, 1, (const uint8_t[]){1, 0x60, 0, 0, 0}, 5);
	EXPECT_EQ(load(&b, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "section size mismatch") != NULL);
	EXPECT_STREQ(err.section, "type");

	/* sections out of order */
	mb_init(&b);
	mb_sec(&b, 3, (const uint8_t[]){0}, 1);
	mb_sec(&b, 1, (const uint8_t[]){0}, 1);
	EXPECT_EQ(load(&b, &m, &err), ERR_MALFORMED);

	/* a function section without a code section */
	mb_init(&b);
	mb_sec(&b, 1, (const uint8_t[]){1, 0x60, 0, 0}, 4);
	mb_sec(&b, 3, (const uint8_t[]){1, 0}, 2);
	EXPECT_EQ(load(&b, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "inconsistent lengths") != NULL);

	/* a vector count far larger than the section */
	mb_init(&b);
	mb_sec(&b, 1, (const uint8_t[]){0xff, 0xff, 0xff, 0xff, 0x0f}, 5);
	EXPECT_EQ(load(&b, &m, &err), ERR_MALFORMED);

	/* invalid UTF-8 in an export name */
	mb_init(&b);
	mb_sec(&b, 7, (const uint8_t[]){1, 2, 0xc0, 0x80, 0, 0}, 6);
	EXPECT_EQ(load(&b, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "malformed UTF-8 encoding") != NULL);
}

TEST(wasm_decode, too_many_locals)
{
	static const uint8_t body[] = {2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 1, 0x7e, 0x0b};
	struct mb b;
	struct wasm_module *m;
	struct wasm_error err;

	mb_func(&b, type_v_v, sizeof(type_v_v), body, sizeof(body), false);
	EXPECT_EQ(load(&b, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "too many locals") != NULL);
}

static int check_body(const uint8_t *type, size_t tn, const uint8_t *body, size_t bn, bool mem,
		      struct wasm_error *err)
{
	struct mb b;
	struct wasm_module *m;
	int rc;

	mb_func(&b, type, tn, body, bn, mem);
	rc = load(&b, &m, err);
	if (rc == 0)
		wasm_module_free(m);
	return rc;
}

#define BODY(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

TEST(wasm_decode, typing_rules)
{
	struct wasm_error err;

	/* i64.const 1; i32.const 1; i32.add; drop */
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x42, 1, 0x41, 1, 0x6a, 0x1a, 0x0b), false, &err),
		  ERR_INVALID);
	EXPECT(strstr(err.msg, "type mismatch") != NULL);
	EXPECT_STREQ(err.section, "code");
	EXPECT_EQ(err.kind, ERR_INVALID);
	/* unreachable makes the stack polymorphic: i32.add; drop is fine */
	EXPECT_OK(check_body(type_v_v, 3, BODY(0, 0x00, 0x6a, 0x1a, 0x0b), false, &err));
	/* ... but a known wrong operand is still wrong */
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x00, 0x42, 0, 0x6a, 0x1a, 0x0b), false, &err),
		  ERR_INVALID);
	/* a value left over at the end */
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x41, 0, 0x0b), false, &err), ERR_INVALID);
	/* unknown local, unknown label, unknown function */
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x20, 0, 0x1a, 0x0b), false, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "unknown local") != NULL);
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x0c, 1, 0x0b), false, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "unknown label") != NULL);
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x10, 1, 0x0b), false, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "unknown function") != NULL);
	/* loads need a memory and a natural alignment */
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x41, 0, 0x28, 2, 0, 0x1a, 0x0b), false, &err),
		  ERR_INVALID);
	EXPECT(strstr(err.msg, "unknown memory") != NULL);
	EXPECT_OK(check_body(type_v_v, 3, BODY(0, 0x41, 0, 0x28, 2, 0, 0x1a, 0x0b), true, &err));
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x41, 0, 0x28, 3, 0, 0x1a, 0x0b), true, &err),
		  ERR_INVALID);
	EXPECT(strstr(err.msg, "alignment must not be larger than natural"));
	/* memory.size's memory index (a reserved zero byte before
	 * multi-memory: multi_memory_and_memory64_switches) */
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x3f, 1, 0x1a, 0x0b), true, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "unknown memory 1") != NULL);
	/* memory.init without a data count section is malformed */
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 8, 0, 0, 0x0b),
			     true, &err),
		  ERR_MALFORMED);
	EXPECT(strstr(err.msg, "data count section required") != NULL);
	/* an illegal opcode; and malformed wins over an earlier invalid */
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0xff, 0x0b), false, &err), ERR_MALFORMED);
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x6a, 0xff, 0x0b), false, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "illegal opcode") != NULL);
	/* code after the function's end */
	EXPECT_EQ(check_body(type_v_v, 3, BODY(0, 0x0b, 0x01, 0x0b), false, &err), ERR_MALFORMED);
	/* select on references needs a type; typed select needs one type */
	EXPECT_EQ(check_body(type_v_v, 3,
			     BODY(0, 0xd0, 0x70, 0xd0, 0x70, 0x41, 1, 0x1b, 0x1a, 0x0b), false,
			     &err),
		  ERR_INVALID);
	EXPECT_OK(check_body(type_v_v, 3,
			     BODY(0, 0xd0, 0x70, 0xd0, 0x70, 0x41, 1, 0x1c, 1, 0x70, 0x1a, 0x0b),
			     false, &err));
	EXPECT_EQ(check_body(type_v_v, 3,
			     BODY(0, 0x41, 1, 0x41, 1, 0x41, 1, 0x1c, 2, 0x7f, 0x7f, 0x1a, 0x0b),
			     false, &err),
		  ERR_INVALID);
	EXPECT(strstr(err.msg, "invalid result arity") != NULL);
}

/* (func (result i32) (local i64)
 *   block (result i32) i32.const 1 end        ;; the if's condition
 *   if (result i32) i32.const 2 else i32.const 3 end
 *   drop i64.const 7 drop i32.const 4 i32.const 5 i32.const 6 select) */
TEST(wasm_decode, validator_output)
{
	static const uint8_t type[] = {0x60, 0, 1, 0x7f};
	static const uint8_t body[] = {
		1,    1,    0x7e,				/* locals */
		0x02, 0x7f, 0x41, 1,	0x0b,			/* 3..7 */
		0x04, 0x7f, 0x41, 2,	0x05, 0x41, 3,	  0x0b, /* 8..15 */
		0x1a, 0x42, 7,	  0x1a, 0x41, 4,    0x41, 5,	0x41, 6, 0x1b, 0x0b,
	};
	struct mb b;
	struct wasm_module *m;
	struct wasm_error err;
	const struct wasm_func *f;
	uint32_t base;

	mb_func(&b, type, sizeof(type), body, sizeof(body), false);
	if (!EXPECT_OK(load(&b, &m, &err))) {
		test_printf(t, "  %s\n", err.msg);
		return;
	}
	f = &m->funcs[0];
	base = f->body_start;
	EXPECT_EQ(f->nlocals, 1);
	EXPECT_EQ(f->local_types[0], WASM_TYPE_I64);
	EXPECT_EQ(f->code_start, base + 3);
	EXPECT_EQ(f->max_depth, 2);
	EXPECT_EQ(f->max_height, 3);
	if (!EXPECT_EQ(f->nblocks, 2))
		goto out;
	EXPECT_EQ(f->blocks[0].start, base + 3);
	EXPECT_EQ(f->blocks[0].else_pc, 0);
	EXPECT_EQ(f->blocks[0].end_pc, base + 7);
	EXPECT_EQ(f->blocks[0].nresults, 1);
	EXPECT_EQ(f->blocks[0].height, 0);
	EXPECT_EQ(f->blocks[1].start, base + 8);
	EXPECT_EQ(f->blocks[1].else_pc, base + 12);
	EXPECT_EQ(f->blocks[1].end_pc, base + 15);
	EXPECT_EQ(f->blocks[1].height, 0);
	if (EXPECT_EQ(f->nuntyped, 3)) {
		EXPECT_EQ(f->untyped_types[0], WASM_TYPE_I32);
		EXPECT_EQ(f->untyped_types[1], WASM_TYPE_I64);
		EXPECT_EQ(f->untyped_types[2], WASM_TYPE_I32);
	}
out:
	wasm_module_free(m);
}

TEST(wasm_decode, module_rules)
{
	struct mb b;
	struct wasm_module *m;
	struct wasm_error err;
	static const uint8_t refbody[] = {0, 0xd2, 0, 0x1a, 0x0b};

	/* memory above 4 GiB */
	mb_init(&b);
	mb_sec(&b, 5, (const uint8_t[]){1, 0, 0x81, 0x80, 0x04}, 5);
	EXPECT_EQ(load(&b, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "memory size must be at most 65536 pages"));
	/* min > max */
	mb_init(&b);
	mb_sec(&b, 5, (const uint8_t[]){1, 1, 2, 1}, 4);
	EXPECT_EQ(load(&b, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "size minimum must not be greater than maximum"));
	/* duplicate export names */
	mb_init(&b);
	mb_sec(&b, 5, (const uint8_t[]){1, 0, 1}, 3);
	mb_sec(&b, 7, (const uint8_t[]){2, 1, 'm', 2, 0, 1, 'm', 2, 0}, 9);
	EXPECT_EQ(load(&b, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "duplicate export name") != NULL);
	/* a global initialized by a non-constant instruction */
	mb_init(&b);
	mb_sec(&b, 6, (const uint8_t[]){1, 0x7f, 0, 0x41, 1, 0x41, 1, 0x6e, 0x0b}, 9);
	EXPECT_EQ(load(&b, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "constant expression required") != NULL);
	/* ref.func of a function nobody declared */
	mb_func(&b, type_v_v, sizeof(type_v_v), refbody, sizeof(refbody), false);
	EXPECT_EQ(load(&b, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "undeclared function reference") != NULL);
	/* ... and declared by a declarative element segment */
	{
		uint8_t tsec[] = {1, 0x60, 0, 0};
		uint8_t csec[] = {1, 5, 0, 0xd2, 0, 0x1a, 0x0b};

		mb_init(&b);
		mb_sec(&b, 1, tsec, sizeof(tsec));
		mb_sec(&b, 3, (const uint8_t[]){1, 0}, 2);
		mb_sec(&b, 9, (const uint8_t[]){1, 3, 0, 1, 0}, 5);
		mb_sec(&b, 10, csec, sizeof(csec));
		if (EXPECT_OK(load(&b, &m, &err))) {
			EXPECT_EQ(m->nelems, 1);
			EXPECT_EQ(m->elems[0].mode, WASM_SEG_DECLARATIVE);
			EXPECT_EQ(m->elems[0].items[0].kind, WASM_CONST_REF_FUNC);
			wasm_module_free(m);
		}
	}
	/* a start function must be [] -> [] */
	mb_init(&b);
	mb_sec(&b, 1, (const uint8_t[]){1, 0x60, 0, 1, 0x7f}, 5);
	mb_sec(&b, 3, (const uint8_t[]){1, 0}, 2);
	mb_sec(&b, 8, (const uint8_t[]){0}, 1);
	mb_sec(&b, 10, (const uint8_t[]){1, 4, 0, 0x41, 0, 0x0b}, 6);
	EXPECT_EQ(load(&b, &m, &err), ERR_INVALID);
	EXPECT_STREQ(err.section, "start");
}

TEST(wasm_decode, segments_and_imports)
{
	struct mb b;
	struct wasm_module *m;
	struct wasm_error err;
	static const uint8_t imp[] = {
		3, 1,	'e', 1,	  'f', 0,    0,	   /* func type 0 */
		1, 'e', 1,   'g', 3,   0x7f, 0,	   /* immutable i32 global */
		1, 'e', 1,   'm', 2,   1,    1, 2, /* memory 1..2 */
	};
	/* active data at (global.get 0), passive data */
	static const uint8_t data[] = {2, 0, 0x23, 0, 0x0b, 2, 'h', 'i', 1, 1, 'x'};

	mb_init(&b);
	mb_sec(&b, 1, (const uint8_t[]){1, 0x60, 0, 0}, 4);
	mb_sec(&b, 2, imp, sizeof(imp));
	mb_sec(&b, 12, (const uint8_t[]){2}, 1);
	mb_sec(&b, 11, data, sizeof(data));
	if (!EXPECT_OK(load(&b, &m, &err))) {
		test_printf(t, "  %s\n", err.msg);
		return;
	}
	EXPECT_EQ(m->nimports, 3);
	EXPECT_EQ(m->nfuncs, 1);
	EXPECT_EQ(m->nfunc_imports, 1);
	EXPECT_EQ(m->funcs[0].import, 0);
	EXPECT_EQ(m->nglobals, 1);
	EXPECT_EQ(m->globals[0].import, 1);
	EXPECT_EQ(m->nmems, 1);
	EXPECT_EQ(m->mems[0].limits.max, 2);
	EXPECT(m->has_data_count);
	if (EXPECT_EQ(m->ndatas, 2)) {
		EXPECT_EQ(m->datas[0].mode, WASM_SEG_ACTIVE);
		EXPECT_EQ(m->datas[0].offset.kind, WASM_CONST_GLOBAL_GET);
		EXPECT_EQ(m->datas[0].offset.type, WASM_TYPE_I32);
		EXPECT_EQ(m->datas[0].size, 2);
		EXPECT(memcmp(m->datas[0].init, "hi", 2) == 0);
		EXPECT_EQ(m->datas[1].mode, WASM_SEG_PASSIVE);
	}
	wasm_module_free(m);

	/* data count disagreeing with the data section */
	mb_init(&b);
	mb_sec(&b, 12, (const uint8_t[]){3}, 1);
	mb_sec(&b, 11, (const uint8_t[]){1, 1, 0}, 3);
	EXPECT_EQ(load(&b, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "data count and data section") != NULL);
}

TEST(wasm_decode, feature_names)
{
	uint32_t bits = 0;

	EXPECT_OK(wasm_feature_parse("simd,tail-call", &bits));
	EXPECT_EQ(bits, WASM_FEAT_SIMD | WASM_FEAT_TAIL_CALL);
	EXPECT_OK(wasm_feature_parse("", &bits));
	EXPECT_EQ(bits, 0);
	EXPECT_OK(wasm_feature_parse("all", &bits));
	EXPECT_EQ(bits, (WASM_FEAT_GC << 1) - 1);
	bits = 7;
	EXPECT_EQ(wasm_feature_parse("simd,simdx", &bits), ERR_INVAL);
	EXPECT_EQ(bits, 7);
	EXPECT_STREQ(wasm_feature_name(WASM_FEAT_MEMORY64), "memory64");
	EXPECT_STREQ(wasm_feature_name(WASM_FEAT_GC), "gc");
	EXPECT_STREQ(wasm_feature_name(3), "?");
}

static int load_off(const struct mb *b, uint32_t off, struct wasm_module **m,
		    struct wasm_error *err)
{
	struct wasm_load_opts o = {.features_off = off};

	return wasm_module_load_opts(b->buf, b->len, &o, m, err);
}

/* Multi-memory and memory64 on (the default) and off: off, a module using
 * them is rejected as a 2.0 engine rejects it, naming the feature. */
TEST(wasm_decode, multi_memory_and_memory64_switches)
{
	static const uint8_t two_mems[] = {2, 0, 1, 0, 1};
	static const uint8_t mem64[] = {1, 0x05, 1, 0x80, 0x80, 0x80, 0x80, 0x10}; /* max 2^32 */
	/* i32.const 0, i32.load align=2 (memory 1) offset=4, drop */
	static const uint8_t load_m1[] = {0, 0x41, 0, 0x28, 0x42, 1, 4, 0x1a, 0x0b};
	/* memory.size 1, drop */
	static const uint8_t size_m1[] = {0, 0x3f, 1, 0x1a, 0x0b};
	/* i64.const 0, i32.load offset=2^32, drop: fine on an i64 memory */
	static const uint8_t load64[] = {0,    0x42, 0,	   0x28, 2,    0x80,
					 0x80, 0x80, 0x80, 0x10, 0x1a, 0x0b};
	struct wasm_module *m = NULL;
	struct wasm_error err;
	struct mb b;

	mb_init(&b);
	mb_sec(&b, 5, two_mems, sizeof(two_mems));
	EXPECT_OK(load(&b, &m, &err));
	if (m)
		EXPECT_EQ(m->nmems, 2);
	wasm_module_free(m);
	EXPECT_EQ(load_off(&b, WASM_FEAT_MULTI_MEMORY, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "multiple memories (multi-memory is turned off)") != NULL);

	mb_init(&b);
	mb_sec(&b, 5, mem64, sizeof(mem64));
	m = NULL;
	EXPECT_OK(load(&b, &m, &err));
	if (m) {
		EXPECT(m->mems[0].limits.is64);
		EXPECT_EQ(m->mems[0].limits.max, UINT64_C(1) << 32);
	}
	wasm_module_free(m);
	EXPECT_EQ(load_off(&b, WASM_FEAT_MEMORY64, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "memory64 is turned off") != NULL);

	/* a memarg naming memory 1 needs two memories, and the feature */
	mb_func(&b, type_v_v, sizeof(type_v_v), load_m1, sizeof(load_m1), true);
	EXPECT_EQ(load(&b, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "unknown memory 1") != NULL);
	EXPECT_EQ(load_off(&b, WASM_FEAT_MULTI_MEMORY, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "multi-memory is turned off") != NULL);
	mb_func(&b, type_v_v, sizeof(type_v_v), size_m1, sizeof(size_m1), true);
	EXPECT_EQ(load(&b, &m, &err), ERR_INVALID);
	EXPECT_EQ(load_off(&b, WASM_FEAT_MULTI_MEMORY, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, "multi-memory is turned off") != NULL);

	/* an offset over 32 bits: invalid on an i32 memory */
	mb_func(&b, type_v_v, sizeof(type_v_v), load64, sizeof(load64), true);
	EXPECT_EQ(load(&b, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "offset out of range") != NULL);
}
