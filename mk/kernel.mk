# Freestanding riscv64 builds: the kernel, the test kernel and the loader.

KCC := clang
KLD := ld.lld
KARCH := --target=riscv64-unknown-elf -march=rv64gc -mabi=lp64d -mcmodel=medany
KCFLAGS := $(WARN) $(KARCH) -ffreestanding -nostdlib -nostdlibinc \
	-fno-omit-frame-pointer -fno-stack-protector -fno-builtin-printf \
	-mno-relax -O2 -g -Ilib -Ikernel -isystem kernel/libc/include

# `make lib-check [MOD=name]` compiles lib/ (or one module) as the kernel
# would, to catch hosted-only code early.
.PHONY: lib-check
lib-check:
	$(Q)for f in $(if $(MOD),$(wildcard lib/$(MOD)/*.c),$(LIB_SRCS)); do \
		$(KCC) $(KCFLAGS) -fsyntax-only $$f || exit 1; done
	@echo "lib-check: ok"
