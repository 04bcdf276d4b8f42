# The one Makefile (plus mk/*.mk). Everything is built out of tree in $(BUILD).
#
#   make run   [SMP=n] [MEM=size] [BOOTARGS="..."]   boot the kernel in QEMU
#   make test                                       every test; last line "N passed, N failed"
#   make bench                                      benchmarks (printed, not asserted)
#   make help                                       all targets and variables

BUILD    ?= build
SMP      ?= 1
MEM      ?= 256M
BOOTARGS ?=
V        ?= 0

# V=0: one line per built file, "  TAG     target" (as Linux's kbuild);
# V=1: the commands. A rule that builds a file starts its command with
# $(call step,TAG) (CC, AS, LD, AR, OBJCOPY, CPIO, GEN, ...), or
# $(call step,TAG,what) for a long step; other commands are hidden with $(Q).
ifeq ($(V),0)
Q := @
step = @printf '  %-7s %s\n' '$(1)' '$@$(if $(2), ($(2)))';
else
Q :=
step :=
endif

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

WARN := -std=c11 -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wvla -Wimplicit-fallthrough -Wundef -Wpointer-arith

# lib modules that use other lib modules (mod-test links them too)
LIBDEPS_vfs := wasi wasm ext2
LIBDEPS_wasi := wasm

include mk/host.mk
include mk/kernel.mk
include mk/qemu.mk
-include $(sort $(wildcard mk/lib-*.mk))
include mk/rv64.mk

.PHONY: all deps test test-build bench help clean format check-format

all: host-all kernel-all

deps:
	$(Q)tools/deps.sh

# `make test` must work as the first command on a fresh machine: install what
# is missing, build everything, then run every suite and sum their verdicts.
test: deps
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)BUILD=$(BUILD) tools/run-tests.sh

test-build: host-test-build kernel-test-build kernel kernel-big kernel-wasits kernel-spec spec-json

bench: deps
	$(Q)$(MAKE) --no-print-directory bench-build
	$(Q)BUILD=$(BUILD) tools/run-bench.sh

clean:
	rm -rf $(BUILD)

FORMAT_SRCS = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRCS)
check-format:
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRCS)

help:
	@echo "targets:"
	@echo "  run          boot the kernel in QEMU (Ctrl-A X quits QEMU)"
	@echo "  test         host tests (plain, ASan+UBSan, TSan) and in-kernel tests on SMP=1 and SMP=4"
	@echo "  bench        benchmarks; prints bench=NAME ... lines"
	@echo "  spectest     the WebAssembly spec testsuite (WASM_TESTSUITE=DIR), 2.0 and 3.0 (WASM_TESTSUITE3=DIR)"
	@echo "  spectest-features  the 3.0 suite's counts per feature (tests/spec/features.sh)"
	@echo "  spectest-kernel  the same inside the test kernel (SPEC_MEM=checked, SMP=n)"
	@echo "  wasmrun      $(BUILD)/host/wasmrun, the host runner (wasmrun --help)"
	@echo "  rv64-tools   wasmrun, spectest and the fuzz replays as riscv64 Linux programs"
	@echo "               in $(BUILD)/rv64 (run with qemu-riscv64); rv64-test tests them"
	@echo "  kernel       build $(BUILD)/kernel/loader.elf (the bootable image)"
	@echo "  debug        run with nokaslr, QEMU waiting for gdb on :GDB_PORT (default 1234)"
	@echo "  kernel-big   build $(BUILD)/kernel-big/loader.elf: the kernel with a ~45 MB initrd"
	@echo "               (/big: the 30 MiB generated big.wasm of make bench, and blobs)"
	@echo "  soak         boot kernel-big SOAK_BOOTS times (default 200) on SMP=4, each to"
	@echo "               the prompt and a clean shutdown; ends with N passed, N failed"
	@echo "  clean        remove $(BUILD)"
	@echo "variables:"
	@echo "  SMP=1..8     number of harts (default 1)"
	@echo "  MEM=size     guest memory, e.g. 128M, 1G (default 256M)"
	@echo "  BOOTARGS=..  kernel command line, e.g. 'log=debug backtrace=full'"
	@echo "  V=1          show the commands (default: one line per built file)"

# Everything `make bench` runs (mk/lib-*.mk add their own prerequisites).
bench-build: kernel kernel-test-build trace-tools
