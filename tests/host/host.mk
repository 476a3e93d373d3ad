# make test-host: the proven kernel/mm sources of $(PROVEN_SRCS), unmodified
# and through the same headers, linked with cmocka tests and a host frame
# pool, built and run three times: plain -O2, AddressSanitizer and
# UndefinedBehaviorSanitizer. One PASS:/FAIL: line per cmocka test per
# variant ("PASS: host[asan] map_random_100k"). HOST_SEED=N replays a run.

HOST_BUILD    := $(BUILD)/host
HOST_VARIANTS := plain asan ubsan
HOST_CC       ?= gcc
HOST_CFLAGS   := -std=gnu11 -g -Wall -Wextra -Werror -Iinclude -Itests/host
HOST_CFLAGS_plain := -O2
HOST_CFLAGS_asan  := -O1 -fsanitize=address -fno-omit-frame-pointer
HOST_CFLAGS_ubsan := -O1 -fsanitize=undefined -fno-sanitize-recover=all
HOST_LIBS     := -lcmocka
HOST_TIMEOUT  ?= 120

# Proven mm sources that exist; a missing one is `make prove`'s failure.
HOST_MM_SRCS  := $(wildcard $(filter kernel/mm/%.c,$(PROVEN_SRCS)))
HOST_SUPPORT  := tests/host/host_pool.c tests/host/host_support.c kernel/arch/x86_64/ntcopy.c
HOST_DEPS     := $(HOST_SUPPORT) tests/host/host_support.h $(HOST_MM_SRCS) \
                 tests/host/vm_valid_scan.c tests/host/vm_valid_scan.h \
                 $(wildcard include/mm/*.h spec/*.acsl) tests/host/host.mk

# The mm sources each suite links (a subset of $(PROVEN_SRCS), so a broken
# paging.c does not stop the pmm tests). The paging suite is built only once
# kernel/mm/paging.c exists.
HOST_SRCS_pmm    := $(filter kernel/mm/pmm.c,$(HOST_MM_SRCS))
HOST_SRCS_paging := $(filter kernel/mm/pmm.c kernel/mm/paging.c,$(HOST_MM_SRCS))
HOST_SUITES   := pmm $(if $(filter kernel/mm/paging.c,$(HOST_MM_SRCS)),paging)
HOST_SRCS_vmspace := $(filter kernel/mm/pmm.c kernel/mm/paging.c kernel/mm/vmspace.c kernel/mm/uaccess.c \
                              kernel/mm/vmspace_user.c,$(HOST_MM_SRCS)) \
                     tests/host/vm_valid_scan.c
HOST_SUITES   += $(if $(filter kernel/mm/vmspace.c,$(HOST_MM_SRCS)),vmspace)
# Issue 5, kernel side: the process table, the ELF validator and loader, uaccess.
# elf.c maps and loads through vm_space_map and vm_space_load.
HOST_SRCS_proc := $(filter kernel/mm/pmm.c kernel/mm/paging.c kernel/mm/vmspace.c kernel/mm/uaccess.c \
                           kernel/mm/vmspace_user.c,$(HOST_MM_SRCS)) \
                  kernel/proc/proc.c kernel/proc/elf.c kernel/proc/elf_check.c
HOST_SUITES   += $(if $(filter kernel/mm/paging.c,$(HOST_MM_SRCS)),proc)
HOST_DEPS     += kernel/mm/uaccess.c kernel/proc/proc.c kernel/proc/elf.c kernel/proc/elf_check.c $(wildcard include/proc/*.h)
HOST_BINS     := $(foreach v,$(HOST_VARIANTS),$(foreach s,$(HOST_SUITES),$(HOST_BUILD)/$(v)/test_$(s)))

define host_variant_rule
$(HOST_BUILD)/$(1)/test_%: tests/host/test_%.c $(HOST_DEPS)
	@mkdir -p $$(@D)
	$$(HOST_CC) $$(HOST_CFLAGS) $$(HOST_CFLAGS_$(1)) -o $$@ $$< $$(HOST_SUPPORT) $$(HOST_SRCS_$$*) $$(HOST_LIBS)
endef
$(foreach v,$(HOST_VARIANTS),$(eval $(call host_variant_rule,$(v))))

.PHONY: test-host host-bins
host-bins: $(HOST_BINS)

# Builds each binary on its own (a build failure is a FAIL line, not a stop),
# runs it, and translates cmocka's TAP output. Exit 1 if anything failed.
# All variants share one seed (time-based unless HOST_SEED is given).
test-host:
	@status=0; export HOST_SEED=$${HOST_SEED:-$$(date +%s)}; \
	for v in $(HOST_VARIANTS); do \
	  for s in $(HOST_SUITES); do \
	    bin=$(HOST_BUILD)/$$v/test_$$s; \
	    if ! $(MAKE) --no-print-directory -s $$bin; then \
	      echo "FAIL: host[$$v] build test_$$s"; status=1; continue; \
	    fi; \
	    tests/host/run-cmocka.sh $$v $$bin $(HOST_TIMEOUT) || status=1; \
	  done; \
	done; \
	exit $$status
