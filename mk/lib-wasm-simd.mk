# SIMD lane semantics (lib/wasm/interp/simd_ops.h) against the spec
# testsuite: tools/gen-simd-spec.py turns the single-instruction assertions
# of the 2.0 suite's simd_*.wast and the 3.0 suite's relaxed SIMD files into
# rows for tests/host/wasm_simd_ops_test.c (needs wabt's wast2json and
# wasm2wat; without them or the suites the test fails saying so).

WASM_TESTSUITE ?= ../shared/wasm-testsuite
WASM_TESTSUITE_3 ?= ../shared/wasm-testsuite-3.0
SIMD_SPEC_H := $(BUILD)/gen/simd_spec.h
SIMD_OPS_TEST_OBJS := $(foreach v,host host-asan host-tsan,$(BUILD)/$(v)/tests/host/wasm_simd_ops_test.o)

$(SIMD_SPEC_H): tools/gen-simd-spec.py lib/wasm/interp/simd_ops.h \
		$(wildcard $(WASM_TESTSUITE)/simd_*.wast $(WASM_TESTSUITE_3)/*relaxed*.wast)
	@mkdir -p $(@D)
	$(call step,GEN)python3 tools/gen-simd-spec.py $@ lib/wasm/interp/simd_ops.h \
		$(WASM_TESTSUITE) $(WASM_TESTSUITE_3)

$(SIMD_OPS_TEST_OBJS): $(SIMD_SPEC_H)
$(SIMD_OPS_TEST_OBJS): HOST_CFLAGS += -I$(BUILD)/gen
