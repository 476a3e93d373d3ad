; Deliberate kernel-mode faults for the boot self-tests. Each global *_site
; label is the exact faulting instruction: tests/qemu compares its address
; (from nm) with the RIP the exception report prints.

bits 64
section .text

global selftest_do_ud2, selftest_ud2_site
global selftest_do_read, selftest_read_site
global selftest_do_divide, selftest_divide_site
global selftest_do_bad_stack

; void selftest_do_ud2(void): raises #UD.
selftest_do_ud2:
selftest_ud2_site:
    ud2
    ret

; uint64_t selftest_do_read(uint64_t addr): loads 8 bytes from addr.
selftest_do_read:
selftest_read_site:
    mov rax, [rdi]
    ret

; uint32_t selftest_do_divide(uint32_t dividend, uint32_t divisor):
; dividend / divisor (raises #DE when divisor is 0; the compiler cannot fold it).
selftest_do_divide:
    mov eax, edi
    xor edx, edx
selftest_divide_site:
    div esi
    ret

; void selftest_do_bad_stack(uint64_t rsp): switches to an unmapped stack and
; raises #UD. Delivering #UD then #PF both fault on that stack, which makes a
; double fault; only its IST1 stack lets the report happen (else: triple fault).
selftest_do_bad_stack:
    mov rsp, rdi
    ud2
