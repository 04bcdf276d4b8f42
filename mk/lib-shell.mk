# lib/shell: the shell language's fuzzer.
#
#   make fuzz-shell [FUZZ_SECONDS=60]   libFuzzer on sh_parse + sh_expand + sh_glob
#
# A crasher goes into tests/fuzz/regress/shell/ (after the fix); the host
# test shell_parse.fuzz_regress replays that directory.

SHELL_FUZZ_SRCS := tests/fuzz/shell_fuzz.c $(wildcard lib/shell/*.c) lib/base/err.c lib/base/fmt.c \
	lib/base/host/assert_host.c

$(BUILD)/fuzz/shell_fuzz: $(SHELL_FUZZ_SRCS) tests/fuzz/shell_exercise.h $(wildcard lib/shell/*.h)
	@mkdir -p $(@D)
	$(call step,CC)$(HOST_CC) $(VFS_FUZZ_CFLAGS) -o $@ $(SHELL_FUZZ_SRCS)

.PHONY: fuzz-shell
fuzz-shell: $(BUILD)/fuzz/shell_fuzz
	@mkdir -p $(BUILD)/fuzz/shell-corpus $(BUILD)/fuzz/shell-artifacts
	$(BUILD)/fuzz/shell_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=512 \
		-artifact_prefix=$(BUILD)/fuzz/shell-artifacts/ \
		$(BUILD)/fuzz/shell-corpus tests/fuzz/regress/shell
