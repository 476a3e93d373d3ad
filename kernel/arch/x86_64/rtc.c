/* CMOS RTC date and time -> Unix seconds (BCD or binary, 24-hour assumed).
 * NMI stays enabled (bit 7 of the index clear). */
#include "arch/rtc.h"
#include "arch/cpu.h"

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static uint32_t rtc_field(uint8_t reg, int bcd)
{
    uint8_t v = cmos_read(reg);
    return bcd ? (uint32_t)(v >> 4) * 10 + (v & 0x0F) : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_from_civil(uint32_t y, uint32_t m, uint32_t d)
{
    y -= m <= 2;
    uint32_t era = y / 400, yoe = y - era * 400;
    uint32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)era * 146097 + doe - 719468;
}

/* Waits until no update cycle is in progress. */
static void rtc_wait_stable(void)
{
    while (cmos_read(0x0A) & 0x80)
        ;
}

uint8_t rtc_seconds_raw(void)
{
    rtc_wait_stable();
    return cmos_read(0x00);
}

uint64_t rtc_epoch_seconds(void)
{
    rtc_wait_stable();
    int bcd = !(cmos_read(0x0B) & 0x04);
    uint32_t s = rtc_field(0x00, bcd), mi = rtc_field(0x02, bcd), h = rtc_field(0x04, bcd);
    uint32_t d = rtc_field(0x07, bcd), mo = rtc_field(0x08, bcd), y = rtc_field(0x09, bcd) + 2000;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}
