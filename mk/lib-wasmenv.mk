# The pieces around the WASM engine: linear memory providers, the spectest
# JSON reader, and the C benchmarks built natively and as WASI. (WASI itself
# is lib/wasi: make mod-test MOD=wasi.)
#
#   make wasmenv-test [VARIANT=host-asan|host-tsan] [FILTER=substr]
#       builds and runs only these pieces' tests ($(BUILD)/<variant>/test_wasmenv)
#   make bench-wasm-build
#       $(BUILD)/bench/wasm/NAME (native, clang -O2) and NAME.wasm (wasm32-wasi)

WASMENV_LIB_SRCS := $(wildcard lib/base/*.c lib/base/host/*.c) lib/wasm/mem.c lib/wasm/module.c \
	lib/wasm/host/mem_host.c
WASMENV_TOOL_SRCS := $(wildcard tools/spectest/*.c)
WASMENV_TEST_SRCS := $(wildcard tests/host/wasm_mem_*.c tests/host/spectest_json_*.c) \
	tests/host/main.c

# The spectest reader lives in tools/ but its tests are in tests/host/, which
# the whole-tree test binary links: add its sources there too.
HOST_TEST_GEN += $(WASMENV_TOOL_SRCS)

define wasmenv_test
$(BUILD)/$(1)/test_wasmenv: $(call host_objs,$(1),$(WASMENV_LIB_SRCS) $(WASMENV_TOOL_SRCS) $(WASMENV_TEST_SRCS))
	$$(call step,LD)$$(HOST_CC) $$(HOST_VARIANT_$(1)) -pthread -o $$@ $$^ $$(HOST_LDLIBS)
-include $(patsubst %.o,%.d,$(call host_objs,$(1),$(WASMENV_TOOL_SRCS)))
endef
$(foreach v,host host-asan host-tsan,$(eval $(call wasmenv_test,$(v))))

.PHONY: wasmenv-test
wasmenv-test: $(BUILD)/$(VARIANT)/test_wasmenv
	$(Q)$(BUILD)/$(VARIANT)/test_wasmenv $(FILTER)

# ---- benchmarks ----
BENCH_WASM_SRCS := $(wildcard bench/wasm/*.c)
BENCH_WASM_NAMES := $(patsubst bench/wasm/%.c,%,$(BENCH_WASM_SRCS))
BENCH_WASM_NATIVE := $(addprefix $(BUILD)/bench/wasm/,$(BENCH_WASM_NAMES))
BENCH_WASM_WASM := $(addsuffix .wasm,$(BENCH_WASM_NATIVE))
BENCH_WASM_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror

# each program is its main (bench/wasm/NAME.c) and its portable core
# (bench/wasm/core/NAME.c, also linked into the kernel: kernel/bench/)
$(BUILD)/bench/wasm/%: bench/wasm/%.c bench/wasm/core/%.c bench/wasm/core/bench_core.h
	@mkdir -p $(@D)
	$(call step,CC)clang $(BENCH_WASM_CFLAGS) -o $@ $(filter %.c,$^) -lm

$(BUILD)/bench/wasm/%.wasm: bench/wasm/%.c bench/wasm/core/%.c bench/wasm/core/bench_core.h
	@mkdir -p $(@D)
	$(call step,CC)clang --target=wasm32-wasi $(BENCH_WASM_CFLAGS) -o $@ $(filter %.c,$^) -lm

.PHONY: bench-wasm-build
bench-wasm-build: $(BENCH_WASM_NATIVE) $(BENCH_WASM_WASM)

# The same programs as static riscv64 Linux binaries, and a QEMU plugin that
# counts guest instructions: tools/bench-compiler.sh compares them with
# $(BUILD)/rv64/wasmrun under qemu-riscv64 by instruction counts.
BENCH_WASM_RV64 := $(addprefix $(BUILD)/rv64/bench/,$(BENCH_WASM_NAMES))
QEMU_INSN_PLUGIN := $(BUILD)/host/qemu_insn_count.so

$(BUILD)/rv64/bench/%: bench/wasm/%.c bench/wasm/core/%.c bench/wasm/core/bench_core.h
	@mkdir -p $(@D)
	$(call step,CC)$(RV64_CC) $(BENCH_WASM_CFLAGS) -static -o $@ $(filter %.c,$^) -lm

$(QEMU_INSN_PLUGIN): tools/qemu-insn/insn_count.c
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $<

.PHONY: bench-rv64-build
bench-rv64-build: $(BENCH_WASM_RV64) $(QEMU_INSN_PLUGIN) $(BENCH_WASM_WASM) rv64-tools
bench-build: bench-rv64-build
