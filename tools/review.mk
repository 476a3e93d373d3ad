# Contract review tooling (included by the top Makefile with -include).
#   make docs            regenerate docs/isolation.md from the headers, spec/*.acsl,
#                        proofs/results/ and the tests' `covers:` comments; the
#                        provers and times go to build/docs/isolation-provers.md
#   make check-docs      stage of make check: FAIL if docs/isolation.md is not what
#                        make docs would generate (run after make prove)
#   make check-trusted   stage of make check: docs/trusted-base.md lists every
#                        axiom, bodiless contract, admit, assembly file and
#                        __FRAMAC__ conditional, and nothing that is gone
#   make review [BASE=origin/main]
#                        contracts added/removed/changed since the merge base,
#                        clause by clause; re-proves only the affected modules
#                        (REVIEW_PROVE=0: do not prove, use the last results)
#   make prove-gui [DRY=1]
#                        frama-c-gui on PROVEN_SRCS with the driver's flags and
#                        the WP session; DRY=1 prints the command only

REVIEW_DOC_VOLATILE := $(BUILD)/docs/isolation-provers.md
BASE         ?=
REVIEW_PROVE ?= 1
DRY          ?=
REVIEW_ENV   := PROVEN_SRCS="$(PROVEN_SRCS)"

.PHONY: docs check-docs check-trusted review prove-gui
docs:
	@$(REVIEW_ENV) tools/gen-isolation-doc --volatile $(REVIEW_DOC_VOLATILE)

check-docs:
	@$(REVIEW_ENV) tools/gen-isolation-doc --check --volatile $(REVIEW_DOC_VOLATILE)

check-trusted:
	@$(REVIEW_ENV) tools/check-trusted --selftest

review:
	@$(REVIEW_ENV) tools/review --base "$(BASE)" --prove $(REVIEW_PROVE)

prove-gui:
	@tools/prove-gui $(if $(DRY),--dry-run) $(PROVEN_SRCS)
