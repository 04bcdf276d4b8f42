/*
 * load.c - the front end's entry point: decode, then validate; the module
 * is handed out only if both succeed, so a caller never sees a module that
 * decoded but is invalid.
 */
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
