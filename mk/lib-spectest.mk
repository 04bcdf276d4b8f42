# The official WebAssembly spec testsuite runner (tools/spectest/run/, host only).
#
#   make spectest [WASM_TESTSUITE=DIR] [SPEC_ARGS="-v ..."]
#        builds $(BUILD)/host/spectest, converts every non-SIMD .wast of DIR
#        (default ../shared/wasm-testsuite) with wast2json into
#        $(BUILD)/spec/json/ (only the stale ones), and runs them all twice:
#        checked memory, then guarded (mmap) memory (tests/spec/run.sh),
#        after checking the runner itself (tests/spec/selftest.sh).
#   make spectest-asan     the same two runs with the ASan+UBSan runner
#   make spectest-build    the runners only ($(BUILD)/host{,-asan,-tsan}/spectest)
#
# make test also runs the ThreadSanitizer runner with function bodies
# validated on 4 threads, a function at a time (--validate-threads 4).
#
# The runner links the portable engine (lib/wasm, lib/base/*.c) and the
# host memory provider from a private archive, so only what it uses is
# pulled in.

WASM_TESTSUITE ?= ../shared/wasm-testsuite
SPEC_ARGS ?=

SPECTEST := $(BUILD)/host/spectest
SPECTEST_ASAN := $(BUILD)/host-asan/spectest
SPECTEST_SRCS := $(wildcard tools/spectest/run/*.c) tools/spectest/wast_json.c
# assert_host.c: the JIT runtime's stubs use the encoder, whose ASSERTs reach it
SPECTEST_LIB_SRCS := $(call lib_srcs,wasm) lib/wasm/host/mem_host.c lib/wasm/host/code_host.c \
	lib/wasm/host/workers_host.c $(wildcard lib/base/*.c) lib/base/host/assert_host.c

define spectest_variant
$(BUILD)/$(1)/libspectest.a: $(call host_objs,$(1),$(SPECTEST_LIB_SRCS))
	@rm -f $$@
	$$(Q)ar rcs $$@ $$^

$(BUILD)/$(1)/spectest: $(call host_objs,$(1),$(SPECTEST_SRCS)) $(BUILD)/$(1)/libspectest.a
	$$(Q)$$(HOST_CC) $$(HOST_VARIANT_$(1)) -o $$@ $$^ $$(HOST_LDLIBS)

-include $(patsubst %.o,%.d,$(call host_objs,$(1),$(SPECTEST_SRCS)))
endef
$(foreach v,host host-asan host-tsan,$(eval $(call spectest_variant,$(v))))

.PHONY: spectest spectest-build spectest-asan
spectest-build: $(SPECTEST) $(SPECTEST_ASAN) $(BUILD)/host-tsan/spectest

# make test runs tests/spec/run.sh (both modes, plain and ASan), which needs
# the runners.
host-test-build: $(SPECTEST) $(SPECTEST_ASAN) $(BUILD)/host-tsan/spectest

spectest: $(SPECTEST)
	$(Q)status=0; \
	BUILD=$(BUILD) tests/spec/selftest.sh || status=1; \
	BUILD=$(BUILD) WASM_TESTSUITE=$(WASM_TESTSUITE) tests/spec/run.sh $(SPEC_ARGS) || status=1; \
	BUILD=$(BUILD) WASM_TESTSUITE=$(WASM_TESTSUITE) tests/spec/run.sh --guarded $(SPEC_ARGS) || status=1; \
	exit $$status

# The same under AddressSanitizer + UBSan (an engine memory error fails the
# file it happens in: "exited with status 1").
spectest-asan: $(SPECTEST_ASAN)
	$(Q)status=0; \
	export BUILD=$(BUILD) WASM_TESTSUITE=$(WASM_TESTSUITE) SPEC_RUNNER=$(SPECTEST_ASAN); \
	tests/spec/run.sh $(SPEC_ARGS) || status=1; \
	tests/spec/run.sh --guarded $(SPEC_ARGS) || status=1; \
	exit $$status
