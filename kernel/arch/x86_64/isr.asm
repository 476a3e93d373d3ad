; Interrupt entry stubs: every stub pushes (error code or 0, vector) and jumps
; to isr_common, which saves the general registers as a struct trap_frame
; (include/arch/trap.h), calls trap_dispatch(frame) and returns with iretq.

bits 64
default rel
extern trap_dispatch
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

isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld
    mov rdi, rsp
    call trap_dispatch
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
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
