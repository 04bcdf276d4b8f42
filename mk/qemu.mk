# Running the kernel in QEMU.

QEMU := qemu-system-riscv64

.PHONY: run debug
# `make run DISK=file.img [DISKDIR=folder] [DISKSIZE=64M]`: the image is the
# disk (its ext2 mounted at /data); a missing one is made by mke2fs, from
# DISKDIR's files if given (tools/mkdisk.sh).
DISKSIZE ?= 64M
run: deps
	$(Q)$(MAKE) --no-print-directory kernel
	$(Q)$(if $(DISK),tools/mkdisk.sh "$(DISK)" "$(DISKDIR)" "$(DISKSIZE)" &&) \
		DISK="$(DISK)" tools/qemu-run.sh $(BUILD)/kernel/loader.elf $(SMP) $(MEM) "$(BOOTARGS)"

# `make debug [GDB_PORT=n]`: QEMU stopped at its first instruction, waiting
# for gdb on localhost:GDB_PORT; the kernel boots with nokaslr, so it runs
# at kernel.elf's addresses and `break kmain` stops there.
GDB_PORT ?= 1234
debug: deps
	$(Q)$(MAKE) --no-print-directory kernel
	@echo "QEMU waits for gdb on port $(GDB_PORT); in another terminal:"
	@echo "  gdb-multiarch $(BUILD)/kernel/kernel.elf -ex 'target remote :$(GDB_PORT)'"
	@echo "then e.g. 'break kmain' and 'continue' (Ctrl-] X quits QEMU)"
	$(Q)$(QEMU) -machine virt -smp $(SMP) -m $(MEM) -bios default -nographic -echr 0x1d \
		-kernel $(BUILD)/kernel/loader.elf -append "nokaslr $(BOOTARGS)" \
		-gdb tcp:127.0.0.1:$(GDB_PORT) -S
