# Kernel build: build/isola.elf (multiboot2, higher half) and build/isola.iso.
# The proven files come only from PROVEN_SRCS (top Makefile); this file never
# lists them. Until every proven file exists, only the existing ones link.

ISOLA_VERSION := 0.1.0
KERNEL_CC     ?= gcc
NASM          ?= nasm
V             ?= 0          # make V=1 shows the full commands
Q             := $(if $(filter 1,$(strip $(V))),,@)

# Code generation flags, used both when compiling and at the link: with
# link-time optimisation (-flto) gcc generates the code at the link, so the
# small proven accessors (pte_present, pmm_desc_*) are inlined into their
# callers in other files (clone of a one-page space: 3.4 us -> 1.7 us on the
# host). The C semantics the proofs are about are the same either way.
KERNEL_CODEGEN := -std=gnu11 -ffreestanding -fno-stack-protector -fno-pic -mno-red-zone \
                  -mcmodel=kernel -mgeneral-regs-only -O2 -flto -g \
                  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-omit-frame-pointer \
                  -fcf-protection=none
# How gcc expands a memset or memcpy it generates: 256 bytes and less as
# plain moves, more as one `rep stosq` / `rep movsq`. pmm.c's _rep helpers
# become exactly that (one per frame); the loops chosen when pmm_rep_strings
# is 0 stay loops (gcc cannot tell the rows of frame_pool apart).
KERNEL_STRINGOPS := -mmemset-strategy=unrolled_loop:256:noalign,rep_8byte:-1:noalign \
                    -mmemcpy-strategy=unrolled_loop:256:noalign,rep_8byte:-1:noalign
KERNEL_CODEGEN += $(KERNEL_STRINGOPS)
KERNEL_WARN   := -Wall -Wextra -Werror
KERNEL_CFLAGS := $(KERNEL_CODEGEN) $(KERNEL_WARN) -Iinclude -I$(BUILD)/gen -MMD -MP
KERNEL_ASFLAGS := -f elf64 -g -F dwarf -I$(BUILD)/gen/
# Linked through gcc (not ld) so that the LTO plugin runs; -flto=auto lets it
# generate code in parallel, one job per core.
KERNEL_LDFLAGS := $(KERNEL_CODEGEN) -flto=auto $(KERNEL_WARN) -nostdlib -static -no-pie \
                  -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none -T boot/kernel.ld

# Non-proven kernel sources. kernel/mm/ is NOT globbed: its proven files come
# from PROVEN_SRCS only; the mm files not (yet) proven are listed here and
# dropped from this list once PROVEN_SRCS names them. kernel/proc/ is globbed
# and filtered the same way (proc.c is proven).
KERNEL_MM_UNPROVEN := kernel/mm/mm_boot.c
KERNEL_C_SRCS := kernel/kmain.c $(filter-out $(PROVEN_SRCS),$(wildcard $(KERNEL_MM_UNPROVEN))) \
                 $(filter-out $(PROVEN_SRCS),$(sort $(wildcard kernel/arch/x86_64/*.c kernel/lib/*.c kernel/proc/*.c))) \
                 $(wildcard $(PROVEN_SRCS))
KERNEL_ASM_SRCS := boot/multiboot2.asm boot/entry.asm $(sort $(wildcard kernel/arch/x86_64/*.asm))

KERNEL_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(KERNEL_C_SRCS)) \
               $(patsubst %.asm,$(BUILD)/obj/%.asm.o,$(KERNEL_ASM_SRCS))

KERNEL_ELF := $(BUILD)/isola.elf
KERNEL_ISO := $(BUILD)/isola.iso

.PHONY: iso kernel
iso: deps $(KERNEL_ISO)
kernel: $(KERNEL_ELF)

# Version string: rewritten only when it changes, so kmain.o rebuilds only then.
$(BUILD)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@v='#define ISOLA_VERSION "$(ISOLA_VERSION) ($(shell git describe --always --dirty 2>/dev/null || echo nogit))"'; \
	 [ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" > $@

# Exit codes for NASM, generated from the one C header.
$(BUILD)/gen/qemu_exit.inc: include/arch/qemu_exit.h mk/kernel.mk
	@mkdir -p $(@D)
	$(Q)sed -n 's/^#define \(QEMU_[A-Z_]*\)  *\([0-9A-Fa-fx]*\).*/%define \1 \2/p' $< > $@

$(BUILD)/obj/%.o: %.c | $(BUILD)/gen/version.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/obj/kernel/kmain.o: $(BUILD)/gen/version.h
$(BUILD)/obj/kernel/kmain.o: KERNEL_CFLAGS += -include version.h

$(BUILD)/obj/%.asm.o: %.asm $(BUILD)/gen/qemu_exit.inc kernel/arch/x86_64/trapframe.inc
	@mkdir -p $(@D)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) $(KERNEL_ASFLAGS) $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) boot/kernel.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(KERNEL_CC) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

# The ISO carries a copy without debug sections: GRUB reads it faster.
$(BUILD)/isodir/boot/isola.elf: $(KERNEL_ELF)
	@mkdir -p $(@D)
	$(Q)strip --strip-debug -o $@ $<

$(BUILD)/isodir/boot/grub/grub.cfg: boot/grub.cfg
	@mkdir -p $(@D)
	$(Q)cp $< $@

# The initrd (user/user.mk builds $(BUILD)/initrd.cpio) rides along as the
# GRUB module named "initrd".
$(BUILD)/isodir/boot/initrd.cpio: $(BUILD)/initrd.cpio
	@mkdir -p $(@D)
	$(Q)cp $< $@

$(KERNEL_ISO): $(BUILD)/isodir/boot/isola.elf $(BUILD)/isodir/boot/grub/grub.cfg \
               $(BUILD)/isodir/boot/initrd.cpio
	@$(if $(Q),echo "  ISO     $@")
	$(Q)grub-mkrescue -o $@ $(BUILD)/isodir > $(BUILD)/grub-mkrescue.log 2>&1 || \
	  { cat $(BUILD)/grub-mkrescue.log; exit 1; }

.PHONY: FORCE
FORCE:

-include $(KERNEL_OBJS:.o=.d)
