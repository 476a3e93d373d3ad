# Isola — top-level build.
# PROVEN_SRCS is the one list of proven files: `make prove` discharges their
# goals and the kernel link uses exactly these files (see mk/kernel.mk).

PROVEN_SRCS := kernel/mm/pmm.c kernel/mm/paging.c kernel/mm/vmspace.c kernel/proc/proc.c kernel/mm/uaccess.c kernel/mm/vmspace_user.c kernel/proc/elf_check.c

BUILD  ?= build
ACCEL  ?= tcg
export ACCEL

.DEFAULT_GOAL := iso

include mk/deps.mk
include mk/kernel.mk
include proofs/prove.mk
include tests/host/host.mk
include tests/qemu/qemu.mk
include user/user.mk
include tests/user/user.mk
include proofs/mutants/mutants.mk
# Optional parts (review tooling, benchmarks, fuzzers): each file defines its
# own targets; tools/check-all runs their smoke stages when they exist.
-include tools/review.mk
-include bench/bench.mk
-include tests/fuzz/fuzz.mk

# make check: proofs + host tests + QEMU tests + Linux-vs-Isola tests. Every
# stage runs even when an earlier one fails; tools/check-all prints the closing
# line "N passed, N failed".
.PHONY: check
check: deps
	@tools/check-all

.PHONY: clean
clean:
	rm -rf $(BUILD)
