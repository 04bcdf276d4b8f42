# lib/vfs: the initramfs cpio fuzzer and the archive tool.
#
#   make fuzz-cpio [FUZZ_SECONDS=60]   libFuzzer on vfs_initramfs_create + a walk of the result
#   make initrd-cpio INITRD_SRC=dir    $(BUILD)/initrd.cpio from a directory (tools/mkcpio.py)
#
# A crasher found by the fuzzer goes into tests/fuzz/regress/cpio/ (after the
# fix); the host test vfs_cpio.fuzz_regress replays that directory.

FUZZ_SECONDS ?= 60
VFS_FUZZ_CFLAGS := $(WARN) -Ilib -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
VFS_FUZZ_SRCS := tests/fuzz/cpio_fuzz.c lib/vfs/vfs.c lib/vfs/walk.c lib/vfs/vfs_file.c lib/vfs/access.c lib/vfs/cpio.c \
	lib/vfs/tmpfs.c lib/vfs/synth.c lib/vfs/check.c lib/vfs/ext2fs.c $(filter-out lib/ext2/host/%,$(wildcard lib/ext2/*.c)) lib/base/err.c lib/base/fmt.c lib/base/host/assert_host.c

$(BUILD)/fuzz/cpio_fuzz: $(VFS_FUZZ_SRCS) tests/fuzz/cpio_exercise.h $(wildcard lib/vfs/*.h lib/base/*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(VFS_FUZZ_CFLAGS) -o $@ $(VFS_FUZZ_SRCS)

.PHONY: fuzz-cpio initrd-cpio
fuzz-cpio: $(BUILD)/fuzz/cpio_fuzz
	@mkdir -p $(BUILD)/fuzz/cpio-corpus $(BUILD)/fuzz/cpio-artifacts
	$(BUILD)/fuzz/cpio_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
		-artifact_prefix=$(BUILD)/fuzz/cpio-artifacts/ \
		$(BUILD)/fuzz/cpio-corpus tests/fuzz/regress/cpio

INITRD_SRC ?= rootfs
initrd-cpio: tools/mkcpio.py
	$(call step,CPIO)python3 tools/mkcpio.py $(INITRD_SRC) $(BUILD)/initrd.cpio
