/*
 * load.c - the front end's entry point: decode, then validate; the module
 * is handed out only if both succeed, so a caller never sees a module that
 * decoded but is invalid.
 */
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/load.h"

int wasm_module_load_opts(const uint8_t *bytes, size_t len, const struct wasm_load_opts *o,
			  struct wasm_module **out, struct wasm_error *err)
{
	struct wasm_module *m;
	int rc = wasm_module_decode_opts(bytes, len, o, &m, err);

	if (rc)
		return rc;
	rc = wasm_module_validate_on(m, o->workers, err);
	if (rc) {
		wasm_module_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int wasm_module_load(const uint8_t *bytes, size_t len, struct wasm_module **out,
		     struct wasm_error *err)
{
	static const struct wasm_load_opts copy;
	return wasm_module_load_opts(bytes, len, &copy, out, err);
}

static const char *const feature_names[] = {
	"simd",		  "relaxed-simd",	 "tail-call",
	"extended-const", "multi-memory",	 "memory64",
	"exceptions",	  "function-references", "gc",
};

const char *wasm_feature_name(uint32_t bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (bit == 1u << i)
			return feature_names[i];
	return "?";
}

int wasm_feature_parse(const char *list, uint32_t *bits)
{
	uint32_t b = 0;

	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		size_t i;

		if (n == 3 && !strncmp(p, "all", 3)) {
			b |= (1u << ARRAY_SIZE(feature_names)) - 1;
		} else {
			for (i = 0; i < ARRAY_SIZE(feature_names); i++)
				if (strlen(feature_names[i]) == n &&
				    !strncmp(p, feature_names[i], n))
					break;
			if (i == ARRAY_SIZE(feature_names))
				return ERR_INVAL;
			b |= 1u << i;
		}
		p += n;
		if (*p)
			p++;
	}
	*bits = b;
	return 0;
}
