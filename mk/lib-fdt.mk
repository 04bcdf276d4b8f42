# lib/fdt: device-tree blobs for the host tests, and the libFuzzer target.
#
#   tests/host/fdt/*.dts --dtc--> $(BUILD)/gen/fdt/*.dtb --dtb2c.py--> $(BUILD)/gen/fdt_blobs.c
#   make fuzz-fdt [FUZZ_SECONDS=60]    fuzz fdt_init/lookups/fdt_parse_info
#
# A crasher found by the fuzzer goes into tests/fuzz/regress/fdt/ (by hand,
# after the fix); the host test fdt.fuzz_regress replays that directory.

FDT_DTS  := $(sort $(wildcard tests/host/fdt/*.dts))
FDT_DTBS := $(patsubst tests/host/fdt/%.dts,$(BUILD)/gen/fdt/%.dtb,$(FDT_DTS)) \
	$(BUILD)/gen/fdt/virt-v16.dtb

$(BUILD)/gen/fdt/%.dtb: tests/host/fdt/%.dts
	@mkdir -p $(@D)
	$(call step,DTC)dtc -q -I dts -O dtb -o $@ $<

# the same tree in the older version-16 layout (no size_dt_struct)
$(BUILD)/gen/fdt/virt-v16.dtb: tests/host/fdt/virt.dts
	@mkdir -p $(@D)
	$(call step,DTC)dtc -q -V 16 -I dts -O dtb -o $@ $<

$(BUILD)/gen/fdt_blobs.c: $(FDT_DTBS) tests/host/fdt/dtb2c.py
	@mkdir -p $(@D)
	$(call step,GEN)python3 tests/host/fdt/dtb2c.py $@ $(abspath tests/host/fdt/fdt_blobs.h) \
		$(foreach d,$(FDT_DTBS),$(basename $(notdir $(d)))=$(d))

HOST_TEST_GEN += $(BUILD)/gen/fdt_blobs.c
HOST_TEST_GEN_fdt += $(BUILD)/gen/fdt_blobs.c

FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := $(WARN) -Ilib -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FDT_FUZZ_SRCS := tests/fuzz/fdt_fuzz.c $(wildcard lib/fdt/*.c) lib/base/err.c \
	lib/base/host/assert_host.c

$(BUILD)/fuzz/fdt_fuzz: $(FDT_FUZZ_SRCS) $(wildcard lib/fdt/*.h lib/base/*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(FUZZ_CFLAGS) -o $@ $(FDT_FUZZ_SRCS)

.PHONY: fuzz-fdt
fuzz-fdt: $(BUILD)/fuzz/fdt_fuzz $(FDT_DTBS)
	@mkdir -p $(BUILD)/fuzz/fdt-corpus $(BUILD)/fuzz/fdt-artifacts
	$(BUILD)/fuzz/fdt_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-artifact_prefix=$(BUILD)/fuzz/fdt-artifacts/ \
		$(BUILD)/fuzz/fdt-corpus tests/fuzz/regress/fdt $(BUILD)/gen/fdt
