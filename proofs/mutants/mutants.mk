# make mutants: every proofs/mutants/*.mutant (a small realistic bug) applied
# to a scratch copy in $(BUILD)/mutants/<name>/ must make the proof fail.
#   make mutants MUTANTS="clone_shares_leaf"   run only some
# make mutants-smoke (a stage of make check): four of them, one of each kind
# the driver handles differently: killed by a smoke test in pmm and in
# vmspace, a property mutant in paging (a `properties:` line), and a failed
# goal in pmm. About a minute; the whole set is about 11 minutes.
MUTANTS_SMOKE := free_requires_in_pool destroy_vacuous_requires install_leaf_mark_not_raised copy_frame_short

.PHONY: mutants mutants-smoke
mutants:
	@BUILD=$(BUILD) proofs/mutants/run.py

mutants-smoke:
	@BUILD=$(BUILD) MUTANTS="$(MUTANTS_SMOKE)" proofs/mutants/run.py
