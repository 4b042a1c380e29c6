/*
 * Redis computes INCRBYFLOAT and HINCRBYFLOAT in C `long double` (80-bit extended precision on
 * x86-64) and prints the result with "%.17Lf" before trimming trailing zeros. Rust has no such
 * type, so the exact arithmetic and formatting live here, where the C library does them the same
 * way it does for Redis. Written from the behaviour Redis documents; no Redis code is copied.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYP_LD_MAX_CHARS (5 * 1024)

/* Parses `len` bytes as a long double the way Redis accepts a float argument: the whole input must
 * be consumed, no leading space, no NaN, no overflow to infinity or underflow to zero.
 * Returns 1 on success. */
static int parse_ld(const char *s, size_t len, long double *out) {
    char buf[KEYP_LD_MAX_CHARS];
    char *end = NULL;
    long double value;
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    value = strtold(buf, &end);
    if (isspace((unsigned char)buf[0]) || end == NULL || *end != '\0' || (size_t)(end - buf) != len)
        return 0;
    if (errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL || fpclassify(value) == FP_ZERO))
        return 0;
    if (errno == EINVAL || isnan(value)) return 0;
    *out = value;
    return 1;
}

/* Formats like Redis's human-friendly long double output. Returns the length, 0 if no room. */
static size_t format_ld_human(long double value, char *out, size_t cap) {
    int n;
    size_t len;
    if (isinf(value)) {
        const char *text = value > 0 ? "inf" : "-inf";
        len = strlen(text);
        if (len + 1 > cap) return 0;
        memcpy(out, text, len + 1);
        return len;
    }
    n = snprintf(out, cap, "%.17Lf", value);
    if (n < 0 || (size_t)n + 1 > cap) return 0;
    len = (size_t)n;
    if (strchr(out, '.') != NULL) {
        while (len > 0 && out[len - 1] == '0') len--;
        if (len > 0 && out[len - 1] == '.') len--;
    }
    if (len == 2 && out[0] == '-' && out[1] == '0') {
        out[0] = '0';
        len = 1;
    }
    out[len] = '\0';
    return len;
}

/*
 * current (may be NULL for a missing key, meaning 0) + increment, formatted into out.
 * Returns 0 on success (length in *out_len), 1 if current is not a float, 2 if the increment is
 * not a float, 3 if the sum is NaN or infinite, 4 if the output buffer is too small.
 */
int keyp_incrbyfloat(const char *current, size_t current_len, const char *incr, size_t incr_len,
                     char *out, size_t out_cap, size_t *out_len) {
    long double value = 0, increment = 0;
    size_t len;
    if (current != NULL && !parse_ld(current, current_len, &value)) return 1;
    if (!parse_ld(incr, incr_len, &increment)) return 2;
    value += increment;
    if (isnan(value) || isinf(value)) return 3;
    len = format_ld_human(value, out, out_cap);
    if (len == 0) return 4;
    *out_len = len;
    return 0;
}

/* Redis 7.0 prints doubles (scores, INCRBYFLOAT replies to RESP3 clients) with "%.17g". */
size_t keyp_format_double_g17(double value, char *out, size_t out_cap) {
    int n = snprintf(out, out_cap, "%.17g", value);
    if (n < 0 || (size_t)n + 1 > out_cap) return 0;
    return (size_t)n;
}

/*
 * A blocking command's timeout argument (seconds) as Redis 7.0 turns it into milliseconds: parsed
 * as a long double, multiplied by 1000 in long double, rounded up (so 0.0001 is 1 ms, not "wait
 * forever"), then converted to a 64-bit count. x86-64 converts a value outside that range to
 * LLONG_MIN, which Redis then rejects as negative; that outcome is reproduced without relying on
 * the undefined conversion. Returns 0 on success (*out_ms >= 0; 0 means wait forever), 1 if the
 * argument is not a float, 2 if the timeout is negative.
 */
int keyp_timeout_ms(const char *arg, size_t len, long long *out_ms) {
    long double seconds = 0, ms;
    if (!parse_ld(arg, len, &seconds)) return 1;
    ms = ceill(seconds * 1000.0L);
    if (!(ms < 9223372036854775808.0L)) return 2;
    if (ms < 0) return 2;
    *out_ms = (long long)ms;
    return 0;
}
