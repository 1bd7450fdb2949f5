/* Drives the protocol-log reader through the C ABI, as a C caller would: configure, read batches to the end,
 * look at entries, sessions and errors, free everything. Run under valgrind: no leak, no invalid access.
 * Usage: protocol_test <samples folder> <scratch folder> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hybridmailflow.h"
#include "check.h"

static hmf_reader *new_reader(uint32_t mode, const char *path) {
    hmf_reader *reader = NULL;
    CHECK(hmf_reader_new(HMF_LOG_KIND_PROTOCOL_LOG, mode, &reader) == HMF_OK);
    CHECK(reader != NULL);
    CHECK(hmf_reader_add_path(reader, (const uint8_t *)path, strlen(path)) == HMF_OK);
    return reader;
}

/* Reads every batch; returns the number of items of `kind`. */
static size_t count_items(hmf_reader *reader, uint32_t kind, size_t batch_size) {
    size_t count = 0;
    for (;;) {
        hmf_batch *batch = NULL;
        CHECK(hmf_reader_next_batch(reader, batch_size, &batch) == HMF_OK);
        hmf_batch_view view;
        CHECK(hmf_batch_view_get(batch, &view) == HMF_OK);
        for (size_t i = 0; i < view.count; i++) {
            const hmf_item *item = &view.items[i];
            if (item->kind == kind) count++;
            if (item->kind == HMF_ITEM_SESSION) {
                const hmf_session *s = item->session;
                CHECK(s->session_id.len == 16);
                CHECK(s->line_count > 0);
                CHECK(s->line_files.len >= 1);
                for (uint32_t l = 0; l < s->line_count; l++) {
                    CHECK(s->line_file_indexes[l] < s->line_files.len);
                    CHECK(s->line_numbers[l] > 0);
                    /* Later lines of one file start further in: a line is at least its 9 fields' commas. */
                    if (l > 0 && s->line_file_indexes[l] == s->line_file_indexes[l - 1]) {
                        CHECK(s->line_offsets[l] >= s->line_offsets[l - 1] + 8);
                    }
                }
                for (size_t c = 0; c < s->certificate_count; c++) CHECK(s->certificates[c].kind.len > 0);
                for (size_t m = 0; m < s->message_count; m++) (void)s->messages[m].recipients.len;
            }
            if (item->kind == HMF_ITEM_ENTRY) CHECK(item->entry->time_ms > 0);
            if (item->kind == HMF_ITEM_ERROR) CHECK(item->error->message.len > 0);
        }
        uint32_t state = view.state;
        hmf_batch_free(batch);
        if (state == HMF_BATCH_END) break;
    }
    return count;
}

static void test_sessions_of_samples(const char *samples) {
    hmf_reader *reader = new_reader(HMF_READ_SESSIONS, samples);
    CHECK(count_items(reader, HMF_ITEM_SESSION, 3) > 5);
    hmf_stats stats;
    CHECK(hmf_reader_stats(reader, &stats) == HMF_OK);
    CHECK(stats.files >= 1);
    CHECK(stats.lines > 0);
    hmf_reader_free(reader);
}

/* A batch is the caller's until it frees it: it stays readable after its reader is freed, and freeing batches in
 * any order, before and after the reader, leaks nothing (the engine frees given-back batches on its reading
 * threads while they run, on the caller's thread after). */
static void test_batches_outlive_their_reader(const char *samples) {
    hmf_reader *reader = new_reader(HMF_READ_SESSIONS, samples);
    hmf_batch *kept[4] = {NULL, NULL, NULL, NULL};
    for (int b = 0; b < 4; b++) {
        CHECK(hmf_reader_next_batch(reader, 2, &kept[b]) == HMF_OK);
    }
    hmf_batch_free(kept[1]);
    hmf_reader_free(reader);
    for (int b = 0; b < 4; b++) {
        if (b == 1) continue;
        hmf_batch_view view;
        CHECK(hmf_batch_view_get(kept[b], &view) == HMF_OK);
        for (size_t i = 0; i < view.count; i++) {
            if (view.items[i].kind == HMF_ITEM_SESSION) CHECK(view.items[i].session->session_id.len == 16);
        }
    }
    hmf_batch_free(kept[3]);
    hmf_batch_free(kept[0]);
    hmf_batch_free(kept[2]);
}

static void test_entries_with_filters(const char *samples) {
    hmf_reader *reader = new_reader(HMF_READ_ENTRIES, samples);
    const char *range = "40.92.0.0/15";
    CHECK(hmf_reader_add_filter(reader, HMF_FILTER_REMOTE_ADDRESS, (const uint8_t *)range, strlen(range)) == HMF_OK);
    const char *bad = "not-an-address";
    CHECK(hmf_reader_add_filter(reader, HMF_FILTER_REMOTE_ADDRESS, (const uint8_t *)bad, strlen(bad)) == HMF_INVALID_ARGUMENT);
    hmf_error err;
    CHECK(hmf_last_error(&err) == HMF_OK);
    CHECK(err.status == HMF_INVALID_ARGUMENT);
    CHECK(str_contains(err.message, "not-an-address"));
    CHECK(hmf_reader_set_tail(reader, 5) == HMF_OK);
    CHECK(count_items(reader, HMF_ITEM_ENTRY, 2) == 5);
    /* Configuration after the first batch is refused, not ignored. */
    CHECK(hmf_reader_set_tail(reader, 1) == HMF_INVALID_ARGUMENT);
    hmf_reader_free(reader);
}

static void test_bad_file_is_an_error_item(const char *scratch) {
    char path[4096];
    snprintf(path, sizeof path, "%s/RECV2026050106-1.LOG", scratch);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fputs("#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n", f);
    fputs("2026-05-01T06:00:00.000Z,S\\C,0000000000000001,0,1.1.1.1:25,2.2.2.2:1,+,,\r\n", f);
    fputs("too,few\r\n", f);
    fputs("2026-05-01T06:00:01.000Z,S\\C,0000000000000001,1,1.1.1.1:25,2.2.2.2:1,-,,Remote\r\n", f);
    fclose(f);
    hmf_reader *reader = new_reader(HMF_READ_SESSIONS, path);
    size_t errors = 0, sessions = 0;
    for (;;) {
        hmf_batch *batch = NULL;
        CHECK(hmf_reader_next_batch(reader, 0, &batch) == HMF_OK);
        hmf_batch_view view;
        CHECK(hmf_batch_view_get(batch, &view) == HMF_OK);
        for (size_t i = 0; i < view.count; i++) {
            if (view.items[i].kind == HMF_ITEM_ERROR) {
                errors++;
                CHECK(view.items[i].error->status == HMF_FIELD_COUNT);
                CHECK(view.items[i].error->line == 3);
                CHECK(str_contains(view.items[i].error->path, "RECV2026050106-1.LOG"));
            }
            if (view.items[i].kind == HMF_ITEM_SESSION) {
                sessions++;
                CHECK(view.items[i].session->outcome == HMF_OUTCOME_DROPPED);
                /* No message, so no bytes: the ABI's one absent value for an int64_t. */
                CHECK(view.items[i].session->bytes == INT64_MIN);
            }
        }
        uint32_t state = view.state;
        hmf_batch_free(batch);
        if (state == HMF_BATCH_END) break;
    }
    CHECK(errors == 1);
    CHECK(sessions == 1);
    hmf_reader_free(reader);
    remove(path);
}

static void test_null_and_bad_arguments(void) {
    hmf_reader *reader = NULL;
    CHECK(hmf_reader_new(HMF_LOG_KIND_PROTOCOL_LOG, 99, &reader) == HMF_INVALID_ARGUMENT);
    CHECK(reader == NULL);
    CHECK(hmf_reader_new(99, HMF_READ_ENTRIES, &reader) == HMF_INVALID_ARGUMENT);
    CHECK(reader == NULL);
    /* A log kind the knowledge base knows but no reader reads (queues come from Get-Queue, not files). */
    CHECK(hmf_reader_new(HMF_LOG_KIND_QUEUE, HMF_READ_ENTRIES, &reader) == HMF_INVALID_ARGUMENT);
    CHECK(reader == NULL);
    CHECK(hmf_reader_new(HMF_LOG_KIND_PROTOCOL_LOG, HMF_READ_SESSIONS, NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_reader_add_path(NULL, (const uint8_t *)"x", 1) == HMF_NULL_ARGUMENT);
    CHECK(hmf_batch_view_get(NULL, NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_reader_new(HMF_LOG_KIND_PROTOCOL_LOG, HMF_READ_SESSIONS, &reader) == HMF_OK);
    const uint8_t invalid_utf8[] = {0xff, 0xfe};
    CHECK(hmf_reader_add_path(reader, invalid_utf8, 2) == HMF_INVALID_UTF8);
    /* The result size is a tracking-log option. */
    CHECK(hmf_reader_set_result_size(reader, 1) == HMF_INVALID_ARGUMENT);
    hmf_reader_free(reader);
    hmf_reader_free(NULL);
    hmf_batch_free(NULL);
    const char *line = "2026-05-01T06:00:00.000Z,S\\C,0000000000000001,0,1.1.1.1:25,2.2.2.2:1,<,EHLO x,";
    hmf_batch *batch = NULL;
    CHECK(hmf_protocol_parse_lines((const uint8_t *)line, strlen(line), HMF_DIRECTION_RECEIVE, &batch) == HMF_OK);
    hmf_batch_view view;
    CHECK(hmf_batch_view_get(batch, &view) == HMF_OK);
    CHECK(view.count == 1 && view.items[0].kind == HMF_ITEM_ENTRY);
    CHECK(str_eq(view.items[0].entry->data, "EHLO x"));
    CHECK(view.items[0].entry->event == '<');
    hmf_batch_free(batch);
    CHECK(hmf_struct_size(HMF_STRUCT_SESSION) == sizeof(hmf_session));
    CHECK(hmf_struct_size(HMF_STRUCT_PROTOCOL_ENTRY) == sizeof(hmf_protocol_entry));
    CHECK(hmf_struct_size(9999) == 0);
}

static void test_diagnosis(void) {
    const char *text = "451 4.7.0 Temporary server error. Please try again later. PRX2 ";
    hmf_findings *findings = NULL;
    CHECK(hmf_diagnose(NULL, (const uint8_t *)text, strlen(text), 1, HMF_LOG_KIND_PROTOCOL_LOG, NULL, 0, false, &findings) == HMF_OK);
    const hmf_finding *items = NULL;
    size_t count = 0;
    CHECK(hmf_findings_get(findings, &items, &count) == HMF_OK);
    CHECK(count == 1);
    CHECK(str_eq(items[0].rule_id, "HMF-PRX2"));
    CHECK(items[0].code == 451);
    CHECK(str_eq(items[0].enhanced_code, "4.7.0"));
    CHECK(items[0].fix.len > 0 && items[0].references.len > 0);
    hmf_findings_free(findings);

    /* Unknown text still gets one finding; empty text too. */
    CHECK(hmf_diagnose(NULL, (const uint8_t *)"", 0, 0, 0, NULL, 0, true, &findings) == HMF_OK);
    CHECK(hmf_findings_get(findings, &items, &count) == HMF_OK);
    CHECK(count == 1 && str_eq(items[0].rule_id, "Unrecognized"));
    hmf_findings_free(findings);
    hmf_findings_free(NULL);

    /* User rules: a broken file is refused with a message naming it; a good one wins over the built-in rules. */
    const char *broken = "[[rule]]\nid = \"X\"\n";
    const char *name = "site-rules.toml";
    hmf_knowledge_base *kb = NULL;
    CHECK(hmf_knowledge_base_new((const uint8_t *)broken, strlen(broken), (const uint8_t *)name, strlen(name), &kb) == HMF_INVALID_ARGUMENT);
    CHECK(kb == NULL);
    hmf_error err;
    CHECK(hmf_last_error(&err) == HMF_OK && str_contains(err.message, "site-rules.toml"));
    hmf_knowledge_base_free(NULL);
    CHECK(hmf_diagnose(NULL, (const uint8_t *)text, strlen(text), 7, 0, NULL, 0, false, &findings) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_struct_size(HMF_STRUCT_FINDING) == sizeof(hmf_finding));
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s <samples folder> <scratch folder>\n", argv[0]);
        return 2;
    }
    test_sessions_of_samples(argv[1]);
    test_batches_outlive_their_reader(argv[1]);
    test_entries_with_filters(argv[1]);
    test_bad_file_is_an_error_item(argv[2]);
    test_null_and_bad_arguments();
    test_diagnosis();
    return finish("protocol_test");
}
