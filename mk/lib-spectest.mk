# The official WebAssembly spec testsuite runner (tools/spectest/run/), on the
# host and in the test kernel.
#
#   make spectest [WASM_TESTSUITE=DIR] [SPEC_ARGS="-v ..."]
#        builds $(BUILD)/host/spectest and runs every non-SIMD .wast of DIR
#        (default ../shared/wasm-testsuite) twice, read by the runner
#        itself: checked memory, then guarded (mmap) memory
#        (tests/spec/run.sh), after checking the runner itself
#        (tests/spec/selftest.sh); then the same two runs of the
#        WebAssembly 3.0 suite, every .wast of WASM_TESTSUITE3 (default
#        ../shared/wasm-testsuite-3.0) and its legacy/ folder, with the
#        skips of tests/spec/skip3.txt (tests/spec/run3.sh).
#   make spectest-asan     the same runs with the ASan+UBSan runner
#   make spectest-features the 3.0 suite's counts per feature
#        (tests/spec/features.sh)
#   make spectest-build    the runners only ($(BUILD)/host{,-asan,-tsan}/spectest)
#
# make test also runs the ThreadSanitizer runner with function bodies
# validated on 4 threads, a function at a time (--validate-threads 4).
#
#   make spectest-kernel [SPEC_MEM=checked] [SPEC_SUITE=3.0] [SMP=n]
#        the same scripts inside the test kernel (kernel/tests/spec_run.c:
#        our text front end, the compiler tier, guarded memory or checked,
#        as programs get), in $(BUILD)/kernel-spec/loader.elf: the test
#        kernel's objects with the 2.0 scripts (and tests/spec/skip.txt) in
#        /spec of its initrd, the 3.0 ones (and skip3.txt) in /spec3.
#   make spec-json   every non-SIMD script converted with wast2json into
#        $(BUILD)/spec/json/ (only the stale ones): the host text-format
#        and rv64 compiler tests compare with or compile them. make
#        test-build makes them.
#        The simd_* scripts go to $(BUILD)/spec/json-simd/ (the text
#        format's test compares with them; host-test-build makes them).
#
# The runner links the portable engine (lib/wasm, lib/base/*.c) and the
# host memory provider from a private archive, so only what it uses is
# pulled in.

WASM_TESTSUITE ?= ../shared/wasm-testsuite
WASM_TESTSUITE3 ?= ../shared/wasm-testsuite-3.0
SPEC_ARGS ?=

SPECTEST := $(BUILD)/host/spectest
SPECTEST_ASAN := $(BUILD)/host-asan/spectest
SPECTEST_SRCS := $(wildcard tools/spectest/run/*.c tools/spectest/*.c)
# assert_host.c: the JIT runtime's stubs use the encoder, whose ASSERTs reach it
SPECTEST_LIB_SRCS := $(call lib_srcs,wasm) lib/wasm/host/mem_host.c lib/wasm/host/runtime_host.c \
	lib/wasm/host/code_host.c lib/wasm/host/workers_host.c $(wildcard lib/base/*.c) \
	lib/base/host/assert_host.c

define spectest_variant
$(BUILD)/$(1)/libspectest.a: $(call host_objs,$(1),$(SPECTEST_LIB_SRCS))
	@rm -f $$@
	$$(call step,AR)ar rcs $$@ $$^

$(BUILD)/$(1)/spectest: $(call host_objs,$(1),$(SPECTEST_SRCS)) $(BUILD)/$(1)/libspectest.a
	$$(call step,LD)$$(HOST_CC) $$(HOST_VARIANT_$(1)) -o $$@ $$^ $$(HOST_LDLIBS)

-include $(patsubst %.o,%.d,$(call host_objs,$(1),$(SPECTEST_SRCS)))
endef
$(foreach v,host host-asan host-tsan,$(eval $(call spectest_variant,$(v))))

.PHONY: spectest spectest-build spectest-asan spectest-features
spectest-build: $(SPECTEST) $(SPECTEST_ASAN) $(BUILD)/host-tsan/spectest

# make test runs tests/spec/run.sh (both modes, plain and ASan), which needs
# the runners.
host-test-build: $(SPECTEST) $(SPECTEST_ASAN) $(BUILD)/host-tsan/spectest

spectest: $(SPECTEST)
	$(Q)status=0; \
	BUILD=$(BUILD) tests/spec/selftest.sh || status=1; \
	BUILD=$(BUILD) WASM_TESTSUITE=$(WASM_TESTSUITE) tests/spec/run.sh $(SPEC_ARGS) || status=1; \
	BUILD=$(BUILD) WASM_TESTSUITE=$(WASM_TESTSUITE) tests/spec/run.sh --guarded $(SPEC_ARGS) || status=1; \
	BUILD=$(BUILD) WASM_TESTSUITE3=$(WASM_TESTSUITE3) tests/spec/run3.sh $(SPEC_ARGS) || status=1; \
	BUILD=$(BUILD) WASM_TESTSUITE3=$(WASM_TESTSUITE3) tests/spec/run3.sh --guarded $(SPEC_ARGS) || status=1; \
	exit $$status

spectest-features: $(SPECTEST)
	$(Q)BUILD=$(BUILD) WASM_TESTSUITE3=$(WASM_TESTSUITE3) tests/spec/features.sh $(SPEC_ARGS)

# The same under AddressSanitizer + UBSan (an engine memory error fails the
# file it happens in: "exited with status 1").
spectest-asan: $(SPECTEST_ASAN)
	$(Q)status=0; \
	export BUILD=$(BUILD) WASM_TESTSUITE=$(WASM_TESTSUITE) SPEC_RUNNER=$(SPECTEST_ASAN); \
	export WASM_TESTSUITE3=$(WASM_TESTSUITE3); \
	tests/spec/run.sh $(SPEC_ARGS) || status=1; \
	tests/spec/run.sh --guarded $(SPEC_ARGS) || status=1; \
	tests/spec/run3.sh $(SPEC_ARGS) || status=1; \
	tests/spec/run3.sh --guarded $(SPEC_ARGS) || status=1; \
	exit $$status

# ---- the testsuite in the kernel ----
# Every script, as tests/spec/run.sh and run3.sh run on the host, read by
# the test kernel itself: the 2.0 suite in /spec (SPEC_KERNEL="i32 f64 ..."
# for fewer), the 3.0 suite in /spec3 with its legacy/ folder.
SPEC_NAMES := $(filter-out simd_%,$(patsubst $(WASM_TESTSUITE)/%.wast,%,$(wildcard $(WASM_TESTSUITE)/*.wast)))
SPEC_SIMD_NAMES := $(filter simd_%,$(patsubst $(WASM_TESTSUITE)/%.wast,%,$(wildcard $(WASM_TESTSUITE)/*.wast)))
SPEC_KERNEL ?= $(SPEC_NAMES) $(SPEC_SIMD_NAMES)
SPEC3_WASTS := $(wildcard $(WASM_TESTSUITE3)/*.wast $(WASM_TESTSUITE3)/legacy/*.wast)
SPECK := $(BUILD)/kernel-spec
SPEC_MEM ?= guarded
ifneq ($(SPEC_KERNEL),$(shell cat $(SPECK)/vars 2>/dev/null))
$(shell mkdir -p $(SPECK) && printf '%s\n' '$(SPEC_KERNEL)' >$(SPECK)/vars)
endif

# wast2json writes NAME.json and NAME.N.wasm (NAME.N.wat for text modules,
# which skip.txt skips in the kernel).
define wast2json_recipe
	@mkdir -p $(@D)
	$(call step,WAST2JSON)rm -f $(@D)/$*.[0-9]*.wasm $(@D)/$*.[0-9]*.wat
	$(Q)wast2json $< -o $@ >$(@D)/$*.log 2>&1 || (cat $(@D)/$*.log; rm -f $@; exit 1)
endef
$(BUILD)/spec/json/%.json: $(WASM_TESTSUITE)/%.wast
	$(wast2json_recipe)

$(SPECK)/initrd.cpio: $(BUILD)/initrd.cpio $(SPECK)/vars tools/mkcpio.py tests/spec/skip.txt \
		tests/spec/skip3.txt $(foreach n,$(SPEC_KERNEL),$(WASM_TESTSUITE)/$(n).wast) $(SPEC3_WASTS)
	$(call step,CPIO)rm -rf $(SPECK)/root && mkdir -p $(SPECK)/root/spec $(SPECK)/root/spec3/legacy && \
		cp -R $(BUILD)/initrd-root/. $(SPECK)/root/
	$(Q)cp $(foreach n,$(SPEC_KERNEL),$(WASM_TESTSUITE)/$(n).wast) $(SPECK)/root/spec/
	$(Q)cp $(WASM_TESTSUITE3)/*.wast $(SPECK)/root/spec3/ && \
		cp $(WASM_TESTSUITE3)/legacy/*.wast $(SPECK)/root/spec3/legacy/
	$(Q)cp tests/spec/skip.txt $(SPECK)/root/spec/skip.txt
	$(Q)cp tests/spec/skip3.txt $(SPECK)/root/spec3/skip.txt
	$(Q)python3 tools/mkcpio.py $(SPECK)/root $@
$(eval $(call kernel_with_initrd,$(SPECK),kernel-test,$(KTEST_SRCS)))

# tests/host/wasm_text_simd_test.c checks the runner's .wast reader.
HOST_TEST_GEN += tools/spectest/run/spec_wast.c tools/spectest/run/wast_file.c
HOST_TEST_GEN_wasm += tools/spectest/run/spec_wast.c tools/spectest/run/wast_file.c \
	tools/spectest/wast_json_host.c

SPEC_SIMD_JSONS := $(patsubst %,$(BUILD)/spec/json-simd/%.json,$(SPEC_SIMD_NAMES))
$(BUILD)/spec/json-simd/%.json: $(WASM_TESTSUITE)/%.wast
	$(wast2json_recipe)
host-test-build: $(SPEC_SIMD_JSONS)

.PHONY: kernel-spec spectest-kernel spec-json
spec-json: $(patsubst %,$(BUILD)/spec/json/%.json,$(SPEC_NAMES)) $(SPEC_SIMD_JSONS)
kernel-spec: $(SPECK)/loader.elf
SPEC_SUITE ?= 2.0
spectest-kernel: kernel-spec
	$(Q)tools/qemu-test.sh $(SPECK)/loader.elf $(SMP) \
		"spec=$(if $(filter 3.0,$(SPEC_SUITE)),/spec3,/spec) spec_mem=$(SPEC_MEM) spec_suite=$(SPEC_SUITE)"
