# riscv64 Linux builds of the host tools, run under qemu-riscv64 (user mode),
# so the engine is tested as a riscv64 program on this machine at speed:
#
#   make rv64-tools    $(BUILD)/rv64/wasmrun, $(BUILD)/rv64/spectest and
#                      $(BUILD)/rv64/fuzz_replay_wasm_{decode,run}
#   make rv64-enc-test the JIT encoder's execution test ($(BUILD)/rv64/test_rv64_enc,
#                      tests/rv64/: encoded functions mapped and called)
#   make rv64-jit-num-test  the numeric instructions' code against the
#                      interpreter's semantics ($(BUILD)/rv64/test_rv64_jit_num)
#   make rv64-jit-test the compiler's execution test ($(BUILD)/rv64/test_rv64_jit:
#                      compiled functions called; every spec module compiled)
#   make rv64-test     the spec testsuite (checked and guarded memory), the
#                      WASI programs and the fuzz replays under qemu-riscv64,
#                      the first two again with --jit (the compiler tier)
#   make rv64-jit-rt-test  the compiler tier's runtime with hand-written code
#                      ($(BUILD)/rv64/test_rv64_jit_rt, tests/rv64/rt/)
#
# The same sources and flags as $(BUILD)/host (-O2), compiled by clang for
# riscv64-linux-gnu against Debian's cross glibc (libc6-dev-riscv64-cross,
# libgcc-12-dev-riscv64-cross). Linked by the GNU linker
# (binutils-riscv64-linux-gnu): ld.lld 14 cannot link glibc's objects, which
# carry linker-relaxation relocations (R_RISCV_ALIGN) it does not implement.
# Static, so qemu-riscv64 needs no -L sysroot and no binfmt registration.
# No sanitizers: clang 14 has no riscv64 Linux sanitizer runtimes here; the
# fuzz replays are plain -O2 builds (ASSERT still aborts).

RV64_CC      := clang --target=riscv64-linux-gnu -march=rv64gc -mabi=lp64d
RV64_CFLAGS  := $(HOST_CFLAGS) -O2
RV64_LDFLAGS := -static -pthread
# the emulator the tests put in front of each riscv64 program
RV64_EMU     ?= qemu-riscv64

$(BUILD)/rv64/%.o: %.c
	@mkdir -p $(@D)
	$(call step,CC)$(RV64_CC) $(RV64_CFLAGS) -MMD -MP -c $< -o $@

RV64_WASMRUN := $(BUILD)/rv64/wasmrun
RV64_SPECTEST := $(BUILD)/rv64/spectest
RV64_REPLAYS := $(BUILD)/rv64/fuzz_replay_wasm_decode $(BUILD)/rv64/fuzz_replay_wasm_run

$(RV64_WASMRUN): $(call host_objs,rv64,tools/wasmrun/wasmrun.c $(WASMRUN_LIB_SRCS))
	$(call step,LD)$(RV64_CC) $(RV64_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

# Linked from objects, not an archive: every lib/wasm object is in (the
# compiler's strong definitions replace jit_rt_nocomp.c's weak ones).
$(RV64_SPECTEST): $(call host_objs,rv64,$(SPECTEST_SRCS) $(SPECTEST_LIB_SRCS))
	$(call step,LD)$(RV64_CC) $(RV64_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

define rv64_fuzz_replay
$(BUILD)/rv64/fuzz_replay_$(1): $(call host_objs,rv64,tests/fuzz/replay_main.c \
		tests/fuzz/$(1)_fuzz.c $(WASM_ENGINE_SRCS))
	$$(call step,LD)$$(RV64_CC) $$(RV64_LDFLAGS) -o $$@ $$^ $$(HOST_LDLIBS)
endef
$(foreach t,wasm_decode wasm_run,$(eval $(call rv64_fuzz_replay,$(t))))

RV64_ENC_TEST := $(BUILD)/rv64/test_rv64_enc
RV64_ENC_TEST_SRCS := tests/host/main.c \
	$(filter-out tests/rv64/jit_num_test.c tests/rv64/jit_compile_test.c,$(wildcard tests/rv64/*.c)) \
	lib/wasm/jit/rv64_enc.c \
	$(wildcard lib/base/*.c lib/base/host/*.c)
$(RV64_ENC_TEST): $(call host_objs,rv64,$(RV64_ENC_TEST_SRCS))
	$(call step,LD)$(RV64_CC) $(RV64_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

# The compiler's execution test, and every spec module compiled (needs
# build/spec/json: make spec-json).
RV64_JIT_TEST := $(BUILD)/rv64/test_rv64_jit
RV64_JIT_TEST_SRCS := tests/host/main.c tests/rv64/jit_compile_test.c \
	tests/host/jit_compile_spec_test.c $(call lib_srcs,wasm) lib/wasm/host/code_host.c \
	$(wildcard lib/base/*.c lib/base/host/*.c)
$(RV64_JIT_TEST): $(call host_objs,rv64,$(RV64_JIT_TEST_SRCS))
	$(call step,LD)$(RV64_CC) $(RV64_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

RV64_JIT_NUM_TEST := $(BUILD)/rv64/test_rv64_jit_num
RV64_JIT_NUM_TEST_SRCS := tests/host/main.c tests/rv64/jit_num_test.c lib/wasm/jit/jit_num.c \
	lib/wasm/jit/rv64_enc.c lib/wasm/opcodes.c $(wildcard lib/base/*.c lib/base/host/*.c)
$(RV64_JIT_NUM_TEST): $(call host_objs,rv64,$(RV64_JIT_NUM_TEST_SRCS))
	$(call step,LD)$(RV64_CC) $(RV64_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

# The spec testsuite's assertions on single numeric instructions, for the
# same test (WASM_TESTSUITE from mk/lib-spectest.mk; wast2json, wasm2wat).
JIT_NUM_SPEC_H := $(BUILD)/gen/jit_num_spec.h
$(JIT_NUM_SPEC_H): tools/gen-jit-num-spec.py $(wildcard $(addprefix $(WASM_TESTSUITE)/, \
		i32.wast i64.wast f32.wast f64.wast f32_cmp.wast f64_cmp.wast f32_bitwise.wast \
		f64_bitwise.wast conversions.wast float_misc.wast))
	@mkdir -p $(@D)
	$(call step,GEN)python3 tools/gen-jit-num-spec.py $@ $(WASM_TESTSUITE)
$(BUILD)/rv64/tests/rv64/jit_num_test.o: $(JIT_NUM_SPEC_H)
$(BUILD)/rv64/tests/rv64/jit_num_test.o: RV64_CFLAGS += -I$(BUILD)/gen

-include $(patsubst %.o,%.d,$(call host_objs,rv64,$(RV64_ENC_TEST_SRCS) $(RV64_JIT_NUM_TEST_SRCS) $(RV64_JIT_TEST_SRCS)))
-include $(patsubst %.o,%.d,$(call host_objs,rv64,tools/wasmrun/wasmrun.c $(WASMRUN_LIB_SRCS) \
	$(SPECTEST_SRCS) $(SPECTEST_LIB_SRCS) tests/fuzz/replay_main.c \
	tests/fuzz/wasm_decode_fuzz.c tests/fuzz/wasm_run_fuzz.c))

.PHONY: rv64-tools rv64-test rv64-enc-test rv64-jit-num-test rv64-jit-test
rv64-tools: $(RV64_WASMRUN) $(RV64_SPECTEST) $(RV64_REPLAYS) $(RV64_ENC_TEST) $(RV64_JIT_NUM_TEST) \
	$(RV64_JIT_TEST)

rv64-enc-test: $(RV64_ENC_TEST)
	$(Q)$(RV64_EMU) $(RV64_ENC_TEST) $(FILTER)

rv64-jit-num-test: $(RV64_JIT_NUM_TEST)
	$(Q)$(RV64_EMU) $(RV64_JIT_NUM_TEST) $(FILTER)

rv64-jit-test: $(RV64_JIT_TEST)
	$(Q)JIT_SPEC_DIR=$(BUILD)/spec/json $(RV64_EMU) $(RV64_JIT_TEST) $(FILTER)

# make test runs these suites (tools/run-tests.sh).
host-test-build: rv64-tools

rv64-test: rv64-tools $(WASI_TEST_WASMS)
	$(Q)status=0; export BUILD=$(BUILD) EMU=$(RV64_EMU); \
	SPEC_RUNNER=$(RV64_SPECTEST) tests/spec/run.sh || status=1; \
	SPEC_RUNNER=$(RV64_SPECTEST) tests/spec/run.sh --guarded || status=1; \
	WASMRUN=$(RV64_WASMRUN) tests/wasi/run.sh || status=1; \
	SPEC_RUNNER=$(RV64_SPECTEST) tests/spec/run.sh --jit || status=1; \
	SPEC_RUNNER=$(RV64_SPECTEST) tests/spec/run.sh --jit --guarded || status=1; \
	WASMRUN=$(RV64_WASMRUN) WASMRUN_ARGS=--jit tests/wasi/run.sh || status=1; \
	REPLAY_DIR=$(BUILD)/rv64 tests/fuzz/replay.sh || status=1; \
	$(RV64_EMU) $(RV64_JIT_RT_TEST) || status=1; \
	exit $$status

# The compiler tier's runtime and fibers, with hand-written code in place of
# the compiler (tests/rv64/rt/: defines jit_compile itself, so the
# compiler's files are left out).
RV64_JIT_RT_TEST := $(BUILD)/rv64/test_rv64_jit_rt
RV64_JIT_RT_TEST_SRCS := tests/host/main.c $(wildcard tests/rv64/rt/*.c) \
	$(filter-out lib/wasm/jit/jit_compile%.c,$(call lib_srcs,wasm)) \
	lib/wasm/host/mem_host.c lib/wasm/host/runtime_host.c lib/wasm/host/code_host.c \
	$(wildcard lib/base/*.c lib/base/host/*.c)
$(RV64_JIT_RT_TEST): $(call host_objs,rv64,$(RV64_JIT_RT_TEST_SRCS))
	$(call step,LD)$(RV64_CC) $(RV64_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)
-include $(patsubst %.o,%.d,$(call host_objs,rv64,$(RV64_JIT_RT_TEST_SRCS)))

.PHONY: rv64-jit-rt-test
rv64-tools: $(RV64_JIT_RT_TEST)
rv64-jit-rt-test: $(RV64_JIT_RT_TEST)
	$(Q)$(RV64_EMU) $(RV64_JIT_RT_TEST) $(FILTER)
