# lib/mem extras: the heap benchmark (host, -O2).
#   make bench-heap        builds and prints bench=heap lines (bench/mem/bench_heap.c)
# Instruction counts of one workload (valgrind cannot read clang's debug info,
# hence the copy without it):
#   objcopy --strip-debug build/host/bench/bench_heap /tmp/bh
#   valgrind --tool=callgrind --toggle-collect=bench_slots --callgrind-out-file=/dev/null \
#           /tmp/bh --runs 1 --only small        (bench_big_loop for --only big_loop)

HEAP_BENCH_SRCS := bench/mem/bench_heap.c lib/mem/heap.c lib/base/err.c lib/base/host/assert_host.c

$(BUILD)/host/bench/bench_heap: $(call host_objs,host,$(HEAP_BENCH_SRCS))
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_VARIANT_host) -o $@ $^ $(HOST_LDLIBS)

-include $(patsubst %.o,%.d,$(call host_objs,host,bench/mem/bench_heap.c))

.PHONY: bench-heap
bench-build: $(BUILD)/host/bench/bench_heap

bench-heap: $(BUILD)/host/bench/bench_heap
	$(Q)$(BUILD)/host/bench/bench_heap
