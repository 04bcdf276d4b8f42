# kasync extras: the executor benchmark (host, -O2).
#   make bench-kasync      builds and prints the four workloads for 1 and 2 threads
#                          (tools/bench-exec.sh: medians, spread, ratios to the peers)
KASYNC_BENCH_SRCS := bench/kasync/bench_exec.c $(wildcard lib/kasync/*.c lib/kasync/host/*.c) \
	lib/base/err.c lib/base/host/assert_host.c

$(BUILD)/host/bench/bench_exec: $(call host_objs,host,$(KASYNC_BENCH_SRCS))
	@mkdir -p $(@D)
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -pthread -o $@ $^ $(HOST_LDLIBS)

-include $(patsubst %.o,%.d,$(call host_objs,host,bench/kasync/bench_exec.c))

.PHONY: bench-build bench-kasync
bench-build: $(BUILD)/host/bench/bench_exec

bench-kasync: $(BUILD)/host/bench/bench_exec
	$(Q)BUILD=$(BUILD) tools/bench-exec.sh 5
