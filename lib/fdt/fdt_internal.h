/*
 * fdt_internal.h - the token reader shared by fdt.c and fdt_info.c.
 *
 * A structure-block token, decoded with every byte it covers checked to lie
 * inside the structure block (and, for a property, its name inside the
 * strings block).
 */
#pragma once

#include <stdint.h>

#include "fdt/fdt.h"

enum {
	FDT_TOK_BEGIN_NODE = 1,
	FDT_TOK_END_NODE = 2,
	FDT_TOK_PROP = 3,
	FDT_TOK_NOP = 4,
	FDT_TOK_END = 9,
};

struct fdt_tok {
	uint32_t tag;
	uint32_t off;	    /* of the token, from the structure block's start */
	uint32_t next;	    /* of the following token */
	const char *name;   /* node name (BEGIN_NODE) or property name (PROP) */
	const uint8_t *val; /* property value (PROP) */
	uint32_t len;	    /* property length (PROP) */
};

static inline uint32_t fdt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t fdt_be64(const uint8_t *p)
{
	return (uint64_t)fdt_be32(p) << 32 | fdt_be32(p + 4);
}

/* fdt_tok_read - decodes the token at `off`. ERR_MALFORMED (with `*err`
 * filled when not NULL) if it is unknown or does not fit. */
int fdt_tok_read(const struct fdt *f, uint32_t off, struct fdt_tok *t, struct fdt_error *err);

/* fdt_node_tok - `node` as a BEGIN_NODE token; ERR_INVAL if it is not one. */
int fdt_node_tok(const struct fdt *f, int node, struct fdt_tok *t);

/* fdt_prop_find - like fdt_getprop, also returning the property's token. */
int fdt_prop_find(const struct fdt *f, int node, const char *name, struct fdt_tok *prop);

/* fdt_reg_decode - entry `idx` of a "reg" value with the given cell counts. */
int fdt_reg_decode(const uint8_t *val, uint32_t len, uint32_t ac, uint32_t sc, unsigned idx,
		   uint64_t *base, uint64_t *size);

/* fdt_cells - `node`'s #address-cells / #size-cells (defaults 2 and 1). */
int fdt_cells(const struct fdt *f, int node, uint32_t *ac, uint32_t *sc);

/* fdt_path_offset_len - fdt_path_offset for the `len` bytes at `path`. */
int fdt_path_offset_len(const struct fdt *f, const char *path, size_t len, int *node);
