/* What every C ABI test program here shares: a CHECK that counts failures and goes on, comparisons of the
 * engine's pointer+length strings with C strings, and the exit code with its closing line. */
#ifndef HMF_TEST_CHECK_H
#define HMF_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "hybridmailflow.h"

static int failures = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                              \
        }                                                                            \
    } while (0)

static inline int str_eq(hmf_str s, const char *text) {
    size_t n = strlen(text);
    return s.len == n && (n == 0 || memcmp(s.ptr, text, n) == 0);
}

static inline int str_starts(hmf_str s, const char *text) {
    size_t n = strlen(text);
    return s.len >= n && memcmp(s.ptr, text, n) == 0;
}

static inline int str_contains(hmf_str s, const char *text) {
    size_t n = strlen(text);
    for (size_t i = 0; i + n <= s.len; i++) {
        if (memcmp(s.ptr + i, text, n) == 0) return 1;
    }
    return 0;
}

/* The exit code of a program: 0 when every check held. */
static inline int finish(const char *program) {
    if (failures != 0) {
        fprintf(stderr, "%s: %d check(s) failed\n", program, failures);
        return 1;
    }
    printf("%s: all checks passed\n", program);
    return 0;
}

#endif
