# Running the kernel in QEMU.

QEMU := qemu-system-riscv64
QEMU_FLAGS = -machine virt -smp $(SMP) -m $(MEM) -bios default -nographic \
	-kernel $(BUILD)/kernel/loader.elf $(if $(BOOTARGS),-append "$(BOOTARGS)")

.PHONY: run debug
run: deps
	$(Q)$(MAKE) --no-print-directory kernel
	$(Q)tools/qemu-run.sh $(BUILD)/kernel/loader.elf $(SMP) $(MEM) "$(BOOTARGS)"

debug: deps
	$(Q)$(MAKE) --no-print-directory kernel
	@echo "QEMU waits for gdb: gdb-multiarch $(BUILD)/kernel/kernel.elf -ex 'target remote :1234'"
	$(Q)$(QEMU) $(QEMU_FLAGS) -s -S
