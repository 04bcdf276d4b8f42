# SIMD lane semantics (lib/wasm/interp/simd_ops.h) against the spec
# testsuite: tools/gen-simd-spec.py turns the single-instruction assertions
# of the 2.0 suite's simd_*.wast and the 3.0 suite's relaxed SIMD files into
# rows for tests/host/wasm_simd_ops_test.c (needs wabt's wast2json and
# wasm2wat; without them or the suites the test fails saying so).

WASM_TESTSUITE ?= ../shared/wasm-testsuite
WASM_TESTSUITE_3 ?= ../shared/wasm-testsuite-3.0
SIMD_SPEC_H := $(BUILD)/gen/simd_spec.h
SIMD_OPS_TEST_OBJS := $(foreach v,host host-asan host-tsan,$(BUILD)/$(v)/tests/host/wasm_simd_ops_test.o)

$(SIMD_SPEC_H): tools/gen-simd-spec.py $(wildcard lib/wasm/interp/simd_*.h) \
		$(wildcard $(WASM_TESTSUITE)/simd_*.wast $(WASM_TESTSUITE_3)/*relaxed*.wast)
	@mkdir -p $(@D)
	$(call step,GEN)python3 tools/gen-simd-spec.py $@ lib/wasm/interp/simd_ops.h \
		$(WASM_TESTSUITE) $(WASM_TESTSUITE_3)

$(SIMD_OPS_TEST_OBJS): $(SIMD_SPEC_H)
$(SIMD_OPS_TEST_OBJS): HOST_CFLAGS += -I$(BUILD)/gen

# ---- -msimd128 builds of the WASI test programs and of bench/wasm ----
# (after mk/lib-wasmrun.mk and mk/lib-wasmenv.mk, whose variables these use)
#
#   make simd-wasi-test    tests/wasi/simd.sh: each $(BUILD)/wasi-simd/NAME.wasm
#                          must print what $(BUILD)/wasi/NAME.wasm prints
#   make bench-simd        tools/bench-simd.sh: bench/wasm's SIMD builds
#                          against the scalar ones, interpreter and compiler
WASI_SIMD_WASMS := $(patsubst tests/wasi/%.c,$(BUILD)/wasi-simd/%.wasm,$(WASI_TEST_SRCS))
BENCH_SIMD_WASMS := $(patsubst %,$(BUILD)/bench/wasm-simd/%.wasm,$(BENCH_WASM_NAMES))

$(BUILD)/wasi-simd/%.wasm: tests/wasi/%.c
	@mkdir -p $(@D)
	$(call step,CC)clang --target=wasm32-wasi -msimd128 $(WASI_TEST_CFLAGS) -o $@ $<

$(BUILD)/wasi-simd/invoke.wasm: tests/wasi/invoke.c
	@mkdir -p $(@D)
	$(call step,CC)clang --target=wasm32-wasi -mexec-model=reactor -msimd128 $(WASI_TEST_CFLAGS) -o $@ $<

$(BUILD)/bench/wasm-simd/%.wasm: bench/wasm/%.c bench/wasm/core/%.c bench/wasm/core/bench_core.h
	@mkdir -p $(@D)
	$(call step,CC)clang --target=wasm32-wasi -msimd128 $(BENCH_WASM_CFLAGS) -o $@ $(filter %.c,$^) -lm

.PHONY: simd-wasi-test bench-simd bench-simd-build
host-test-build: $(WASI_SIMD_WASMS)

simd-wasi-test: $(WASMRUN) $(WASI_TEST_WASMS) $(WASI_SIMD_WASMS)
	$(Q)BUILD=$(BUILD) tests/wasi/simd.sh

bench-simd-build: $(BENCH_WASM_WASM) $(BENCH_SIMD_WASMS) $(WASMRUN)
bench-build: bench-simd-build

bench-simd: bench-simd-build
	$(Q)BUILD=$(BUILD) tools/bench-simd.sh
