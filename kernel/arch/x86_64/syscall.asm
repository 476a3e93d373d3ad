; The syscall entry (LSTAR), the one return-to-user path shared by system
; calls and traps from user mode, and the kernel-stack switch between
; processes. Frames follow struct trap_frame (include/arch/trap.h) and sit
; at the top of the current process's kernel stack.

%include "kernel/arch/x86_64/trapframe.inc"

bits 64
default rel
extern syscall_dispatch
extern user_return_prepare
global syscall_entry
global return_to_user
global proc_switch_stacks
global proc_enter_user

USER_DS   equ 0x18 | 3
USER_CS   equ 0x20 | 3
VEC_SYSCALL equ 128             ; TRAP_SYSCALL
PERCPU_KSTACK equ 0             ; struct percpu (include/arch/percpu.h)
PERCPU_USER_RSP equ 8

section .text

; syscall: rcx = user rip, r11 = user rflags, IF/TF/DF/AC cleared by FMASK.
; Build the same frame an interrupt from user mode would, on the kernel
; stack of the current process (per-CPU block, reached through swapgs).
syscall_entry:
    swapgs
    mov [gs:PERCPU_USER_RSP], rsp
    mov rsp, [gs:PERCPU_KSTACK]
    push qword USER_DS
    push qword [gs:PERCPU_USER_RSP]
    push r11
    push qword USER_CS
    push rcx
    push qword 0
    push qword VEC_SYSCALL
    PUSH_GPRS
    cld
    mov rdi, rsp
    call syscall_dispatch
    ; fall through

; rsp -> the current process's trap frame. user_return_prepare may switch
; to other processes and come back; it loads this process's CR3, and says
; whether sysretq may be used (rcx == rip, r11 == rflags, rip canonical in
; the user half) or iretq is needed.
return_to_user:
    mov rdi, rsp
    call user_return_prepare
    test eax, eax               ; flags survive the pops and lea below
    POP_GPRS
    lea rsp, [rsp + 16]         ; vector and error code
    jz .iret
    mov rcx, [rsp]              ; rip (equal to the frame's rcx)
    mov r11, [rsp + 16]         ; rflags (equal to the frame's r11)
    mov rsp, [rsp + 24]         ; user stack; interrupts stay off until sysretq
    swapgs
    o64 sysret
.iret:
    swapgs
    iretq

; void proc_switch_stacks(uint64_t *save_rsp, uint64_t next_rsp):
; saves the callee-saved registers on this stack, records it, continues on
; next_rsp where the same layout was saved (or built by proc_stack_init).
proc_switch_stacks:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

; First run of a new process: proc_switch_stacks "returns" here with rsp at
; its trap frame.
proc_enter_user:
    jmp return_to_user
