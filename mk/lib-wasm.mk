# lib/wasm's front end: the wasmcheck tool (decode + validate, with the
# section, offset and rule of the first error) and its fuzzer.
#
#   make wasmcheck                 $(BUILD)/host/wasmcheck FILE.wasm...
#   make fuzz-wasm-decode [FUZZ_TIME=seconds]   libFuzzer, decode + validate

WASM_FRONT_SRCS := lib/wasm/module.c lib/wasm/load.c lib/wasm/opcodes.c $(wildcard lib/wasm/decode/*.c) \
	$(wildcard lib/wasm/validate/*.c) lib/base/err.c lib/base/fmt.c
WASMCHECK := $(BUILD)/host/wasmcheck

$(WASMCHECK): $(call host_objs,host,tools/wasmcheck/wasmcheck.c $(WASM_FRONT_SRCS))
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -o $@ $^

-include $(patsubst %.o,%.d,$(call host_objs,host,tools/wasmcheck/wasmcheck.c))

host-test-build: $(WASMCHECK)

# watenc: a .wat module to its binary, validated (the userland programs
# written in text, userland/*.wat)
WATENC := $(BUILD)/host/watenc
$(WATENC): $(call host_objs,host,tools/watenc/watenc.c $(WASM_FRONT_SRCS) $(wildcard lib/wasm/text/*.c))
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -o $@ $^

-include $(patsubst %.o,%.d,$(call host_objs,host,tools/watenc/watenc.c))

.PHONY: wasmcheck fuzz-wasm-decode
wasmcheck: $(WASMCHECK)

FUZZ_TIME ?= 60
WASM_FUZZ_DIR := $(BUILD)/fuzz/wasm_decode
$(WASM_FUZZ_DIR)/fuzz: tests/fuzz/wasm_decode_fuzz.c $(WASM_FRONT_SRCS) $(wildcard lib/wasm/*.h lib/wasm/*/*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(HOST_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/wasm_decode_fuzz.c $(WASM_FRONT_SRCS)

# Seeds: the regression files and the testsuite's binaries (if converted).
fuzz-wasm-decode: $(WASM_FUZZ_DIR)/fuzz
	@mkdir -p $(WASM_FUZZ_DIR)/corpus $(WASM_FUZZ_DIR)/artifacts
	$(Q)$(WASM_FUZZ_DIR)/fuzz -max_total_time=$(FUZZ_TIME) -max_len=65536 \
		-artifact_prefix=$(WASM_FUZZ_DIR)/artifacts/ \
		$(WASM_FUZZ_DIR)/corpus tests/fuzz/regress/wasm_decode \
		$(wildcard $(BUILD)/spec/json)

# tests/host/wasm_text_suite_test.c compares with wast2json's output, read by
# the spectest's JSON reader (the whole-tree test binary has it already).
HOST_TEST_GEN_wasm += tools/spectest/wast_json.c

# The text front end (lib/wasm/text) on any bytes: scripts and modules.
#   make fuzz-wasm-text [FUZZ_TIME=seconds]   seeds: the testsuite's .wast files
WASM_TEXT_FUZZ_DIR := $(BUILD)/fuzz/wasm_text
WASM_TEXT_SRCS := $(WASM_FRONT_SRCS) $(wildcard lib/wasm/text/*.c)
$(WASM_TEXT_FUZZ_DIR)/fuzz: tests/fuzz/wasm_text_fuzz.c $(WASM_TEXT_SRCS) $(wildcard lib/wasm/*.h lib/wasm/*/*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(HOST_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/wasm_text_fuzz.c $(WASM_TEXT_SRCS)

.PHONY: fuzz-wasm-text
fuzz-wasm-text: $(WASM_TEXT_FUZZ_DIR)/fuzz
	@mkdir -p $(WASM_TEXT_FUZZ_DIR)/corpus $(WASM_TEXT_FUZZ_DIR)/artifacts
	$(Q)$(WASM_TEXT_FUZZ_DIR)/fuzz -max_total_time=$(FUZZ_TIME) -max_len=65536 \
		-artifact_prefix=$(WASM_TEXT_FUZZ_DIR)/artifacts/ \
		$(WASM_TEXT_FUZZ_DIR)/corpus tests/fuzz/regress/wasm_text $(wildcard $(WASM_TESTSUITE))
