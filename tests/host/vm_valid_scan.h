/* VmValid (spec/vmspace.acsl) checked by a scan of the whole pool, for
 * the host tests and the vm fuzzer: a run-time check, written from the
 * predicate and not from the proofs, that every operation keeps it (proven
 * for the vmspace calls, vm_map not yet: docs/trusted-base.md, "Between
 * proven calls"). */
#ifndef ISOLA_TESTS_HOST_VM_VALID_SCAN_H
#define ISOLA_TESTS_HOST_VM_VALID_SCAN_H

/* NULL when VmValid holds (template, live owners, shared kernel halves,
 * both high-water marks, well-formed tables, the free count), else the name
 * of a conjunct that does not. */
const char *vm_valid_by_scan(void);

#endif
