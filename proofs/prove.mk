# make prove: Frama-C/WP on every file of $(PROVEN_SRCS) (the list lives in
# the top Makefile only), up to four Frama-C passes per module, a PASS:/FAIL: line each,
# per-goal results in proofs/results/<module>.json. The WP session (prover
# cache) lives in proofs/session/<module>, so re-runs only prove what changed,
# and a module whose inputs did not change since its last passing proof is
# replayed (PROVE_REPLAY=0 proves it again; see proofs/README.md).
#   make prove PROVE_MODULES=pmm     restrict to some modules
#   make prove PROVE_TIMEOUT=30      prover timeout in seconds (default 10)
#   make prove-clean                 drop the session cache and the results
#   make prove-selftest              check the driver itself on proofs/selftest

PROVE_MODULES ?=
PROVE_TIMEOUT ?= 10
PROVE_PAR     ?= 4
export PROVE_MODULES PROVE_TIMEOUT PROVE_PAR

.PHONY: prove prove-clean prove-selftest
prove:
	@proofs/prove.py $(PROVEN_SRCS)

prove-clean:
	rm -rf proofs/session proofs/results proofs/.why3

prove-selftest:
	@PROVEN_SRCS="$(PROVEN_SRCS)" proofs/selftest/run.sh

# Rewrites proofs/hints/<module>.hints (commit them): every prover is started
# on every goal again (PROVE_HINTS=0, no replay), as long as a cold proof
# without hints, and each goal's hint names the prover that proved it.
.PHONY: prove-hints
prove-hints:
	@PROVE_HINTS=0 PROVE_REPLAY=0 PROVE_RACE_LEAN=1 proofs/prove.py --write-hints $(PROVEN_SRCS)

# After changing proofs: adds a line for each goal that has none (new or
# renamed goals, which `make prove` races anyway) and drops the lines of goals
# gone; every other line stays. A normal `make prove` (hints used, replay on),
# so it costs what that costs; commit the files.
.PHONY: prove-hints-new
prove-hints-new:
	@proofs/prove.py --write-new-hints $(PROVEN_SRCS)

# Races only the goals the last results name as suspects of a stale hint
# ("stale hint(s) among: ..."), in the modules that have some, and rewrites
# those goals' lines only: minutes with a warm session, not a cold proof.
.PHONY: prove-hints-stale
prove-hints-stale:
	@PROVE_HINTS_RACE=stale PROVE_REPLAY=0 proofs/prove.py --write-hints $(PROVEN_SRCS)
