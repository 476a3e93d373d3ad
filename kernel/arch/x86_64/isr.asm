; Interrupt entry stubs: every stub pushes (error code or 0, vector) and jumps
; to isr_common, which saves the general registers as a struct trap_frame
; (include/arch/trap.h) and calls trap_dispatch(frame). A trap from kernel
; mode returns with iretq; one from user mode (swapgs on entry) leaves
; through return_to_user (syscall.asm), the one path back to user mode.

%include "kernel/arch/x86_64/trapframe.inc"

bits 64
default rel
extern trap_dispatch
extern return_to_user
global isr_stub_table

; Vectors for which the CPU pushes an error code itself.
%define HAS_ERROR(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || (v) == 14 || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

section .text
%assign v 0
%rep 48
isr_%+v:
%if HAS_ERROR(v)
    push qword v
%else
    push qword 0
    push qword v
%endif
    jmp isr_common
%assign v v + 1
%endrep

TF_CS_AT_ENTRY equ 24            ; [rsp]: vector, error, rip, cs
TF_CS          equ 15 * 8 + 24   ; after the 15 register pushes

isr_common:
    test qword [rsp + TF_CS_AT_ENTRY], 3
    jz .from_kernel
    swapgs                      ; user GS base out, per-CPU block in
.from_kernel:
    PUSH_GPRS
    cld
    mov rdi, rsp
    call trap_dispatch
    test qword [rsp + TF_CS], 3
    jnz return_to_user
    POP_GPRS
    add rsp, 16                 ; vector and error code
    iretq

section .rodata
align 8
isr_stub_table:
%assign v 0
%rep 48
    dq isr_%+v
%assign v v + 1
%endrep
