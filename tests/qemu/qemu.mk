# QEMU targets: make run, make debug, make test-qemu.
# TCG unless ACCEL=kvm. `make run ARGS="test=timer"` boots with kernel arguments.

QEMU       ?= qemu-system-x86_64
QEMU_MEM   ?= 256M
QEMU_ACCEL := $(if $(filter kvm,$(ACCEL)),-accel kvm -cpu host,-accel tcg)
QEMU_BASE  := $(QEMU_ACCEL) -m $(QEMU_MEM) -no-reboot \
              -device isa-debug-exit,iobase=0xf4,iosize=0x04
ARGS       ?=

# The ISO to boot: build/isola.iso, or a copy carrying ARGS on its command line.
RUN_ISO := $(if $(strip $(ARGS)),$(BUILD)/isola-args.iso,$(KERNEL_ISO))

.PHONY: run debug test-qemu run-iso-args
run: deps $(KERNEL_ISO) run-iso-args
	@echo "isola: QEMU, serial on this terminal; Ctrl-A X quits"
	$(QEMU) $(QEMU_BASE) -cdrom $(RUN_ISO) -nographic

# gdb on the kernel with symbols, QEMU halted at the first instruction (-S).
debug: deps $(KERNEL_ISO) run-iso-args
	tools/qemu-debug $(KERNEL_ELF) $(RUN_ISO) $(QEMU_BASE)

run-iso-args:
	@$(if $(strip $(ARGS)),tools/iso-with-args $(KERNEL_ISO) $(RUN_ISO) "$(ARGS)",:)

test-qemu: deps $(KERNEL_ISO) $(KERNEL_ELF)
	@BUILD=$(BUILD) tests/qemu/run-tests
