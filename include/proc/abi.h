/* Numbers of the Linux x86_64 user ABI the kernel answers with: errno
 * values (returned negated), signal numbers, PROT_* bits, the user
 * segment selectors. One place, so every file agrees. */
#ifndef ISOLA_PROC_ABI_H
#define ISOLA_PROC_ABI_H

#include "arch/gdt.h"

#define EPERM         1
#define ENOENT        2
#define ESRCH         3
#define EINTR         4
#define E2BIG         7
#define ENOEXEC       8
#define EBADF         9
#define ECHILD       10
#define EAGAIN       11
#define ENOMEM       12
#define EFAULT       14
#define ENODEV       19
#define ENOTDIR      20
#define EINVAL       22
#define EMFILE       24
#define ENOTTY       25
#define ESPIPE       29
#define EROFS        30
#define ENAMETOOLONG 36
#define ENOSYS       38

#define SIGILL   4
#define SIGTRAP  5
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGSEGV 11

#define PROT_WRITE 2
#define PROT_EXEC  4

#define USER_CS (GDT_USER_CODE | 3)
#define USER_DS (GDT_USER_DATA | 3)

#endif
