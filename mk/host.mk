# Host builds of lib/ and its tests, in three variants:
#   $(BUILD)/host       -O2, for tools and benchmarks
#   $(BUILD)/host-asan  AddressSanitizer + UndefinedBehaviorSanitizer
#   $(BUILD)/host-tsan  ThreadSanitizer
# lib/*/*.c and lib/*/<part>/*.c are portable and built here and into the
# kernel; lib/*/host/*.c is host-only (POSIX services behind the portable
# interfaces).

HOST_CC     := clang
HOST_CFLAGS := $(WARN) -Ilib -g -fno-omit-frame-pointer -D_GNU_SOURCE -pthread
# generated test sources (e.g. device-tree blobs as C arrays), set by mk/lib-*.mk:
#   HOST_TEST_GEN += $(BUILD)/gen/x.c   and   HOST_TEST_GEN_<mod> += $(BUILD)/gen/x.c
HOST_TEST_GEN :=
HOST_LDLIBS := -lpthread -lm

# lib_srcs MOD: the portable sources of lib/MOD (its part folders included)
lib_srcs = $(filter-out $(wildcard lib/$(1)/host/*.c),$(wildcard lib/$(1)/*.c lib/$(1)/*/*.c))
LIB_SRCS       := $(call lib_srcs,*)
LIB_HOST_SRCS  := $(wildcard lib/*/host/*.c)
HOST_TEST_SRCS := $(wildcard tests/host/*.c) kernel/arch/riscv64/pt.c

HOST_VARIANT_host      := -O2
HOST_VARIANT_host-asan := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_VARIANT_host-tsan := -O1 -fsanitize=thread -DTSAN_BUILD

.SECONDEXPANSION:
host_objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(2))

define host_variant
$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(call step,CC)$$(HOST_CC) $$(HOST_CFLAGS) $$(HOST_VARIANT_$(1)) -MMD -MP -c $$< -o $$@

$(BUILD)/$(1)/libkern.a: $(call host_objs,$(1),$(LIB_SRCS) $(LIB_HOST_SRCS))
	@rm -f $$@
	$$(call step,AR)ar rcs $$@ $$^

# --whole-archive keeps every TEST in the library's own files.
# HOST_TEST_GEN (set by mk/lib-*.mk, read late) lists generated test sources.
$(BUILD)/$(1)/test_host: $(call host_objs,$(1),$(HOST_TEST_SRCS)) $$$$(call host_objs,$(1),$$$$(HOST_TEST_GEN)) $(BUILD)/$(1)/libkern.a
	$$(call step,LD)$$(HOST_CC) $$(HOST_VARIANT_$(1)) -pthread -o $$@ \
		$$(filter %.o,$$^) \
		-Wl,--whole-archive $(BUILD)/$(1)/libkern.a -Wl,--no-whole-archive $$(HOST_LDLIBS)

-include $$(patsubst %.o,%.d,$(call host_objs,$(1),$(LIB_SRCS) $(LIB_HOST_SRCS) $(HOST_TEST_SRCS)))
endef

$(foreach v,host host-asan host-tsan,$(eval $(call host_variant,$(v))))

.PHONY: host-all host-test-build
host-all: $(BUILD)/host/test_host
host-test-build: $(BUILD)/host/test_host $(BUILD)/host-asan/test_host $(BUILD)/host-tsan/test_host

# Per-module test binaries: $(BUILD)/<variant>/test_<mod> links lib/base,
# lib/<mod> (plus the modules named in LIBDEPS_<mod>) and tests/host/<mod>_*.c,
# so work on one module is tested without building the others.
#   make mod-test MOD=fdt [VARIANT=host-asan]
LIB_MODS := $(filter-out base,$(patsubst lib/%/,%,$(wildcard lib/*/)))
mod_srcs = $(foreach m,base $(1) $(LIBDEPS_$(1)),$(wildcard lib/$(m)/*.c lib/$(m)/*/*.c)) \
	$(wildcard tests/host/$(1)_*.c) tests/host/main.c

define mod_test
$(BUILD)/$(2)/test_$(1): $(call host_objs,$(2),$(call mod_srcs,$(1))) $$$$(call host_objs,$(2),$$$$(HOST_TEST_GEN_$(1)))
	$$(call step,LD)$$(HOST_CC) $$(HOST_VARIANT_$(2)) -pthread -o $$@ $$^ $$(HOST_LDLIBS)
endef
$(foreach m,$(LIB_MODS),$(foreach v,host host-asan host-tsan,$(eval $(call mod_test,$(m),$(v)))))

VARIANT ?= host
.PHONY: mod-test
mod-test: $(BUILD)/$(VARIANT)/test_$(MOD)
	$(Q)$(BUILD)/$(VARIANT)/test_$(MOD) $(FILTER)
