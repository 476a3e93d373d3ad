# User programs (user/*.c, one static musl binary each) and the initrd.
#   make user     build/user/bin/<name> for every user/<name>.c
#   make initrd   $(BUILD)/initrd.cpio: /init = build/user/bin/init, and every
#                 build/user/bin/* plus $(EXTRA_BINS) under /bin (tools/mkinitrd)

USER_CC     ?= musl-gcc
USER_CFLAGS ?= -std=gnu11 -static -O2 -Wall -Wextra -Werror
EXTRA_BINS  ?=

USER_PROGS := $(sort $(basename $(notdir $(wildcard user/*.c))))
USER_BINS  := $(USER_PROGS:%=$(BUILD)/user/bin/%)

.PHONY: user initrd
user: $(USER_BINS)
initrd: $(BUILD)/initrd.cpio

$(BUILD)/user/bin/%: user/%.c user/user.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  MUSLCC  $<")
	$(Q)$(USER_CC) $(USER_CFLAGS) -o $@ $<

# Rebuilt when a program or the EXTRA_BINS list changes (the list is recorded).
$(BUILD)/user/extra-bins.list: FORCE
	@mkdir -p $(@D)
	@l='$(strip $(EXTRA_BINS))'; [ "$$(cat $@ 2>/dev/null)" = "$$l" ] || echo "$$l" > $@

$(BUILD)/initrd.cpio: $(USER_BINS) $(EXTRA_BINS) $(BUILD)/user/extra-bins.list tools/mkinitrd
	@$(if $(Q),echo "  INITRD  $@")
	$(Q)tools/mkinitrd $@ --init $(BUILD)/user/bin/init $(addprefix --bin ,$(USER_BINS) $(EXTRA_BINS))
