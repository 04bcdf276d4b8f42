# Userland: the demo WASI programs (userland/*.c) and the initrd the kernel
# embeds (kernel/arch/riscv64/initrd.S includes it with .incbin).
#
#   make userland                       $(BUILD)/userland/*.wasm
#   make initrd                         $(BUILD)/initrd.cpio
#   make run PROGRAMS="a.wasm b.wasm"   extra programs in /bin of the initrd
#   make run ROOTFS=dir                 an extra tree at / of the initrd
#
# The initrd holds /bin/<name>.wasm for every userland program,
# /lib/bench/<name>.wasm for every bench/wasm program (the kernel's `bench`
# runs them), the tree rootfs/ (/etc/motd), then $(ROOTFS) and $(PROGRAMS)
# (later ones win). A change of either variable rebuilds it: their values
# are kept in a file that is rewritten only when they change.

USERLAND_SRCS := $(wildcard userland/*.c)
USERLAND_WASMS := $(patsubst userland/%.c,$(BUILD)/userland/%.wasm,$(USERLAND_SRCS))
# programs written in the text format (features C does not reach, e.g.
# exceptions), encoded by our own front end (watenc, mk/lib-wasm.mk)
USERLAND_WATS := $(wildcard userland/*.wat)
USERLAND_WASMS += $(patsubst userland/%.wat,$(BUILD)/userland/%.wasm,$(USERLAND_WATS))
USERLAND_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror
# linked into each: chdir($PWD) before main (the shell's working directory)
USERLAND_LIB := userland/lib/pwd.c

$(BUILD)/userland/%.wasm: userland/%.c $(USERLAND_LIB)
	@mkdir -p $(@D)
	$(call step,CC)clang --target=wasm32-wasi $(USERLAND_CFLAGS) -o $@ $< $(USERLAND_LIB)

$(BUILD)/userland/%.wasm: userland/%.wat $(BUILD)/host/watenc
	@mkdir -p $(@D)
	$(call step,WATENC)$(BUILD)/host/watenc $< $@

# alloc: a 64 MiB ceiling, so "until refused" ends at the module's own limit
$(BUILD)/userland/alloc.wasm: userland/alloc.c $(USERLAND_LIB)
	@mkdir -p $(@D)
	$(call step,CC)clang --target=wasm32-wasi $(USERLAND_CFLAGS) -Wl,--max-memory=67108864 -o $@ $< $(USERLAND_LIB)

# stack: a 2 MiB shadow stack, so the call stack (10000 frames, or the
# compiled tier's 1 MiB guest stack) runs out first: "call stack exhausted"
$(BUILD)/userland/stack.wasm: userland/stack.c $(USERLAND_LIB)
	@mkdir -p $(@D)
	$(Q)clang --target=wasm32-wasi $(USERLAND_CFLAGS) -Wl,-z,stack-size=2097152 -o $@ $< $(USERLAND_LIB)

PROGRAMS ?=
ROOTFS ?=
INITRD := $(BUILD)/initrd.cpio
INITRD_VARS := $(BUILD)/initrd.vars
INITRD_VARS_TEXT := PROGRAMS=$(PROGRAMS) ROOTFS=$(ROOTFS)
ifneq ($(INITRD_VARS_TEXT),$(shell cat $(INITRD_VARS) 2>/dev/null))
$(shell mkdir -p $(BUILD) && printf '%s\n' '$(INITRD_VARS_TEXT)' >$(INITRD_VARS))
endif

# built by mk/lib-wasmenv.mk's rule
INITRD_BENCH_WASMS := $(patsubst bench/wasm/%.c,$(BUILD)/bench/wasm/%.wasm,$(wildcard bench/wasm/*.c))

# tests/wasi's tail-call program, built with and without -mtail-call
# (mk/lib-wasmrun.mk), for the shell's checks (tests/qemu/userland.py)
INITRD_TEST_WASMS := $(BUILD)/wasi/tailcall.wasm $(BUILD)/wasi/tailcall-tc.wasm

INITRD_INPUTS := $(USERLAND_WASMS) $(INITRD_TEST_WASMS) $(INITRD_BENCH_WASMS) $(shell find rootfs -type f 2>/dev/null) $(PROGRAMS) \
	$(if $(ROOTFS),$(shell find $(ROOTFS) 2>/dev/null))

$(INITRD): $(INITRD_INPUTS) $(INITRD_VARS) tools/mkcpio.py
	$(call step,CPIO)rm -rf $(BUILD)/initrd-root && mkdir -p $(BUILD)/initrd-root/bin
	$(Q)cp $(USERLAND_WASMS) $(INITRD_TEST_WASMS) $(BUILD)/initrd-root/bin/
	$(Q)mkdir -p $(BUILD)/initrd-root/lib/bench && cp $(INITRD_BENCH_WASMS) $(BUILD)/initrd-root/lib/bench/
	$(Q)cp -R rootfs/. $(BUILD)/initrd-root/
	$(Q)$(if $(ROOTFS),cp -R $(ROOTFS)/. $(BUILD)/initrd-root/)
	$(Q)$(if $(strip $(PROGRAMS)),cp $(PROGRAMS) $(BUILD)/initrd-root/bin/)
	$(Q)python3 tools/mkcpio.py $(BUILD)/initrd-root $@

# Both kernel images embed it (the object's rule is mk/kernel.mk's).
INITRD_ASM := kernel/arch/riscv64/initrd.S
$(BUILD)/kernel/$(INITRD_ASM).o $(BUILD)/kernel-test/$(INITRD_ASM).o: $(INITRD)
$(BUILD)/kernel/$(INITRD_ASM).o $(BUILD)/kernel-test/$(INITRD_ASM).o: \
	KERNEL_CFLAGS += -DINITRD_PATH='"$(INITRD)"'

.PHONY: userland initrd userland-test
userland: $(USERLAND_WASMS)
initrd: $(INITRD)

host-test-build: $(WASMRUN) $(USERLAND_WASMS)

userland-test: $(WASMRUN) $(USERLAND_WASMS)
	$(Q)BUILD=$(BUILD) tests/userland/host.sh
