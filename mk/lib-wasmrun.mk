# The host runner and what tests it: wasmrun, the WASI test programs, the
# run fuzzer, the fuzz replays, and the native-vs-wasm benchmark.
#
#   make wasmrun                      $(BUILD)/host/wasmrun (see --help)
#   make wasi-test                    tests/wasi/run.sh: WASI C programs under wasmrun
#   make wasi-testsuite               tests/wasi/testsuite.sh: the official WASI preview1
#                                     testsuite (../shared/wasi-testsuite) under wasmrun
#   make fuzz-replay                  tests/fuzz/replay.sh: every kept fuzz input, both targets
#   make fuzz-wasm-run [FUZZ_TIME=s]  libFuzzer: decode + validate + instantiate + run
#                                     (WASM_FUZZ_GUARDED=1: guarded memory)
#   make bench-wasm                   tools/bench-wasm.sh: bench/wasm natively and under wasmrun

WASMRUN := $(BUILD)/host/wasmrun
WASMRUN_LIB_SRCS := $(wildcard lib/base/*.c lib/base/host/*.c lib/wasm/*.c lib/wasm/*/*.c \
	lib/wasi/*.c lib/wasi/host/*.c)

$(WASMRUN): $(call host_objs,host,tools/wasmrun/wasmrun.c $(WASMRUN_LIB_SRCS))
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -pthread -o $@ $^ $(HOST_LDLIBS)

-include $(patsubst %.o,%.d,$(call host_objs,host,tools/wasmrun/wasmrun.c))

# ---- WASI test programs (tests/wasi/*.c; invoke.c is a reactor) ----
WASI_TEST_SRCS := $(wildcard tests/wasi/*.c)
WASI_TEST_WASMS := $(patsubst tests/wasi/%.c,$(BUILD)/wasi/%.wasm,$(WASI_TEST_SRCS))
WASI_TEST_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror

$(BUILD)/wasi/%.wasm: tests/wasi/%.c
	@mkdir -p $(@D)
	$(call step,CC)clang --target=wasm32-wasi $(WASI_TEST_CFLAGS) -o $@ $<

$(BUILD)/wasi/invoke.wasm: tests/wasi/invoke.c
	@mkdir -p $(@D)
	$(call step,CC)clang --target=wasm32-wasi -mexec-model=reactor $(WASI_TEST_CFLAGS) -o $@ $<

# tailcall.c a second time with tail calls (run.sh compares the two)
WASI_TEST_WASMS += $(BUILD)/wasi/tailcall-tc.wasm
$(BUILD)/wasi/tailcall-tc.wasm: tests/wasi/tailcall.c
	@mkdir -p $(@D)
	$(call step,CC)clang --target=wasm32-wasi -mtail-call $(WASI_TEST_CFLAGS) -o $@ $<

# ---- fuzzing: the run target, and replays of both wasm targets ----
WASM_ENGINE_SRCS := $(call lib_srcs,wasm) \
	lib/wasm/host/mem_host.c lib/wasm/host/runtime_host.c \
	lib/base/err.c lib/base/fmt.c lib/base/host/assert_host.c
WASM_RUN_FUZZ_DIR := $(BUILD)/fuzz/wasm_run
FUZZ_REPLAYS := $(BUILD)/host-asan/fuzz_replay_wasm_decode $(BUILD)/host-asan/fuzz_replay_wasm_run

$(WASM_RUN_FUZZ_DIR)/fuzz: tests/fuzz/wasm_run_fuzz.c $(WASM_ENGINE_SRCS) $(wildcard lib/wasm/*.h lib/wasm/*/*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(HOST_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/wasm_run_fuzz.c $(WASM_ENGINE_SRCS)

define fuzz_replay
$(BUILD)/host-asan/fuzz_replay_$(1): $(call host_objs,host-asan,tests/fuzz/replay_main.c \
		tests/fuzz/$(1)_fuzz.c $(WASM_ENGINE_SRCS))
	$$(call step,LD)$$(HOST_CC) $$(HOST_VARIANT_host-asan) -pthread -o $$@ $$^ $$(HOST_LDLIBS)
endef
$(foreach t,wasm_decode wasm_run,$(eval $(call fuzz_replay,$(t))))

-include $(patsubst %.o,%.d,$(call host_objs,host-asan,$(wildcard tests/fuzz/wasm_*.c) tests/fuzz/replay_main.c))

.PHONY: wasmrun wasi-test wasi-testsuite fuzz-replay fuzz-wasm-run bench-wasm
wasmrun: $(WASMRUN)
	@echo "wasmrun: $(WASMRUN) is ready (usage: $(WASMRUN) --help)"

# make test runs tests/wasi/run.sh, tests/wasi/testsuite.sh and tests/fuzz/replay.sh.
host-test-build: $(WASMRUN) $(WASI_TEST_WASMS) $(FUZZ_REPLAYS)

wasi-test: $(WASMRUN) $(WASI_TEST_WASMS)
	$(Q)BUILD=$(BUILD) tests/wasi/run.sh

wasi-testsuite: $(WASMRUN)
	$(Q)BUILD=$(BUILD) tests/wasi/testsuite.sh

fuzz-replay: $(FUZZ_REPLAYS)
	$(Q)BUILD=$(BUILD) tests/fuzz/replay.sh

# Seeds: the kept inputs of both wasm targets, and the testsuite's modules if
# converted (make spectest).
fuzz-wasm-run: $(WASM_RUN_FUZZ_DIR)/fuzz
	@mkdir -p $(WASM_RUN_FUZZ_DIR)/corpus $(WASM_RUN_FUZZ_DIR)/artifacts
	$(Q)$(WASM_RUN_FUZZ_DIR)/fuzz -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=20 \
		-artifact_prefix=$(WASM_RUN_FUZZ_DIR)/artifacts/ \
		$(WASM_RUN_FUZZ_DIR)/corpus tests/fuzz/regress/wasm_run tests/fuzz/regress/wasm_decode \
		$(wildcard $(BUILD)/spec/json)

# ---- benchmarks ----
bench-build: bench-wasm-build $(WASMRUN)

bench-wasm: bench-wasm-build $(WASMRUN)
	$(Q)BUILD=$(BUILD) tools/bench-wasm.sh

# ---- the validator's throughput (bench/validate/bench_validate.c) ----
#   $(BUILD)/host/bench/bench_validate [--runs N] [--threads N] FILE.wasm
BENCH_VALIDATE := $(BUILD)/host/bench/bench_validate
$(BENCH_VALIDATE): $(call host_objs,host,bench/validate/bench_validate.c $(WASM_ENGINE_SRCS) lib/wasm/host/workers_host.c)
	@mkdir -p $(@D)
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -pthread -o $@ $^ $(HOST_LDLIBS)

-include $(patsubst %.o,%.d,$(call host_objs,host,bench/validate/bench_validate.c))
bench-build: $(BENCH_VALIDATE)

# ---- the valid-module generator (tests/fuzz/wasm_gen*.c) and the differential fuzzer ----
# The generator is a test source shared by the host tests (tests/host/wasm_gen_test.c)
# and the fuzz targets; HOST_TEST_GEN is the way to add a source outside tests/host.
WASM_GEN_SRCS := tests/fuzz/wasm_gen.c tests/fuzz/wasm_gen_expr.c tests/fuzz/wasm_gen_stmt.c
HOST_TEST_GEN += $(WASM_GEN_SRCS)
HOST_TEST_GEN_wasm += $(WASM_GEN_SRCS)
#
#   make fuzz-wasm-diff [FUZZ_TIME=s]  libFuzzer: generated modules, checked vs guarded memory
#                                      (WASM_DIFF_B picks B, see tests/fuzz/wasm_diff.h;
#                                      WASM_DIFF_FEATURES the generator's features: all,
#                                      base, or names such as simd,memory64)
#   make wasm-diff [DIFF_SEEDS=N]      the same check over N seeds without libFuzzer
#   make jit-diff-soak [SOAK_SECONDS=s] compiled code vs the interpreter for s seconds
#                                      (default 3600) under qemu-riscv64 (tools/jit-diff-soak.sh)
#   $(BUILD)/{host,host-asan,rv64}/wasm_diff  that driver (--seeds N, or kept input files:
#                                      tests/fuzz/regress/wasm_diff/, replayed by replay.sh)
# code_host.c (the compiler tier's memory), where it exists, lets WASM_DIFF_B=jit
# compare the interpreter with the compiler (riscv64 only).
WASM_DIFF_SRCS := tests/fuzz/wasm_diff_fuzz.c $(WASM_GEN_SRCS) \
	$(filter-out $(WASM_ENGINE_SRCS),$(wildcard lib/wasm/host/code_host.c))
WASM_DIFF_FUZZ_DIR := $(BUILD)/fuzz/wasm_diff
WASM_DIFFS := $(BUILD)/host/wasm_diff $(BUILD)/host-asan/wasm_diff
DIFF_SEEDS ?= 2000

$(WASM_DIFF_FUZZ_DIR)/fuzz: $(WASM_DIFF_SRCS) $(WASM_ENGINE_SRCS) $(wildcard lib/wasm/*.h lib/wasm/*/*.h tests/fuzz/wasm_*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(HOST_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $(WASM_DIFF_SRCS) $(WASM_ENGINE_SRCS)

define wasm_diff_driver
$(BUILD)/$(1)/wasm_diff: $(call host_objs,$(1),tests/fuzz/wasm_diff_main.c $(WASM_DIFF_SRCS) $(WASM_ENGINE_SRCS))
	$$(call step,LD)$$(HOST_CC) $$(HOST_VARIANT_$(1)) -pthread -o $$@ $$^ $$(HOST_LDLIBS)
endef
$(foreach v,host host-asan,$(eval $(call wasm_diff_driver,$(v))))

-include $(patsubst %.o,%.d,$(call host_objs,host,tests/fuzz/wasm_diff_main.c $(WASM_DIFF_SRCS)))
-include $(patsubst %.o,%.d,$(call host_objs,host-asan,tests/fuzz/wasm_diff_main.c))

host-test-build: $(WASM_DIFFS)

# riscv64 (mk/rv64.mk: RV64_CC and the object rule), run under qemu-riscv64
$(BUILD)/rv64/wasm_diff: $(call host_objs,rv64,tests/fuzz/wasm_diff_main.c $(WASM_DIFF_SRCS) \
		$(WASM_ENGINE_SRCS))
	$(call step,LD)$(RV64_CC) $(RV64_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)
-include $(patsubst %.o,%.d,$(call host_objs,rv64,tests/fuzz/wasm_diff_main.c $(WASM_DIFF_SRCS)))
rv64-tools: $(BUILD)/rv64/wasm_diff

.PHONY: fuzz-wasm-diff wasm-diff
fuzz-wasm-diff: $(WASM_DIFF_FUZZ_DIR)/fuzz
	@mkdir -p $(WASM_DIFF_FUZZ_DIR)/corpus $(WASM_DIFF_FUZZ_DIR)/artifacts
	$(Q)$(WASM_DIFF_FUZZ_DIR)/fuzz -max_total_time=$(FUZZ_TIME) -max_len=4096 -timeout=20 \
		-artifact_prefix=$(WASM_DIFF_FUZZ_DIR)/artifacts/ \
		$(WASM_DIFF_FUZZ_DIR)/corpus tests/fuzz/regress/wasm_diff

wasm-diff: $(BUILD)/host/wasm_diff
	$(Q)$(BUILD)/host/wasm_diff --seeds $(DIFF_SEEDS)

SOAK_SECONDS ?= 3600
.PHONY: jit-diff-soak
jit-diff-soak: deps $(BUILD)/rv64/wasm_diff
	$(Q)BUILD=$(BUILD) tools/jit-diff-soak.sh $(SOAK_SECONDS)
