; Boot stub: 32-bit multiboot2 entry -> checks -> early page tables -> long
; mode -> kmain(magic, mbi_phys) in the higher half.
; Everything is linked at KERNEL_VMA + physical, so until paging is on, every
; absolute address is written PHYS(symbol). On a failed check the stub prints
; one line on COM1, writes QEMU_EXIT_UNSUPPORTED to isa-debug-exit (QEMU exits,
; real hardware ignores it) and halts with interrupts off.

%include "qemu_exit.inc"

KERNEL_VMA    equ 0xFFFFFFFF80000000
%define PHYS(x) ((x) - KERNEL_VMA)

MB2_BOOT_MAGIC equ 0x36D76289
COM1           equ 0x3F8

PTE_P   equ 1 << 0
PTE_W   equ 1 << 1
PTE_PS  equ 1 << 7

CR0_PG  equ 1 << 31
CR0_WP  equ 1 << 16
CR4_PAE equ 1 << 5
MSR_EFER equ 0xC0000080
EFER_LME equ 1 << 8
EFER_NXE equ 1 << 11

GDT_KCODE equ 0x08
GDT_KDATA equ 0x10

extern kmain
global _start
global boot_pml4
global boot_stack_top

section .text
bits 32
_start:
    cli
    cld
    mov esp, PHYS(boot_stack_top)
    mov [PHYS(boot_mb_magic)], eax
    mov [PHYS(boot_mb_info)], ebx
    call com1_init32

    cmp dword [PHYS(boot_mb_magic)], MB2_BOOT_MAGIC
    jne .bad_magic
    call cpu_has_cpuid
    test eax, eax
    jz .no_cpuid
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29           ; LM
    jz .no_long_mode
    test edx, 1 << 20           ; NX: user mappings without VM_EXEC set it
    jz .no_nx

    call build_boot_tables
    jmp enter_long_mode

.bad_magic:
    mov esi, PHYS(msg_bad_magic)
    jmp halt32
.no_cpuid:
    mov esi, PHYS(msg_no_cpuid)
    jmp halt32
.no_long_mode:
    mov esi, PHYS(msg_no_long_mode)
    jmp halt32
.no_nx:
    mov esi, PHYS(msg_no_nx)
    jmp halt32

; Prints the NUL-terminated string at ESI on COM1, reports QEMU_EXIT_UNSUPPORTED, halts.
halt32:
    call com1_puts32
    mov dx, QEMU_EXIT_PORT
    mov al, QEMU_EXIT_UNSUPPORTED
    out dx, al
.forever:
    cli
    hlt
    jmp .forever

; COM1: 115200 baud, 8N1, FIFO on, no interrupts (kmain re-initialises it).
com1_init32:
    mov dx, COM1 + 1
    xor al, al
    out dx, al                  ; IER = 0
    mov dx, COM1 + 3
    mov al, 0x80
    out dx, al                  ; DLAB
    mov dx, COM1
    mov al, 1
    out dx, al                  ; divisor 1 = 115200
    mov dx, COM1 + 1
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03
    out dx, al                  ; 8N1
    mov dx, COM1 + 2
    mov al, 0xC7
    out dx, al                  ; FIFO
    mov dx, COM1 + 4
    mov al, 0x03
    out dx, al                  ; DTR | RTS
    ret

; Polled output of the string at ESI (clobbers eax, edx, esi).
com1_puts32:
.next:
    lodsb
    test al, al
    jz .done
    mov ah, al
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov dx, COM1
    mov al, ah
    out dx, al
    jmp .next
.done:
    ret

; EAX != 0 iff EFLAGS.ID can be toggled, i.e. CPUID exists.
cpu_has_cpuid:
    pushfd
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    xor eax, ecx
    and eax, 1 << 21
    ret

; Page tables (all in .bss, outside the frame pool), 2 MiB pages:
;   boot_pd0..3 map physical 0..4 GiB;
;   PML4[256] -> boot_pdpt_direct (PD0..PD3): direct map at 0xFFFF800000000000;
;   PML4[511] -> boot_pdpt_kernel, PDPT[510] = PD0, PDPT[511] = PD1:
;                KERNEL_VMA + p -> p for p < 2 GiB;
;   PML4[0]   -> boot_pdpt_direct: identity, removed once we run in the higher half.
build_boot_tables:
    mov edi, PHYS(boot_pd0)
    xor ecx, ecx
.pd_entry:
    mov eax, ecx
    shl eax, 21
    or eax, PTE_P | PTE_W | PTE_PS
    mov edx, ecx
    shr edx, 11
    mov [edi + ecx * 8], eax
    mov [edi + ecx * 8 + 4], edx
    inc ecx
    cmp ecx, 4 * 512
    jb .pd_entry

    mov edi, PHYS(boot_pdpt_direct)
    mov dword [edi + 0 * 8], PHYS(boot_pd0) + (PTE_P | PTE_W)
    mov dword [edi + 1 * 8], PHYS(boot_pd1) + (PTE_P | PTE_W)
    mov dword [edi + 2 * 8], PHYS(boot_pd2) + (PTE_P | PTE_W)
    mov dword [edi + 3 * 8], PHYS(boot_pd3) + (PTE_P | PTE_W)

    mov edi, PHYS(boot_pdpt_kernel)
    mov dword [edi + 510 * 8], PHYS(boot_pd0) + (PTE_P | PTE_W)
    mov dword [edi + 511 * 8], PHYS(boot_pd1) + (PTE_P | PTE_W)

    mov edi, PHYS(boot_pml4)
    mov dword [edi + 0 * 8], PHYS(boot_pdpt_direct) + (PTE_P | PTE_W)
    mov dword [edi + 256 * 8], PHYS(boot_pdpt_direct) + (PTE_P | PTE_W)
    mov dword [edi + 511 * 8], PHYS(boot_pdpt_kernel) + (PTE_P | PTE_W)
    ret

; PAE + EFER.LME/NXE + paging, then a far jump into the 64-bit code segment.
enter_long_mode:
    mov eax, PHYS(boot_pml4)
    mov cr3, eax
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME | EFER_NXE
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_WP
    mov cr0, eax
    lgdt [PHYS(boot_gdt_ptr32)]
    jmp GDT_KCODE:PHYS(long_mode_low)

bits 64
default rel
long_mode_low:
    mov rax, long_mode_high
    jmp rax

long_mode_high:
    lgdt [boot_gdt_ptr64]
    mov ax, GDT_KDATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top
    xor ebp, ebp
    ; drop the low identity map: from here on, low addresses fault
    mov qword [boot_pml4], 0
    mov rax, cr3
    mov cr3, rax
    mov edi, [boot_mb_magic]
    mov esi, [boot_mb_info]
    call kmain
.forever:
    cli
    hlt
    jmp .forever

section .rodata
align 8
; Boot GDT: null, 64-bit kernel code, kernel data. gdt_init() replaces it.
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF
    dq 0x00CF92000000FFFF
boot_gdt_end:
boot_gdt_ptr32:
    dw boot_gdt_end - boot_gdt - 1
    dd PHYS(boot_gdt)
align 8
boot_gdt_ptr64:
    dw boot_gdt_end - boot_gdt - 1
    dq boot_gdt

msg_bad_magic:    db "isola: halted: not started by a multiboot2 boot loader (bad magic in EAX)", 13, 10, 0
msg_no_cpuid:     db "isola: halted: this CPU has no CPUID instruction; an x86_64 CPU is required", 13, 10, 0
msg_no_long_mode: db "isola: halted: this CPU does not support 64-bit long mode; an x86_64 CPU is required", 13, 10, 0
msg_no_nx:        db "isola: halted: this CPU does not support the NX bit (EFER.NXE); it is required", 13, 10, 0

section .bss
align 4096
boot_pml4:        resb 4096
boot_pdpt_direct: resb 4096
boot_pdpt_kernel: resb 4096
boot_pd0:         resb 4096
boot_pd1:         resb 4096
boot_pd2:         resb 4096
boot_pd3:         resb 4096
align 16
boot_stack:       resb 16384
boot_stack_top:
boot_mb_magic:    resd 1
boot_mb_info:     resd 1
