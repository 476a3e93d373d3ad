/* The uaccess writes for a caller that holds VmValid: uaccess_copy_out and
 * uaccess_load (include/mm/uaccess.h), the same call and result, and
 * VmValid holds afterwards, like the paging wrappers of vmspace.h. (The
 * uaccess calls promise PagingValid, SpaceStep and MarksKept; these
 * wrappers are where that is shown to give VmValid back.) A module of its
 * own so that neither vmspace's nor uaccess's proofs carry the other's
 * specification. */
#ifndef ISOLA_MM_VMSPACE_USER_H
#define ISOLA_MM_VMSPACE_USER_H

#include "vmspace.h"
#include "uaccess.h"

/*@ // vm_valid: the address-space invariant holds on entry (VmValid: paging, template, live owners, shared kernel half, high-water and slot marks).
    requires vm_valid: VmValid;
    // src_valid: src is a readable kernel buffer of len bytes.
    requires src_valid: \valid_read((const char *)src + (0 .. len - 1));
    assigns frame_pool[..][..];
    // vm_valid: paging valid, template intact, owners live, every space shares the kernel half, nothing allocated above pmm_top or outside its owner's marks, no table slot set at or above its slot mark.
    ensures vm_valid: VmValid;
    // space_copied_out: true exactly when the whole range is mapped user-writable in root; frames that are not user frames of root are unchanged.
    ensures space_copied_out: (\result == true <==> UaOk{Pre}(root, va, len, 1)) && UserFramesOnly{Pre, Post}(root);
*/
bool vm_space_copy_out(uint32_t root, uint64_t va, const void *src, size_t len);

/*@ // vm_valid: the address-space invariant holds on entry (VmValid: paging, template, live owners, shared kernel half, high-water and slot marks).
    requires vm_valid: VmValid;
    // src_valid: src is a readable kernel buffer of len bytes.
    requires src_valid: \valid_read((const char *)src + (0 .. len - 1));
    assigns frame_pool[..][..];
    // vm_valid: paging valid, template intact, owners live, every space shares the kernel half, nothing allocated above pmm_top or outside its owner's marks, no table slot set at or above its slot mark.
    ensures vm_valid: VmValid;
    // space_loaded: true exactly when the whole range is mapped user-accessible in root (writable or not); frames that are not user frames of root are unchanged.
    ensures space_loaded: (\result == true <==> UaOk{Pre}(root, va, len, 0)) && UserFramesOnly{Pre, Post}(root);
*/
bool vm_space_load(uint32_t root, uint64_t va, const void *src, size_t len);

#endif
