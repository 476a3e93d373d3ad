# Benchmarks (issue 7). Not part of `make check`; only bench-smoke is (as a
# check-all stage, automatically, because this file defines it).
#   make bench         boot, fork and clone benchmarks in one run (a few
#                      minutes on 2 cores): writes docs/benchmarks.md and
#                      docs/benchmarks.png (bench/bench.py measures,
#                      bench/report.py writes). Installs linux-image-amd64
#                      and gnuplot-nox if missing. Includes the cold, warm,
#                      re-run and body-edit `make prove` timings (about
#                      7.5 min of 12.5);
#                      BENCH_PROVE=0 skips it (the page then keeps the last
#                      measured proof figures, labelled with their date);
#                      see bench/README.md.
#   make bench-smoke   one iteration of each bench program (Isola via
#                      tools/isola-exec, and the host bench): PASS:/FAIL: lines.

BENCH_BUILD      := $(BUILD)/bench
BENCH_USER_BINS  := $(BENCH_BUILD)/bin/forkbench $(BENCH_BUILD)/bin/bootmark
BENCH_HOST_BIN   := $(BENCH_BUILD)/clonebench
BENCH_HOST_SRCS  := tests/host/host_pool.c tests/host/host_support.c \
                    kernel/mm/pmm.c kernel/mm/paging.c kernel/mm/vmspace.c kernel/arch/x86_64/ntcopy.c
BENCH_DEB        := gnuplot-nox

$(BENCH_BUILD)/bin/%: bench/%.c bench/bench.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  MUSLCC  $<")
	$(Q)$(USER_CC) $(USER_CFLAGS) -o $@ $<

# Same sources and host pool as tests/host, optimised as the kernel is: -O2
# with link-time optimisation (mk/kernel.mk), so clone calls the small
# proven accessors of pmm.c and paging.c inline, as in the kernel. The
# kernel files (kernel/mm and the streamed copy, kernel/arch/x86_64/ntcopy.c)
# are compiled with the kernel's code-generation flags that
# matter on the host (freestanding: no loop becomes a libc call; general
# registers only; the kernel's rep stosq/movsq expansion), so the loops and
# string instructions timed are the kernel's; the harness is plain -O2.
BENCH_HOST_OPT    = -O2 -flto=auto
BENCH_KERNEL_CODEGEN  = -ffreestanding -mgeneral-regs-only $(KERNEL_STRINGOPS)
BENCH_KERNEL_SRCS     = $(filter kernel/%,$(BENCH_HOST_SRCS))
BENCH_KERNEL_OBJS     = $(patsubst kernel/%.c,$(BENCH_BUILD)/kobj/%.o,$(BENCH_KERNEL_SRCS))
BENCH_SUPPORT     = $(filter-out kernel/%,$(BENCH_HOST_SRCS))

$(BENCH_BUILD)/kobj/%.o: kernel/%.c $(wildcard include/mm/*.h spec/*.acsl) bench/bench.mk mk/kernel.mk
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(BENCH_HOST_OPT) $(BENCH_KERNEL_CODEGEN) -c $< -o $@

$(BENCH_HOST_BIN): bench/clonebench.c bench/plainclone.c $(BENCH_KERNEL_OBJS) $(BENCH_SUPPORT) \
                   tests/host/host_support.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(BENCH_HOST_OPT) -o $@ bench/clonebench.c bench/plainclone.c \
	  $(BENCH_KERNEL_OBJS) $(BENCH_SUPPORT)

# Experiment (never in the kernel): destroy by walking the space's tables
# (bench/walkdestroy.c) instead of scanning below pmm_top; vmspace.c's is renamed.
$(BENCH_HOST_BIN)-walk: bench/clonebench.c bench/plainclone.c bench/walkdestroy.c $(BENCH_KERNEL_OBJS) $(BENCH_SUPPORT) \
                        tests/host/host_support.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(BENCH_HOST_OPT) $(BENCH_KERNEL_CODEGEN) -Dvm_space_destroy=vm_space_destroy_scan \
	  -c kernel/mm/vmspace.c -o $@-vmspace.o
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(BENCH_HOST_OPT) -o $@ bench/clonebench.c bench/plainclone.c bench/walkdestroy.c $@-vmspace.o \
	  $(filter-out $(BENCH_BUILD)/kobj/mm/vmspace.o,$(BENCH_KERNEL_OBJS)) $(BENCH_SUPPORT)

.PHONY: bench bench-deps bench-bins bench-smoke
bench-bins: $(BENCH_USER_BINS) $(BENCH_HOST_BIN) $(BENCH_HOST_BIN)-walk

# A Linux kernel to compare with (any /boot/vmlinuz-*, else Debian's
# linux-image-amd64) and gnuplot for the PNG; only `make bench` needs them.
bench-deps: deps
	@ls /boot/vmlinuz-* >/dev/null 2>&1 || bench/apt-install linux-image-amd64
	@command -v gnuplot >/dev/null 2>&1 || bench/apt-install $(BENCH_DEB)

bench: bench-deps kernel bench-bins
	@BUILD=$(BUILD) bench/bench.py
	@BUILD=$(BUILD) bench/report.py

bench-smoke: kernel user bench-bins
	@BUILD=$(BUILD) bench/smoke
