/*
 * wasm_limits_test.c - how much memory a module may make the engine take:
 * the metadata limit of decode and validate (wasm_load_opts.max_meta) and
 * the translated-code limit of instantiation (max_code_bytes), each failing
 * with ERR_NOMEM and a message that names it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/runtime.h"

/* A module of n functions () -> (); the first is exported as "f". */
static uint8_t *many_funcs(uint32_t n, size_t *len)
{
	size_t cap = 64 + 8 * (size_t)n, k = 0;
	uint8_t *b = malloc(cap);
	static const uint8_t head[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0};
	if (!b)
		return NULL;
	memcpy(b, head, sizeof(head));
	k = sizeof(head);
	/* function section: n type indices; sizes as 5-byte LEBs for simplicity */
	b[k++] = 3;
	uint32_t fsize = 5 + n;
	for (int i = 0; i < 5; i++)
		b[k++] = (uint8_t)(((fsize >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
	for (int i = 0; i < 5; i++)
		b[k++] = (uint8_t)(((n >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
	memset(b + k, 0, n);
	k += n;
	static const uint8_t exp[] = {7, 5, 1, 1, 'f', 0, 0};
	memcpy(b + k, exp, sizeof(exp));
	k += sizeof(exp);
	b[k++] = 10;
	uint32_t csize = 5 + 3 * n;
	for (int i = 0; i < 5; i++)
		b[k++] = (uint8_t)(((csize >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
	for (int i = 0; i < 5; i++)
		b[k++] = (uint8_t)(((n >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
	for (uint32_t i = 0; i < n; i++) {
		b[k++] = 2;
		b[k++] = 0;
		b[k++] = 0x0b;
	}
	*len = k;
	return b;
}

TEST(wasm_limits, metadata_past_its_limit_is_refused)
{
	size_t len;
	uint8_t *bin = many_funcs(20000, &len);
	struct wasm_module *m = NULL;
	struct wasm_error err;
	if (!EXPECT(bin))
		return;
	struct wasm_load_opts small = {.max_meta = 64 * 1024};
	EXPECT_EQ(wasm_module_load_opts(bin, len, &small, &m, &err), ERR_NOMEM);
	EXPECT(strstr(err.msg, "module metadata past its limit") != NULL);
	struct wasm_load_opts enough = {.max_meta = 8u << 20};
	if (EXPECT_OK(wasm_module_load_opts(bin, len, &enough, &m, &err))) {
		EXPECT_LE(m->meta_bytes, enough.max_meta);
		EXPECT_GE(wasm_module_footprint(m), m->meta_bytes + len);
		wasm_module_free(m);
	}
	free(bin);
}

TEST(wasm_limits, translated_code_past_its_limit_is_refused)
{
	size_t len;
	uint8_t *bin = many_funcs(5000, &len);
	struct wasm_module *m = NULL;
	struct wasm_error err;
	struct wasm_instance *inst;
	struct wasm_store *s;
	if (!EXPECT(bin) || !EXPECT_OK(wasm_module_load(bin, len, &m, &err)))
		goto out;
	struct wasm_store_config cfg = {.max_code_bytes = 4096};
	if (EXPECT_OK(wasm_store_new(&cfg, &s))) {
		EXPECT_EQ(wasm_instantiate(s, m, NULL, &inst, &err), ERR_NOMEM);
		EXPECT_STREQ(err.msg, "translated code past its limit");
		wasm_store_free(s);
	}
	cfg.max_code_bytes = 4u << 20;
	if (EXPECT_OK(wasm_store_new(&cfg, &s))) {
		if (EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err)))
			EXPECT_GT(wasm_instance_footprint(inst), 5000 * 32);
		wasm_store_free(s);
	}
out:
	wasm_module_free(m);
	free(bin);
}
