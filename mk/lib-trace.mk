# lib/trace extras: the benchmark and the trace2json tool, built -O2 on the host.
#   make BUILD=... trace-tools     -> $(BUILD)/host/bench_trace, $(BUILD)/host/trace2json
#                                     (trace2json --help; tests/trace2json/check.sh)
#   make BUILD=... trace-bench     runs bench_trace

TRACE_LIB_SRCS := $(wildcard lib/trace/*.c) $(wildcard lib/base/*.c) $(wildcard lib/base/host/*.c)

$(BUILD)/host/bench_trace: $(call host_objs,host,bench/trace/bench_trace.c $(TRACE_LIB_SRCS))
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -pthread -o $@ $^ $(HOST_LDLIBS)

$(BUILD)/host/trace2json: $(call host_objs,host,tools/trace2json/trace2json.c)
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -o $@ $^

-include $(patsubst %.o,%.d,$(call host_objs,host,bench/trace/bench_trace.c tools/trace2json/trace2json.c))

.PHONY: trace-tools trace-bench
trace-tools: $(BUILD)/host/bench_trace $(BUILD)/host/trace2json
# make test runs tests/trace2json/check.sh
host-test-build: $(BUILD)/host/trace2json
trace-bench: $(BUILD)/host/bench_trace
	$(Q)$(BUILD)/host/bench_trace

# trace.dat: a file of known records for tests/tracedat/check.sh (trace-cmd report)
$(BUILD)/host/tracedat_gen: $(call host_objs,host,tests/tracedat/gen.c) $(BUILD)/host/libkern.a
	$(call step,LD)$(HOST_CC) $(HOST_VARIANT_host) -pthread -o $@ $^ $(HOST_LDLIBS)
-include $(patsubst %.o,%.d,$(call host_objs,host,tests/tracedat/gen.c))
# make test runs tests/tracedat/check.sh
host-test-build: $(BUILD)/host/tracedat_gen

# the trace.dat reader (`trace report`) under libFuzzer, seeded with
# tracedat_gen's file:
#   make fuzz-tracedat [FUZZ_SECONDS=60]
# A crasher goes into tests/fuzz/regress/tracedat/ (after the fix); the host
# test trace_dat_read.fuzz_regress replays that directory.
TRACEDAT_FUZZ_SRCS := tests/fuzz/tracedat_fuzz.c $(TRACE_LIB_SRCS)

$(BUILD)/fuzz/tracedat_fuzz: $(TRACEDAT_FUZZ_SRCS) tests/fuzz/tracedat_exercise.h $(wildcard lib/trace/*.h lib/base/*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(FUZZ_CFLAGS) -o $@ $(TRACEDAT_FUZZ_SRCS)

.PHONY: fuzz-tracedat
fuzz-tracedat: $(BUILD)/fuzz/tracedat_fuzz $(BUILD)/host/tracedat_gen
	@mkdir -p $(BUILD)/fuzz/tracedat-corpus $(BUILD)/fuzz/tracedat-artifacts
	$(Q)[ -e $(BUILD)/fuzz/tracedat-corpus/gen.dat ] || \
		$(BUILD)/host/tracedat_gen $(BUILD)/fuzz/tracedat-corpus/gen.dat >/dev/null
	$(BUILD)/fuzz/tracedat_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
		-artifact_prefix=$(BUILD)/fuzz/tracedat-artifacts/ \
		$(BUILD)/fuzz/tracedat-corpus tests/fuzz/regress/tracedat
