# Freestanding riscv64 builds: the kernel, the test kernel and the loader.
#
#   $(BUILD)/kernel/loader.elf       bootable image: loader + embedded kernel
#                                    (kernel.img: kernel.elf without debug info)
#   $(BUILD)/kernel-test/loader.elf  the same with the in-kernel tests (KTEST)

KCC := clang
KLD := ld.lld
KARCH := --target=riscv64-unknown-elf -march=rv64gc -mabi=lp64d -mcmodel=medany
KCFLAGS := $(WARN) $(KARCH) -ffreestanding -nostdlib -nostdlibinc \
	-fno-omit-frame-pointer -fno-stack-protector -fno-builtin-printf \
	-mno-relax -O2 -g -Ilib -Ikernel -isystem kernel/libc/include
KOBJCOPY := llvm-objcopy
# The copy of the kernel the loader embeds: no debug sections (gdb reads
# kernel.elf), and only named symbols: the assembler's unnamed and .L
# locals (79,000 of 83,000, kept for debug-info relocations) would cost the
# loader and the symbolizer milliseconds at every boot.
KERNEL_IMG_STRIP := --strip-debug --discard-locals --regex --strip-symbol='^$$'
# The kernel is position independent (KASLR); the loader is not.
KERNEL_CFLAGS := $(KCFLAGS) -fPIE -fvisibility=hidden
LOADER_CFLAGS := $(KCFLAGS) -fno-pic

KERNEL_SRCS := $(wildcard kernel/*.c kernel/*/*.c kernel/arch/riscv64/*.c kernel/arch/riscv64/*.S) \
	$(LIB_SRCS) $(wildcard bench/wasm/core/*.c)
KERNEL_SRCS := $(filter-out kernel/tests/%,$(KERNEL_SRCS))
# the test kernel also runs the spec testsuite (spec=DIR, kernel/tests/spec_run.c)
# through the host runner's portable core
KTEST_SRCS := $(wildcard kernel/tests/*.c) tools/spectest/wast_json.c \
	$(wildcard tools/spectest/run/spec_*.c)
LOADER_SRCS := $(wildcard loader/*.c) loader/entry.S kernel/arch/riscv64/pt.c kernel/lib/string.c \
	$(wildcard lib/base/*.c lib/fdt/*.c lib/mem/*.c)

kobjs = $(patsubst %,$(BUILD)/$(1)/%.o,$(2))

# $(1): build name, $(2): extra flags
define kernel_image
$(BUILD)/$(1)/%.c.o: %.c
	@mkdir -p $$(@D)
	$$(call step,CC)$$(KCC) $$(KERNEL_CFLAGS) $(2) -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/%.S.o: %.S
	@mkdir -p $$(@D)
	$$(call step,AS)$$(KCC) $$(KERNEL_CFLAGS) $(2) -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/kernel.elf: $(call kobjs,$(1),$(KERNEL_SRCS) $(3)) kernel/kernel.ld
	$$(call step,LD)$$(KLD) -pie --no-dynamic-linker -z norelro -z max-page-size=4096 --gc-sections \
		-T kernel/kernel.ld -o $$@ $(call kobjs,$(1),$(KERNEL_SRCS) $(3))
$(BUILD)/$(1)/kernel.img: $(BUILD)/$(1)/kernel.elf
	$$(call step,OBJCOPY)$$(KOBJCOPY) $$(KERNEL_IMG_STRIP) $$< $$@
$(BUILD)/$(1)/loader/%.c.o: %.c
	@mkdir -p $$(@D)
	$$(call step,CC)$$(KCC) $$(LOADER_CFLAGS) $(2) -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/loader/loader/entry.S.o: loader/entry.S $(BUILD)/$(1)/kernel.img
	@mkdir -p $$(@D)
	$$(call step,AS)$$(KCC) $$(LOADER_CFLAGS) -DKERNEL_ELF_PATH='"$(BUILD)/$(1)/kernel.img"' -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/loader.elf: $(call kobjs,$(1)/loader,$(LOADER_SRCS)) loader/loader.ld
	$$(call step,LD)$$(KLD) -z max-page-size=4096 --gc-sections -T loader/loader.ld -o $$@ \
		$(call kobjs,$(1)/loader,$(LOADER_SRCS))
-include $$(patsubst %.o,%.d,$(call kobjs,$(1),$(KERNEL_SRCS) $(3)) $(call kobjs,$(1)/loader,$(LOADER_SRCS)))
endef

$(eval $(call kernel_image,kernel,,))
$(eval $(call kernel_image,kernel-test,-DKTEST -DKDEBUG,$(KTEST_SRCS)))

# $(1): a folder holding an initrd.cpio; $(2): a build above (kernel or
# kernel-test), $(3): its extra sources. $(1)/loader.elf is that build's
# kernel with this initrd (the big image below, the spec image in
# mk/lib-spectest.mk).
define kernel_with_initrd
$(1)/initrd.S.o: kernel/arch/riscv64/initrd.S $(1)/initrd.cpio
	$$(call step,AS)$$(KCC) $$(KERNEL_CFLAGS) -DINITRD_PATH='"$(1)/initrd.cpio"' -c $$< -o $$@
$(1)/kernel.elf: $(filter-out %/initrd.S.o,$(call kobjs,$(2),$(KERNEL_SRCS) $(3))) $(1)/initrd.S.o kernel/kernel.ld
	$$(call step,LD)$$(KLD) -pie --no-dynamic-linker -z norelro -z max-page-size=4096 --gc-sections \
		-T kernel/kernel.ld -o $$@ $(filter-out %/initrd.S.o,$(call kobjs,$(2),$(KERNEL_SRCS) $(3))) \
		$(1)/initrd.S.o
$(1)/kernel.img: $(1)/kernel.elf
	$$(call step,OBJCOPY)$$(KOBJCOPY) $$(KERNEL_IMG_STRIP) $$< $$@
$(1)/entry.S.o: loader/entry.S $(1)/kernel.img
	$$(call step,AS)$$(KCC) $$(LOADER_CFLAGS) -DKERNEL_ELF_PATH='"$(1)/kernel.img"' -c $$< -o $$@
$(1)/loader.elf: $(filter-out %/entry.S.o,$(call kobjs,$(2)/loader,$(LOADER_SRCS))) $(1)/entry.S.o loader/loader.ld
	$$(call step,LD)$$(KLD) -z max-page-size=4096 --gc-sections -T loader/loader.ld -o $$@ \
		$(filter-out %/entry.S.o,$(call kobjs,$(2)/loader,$(LOADER_SRCS))) $(1)/entry.S.o
endef

.PHONY: kernel kernel-all kernel-test-build lib-check
kernel kernel-all: $(BUILD)/kernel/loader.elf
	@: # a recipe, so an up-to-date kernel is not "Nothing to be done" under make run
kernel-test-build: $(BUILD)/kernel-test/loader.elf

# `make lib-check [MOD=name]` compiles lib/ (or one module) as the kernel
# would, to catch hosted-only code early.
lib-check:
	$(Q)for f in $(if $(MOD),$(call lib_srcs,$(MOD)),$(LIB_SRCS)); do \
		$(KCC) $(KERNEL_CFLAGS) -fsyntax-only $$f || exit 1; done
	@echo "lib-check: ok"

# The big module (tools/gen-bigwasm.py): BIGWASM_MB MiB of generated
# functions that is also a WASI command printing one line (a checksum of a
# few of them); `make bench` measures its start-up on the host and in the
# kernel (tools/bench-bigstart.sh). About 2 s to generate.
BIGWASM_MB ?= 30
BIGWASM := $(BUILD)/bench/big.wasm
$(BIGWASM): tools/gen-bigwasm.py $(BUILD)/bench/bigwasm.vars
	@mkdir -p $(@D)
	$(call step,GEN,$(BIGWASM_MB) MiB of generated functions)python3 tools/gen-bigwasm.py $@ $(BIGWASM_MB) >/dev/null
ifneq ($(BIGWASM_MB),$(shell cat $(BUILD)/bench/bigwasm.vars 2>/dev/null))
$(shell mkdir -p $(BUILD)/bench && printf '%s\n' '$(BIGWASM_MB)' >$(BUILD)/bench/bigwasm.vars)
endif

# The big image (`make soak`, tests/qemu/boot_checks.sh, tools/bench-bigstart.sh):
# the main kernel's objects with an initrd that also holds /big: the big
# module (/big/big.wasm) and two blobs of random data making BIG_MB MiB in
# all (as much as a few big WASI programs), or the tree BIG_ROOTFS if given,
# so the loader places a ~45 MB image.
BIG_MB ?= 40
BIG_ROOTFS ?=
BIG := $(BUILD)/kernel-big
BIG_VARS_TEXT := BIG_MB=$(BIG_MB) BIG_ROOTFS=$(BIG_ROOTFS)
ifneq ($(BIG_VARS_TEXT),$(shell cat $(BIG)/vars 2>/dev/null))
$(shell mkdir -p $(BIG) && printf '%s\n' '$(BIG_VARS_TEXT)' >$(BIG)/vars)
endif
BIG_BLOB_KIB := $(shell echo $$(( ($(BIG_MB) - $(BIGWASM_MB)) * 512 > 0 ? ($(BIG_MB) - $(BIGWASM_MB)) * 512 : 0 )))

$(BIG)/initrd.cpio: $(BUILD)/initrd.cpio $(BIG)/vars tools/mkcpio.py $(if $(BIG_ROOTFS),$(shell find $(BIG_ROOTFS) 2>/dev/null),$(BIGWASM))
	$(call step,CPIO)rm -rf $(BIG)/root && mkdir -p $(BIG)/root/big && cp -R $(BUILD)/initrd-root/. $(BIG)/root/
	$(Q)$(if $(BIG_ROOTFS),cp -R $(BIG_ROOTFS)/. $(BIG)/root/big/,cp $(BIGWASM) $(BIG)/root/big/ && python3 -c 'import random,sys; r=random.Random(11); [open(f"{sys.argv[1]}/blob{i}", "wb").write(r.randbytes(int(sys.argv[2]) << 10)) for i in range(2)]' $(BIG)/root/big $(BIG_BLOB_KIB))
	$(Q)python3 tools/mkcpio.py $(BIG)/root $@
$(eval $(call kernel_with_initrd,$(BIG),kernel,))

.PHONY: kernel-big soak
kernel-big: $(BIG)/loader.elf
bench-build: kernel-big $(BIGWASM)

# `make soak [SOAK_BOOTS=n]`: n boots (default 200) of the big image on
# SMP=4, each to the prompt and a clean shutdown (tools/soak.sh).
SOAK_BOOTS ?= 200
soak: deps
	$(Q)$(MAKE) --no-print-directory kernel-big
	$(Q)BUILD=$(BUILD) tools/soak.sh $(SOAK_BOOTS)

# The official WASI testsuite in the kernel (tests/qemu/wasi_testsuite.py):
# the big image with each suite's preview1 tests under /big/SUITE (NAME.wasm,
# NAME.json, fs-tests.dir), run through the shell on SMP=2.
#   make wasi-testsuite-kernel [WASITS_ONLY=substr]
WASI_TESTSUITE ?= ../shared/wasi-testsuite
WASITS_ROOT := $(BUILD)/wasits-root
WASITS_ONLY ?=
.PHONY: kernel-wasits wasi-testsuite-kernel
kernel-wasits:
	$(Q)rm -rf $(WASITS_ROOT) && mkdir -p $(WASITS_ROOT) && \
	if [ ! -d $(WASI_TESTSUITE) ]; then \
		echo "kernel-wasits: $(WASI_TESTSUITE) missing: an image without the tests"; \
	else for s in assemblyscript c rust; do \
		mkdir -p $(WASITS_ROOT)/$$s && \
		cp -R $(WASI_TESTSUITE)/$$s/testsuite/wasm32-wasip1/. $(WASITS_ROOT)/$$s/ || exit 1; done; fi
	$(Q)$(MAKE) --no-print-directory kernel-big BIG=$(BUILD)/kernel-wasits \
		BIG_ROOTFS=$(abspath $(WASITS_ROOT))
wasi-testsuite-kernel: kernel-wasits
	$(Q)python3 tests/qemu/wasi_testsuite.py --smp 2 --suite $(WASI_TESTSUITE) \
		$(if $(WASITS_ONLY),--only $(WASITS_ONLY)) $(BUILD)/kernel-wasits/loader.elf
