# Fuzzing (tests/fuzz/README.md). Included by the top Makefile (-include).
#   make fuzz N=100000 SEED=7   user/fuzz on Isola as init: hostile syscalls; the kernel must
#                               survive and leak no frame (isola-exec 125/126 are failures)
#   make fuzz-host SECONDS=600  libFuzzer on the host: ELF validator+loader, vm API vs a model
#                               (time split between the two); crash inputs are kept in
#                               tests/fuzz/regressions/<harness>/ and fail the run
#   make fuzz-smoke             make check's stage: a short seeded Isola round, the host
#                               regressions and seeds replayed, a short libFuzzer round each
#   make fuzz-host-bins         only build the libFuzzer binaries

FUZZ_BUILD    := $(BUILD)/fuzz
N             ?= 10000
SEED          ?= 1
SECONDS       ?= 600
# Isola's memory for the fuzzer: small, so running out of frames is common and a
# full-memory fill stays quick (the frame allocator's search is linear).
FUZZ_MEM      ?= 64M
FUZZ_TIMEOUT  ?= 1800
FUZZ_SMOKE_N  ?= 3000
FUZZ_SMOKE_SEED ?= 1
FUZZ_CC       ?= clang
FUZZ_CFLAGS   := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude -Itests/host \
                 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_HARNESSES := elf vm
FUZZ_SRCS     := tests/host/host_pool.c tests/host/host_support.c tests/host/vm_valid_scan.c \
                 kernel/arch/x86_64/ntcopy.c \
                 kernel/mm/pmm.c kernel/mm/paging.c \
                 kernel/mm/vmspace.c kernel/mm/uaccess.c kernel/mm/vmspace_user.c \
                 $(wildcard kernel/proc/elf*.c)
FUZZ_DEPS     := $(FUZZ_SRCS) $(wildcard include/mm/*.h include/proc/*.h spec/*.acsl tests/host/*.h) \
                 tests/fuzz/fuzz.mk
FUZZ_BINS     := $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/host/fuzz_%)
FUZZ_SEEDS    := $(FUZZ_BUILD)/seeds/.done

.PHONY: fuzz fuzz-host fuzz-smoke fuzz-host-bins
fuzz-host-bins: $(FUZZ_BINS)

$(FUZZ_BUILD)/host/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS)

# Seeds for fuzz_elf and the invalid programs the Isola fuzzer execs.
$(FUZZ_SEEDS): tests/fuzz/mkseeds.py $(BUILD)/user/bin/echo
	@rm -rf $(@D) && mkdir -p $(@D)
	$(Q)tests/fuzz/mkseeds.py $(@D) $(BUILD)/user/bin/echo
	@touch $@

FUZZ_EXTRA := $(FUZZ_BUILD)/seeds/isola/fuzz-garbage $(FUZZ_BUILD)/seeds/isola/fuzz-truncated

# tests/fuzz/run-isola N SEED NAME: one fuzzer run on Isola, one PASS:/FAIL: line.
fuzz: deps $(USER_BINS) $(FUZZ_SEEDS)
	@BUILD=$(BUILD) FUZZ_MEM=$(FUZZ_MEM) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) \
	 FUZZ_EXTRA="$(FUZZ_EXTRA)" tests/fuzz/run-isola $(N) $(SEED) "fuzz isola N=$(N) SEED=$(SEED)"

fuzz-host: $(FUZZ_BINS) $(FUZZ_SEEDS)
	@BUILD=$(BUILD) tests/fuzz/run-host $(SECONDS) $(FUZZ_HARNESSES)

fuzz-smoke: deps $(USER_BINS) $(FUZZ_SEEDS) $(FUZZ_BINS)
	@status=0; \
	BUILD=$(BUILD) FUZZ_MEM=$(FUZZ_MEM) FUZZ_TIMEOUT=300 FUZZ_EXTRA="$(FUZZ_EXTRA)" \
	  tests/fuzz/run-isola $(FUZZ_SMOKE_N) $(FUZZ_SMOKE_SEED) "fuzz-smoke isola N=$(FUZZ_SMOKE_N)" || status=1; \
	BUILD=$(BUILD) tests/fuzz/run-host replay $(FUZZ_HARNESSES) || status=1; \
	exit $$status
