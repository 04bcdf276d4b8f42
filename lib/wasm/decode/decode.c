/*
 * decode.c - the binary format's module level: header, section framing and
 * order, the type, import and custom sections, and the field readers every
 * section uses (decode_sections.c has the other sections).
 *
 * Each section is read through a reader bounded to the section, and must be
 * consumed exactly ("section size mismatch"). Every vector count is checked
 * against the bytes left before anything is allocated for it (each element
 * takes at least one byte), so a lying count cannot make us allocate more
 * than a small multiple of the input size. Instructions of function bodies
 * are left to the validator; constant expressions are decoded here.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasm/decode/decode_internal.h"

enum {
	SEC_CUSTOM = 0,
	SEC_TYPE,
	SEC_IMPORT,
	SEC_FUNCTION,
	SEC_TABLE,
	SEC_MEMORY,
	SEC_GLOBAL,
	SEC_EXPORT,
	SEC_START,
	SEC_ELEMENT,
	SEC_CODE,
	SEC_DATA,
	SEC_DATACOUNT,
	SEC_TAG, /* exception handling (3.0) */
	SEC__COUNT
};

static const char *const section_names[SEC__COUNT] = {
	"custom", "type",  "import",  "function", "table", "memory",	"global",
	"export", "start", "element", "code",	  "data",  "datacount", "tag",
};

/* The order sections must appear in: data count sits between element and
 * code although its id is 12, tag between memory and global (id 13). */
static const uint8_t section_rank[SEC__COUNT] = {
	0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6,
};

int wasm_dec_reader_fail(struct dec *d)
{
	wasm_error_set(d->err, ERR_MALFORMED, d->section, d->r.fail_pos, "%s",
		       d->r.fail ? d->r.fail : "malformed");
	return ERR_MALFORMED;
}

int wasm_dec_nomem(struct dec *d)
{
	wasm_error_set(d->err, ERR_NOMEM, d->section, d->r.pos, "%s", wasm_nomem_text(d->m));
	return ERR_NOMEM;
}

/* Reads a vector count, bounded by the bytes left (each element >= 1 byte). */
int wasm_dec_count(struct dec *d, uint32_t *n)
{
	size_t at = d->r.pos;

	if (!wasm_reader_u32(&d->r, n))
		return wasm_dec_reader_fail(d);
	if (*n > wasm_reader_left(&d->r))
		return DEC_FAIL(d, ERR_MALFORMED, at, "length out of bounds: %u elements", *n);
	return 0;
}

int wasm_dec_name(struct dec *d, struct wasm_name *out)
{
	uint32_t n;
	const uint8_t *p;
	size_t at = d->r.pos;

	if (!wasm_reader_u32(&d->r, &n))
		return wasm_dec_reader_fail(d);
	if (n > wasm_reader_left(&d->r))
		return DEC_FAIL(d, ERR_MALFORMED, at, "length out of bounds");
	if (!wasm_reader_bytes(&d->r, n, &p))
		return wasm_dec_reader_fail(d);
	if (!wasm_utf8_valid(p, n))
		return DEC_FAIL(d, ERR_MALFORMED, at, "malformed UTF-8 encoding");
	out->ptr = (const char *)p;
	out->len = n;
	return 0;
}

/* Reports a failed wasm_read_valtype/_reftype (rc, feature) at `at`. */
static int dec_type_fail(struct dec *d, int rc, uint32_t feature, size_t at, const char *what)
{
	if (rc < 0)
		return wasm_dec_reader_fail(d);
	if (feature)
		return DEC_FAIL(d, ERR_MALFORMED, at, "malformed %s 0x%02x (feature %s off)", what,
				(unsigned)rc & 0xffu, wasm_feature_name(feature));
	return DEC_FAIL(d, ERR_MALFORMED, at, "malformed %s 0x%02x", what, (unsigned)rc & 0xffu);
}

int wasm_dec_valtype(struct dec *d, uint32_t *out)
{
	size_t at = d->r.pos;
	uint32_t feature;
	int rc = wasm_read_valtype(d->m, &d->r, out, &feature);

	if (rc)
		return dec_type_fail(d, rc, feature, at, "value type");
	d->m->uses_gc |= wasm_type_is_gc(*out);
	return 0;
}

int wasm_dec_reftype(struct dec *d, uint32_t *out)
{
	size_t at = d->r.pos;
	uint32_t feature;
	int rc = wasm_read_reftype(d->m, &d->r, out, &feature);

	if (rc)
		return dec_type_fail(d, rc, feature, at, "reference type");
	d->m->uses_gc |= wasm_type_is_gc(*out);
	return 0;
}

int wasm_dec_limits(struct dec *d, struct wasm_limits *out)
{
	uint8_t flag;
	size_t at = d->r.pos;
	uint64_t v;
	unsigned bits;
	bool on64 = !(d->m->features_off & WASM_FEAT_MEMORY64);

	if (!wasm_reader_u8(&d->r, &flag))
		return wasm_dec_reader_fail(d);
	/* 0x04/0x05: the limits of a memory or table of the i64 address type
	 * (memory64, which includes table64) */
	if ((flag & ~1u) == 0x04 && !on64)
		return DEC_FAIL(d, ERR_MALFORMED, at,
				"integer too large: limits flag 0x%02x (memory64 is turned off)",
				flag);
	if ((flag & ~1u) != 0 && (flag & ~1u) != 0x04)
		return DEC_FAIL(d, ERR_MALFORMED, at, "integer too large: limits flag 0x%02x",
				flag);
	out->is64 = flag >= 0x04;
	out->has_max = flag & 1;
	out->max = 0;
	/* with memory64, any limits are read as u64 (3.0); the validator bounds
	 * an i32 memory's by 65536 pages ("memory size") and an i32 table's by
	 * 2^32 - 1 elements ("table size") */
	bits = on64 ? 64 : 32;
	if (!wasm_reader_leb(&d->r, bits, false, &v))
		return wasm_dec_reader_fail(d);
	out->min = v;
	if (out->has_max) {
		if (!wasm_reader_leb(&d->r, bits, false, &v))
			return wasm_dec_reader_fail(d);
		out->max = v;
	}
	return 0;
}

int wasm_dec_globaltype(struct dec *d, struct wasm_global *g)
{
	int rc = wasm_dec_valtype(d, &g->type);

	return rc ? rc : wasm_dec_mut(d, &g->is_mutable);
}

int wasm_dec_mut(struct dec *d, bool *out)
{
	size_t at = d->r.pos;
	uint8_t mut;

	if (!wasm_reader_u8(&d->r, &mut))
		return wasm_dec_reader_fail(d);
	if (mut > 1)
		return DEC_FAIL(d, ERR_MALFORMED, at, "malformed mutability");
	*out = mut == 1;
	return 0;
}

int wasm_dec_const_expr(struct dec *d, struct wasm_const_expr *e)
{
	if (!wasm_decode_const_expr(d->m, &d->r, e))
		return wasm_dec_reader_fail(d);
	return 0;
}

static int dec_imports(struct dec *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, nf = 0, nt = 0, nm = 0, ng = 0, ntag = 0;
	size_t start;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	m->imports = wasm_arena_array(m, n, sizeof(*m->imports));
	if (!m->imports)
		return wasm_dec_nomem(d);
	/* First pass: names and kinds, counting each kind. */
	start = d->r.pos;
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_import *im = &m->imports[i];
		uint8_t kind;
		size_t at;
		struct wasm_global g;
		struct wasm_limits lim;
		uint32_t idx;

		if ((rc = wasm_dec_name(d, &im->module)) || (rc = wasm_dec_name(d, &im->name)))
			return rc;
		at = d->r.pos;
		if (!wasm_reader_u8(&d->r, &kind))
			return wasm_dec_reader_fail(d);
		im->kind = kind;
		switch (kind) {
		case WASM_EXTERN_FUNC:
			if (!wasm_reader_u32(&d->r, &idx))
				return wasm_dec_reader_fail(d);
			im->index = nf++;
			break;
		case WASM_EXTERN_TABLE:
			if ((rc = wasm_dec_reftype(d, &g.type)) || (rc = wasm_dec_limits(d, &lim)))
				return rc;
			im->index = nt++;
			break;
		case WASM_EXTERN_MEMORY:
			if ((rc = wasm_dec_limits(d, &lim)))
				return rc;
			im->index = nm++;
			break;
		case WASM_EXTERN_GLOBAL:
			if ((rc = wasm_dec_globaltype(d, &g)))
				return rc;
			im->index = ng++;
			break;
		case WASM_EXTERN_TAG:
			if ((rc = wasm_dec_tagtype(d, &idx, at)))
				return rc;
			im->index = ntag++;
			break;
		default:
			return DEC_FAIL(d, ERR_MALFORMED, at, "malformed import kind %u", kind);
		}
	}
	m->nimports = n;
	/* Second pass over the same (now known good) bytes: fill the index
	 * spaces. Definitions are appended later, so allocate room then. */
	m->funcs = wasm_arena_array(m, nf, sizeof(*m->funcs));
	m->tables = wasm_arena_array(m, nt, sizeof(*m->tables));
	m->mems = wasm_arena_array(m, nm, sizeof(*m->mems));
	m->globals = wasm_arena_array(m, ng, sizeof(*m->globals));
	m->tags = wasm_arena_array(m, ntag, sizeof(*m->tags));
	if (!m->funcs || !m->tables || !m->mems || !m->globals || !m->tags)
		return wasm_dec_nomem(d);
	d->r.pos = start;
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_import *im = &m->imports[i];
		struct wasm_name skip;

		wasm_dec_name(d, &skip);
		wasm_dec_name(d, &skip);
		d->r.pos++; /* kind */
		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			wasm_reader_u32(&d->r, &m->funcs[im->index].type);
			m->funcs[im->index].import = i;
			break;
		case WASM_EXTERN_TABLE:
			wasm_dec_reftype(d, &m->tables[im->index].elem_type);
			wasm_dec_limits(d, &m->tables[im->index].limits);
			m->tables[im->index].import = i;
			break;
		case WASM_EXTERN_MEMORY:
			wasm_dec_limits(d, &m->mems[im->index].limits);
			m->mems[im->index].import = i;
			break;
		case WASM_EXTERN_TAG:
			wasm_dec_tagtype(d, &m->tags[im->index].type, d->r.pos);
			m->tags[im->index].import = i;
			break;
		default:
			wasm_dec_globaltype(d, &m->globals[im->index]);
			m->globals[im->index].import = i;
			break;
		}
	}
	m->nfuncs = m->nfunc_imports = nf;
	m->ntables = m->ntable_imports = nt;
	m->nmems = m->nmem_imports = nm;
	m->nglobals = m->nglobal_imports = ng;
	m->ntags = m->ntag_imports = ntag;
	return 0;
}

static int dec_custom(struct dec *d)
{
	struct wasm_name name;
	int rc = wasm_dec_name(d, &name);

	if (rc)
		return rc;
	if (name.len == 4 && memcmp(name.ptr, "name", 4) == 0) {
		d->name_pos = d->r.pos;
		d->name_end = d->r.end;
	}
	d->r.pos = d->r.end; /* contents are not ours to check */
	return 0;
}

static int dec_section(struct dec *d, uint8_t id)
{
	switch (id) {
	case SEC_CUSTOM:
		return dec_custom(d);
	case SEC_TYPE:
		return wasm_dec_types(d);
	case SEC_IMPORT:
		return dec_imports(d);
	case SEC_FUNCTION:
		return wasm_dec_functions(d);
	case SEC_TABLE:
		return wasm_dec_tables(d);
	case SEC_MEMORY:
		return wasm_dec_memories(d);
	case SEC_GLOBAL:
		return wasm_dec_globals(d);
	case SEC_EXPORT:
		return wasm_dec_exports(d);
	case SEC_START:
		return wasm_dec_start(d);
	case SEC_ELEMENT:
		return wasm_dec_elems(d);
	case SEC_CODE:
		return wasm_dec_code(d);
	case SEC_DATA:
		return wasm_dec_datas(d);
	case SEC_TAG:
		return wasm_dec_tags(d);
	default:
		return wasm_dec_datacount(d);
	}
}

static int dec_header(struct dec *d)
{
	static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6d};
	static const uint8_t version[4] = {0x01, 0x00, 0x00, 0x00};
	const uint8_t *p;

	d->section = "header";
	if (!wasm_reader_bytes(&d->r, 4, &p) || memcmp(p, magic, 4) != 0)
		return DEC_FAIL(d, ERR_MALFORMED, 0, "magic header not detected");
	if (!wasm_reader_bytes(&d->r, 4, &p))
		return DEC_FAIL(d, ERR_MALFORMED, 4, "unexpected end: unknown binary version");
	if (memcmp(p, version, 4) != 0)
		return DEC_FAIL(d, ERR_MALFORMED, 4, "unknown binary version");
	return 0;
}

static int dec_module(struct dec *d)
{
	struct wasm_module *m = d->m;
	unsigned last_rank = 0;
	int rc = dec_header(d);

	if (rc)
		return rc;
	while (d->r.pos < d->r.file_len) {
		uint8_t id;
		uint32_t size;
		size_t at = d->r.pos;

		d->section = "module";
		wasm_reader_u8(&d->r, &id);
		if (id >= SEC__COUNT)
			return DEC_FAIL(d, ERR_MALFORMED, at, "malformed section id %u", id);
		d->section = section_names[id];
		if (id != SEC_CUSTOM) {
			if (section_rank[id] <= last_rank)
				return DEC_FAIL(d, ERR_MALFORMED, at,
						"unexpected content after last "
						"section (%s out of order)",
						section_names[id]);
			last_rank = section_rank[id];
		}
		if (!wasm_reader_u32(&d->r, &size))
			return wasm_dec_reader_fail(d);
		if (size > wasm_reader_left(&d->r))
			return DEC_FAIL(d, ERR_MALFORMED, at,
					"length out of bounds: section size %u", size);
		d->r.end = d->r.pos + size;
		if ((rc = dec_section(d, id)))
			return rc;
		if (d->r.pos != d->r.end)
			return DEC_FAIL(d, ERR_MALFORMED, d->r.pos, "section size mismatch");
		d->r.end = d->r.file_len;
	}
	d->section = "code";
	if (d->nfunc_decls && !d->seen_code)
		return DEC_FAIL(d, ERR_MALFORMED, d->r.pos,
				"function and code section have inconsistent "
				"lengths");
	d->section = "data";
	if (m->has_data_count && m->data_count != m->ndatas)
		return DEC_FAIL(d, ERR_MALFORMED, d->r.pos,
				"data count and data section have inconsistent "
				"lengths");
	if (d->name_end) {
		struct wasm_reader nr = d->r;

		nr.pos = d->name_pos;
		nr.end = d->name_end;
		if (wasm_decode_names(m, &nr))
			return wasm_dec_nomem(d);
	}
	return 0;
}

int wasm_module_decode_opts(const uint8_t *bytes, size_t len, const struct wasm_load_opts *o,
			    struct wasm_module **out, struct wasm_error *err)
{
	enum wasm_bytes_mode mode = o->bytes;
	struct dec d = {0};
	struct wasm_module *m;
	int rc;

	if (len > UINT32_MAX) {
		if (mode == WASM_BYTES_TAKE)
			free((void *)bytes);
		wasm_error_set(err, ERR_MALFORMED, "module", 0, "module too large");
		return ERR_MALFORMED;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		if (mode == WASM_BYTES_TAKE)
			free((void *)bytes);
		goto nomem;
	}
	m->bytes = bytes;
	m->owns_bytes = mode != WASM_BYTES_BORROW;
	if (mode == WASM_BYTES_COPY) {
		uint8_t *copy = malloc(len ? len : 1);
		m->bytes = copy;
		if (!copy)
			goto nomem;
		if (len)
			memcpy(copy, bytes, len);
	}
	m->len = len;
	m->start = WASM_NONE;
	m->meta_limit = o->max_meta;
	m->features_off = o->features_off;
	d.m = m;
	d.err = err;
	wasm_reader_init(&d.r, m->bytes, len);
	rc = dec_module(&d);
	if (rc) {
		wasm_module_free(m);
		return rc;
	}
	*out = m;
	return 0;
nomem:
	wasm_module_free(m);
	wasm_error_set(err, ERR_NOMEM, "module", 0, "out of memory");
	return ERR_NOMEM;
}

int wasm_module_decode(const uint8_t *bytes, size_t len, struct wasm_module **out,
		       struct wasm_error *err)
{
	static const struct wasm_load_opts copy;
	return wasm_module_decode_opts(bytes, len, &copy, out, err);
}
