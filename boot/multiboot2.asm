; Multiboot2 header: tells GRUB this ELF is a multiboot2 kernel. GRUB loads the
; PT_LOAD segments at their physical addresses (1 MiB up) and enters _start in
; 32-bit protected mode with EAX = magic, EBX = physical address of the info.
; The linker script puts .multiboot2 first, well inside the first 32 KiB.

MB2_MAGIC    equ 0xE85250D6
MB2_ARCH_I386 equ 0

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header_start:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header_start
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header_start))
    ; end tag
    align 8
    dw 0
    dw 0
    dd 8
mb2_header_end:
