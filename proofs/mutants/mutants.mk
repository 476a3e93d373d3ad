# make mutants: every proofs/mutants/*.mutant (a small realistic bug) applied
# to a scratch copy in $(BUILD)/mutants/<name>/ must make the proof fail.
#   make mutants MUTANTS="clone_shares_leaf"   run only some
.PHONY: mutants
mutants:
	@BUILD=$(BUILD) proofs/mutants/run.py
