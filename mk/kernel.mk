# Freestanding riscv64 builds: the kernel, the test kernel and the loader.
#
#   $(BUILD)/kernel/loader.elf       bootable image: loader + embedded kernel
#   $(BUILD)/kernel-test/loader.elf  the same with the in-kernel tests (KTEST)

KCC := clang
KLD := ld.lld
KARCH := --target=riscv64-unknown-elf -march=rv64gc -mabi=lp64d -mcmodel=medany
KCFLAGS := $(WARN) $(KARCH) -ffreestanding -nostdlib -nostdlibinc \
	-fno-omit-frame-pointer -fno-stack-protector -fno-builtin-printf \
	-mno-relax -O2 -g -Ilib -Ikernel -isystem kernel/libc/include
# The kernel is position independent (KASLR); the loader is not.
KERNEL_CFLAGS := $(KCFLAGS) -fPIE -fvisibility=hidden
LOADER_CFLAGS := $(KCFLAGS) -fno-pic

KERNEL_SRCS := $(wildcard kernel/*.c kernel/*/*.c kernel/arch/riscv64/*.c kernel/arch/riscv64/*.S) \
	$(LIB_SRCS) $(wildcard bench/wasm/core/*.c)
KERNEL_SRCS := $(filter-out kernel/tests/%,$(KERNEL_SRCS))
KTEST_SRCS := $(wildcard kernel/tests/*.c)
LOADER_SRCS := $(wildcard loader/*.c) loader/entry.S kernel/arch/riscv64/pt.c kernel/lib/string.c \
	$(wildcard lib/base/*.c lib/fdt/*.c lib/mem/*.c)

kobjs = $(patsubst %,$(BUILD)/$(1)/%.o,$(2))

# $(1): build name, $(2): extra flags
define kernel_image
$(BUILD)/$(1)/%.c.o: %.c
	@mkdir -p $$(@D)
	$$(Q)$$(KCC) $$(KERNEL_CFLAGS) $(2) -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/%.S.o: %.S
	@mkdir -p $$(@D)
	$$(Q)$$(KCC) $$(KERNEL_CFLAGS) $(2) -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/kernel.elf: $(call kobjs,$(1),$(KERNEL_SRCS) $(3)) kernel/kernel.ld
	$$(Q)$$(KLD) -pie --no-dynamic-linker -z norelro -z max-page-size=4096 --gc-sections \
		-T kernel/kernel.ld -o $$@ $(call kobjs,$(1),$(KERNEL_SRCS) $(3))
$(BUILD)/$(1)/loader/%.c.o: %.c
	@mkdir -p $$(@D)
	$$(Q)$$(KCC) $$(LOADER_CFLAGS) -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/loader/loader/entry.S.o: loader/entry.S $(BUILD)/$(1)/kernel.elf
	@mkdir -p $$(@D)
	$$(Q)$$(KCC) $$(LOADER_CFLAGS) -DKERNEL_ELF_PATH='"$(BUILD)/$(1)/kernel.elf"' -MMD -MP -c $$< -o $$@
$(BUILD)/$(1)/loader.elf: $(call kobjs,$(1)/loader,$(LOADER_SRCS)) loader/loader.ld
	$$(Q)$$(KLD) -z max-page-size=4096 --gc-sections -T loader/loader.ld -o $$@ \
		$(call kobjs,$(1)/loader,$(LOADER_SRCS))
-include $$(patsubst %.o,%.d,$(call kobjs,$(1),$(KERNEL_SRCS) $(3)) $(call kobjs,$(1)/loader,$(LOADER_SRCS)))
endef

$(eval $(call kernel_image,kernel,,))
$(eval $(call kernel_image,kernel-test,-DKTEST -DKDEBUG,$(KTEST_SRCS)))

.PHONY: kernel kernel-all kernel-test-build lib-check
kernel kernel-all: $(BUILD)/kernel/loader.elf
kernel-test-build: $(BUILD)/kernel-test/loader.elf

# `make lib-check [MOD=name]` compiles lib/ (or one module) as the kernel
# would, to catch hosted-only code early.
lib-check:
	$(Q)for f in $(if $(MOD),$(wildcard lib/$(MOD)/*.c),$(LIB_SRCS)); do \
		$(KCC) $(KERNEL_CFLAGS) -fsyntax-only $$f || exit 1; done
	@echo "lib-check: ok"
