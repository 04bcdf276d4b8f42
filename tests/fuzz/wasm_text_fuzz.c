/*
 * wasm_text_fuzz.c - libFuzzer target: the text front end (lib/wasm/text)
 * on any bytes, as a script (wast_parse, which encodes every module in it)
 * and as one module (wat_encode). Nothing may crash, leak or read out of
 * bounds; every binary the encoder makes must decode (it may be invalid,
 * never malformed: the encoder writes only well-formed binaries).
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/err.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/text/wast.h"
#include "wasm/text/wat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_binary(const uint8_t *b, size_t n)
{
	struct wasm_module *m;
	struct wasm_error err;

	if (wasm_module_decode(b, n, &m, &err) != 0)
		abort();
	(void)wasm_module_validate(m, &err);
	wasm_module_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wast_script s;
	struct wat_error err;
	uint8_t *bin;
	size_t n;

	if (wast_parse((const char *)data, size, &s, &err) == 0) {
		for (size_t i = 0; i < s.ncmds; i++)
			if (s.cmds[i].bin && !s.cmds[i].binary)
				check_binary(s.cmds[i].bin, s.cmds[i].bin_len);
		wast_script_free(&s);
	}
	if (wat_encode((const char *)data, size, &bin, &n, &err) == 0) {
		check_binary(bin, n);
		free(bin);
	}
	return 0;
}
