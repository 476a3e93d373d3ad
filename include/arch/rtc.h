/* CMOS real-time clock. */
#ifndef ARCH_RTC_H
#define ARCH_RTC_H

#include <stdint.h>

/* Seconds since 1970-01-01 00:00 UTC per the RTC (assumed to run in UTC,
 * as QEMU's does by default), read outside an update cycle. */
uint64_t rtc_epoch_seconds(void);
/* The seconds register as stored (BCD or binary), read outside an update
 * cycle: for noticing that a second has passed. */
uint8_t rtc_seconds_raw(void);

#endif
