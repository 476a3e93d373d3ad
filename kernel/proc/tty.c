/* The console as a terminal in canonical mode: input from COM1 is echoed,
 * edited (backspace), and handed to readers a line at a time; Ctrl-D at the
 * start of a line is end of file. Output goes to COM1 (fd 2 to the stderr
 * port), with "\n" as "\r\n" unless tty=raw. */
#include "proc/task.h"
#include "proc/abi.h"
#include "arch/serial.h"
#include "lib/string.h"

#define TTY_LINE  256
#define TTY_READY 1024

static char line[TTY_LINE];
static uint32_t line_len;
static char ready[TTY_READY];          /* completed input, consumed from ready_pos */
static uint32_t ready_len, ready_pos;
static bool eof_pending;
static bool raw;
static int stderr_port = SERIAL_COM1;

void tty_set_raw(bool r)
{
    raw = r;
}

void tty_set_stderr_port(int port)
{
    stderr_port = port;
}

static void tty_echo(const char *s, size_t n)
{
    serial_port_write(SERIAL_COM1, s, n, true);
}

/* Moves the edited line to the ready buffer (dropped if it does not fit). */
static void tty_commit(void)
{
    if (ready_pos == ready_len)
        ready_pos = ready_len = 0;
    if (line_len <= TTY_READY - ready_len) {
        memcpy(ready + ready_len, line, line_len);
        ready_len += line_len;
    }
    line_len = 0;
}

/* Applies one input byte to the line being edited. */
static void tty_input(char c)
{
    if (c == '\r' || c == '\n') {
        line[line_len++] = '\n';
        tty_echo("\n", 1);
        tty_commit();
    } else if (c == 0x7f || c == 0x08) {
        if (line_len > 0) {
            line_len--;
            tty_echo("\b \b", 3);
        }
    } else if (c == 0x04) {
        if (line_len == 0)
            eof_pending = true;
        else
            tty_commit();
    } else if (line_len < TTY_LINE - 1 && (c == '\t' || (c >= 0x20 && c < 0x7f))) {
        line[line_len++] = c;
        tty_echo(&c, 1);
    }
}

bool tty_poll(void)
{
    int c;
    while ((c = serial_getc()) >= 0)
        tty_input((char)c);
    return ready_pos < ready_len || eof_pending;
}

long tty_read(char *buf, uint64_t n)
{
    for (;;) {
        tty_poll();
        if (ready_pos < ready_len) {
            uint64_t k = 0;
            while (k < n && ready_pos < ready_len) {
                char c = ready[ready_pos++];
                buf[k++] = c;
                if (c == '\n')
                    break;
            }
            return (long)k;
        }
        if (eof_pending) {
            eof_pending = false;
            return 0;
        }
        if (tasks[task_current()].kill_sig)
            return -EINTR;                   /* it dies on the way out */
        sched_block(WAIT_TTY, 0);
    }
}

void tty_write(int kind, const char *buf, uint64_t n)
{
    serial_port_write(kind == FD_TTY_ERR ? stderr_port : SERIAL_COM1, buf, n, !raw);
}
