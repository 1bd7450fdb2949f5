/* Drives Trace-HybridMessage's engine through the C ABI, as a C caller would: a query with a Message-ID, the
 * lab's on-premises logs and an Exchange Online export, the result's typed rows (timelines with their hops and
 * flags, issues, stats, evidence files), bad arguments, everything freed. Run under valgrind: no leak, no invalid access. The lab is tests/data/timeline, beside the
 * samples folder. Usage: timeline_test <samples folder> <scratch folder> */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hybridmailflow.h"
#include "check.h"

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
    const hmf_timeline *timelines = NULL;
    const hmf_trace_issue *issues = NULL;
    size_t timeline_count = 0, issue_count = 99;
    hmf_timeline_stats stats;
    CHECK(hmf_timeline_result_timelines(r, &timelines, &timeline_count) == HMF_OK);
    CHECK(hmf_timeline_result_issues(r, &issues, &issue_count) == HMF_OK);
    CHECK(hmf_timeline_result_stats(r, &stats) == HMF_OK);
    CHECK(timeline_count == 1);
    CHECK(issue_count == 0 && issues == NULL);
    CHECK(stats.files_searched == 8);
    if (timeline_count == 1) {
        const hmf_timeline *t = &timelines[0];
        CHECK(str_eq(t->message_id, "<20260501091500.4411@mta.fabrikam.example>"));
        CHECK(t->location == HMF_LOCATION_DELIVERED_ON_PREMISES);
        CHECK(str_eq(t->location_server, "CMHYBD01"));
        CHECK(t->hop_count == 11);
        if (t->hop_count == 11) {
            CHECK(t->hops[0].component == HMF_COMPONENT_EXCHANGE_ONLINE);
            CHECK(t->hops[0].source == HMF_HOP_SOURCE_MESSAGE_TRACE);
            CHECK(t->hops[0].latency_ms == INT64_MIN);
            CHECK(t->hops[1].joined_by == HMF_JOINED_BY_TIME);
            CHECK(str_eq(t->hops[1].session_id, "08DEA7479A7A0002"));
            CHECK(t->hops[1].latency_ms == t->hops[1].time_ms - t->hops[0].time_ms);
            CHECK(str_eq(t->hops[10].event, "DELIVER"));
            CHECK(t->hops[10].line > 0);
        }
        CHECK(t->flag_count == 1);
        if (t->flag_count == 1) {
            CHECK(t->flags[0].kind == HMF_FLAG_SLOW_HOP);
            CHECK(t->flags[0].hop == 3);
        }
    }
    hmf_timeline_result_free(r);

    /* What a server sends for a joined trace: the lines of each file the trace uses, with its header. */
    const hmf_evidence_file *files = NULL;
    size_t file_count = 0;
    CHECK(hmf_timeline_query_collect_evidence(q, &r) == HMF_OK);
    CHECK(hmf_timeline_result_evidence(r, &files, &file_count) == HMF_OK);
    CHECK(hmf_timeline_result_timelines(r, &timelines, &timeline_count) == HMF_OK);
    CHECK(timeline_count == 0 && timelines == NULL);
    CHECK(file_count >= 3);
    int tracking = 0, protocol = 0;
    for (size_t i = 0; i < file_count; i++) {
        const hmf_evidence_file *f = &files[i];
        tracking += f->kind == HMF_EVIDENCE_TRACKING;
        protocol += f->kind == HMF_EVIDENCE_PROTOCOL;
        CHECK(f->header.len > 0 && str_starts(f->header.items[0], "#Software"));
        CHECK(f->lines.len > 0);
        for (size_t l = 0; l < f->lines.len; l++) {
            /* 1-based, in file order. */
            CHECK(f->line_numbers[l] > 0);
            CHECK(l == 0 || f->line_numbers[l] > f->line_numbers[l - 1]);
        }
    }
    CHECK(tracking > 0 && protocol > 0);
    hmf_timeline_result_free(r);
    hmf_timeline_query_free(q);
}

static void test_null_and_bad_arguments(void) {
    const hmf_timeline *timelines = NULL;
    size_t count = 99;
    hmf_timeline_stats stats;
    hmf_timeline_result *r = NULL;
    CHECK(hmf_timeline_query_new(NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_timeline_query_run(NULL, &r) == HMF_NULL_ARGUMENT);
    CHECK(hmf_timeline_query_collect_evidence(NULL, &r) == HMF_NULL_ARGUMENT);
    CHECK(hmf_timeline_result_timelines(NULL, &timelines, &count) == HMF_NULL_ARGUMENT);
    CHECK(hmf_timeline_result_stats(NULL, &stats) == HMF_NULL_ARGUMENT);
    hmf_timeline_query *q = NULL;
    CHECK(hmf_timeline_query_new(&q) == HMF_OK);
    CHECK(hmf_timeline_query_add(q, 99, (const uint8_t *)"x", 1) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_timeline_query_add(q, HMF_TIMELINE_MESSAGE_ID, (const uint8_t *)" ", 1) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_timeline_query_set_slow_threshold(q, 0) == HMF_INVALID_ARGUMENT);
    /* Nothing to trace and nowhere to look: an empty result, not an error. */
    CHECK(hmf_timeline_query_run(q, &r) == HMF_OK);
    CHECK(hmf_timeline_result_timelines(r, &timelines, &count) == HMF_OK);
    CHECK(count == 0 && timelines == NULL);
    /* Out-parameters are written only on success: a missing count leaves the pointer as it was. */
    timelines = (const hmf_timeline *)&stats;
    CHECK(hmf_timeline_result_timelines(r, &timelines, NULL) == HMF_NULL_ARGUMENT);
    CHECK(timelines == (const hmf_timeline *)&stats);
    CHECK(hmf_timeline_result_issues(r, NULL, &count) == HMF_NULL_ARGUMENT);
    CHECK(hmf_timeline_result_stats(r, NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_timeline_result_stats(r, &stats) == HMF_OK);
    CHECK(stats.files_searched == 0);
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
