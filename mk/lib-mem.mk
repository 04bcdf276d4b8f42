# lib/mem extras: the heap benchmark (host, -O2) and the heap fuzzer.
#   make bench-heap                   builds and prints bench=heap lines (bench/mem/bench_heap.c)
#   make fuzz-heap [FUZZ_SECONDS=60]  libFuzzer over operation sequences (tests/fuzz/heap_exercise.h)
#
# A crasher found by the fuzzer goes into tests/fuzz/regress/heap/ (after
# the fix); the host test mem.heap_fuzz_regress replays that directory.
#
# Instruction counts of one benchmark workload (valgrind cannot read clang's
# debug info, hence the copy without it):
#   objcopy --strip-debug build/host/bench/bench_heap /tmp/bh
#   valgrind --tool=callgrind --toggle-collect=bench_slots --callgrind-out-file=/dev/null \
#           /tmp/bh --runs 1 --only small        (bench_big_loop for --only big_loop)

HEAP_BENCH_SRCS := bench/mem/bench_heap.c lib/mem/heap.c lib/mem/heap_check.c lib/base/err.c lib/base/host/assert_host.c

$(BUILD)/host/bench/bench_heap: $(call host_objs,host,$(HEAP_BENCH_SRCS))
	@mkdir -p $(@D)
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -o $@ $^ $(HOST_LDLIBS)

-include $(patsubst %.o,%.d,$(call host_objs,host,bench/mem/bench_heap.c))

.PHONY: bench-heap fuzz-heap
bench-build: $(BUILD)/host/bench/bench_heap

bench-heap: $(BUILD)/host/bench/bench_heap
	$(Q)$(BUILD)/host/bench/bench_heap

HEAP_FUZZ_SRCS := tests/fuzz/heap_fuzz.c lib/mem/heap.c lib/mem/heap_check.c lib/base/err.c lib/base/host/assert_host.c

$(BUILD)/fuzz/heap_fuzz: $(HEAP_FUZZ_SRCS) tests/fuzz/heap_exercise.h $(wildcard lib/mem/heap*.h lib/base/*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(FUZZ_CFLAGS) -o $@ $(HEAP_FUZZ_SRCS)

fuzz-heap: $(BUILD)/fuzz/heap_fuzz
	@mkdir -p $(BUILD)/fuzz/heap-corpus $(BUILD)/fuzz/heap-artifacts
	$(BUILD)/fuzz/heap_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=16001 \
		-artifact_prefix=$(BUILD)/fuzz/heap-artifacts/ \
		$(BUILD)/fuzz/heap-corpus tests/fuzz/regress/heap
