/* Drives Trace-HybridMessage's engine through the C ABI, as a C caller would: a query with a Message-ID, the
 * lab's on-premises logs and an Exchange Online export, the result's tables found by column name, bad arguments,
 * everything freed. Run under valgrind: no leak, no invalid access. The lab is tests/data/timeline, beside the
 * samples folder. Usage: timeline_test <samples folder> <scratch folder> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hybridmailflow.h"
#include "check.h"

static hmf_str cell(const hmf_table *t, size_t row, const char *name) {
    hmf_str none = {NULL, 0};
    for (size_t c = 0; c < t->columns.len; c++) {
        if (str_eq(t->columns.items[c], name)) {
            return row < t->rows ? t->cells.items[row * t->columns.len + c] : none;
        }
    }
    return none;
}

static void add(hmf_timeline_query *q, uint32_t kind, const char *value) {
    CHECK(hmf_timeline_query_add(q, kind, (const uint8_t *)value, strlen(value)) == HMF_OK);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *bytes = malloc((size_t)size);
    *len = fread(bytes, 1, (size_t)size, f);
    fclose(f);
    return bytes;
}

static void test_a_deferred_internet_message(const char *lab) {
    char exo[4300];
    snprintf(exo, sizeof exo, "%s/exo/MessageTraceDetailV2.csv", lab);
    size_t len = 0;
    char *bytes = read_file(exo, &len);
    CHECK(bytes != NULL);
    if (!bytes) return;
    hmf_timeline_query *q = NULL;
    CHECK(hmf_timeline_query_new(&q) == HMF_OK);
    add(q, HMF_TIMELINE_MESSAGE_ID, "20260501091500.4411@mta.fabrikam.example");
    add(q, HMF_TIMELINE_TRACKING_PATH, lab);
    add(q, HMF_TIMELINE_PROTOCOL_PATH, lab);
    CHECK(hmf_timeline_query_add_trace(q, (const uint8_t *)exo, strlen(exo), (const uint8_t *)bytes, len, false) == HMF_OK);
    free(bytes);
    CHECK(hmf_timeline_query_set_slow_threshold(q, 60000) == HMF_OK);
    hmf_timeline_result *r = NULL;
    CHECK(hmf_timeline_query_run(q, &r) == HMF_OK);
    hmf_table timelines, hops, flags, issues, stats;
    CHECK(hmf_timeline_result_table(r, HMF_TIMELINE_TABLE_TIMELINES, &timelines) == HMF_OK);
    CHECK(hmf_timeline_result_table(r, HMF_TIMELINE_TABLE_HOPS, &hops) == HMF_OK);
    CHECK(hmf_timeline_result_table(r, HMF_TIMELINE_TABLE_FLAGS, &flags) == HMF_OK);
    CHECK(hmf_timeline_result_table(r, HMF_TIMELINE_TABLE_ISSUES, &issues) == HMF_OK);
    CHECK(hmf_timeline_result_table(r, HMF_TIMELINE_TABLE_STATS, &stats) == HMF_OK);
    CHECK(timelines.rows == 1);
    CHECK(str_eq(cell(&timelines, 0, "MessageId"), "<20260501091500.4411@mta.fabrikam.example>"));
    CHECK(str_eq(cell(&timelines, 0, "Location"), "DeliveredOnPremises"));
    CHECK(str_eq(cell(&timelines, 0, "LocationServer"), "CMHYBD01"));
    CHECK(hops.rows == 11);
    CHECK(str_eq(cell(&hops, 0, "Component"), "Exchange Online"));
    CHECK(str_eq(cell(&hops, 1, "JoinedBy"), "Time"));
    CHECK(str_eq(cell(&hops, 1, "SessionId"), "08DEA7479A7A0002"));
    CHECK(str_eq(cell(&hops, 10, "Event"), "DELIVER"));
    CHECK(flags.rows == 1);
    CHECK(str_eq(cell(&flags, 0, "Kind"), "SlowHop"));
    CHECK(str_eq(cell(&flags, 0, "Hop"), "3"));
    CHECK(issues.rows == 0);
    CHECK(stats.rows == 1);
    CHECK(str_eq(cell(&stats, 0, "FilesSearched"), "8"));
    hmf_timeline_result_free(r);

    /* What a server sends for a joined trace: the lines of each file the trace uses, with its header. */
    hmf_table evidence, no_timelines;
    CHECK(hmf_timeline_query_collect_evidence(q, &r) == HMF_OK);
    CHECK(hmf_timeline_result_table(r, HMF_TIMELINE_TABLE_EVIDENCE, &evidence) == HMF_OK);
    CHECK(hmf_timeline_result_table(r, HMF_TIMELINE_TABLE_TIMELINES, &no_timelines) == HMF_OK);
    CHECK(no_timelines.rows == 0);
    CHECK(evidence.rows >= 3);
    int tracking = 0, protocol = 0;
    for (size_t row = 0; row < evidence.rows; row++) {
        hmf_str kind = cell(&evidence, row, "Kind");
        tracking += str_eq(kind, "Tracking");
        protocol += str_eq(kind, "Protocol");
        hmf_str header = cell(&evidence, row, "Header");
        CHECK(header.len > 8 && memcmp(header.ptr, "#Software", 9) == 0);
        CHECK(cell(&evidence, row, "Lines").len > 0);
        CHECK(cell(&evidence, row, "LineNumbers").len > 0);
    }
    CHECK(tracking > 0 && protocol > 0);
    hmf_timeline_result_free(r);
    hmf_timeline_query_free(q);
}

static void test_null_and_bad_arguments(void) {
    hmf_table table;
    hmf_timeline_result *r = NULL;
    CHECK(hmf_timeline_query_new(NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_timeline_query_run(NULL, &r) == HMF_NULL_ARGUMENT);
    CHECK(hmf_timeline_query_collect_evidence(NULL, &r) == HMF_NULL_ARGUMENT);
    CHECK(hmf_timeline_result_table(NULL, HMF_TIMELINE_TABLE_HOPS, &table) == HMF_NULL_ARGUMENT);
    hmf_timeline_query *q = NULL;
    CHECK(hmf_timeline_query_new(&q) == HMF_OK);
    CHECK(hmf_timeline_query_add(q, 99, (const uint8_t *)"x", 1) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_timeline_query_add(q, HMF_TIMELINE_MESSAGE_ID, (const uint8_t *)" ", 1) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_timeline_query_set_slow_threshold(q, 0) == HMF_INVALID_ARGUMENT);
    /* Nothing to trace and nowhere to look: an empty result, not an error. */
    CHECK(hmf_timeline_query_run(q, &r) == HMF_OK);
    CHECK(hmf_timeline_result_table(r, HMF_TIMELINE_TABLE_TIMELINES, &table) == HMF_OK);
    CHECK(table.rows == 0);
    CHECK(hmf_timeline_result_table(r, 99, &table) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_timeline_result_table(r, HMF_TIMELINE_TABLE_HOPS, NULL) == HMF_NULL_ARGUMENT);
    hmf_timeline_result_free(r);
    hmf_timeline_query_free(q);
    hmf_timeline_result_free(NULL);
    hmf_timeline_query_free(NULL);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: timeline_test <samples folder> <scratch folder>\n");
        return 2;
    }
    char lab[4200];
    snprintf(lab, sizeof lab, "%s/../tests/data/timeline", argv[1]);
    test_a_deferred_internet_message(lab);
    test_null_and_bad_arguments();
    return finish("timeline_test");
}
