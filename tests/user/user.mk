# Differential tests: every tests/user/NAME.c is a static musl program run on
# the Linux host and on Isola (tools/isola-exec); stdout and exit status must
# match. See tests/user/README.md.
#   make test-user         the suite (PASS:/FAIL: user NAME lines); TESTS="a b" picks some
#   make test-user-linux   only the Linux runs (each test's own checks must hold)

TEST_USER_NAMES := $(sort $(basename $(notdir $(wildcard tests/user/*.c))))
TEST_USER_BINS  := $(TEST_USER_NAMES:%=$(BUILD)/tests/user/%)
TESTS ?=

$(BUILD)/tests/user/%: tests/user/%.c tests/user/t.h tests/user/user.mk
	@mkdir -p $(@D)
	@$(if $(Q),echo "  MUSLCC  $<")
	$(Q)$(USER_CC) $(USER_CFLAGS) -o $@ $<

.PHONY: test-user test-user-linux user-tests
user-tests: $(TEST_USER_BINS)

test-user: deps $(KERNEL_ISO) $(USER_BINS) $(TEST_USER_BINS)
	@BUILD=$(BUILD) tests/user/run-tests $(TESTS)

test-user-linux: $(TEST_USER_BINS)
	@BUILD=$(BUILD) ISOLA_USER_LINUX_ONLY=1 tests/user/run-tests $(TESTS)
