# lib/ext2: the ext2 fuzzer, its replay, its seed corpus and the benchmark.
#
#   make fuzz-ext2 [FUZZ_SECONDS=60]  libFuzzer on disk images (tests/fuzz/ext2_exercise.h),
#                                     seeded with mke2fs images (tools/mkext2-seeds.sh)
#   make bench-ext2                   sequential read/write MB/s over a memory device
#
# A crasher found by the fuzzer goes into tests/fuzz/regress/ext2/ (after the
# fix); tests/fuzz/replay.sh (make test) replays that directory through
# $(BUILD)/host-asan/fuzz_replay_ext2 (and $(BUILD)/rv64/fuzz_replay_ext2
# under qemu-riscv64).

EXT2_SRCS := $(call lib_srcs,ext2) lib/base/err.c lib/base/host/assert_host.c

$(BUILD)/fuzz/ext2_fuzz: tests/fuzz/ext2_fuzz.c $(EXT2_SRCS) tests/fuzz/ext2_exercise.h $(wildcard lib/ext2/*.h lib/base/*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/ext2_fuzz.c $(EXT2_SRCS)

$(BUILD)/host-asan/fuzz_replay_ext2: $(call host_objs,host-asan,tests/fuzz/replay_main.c tests/fuzz/ext2_fuzz.c $(EXT2_SRCS))
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host-asan) -o $@ $^ $(HOST_LDLIBS)

$(BUILD)/host/bench/bench_ext2: $(call host_objs,host,bench/ext2/bench_ext2.c $(EXT2_SRCS))
	@mkdir -p $(@D)
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -o $@ $^ $(HOST_LDLIBS)

-include $(patsubst %.o,%.d,$(call host_objs,host-asan,tests/fuzz/ext2_fuzz.c) $(call host_objs,host,bench/ext2/bench_ext2.c))

# the same replay as a riscv64 Linux program (mk/rv64.mk), for the
# fuzz-replay-rv64 suite: the filesystem runs on the kernel's architecture
$(BUILD)/rv64/fuzz_replay_ext2: $(call host_objs,rv64,tests/fuzz/replay_main.c tests/fuzz/ext2_fuzz.c $(EXT2_SRCS))
	$(call step,LD)$(RV64_CC) $(RV64_LDFLAGS) -o $@ $^ $(HOST_LDLIBS)

host-test-build: $(BUILD)/host-asan/fuzz_replay_ext2
rv64-tools: $(BUILD)/rv64/fuzz_replay_ext2
bench-build: $(BUILD)/host/bench/bench_ext2

.PHONY: fuzz-ext2 bench-ext2
fuzz-ext2: $(BUILD)/fuzz/ext2_fuzz
	@mkdir -p $(BUILD)/fuzz/ext2-corpus $(BUILD)/fuzz/ext2-artifacts
	$(Q)[ -e $(BUILD)/fuzz/ext2-corpus/seed-0 ] || tools/mkext2-seeds.sh $(BUILD)/fuzz/ext2-corpus
	$(BUILD)/fuzz/ext2_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=131072 -timeout=10 \
		-artifact_prefix=$(BUILD)/fuzz/ext2-artifacts/ \
		$(BUILD)/fuzz/ext2-corpus tests/fuzz/regress/ext2

bench-ext2: $(BUILD)/host/bench/bench_ext2
	$(Q)$(BUILD)/host/bench/bench_ext2
