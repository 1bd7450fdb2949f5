/* Drives the message-tracking reader through the C ABI, as a C caller would: configure, read batches to the end,
 * look at events, their parsed parts and findings, errors and file events, free everything. Run under valgrind:
 * no leak, no invalid access. The lab's tracking logs are in tests/data/tracking, beside the samples folder.
 * Usage: tracking_test <samples folder> <scratch folder> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hybridmailflow.h"
#include "check.h"

static char lab[4200];
static char data_root[4096];

static hmf_reader *new_reader(const char *path) {
    hmf_reader *reader = NULL;
    CHECK(hmf_reader_new(HMF_LOG_KIND_MESSAGE_TRACKING, HMF_READ_ENTRIES, &reader) == HMF_OK);
    CHECK(reader != NULL);
    CHECK(hmf_reader_add_path(reader, (const uint8_t *)path, strlen(path)) == HMF_OK);
    return reader;
}

static void add_filter(hmf_reader *reader, uint32_t kind, const char *value) {
    CHECK(hmf_reader_add_filter(reader, kind, (const uint8_t *)value, strlen(value)) == HMF_OK);
}

/* What a whole read gave. */
typedef struct {
    size_t events, errors, files_started, files_done, skipped_by_time, skipped_by_server;
    size_t diagnosed;
    int64_t last_time;
    int in_order;
} totals;

/* Checks every event's invariants, and the lab's known events when they pass by. */
static void look_at_event(const hmf_tracking_event *e, totals *t) {
    CHECK(e->path.len > 0 && e->line > 5);
    CHECK(e->event_id.len > 0);
    if (e->timestamp_ms < t->last_time) t->in_order = 0;
    t->last_time = e->timestamp_ms;
    CHECK(e->finding_inputs.len == e->finding_count);
    for (size_t f = 0; f < e->finding_count; f++) CHECK(e->findings[f].rule_id.len > 0);
    if (e->finding_count > 0) t->diagnosed++;
    CHECK(e->event_data_keys.len == e->event_data_values.len && e->event_data_keys.len == e->event_data_types.len);
    if (e->status_led.len > 0) CHECK(e->status_led.len == e->recipient_status.len && e->status_lrt.len == e->recipient_status.len);
    for (size_t l = 0; l < e->latency_count; l++) CHECK(e->latency[l].name.len > 0 && e->latency[l].server.len > 0);

    if (str_eq(e->event_id, "FAIL") && str_eq(e->source, "SMTP")) {
        CHECK(e->recipients.len == 1 && str_eq(e->recipients.items[0], "ramki@cloudfield.onmicrosoft.com"));
        CHECK(e->status_led.len == 1 && str_starts(e->status_led.items[0], "550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus"));
        CHECK(str_eq(e->status_fqdn.items[0], "cloudfield.mail.protection.outlook.com"));
        CHECK(str_eq(e->status_ip.items[0], "40.107.22.51"));
        CHECK(e->finding_count >= 1 && str_eq(e->findings[0].rule_id, "HMF-BLOCKLIST-SPAMHAUS"));
        CHECK(str_starts(e->finding_inputs.items[0], "[{LED=550 5.7.1 Service unavailable"));
        CHECK(e->total_bytes == 9215 || e->total_bytes == 7302);
    }
    if (str_eq(e->event_id, "DSN") && str_eq(e->message_id, "<0b7a1c9e3d5f4e2a8c6b@CMHYBD01.cloudmonkeys.xyz>")) {
        /* The NDR of the Spamhaus failure carries its findings. */
        CHECK(e->finding_count >= 1 && str_eq(e->findings[0].rule_id, "HMF-BLOCKLIST-SPAMHAUS"));
        CHECK(e->reference.len == 1 && str_eq(e->reference.items[0], "<c3e8a9172f6d4b0a8e5c1d7f3b9a2e40@CMHYBD01.cloudmonkeys.xyz>"));
    }
    if (str_eq(e->event_id, "SEND") && str_eq(e->source, "SMTP") && str_eq(e->server_hostname, "cloudfield.mail.protection.outlook.com") &&
        e->latency_count > 0) {
        CHECK(e->latency_count == 8);
        CHECK(e->latency[0].total == 1 && str_eq(e->latency[0].name, "TOTAL-HUB") && e->latency[0].seconds == 0.453);
        CHECK(str_eq(e->latency[0].server, "CMHYBD01.cloudmonkeys.xyz") && e->latency[0].local == 0);
        CHECK(str_eq(e->latency[4].path, "SMR/SMRC/SMRCL") && e->latency[4].depth == 2);
        CHECK(e->origination_ms == 1777615616850LL);
        CHECK(e->internal_message_id == 40926819106817LL);
        CHECK(str_eq(e->event_data_keys.items[0], "E2ELatency") && str_eq(e->event_data_values.items[0], "0.910") &&
              str_eq(e->event_data_types.items[0], "S"));
        CHECK(e->finding_count == 0 && e->findings == NULL);
    }
    if (str_eq(e->event_id, "EXPAND")) {
        CHECK(e->recipients.len == 3 && str_eq(e->recipients.items[2], "o'neil@cloudmonkeys.xyz"));
        CHECK(e->recipient_count == 3 && str_eq(e->related_recipient_address, "allstaff@cloudmonkeys.xyz"));
    }
    if (str_eq(e->event_id, "NOTIFYMAPI")) {
        CHECK(e->internal_message_id == INT64_MIN && e->total_bytes == INT64_MIN && e->recipient_count == -1);
        CHECK(e->recipients.len == 0 && e->recipients.items == NULL);
        CHECK(str_starts(e->source_context, "MDB:3f1c2b7a"));
        CHECK(str_eq(e->log_version, "15.02.1544.004") && str_eq(e->schema_version, "15.02.1544.004"));
    }
}

static totals read_all(hmf_reader *reader, size_t batch_size) {
    totals t = {0, 0, 0, 0, 0, 0, 0, INT64_MIN, 1};
    for (;;) {
        hmf_batch *batch = NULL;
        CHECK(hmf_reader_next_batch(reader, batch_size, &batch) == HMF_OK);
        hmf_batch_view view;
        CHECK(hmf_batch_view_get(batch, &view) == HMF_OK);
        CHECK(batch_size == 0 || view.count <= batch_size);
        for (size_t i = 0; i < view.count; i++) {
            const hmf_item *item = &view.items[i];
            switch (item->kind) {
            case HMF_ITEM_TRACKING_EVENT:
                t.events++;
                CHECK(item->entry == NULL && item->session == NULL);
                look_at_event(item->tracking_event, &t);
                break;
            case HMF_ITEM_ERROR:
                t.errors++;
                CHECK(item->error->message.len > 0);
                break;
            case HMF_ITEM_FILE_STARTED:
                t.files_started++;
                CHECK(item->file->index < item->file->count);
                break;
            case HMF_ITEM_FILE_DONE:
                t.files_done++;
                t.skipped_by_time += item->file->skipped_by_time;
                t.skipped_by_server += item->file->skipped_by_server;
                break;
            default:
                CHECK(!"an item kind a tracking reader does not give");
            }
        }
        uint32_t state = view.state;
        hmf_batch_free(batch);
        if (state == HMF_BATCH_END) break;
    }
    /* After the end: empty END batches. */
    hmf_batch *batch = NULL;
    CHECK(hmf_reader_next_batch(reader, batch_size, &batch) == HMF_OK);
    hmf_batch_view view;
    CHECK(hmf_batch_view_get(batch, &view) == HMF_OK);
    CHECK(view.count == 0 && view.state == HMF_BATCH_END);
    hmf_batch_free(batch);
    return t;
}

static void test_lab_logs(void) {
    size_t sizes[] = {1, 5, 0};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        hmf_reader *reader = new_reader(lab);
        totals t = read_all(reader, sizes[s]);
        CHECK(t.events == 55);
        CHECK(t.errors == 0);
        CHECK(t.files_started == 5 && t.files_done == 5);
        CHECK(t.in_order);
        CHECK(t.diagnosed >= 8);
        hmf_stats stats;
        CHECK(hmf_reader_stats(reader, &stats) == HMF_OK);
        CHECK(stats.files == 5 && stats.rows == 55 && stats.lines == 80 && stats.skipped_lines == 0);
        hmf_reader_free(reader);
    }
}

static void test_filters(void) {
    hmf_reader *reader = new_reader(lab);
    add_filter(reader, HMF_TRACKING_FILTER_SENDER, "Raghu@CloudMonkeys.xyz");
    add_filter(reader, HMF_TRACKING_FILTER_EVENT_ID, "receive");
    add_filter(reader, HMF_TRACKING_FILTER_EVENT_ID, "SEND");
    /* One sender only; empty values and unknown kinds are refused with a reason. */
    CHECK(hmf_reader_add_filter(reader, HMF_TRACKING_FILTER_SENDER, (const uint8_t *)"x@y", 3) == HMF_INVALID_ARGUMENT);
    hmf_error err;
    CHECK(hmf_last_error(&err) == HMF_OK && str_contains(err.message, "one value"));
    CHECK(hmf_reader_add_filter(reader, HMF_TRACKING_FILTER_SOURCE, (const uint8_t *)" ", 1) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_reader_add_filter(reader, 99, (const uint8_t *)"x", 1) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_last_error(&err) == HMF_OK && str_contains(err.message, "unknown filter kind 99"));
    totals t = read_all(reader, 4);
    CHECK(t.events == 9);
    /* Configuration after the first batch is refused, not ignored. */
    CHECK(hmf_reader_set_result_size(reader, 1) == HMF_INVALID_ARGUMENT);
    hmf_reader_free(reader);

    reader = new_reader(lab);
    add_filter(reader, HMF_TRACKING_FILTER_RECIPIENT, "o'neil@cloudmonkeys.xyz");
    add_filter(reader, HMF_TRACKING_FILTER_MESSAGE_SUBJECT, "MAINTENANCE");
    CHECK(hmf_reader_set_result_size(reader, 3) == HMF_OK);
    t = read_all(reader, 0);
    CHECK(t.events == 3);
    hmf_reader_free(reader);

    reader = new_reader(lab);
    add_filter(reader, HMF_TRACKING_FILTER_MESSAGE_ID, "c3e8a9172f6d4b0a8e5c1d7f3b9a2e40@CMHYBD01.cloudmonkeys.xyz");
    t = read_all(reader, 0);
    CHECK(t.events == 2);
    hmf_reader_free(reader);

    reader = new_reader(lab);
    add_filter(reader, HMF_TRACKING_FILTER_NETWORK_MESSAGE_ID, "0F3B7C2E-5D41-4A8E-9C07-08DEA7480B12");
    add_filter(reader, HMF_TRACKING_FILTER_INTERNAL_MESSAGE_ID, "40926819106830");
    t = read_all(reader, 0);
    CHECK(t.events == 8);
    hmf_reader_free(reader);
}

static void test_files_skipped_by_time_and_server(void) {
    /* 06:50 to 07:30 on CMHYBD01: the hour-06 files are read (they may hold rows up to 07:15); the edge's file is
     * skipped by its folder; the 2013 and 2010 files name no server, so the default server (CMHYBD01) is theirs. */
    hmf_reader *reader = new_reader(data_root);
    CHECK(hmf_reader_set_time_range(reader, true, 1777618200000LL, true, 1777620600000LL) == HMF_OK);
    add_filter(reader, HMF_TRACKING_FILTER_SERVER, "cmhybd01");
    CHECK(hmf_reader_set_default_server(reader, (const uint8_t *)"CMHYBD01", 8) == HMF_OK);
    totals t = read_all(reader, 0);
    CHECK(t.skipped_by_server == 1);
    CHECK(t.events == 9);
    hmf_stats stats;
    CHECK(hmf_reader_stats(reader, &stats) == HMF_OK);
    CHECK(stats.files_skipped_by_server == 1);
    hmf_reader_free(reader);

    reader = new_reader(data_root);
    /* From 07:30: every hour-06 file is skipped by its name; the 2010 file is daily and has the 22:40 DSN. */
    CHECK(hmf_reader_set_time_range(reader, true, 1777620600000LL, false, 0) == HMF_OK);
    t = read_all(reader, 0);
    CHECK(t.skipped_by_time == 6);
    CHECK(t.events == 1);
    hmf_reader_free(reader);
}

static void test_bad_lines_are_error_items(const char *scratch) {
    char path[4096];
    snprintf(path, sizeof path, "%s/MSGTRK2026050106-1.LOG", scratch);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fputs("#Software: Microsoft Exchange Server\r\n#Version: 15.02.1544.004\r\n#Log-type: Message Tracking Log\r\n", f);
    fputs("#Date: 2026-05-01T06:00:01.203Z\r\n#Fields: date-time,event-id,source,sender-address,recipient-address,total-bytes\r\n", f);
    fputs("2026-05-01T06:00:02.000Z,RECEIVE,SMTP,raghu@cloudmonkeys.xyz,ramki@cloudfield.onmicrosoft.com,100\r\n", f);
    fputs("2026-05-01T06:00:03.000Z,SEND,SMTP\r\n", f);
    fputs("2026-05-01T06:00:04.000Z,SEND,SMTP,raghu@cloudmonkeys.xyz,ramki@cloudfield.onmicrosoft.com,9kB\r\n", f);
    fputs("2026-05-01T06:00:05.000Z,DELIVER,STOREDRIVER,raghu@cloudmonkeys.xyz,ramki@cloudfield.onmicrosoft.com,100\r\n", f);
    fclose(f);
    hmf_reader *reader = new_reader(scratch);
    size_t errors = 0, events = 0;
    for (;;) {
        hmf_batch *batch = NULL;
        CHECK(hmf_reader_next_batch(reader, 0, &batch) == HMF_OK);
        hmf_batch_view view;
        CHECK(hmf_batch_view_get(batch, &view) == HMF_OK);
        for (size_t i = 0; i < view.count; i++) {
            const hmf_item *item = &view.items[i];
            if (item->kind == HMF_ITEM_ERROR) {
                errors++;
                CHECK(str_contains(item->error->path, "MSGTRK2026050106-1.LOG"));
                CHECK(item->error->line == (errors == 1 ? 7u : 8u));
                CHECK(item->error->status == (errors == 1 ? HMF_FIELD_COUNT : HMF_BAD_VALUE));
            }
            if (item->kind == HMF_ITEM_TRACKING_EVENT) events++;
            if (item->kind == HMF_ITEM_FILE_DONE) CHECK(item->file->skipped_lines == 2 && item->file->lines == 9);
        }
        uint32_t state = view.state;
        hmf_batch_free(batch);
        if (state == HMF_BATCH_END) break;
    }
    CHECK(errors == 2);
    CHECK(events == 2);
    hmf_stats stats;
    CHECK(hmf_reader_stats(reader, &stats) == HMF_OK);
    CHECK(stats.skipped_lines == 2 && stats.rows == 2);
    hmf_reader_free(reader);
    remove(path);
}

static void test_null_and_bad_arguments(void) {
    CHECK(hmf_reader_new(HMF_LOG_KIND_MESSAGE_TRACKING, HMF_READ_ENTRIES, NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_reader_add_path(NULL, (const uint8_t *)"x", 1) == HMF_NULL_ARGUMENT);
    CHECK(hmf_reader_next_batch(NULL, 0, NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_reader_stats(NULL, NULL) == HMF_NULL_ARGUMENT);
    hmf_reader *reader = NULL;
    /* Tracking logs are read as events: there are no sessions to rebuild. */
    CHECK(hmf_reader_new(HMF_LOG_KIND_MESSAGE_TRACKING, HMF_READ_SESSIONS, &reader) == HMF_INVALID_ARGUMENT && reader == NULL);
    CHECK(hmf_reader_new(HMF_LOG_KIND_MESSAGE_TRACKING, HMF_READ_ENTRIES, &reader) == HMF_OK);
    /* Tail and follow are protocol-log options. */
    CHECK(hmf_reader_set_tail(reader, 1) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_reader_set_follow(reader, true) == HMF_INVALID_ARGUMENT);
    const uint8_t invalid_utf8[] = {0xff, 0xfe};
    CHECK(hmf_reader_add_path(reader, invalid_utf8, 2) == HMF_INVALID_UTF8);
    CHECK(hmf_reader_add_filter(reader, HMF_TRACKING_FILTER_SENDER, NULL, 3) == HMF_NULL_ARGUMENT);
    CHECK(hmf_reader_next_batch(reader, 0, NULL) == HMF_NULL_ARGUMENT);
    /* Stats before the first batch are zero. */
    hmf_stats stats;
    CHECK(hmf_reader_stats(reader, &stats) == HMF_OK && stats.rows == 0 && stats.files == 0);
    hmf_reader_free(reader);
    /* A reader freed before its reading thread finished stops it. */
    reader = new_reader(lab);
    hmf_batch *batch = NULL;
    CHECK(hmf_reader_next_batch(reader, 1, &batch) == HMF_OK);
    hmf_batch_free(batch);
    hmf_reader_free(reader);
    hmf_reader_free(NULL);
    /* Message tracking came with ABI 3; later versions keep it. */
    CHECK(hmf_abi_version() == HMF_ABI_VERSION && HMF_ABI_VERSION >= 3);
    CHECK(hmf_struct_size(HMF_STRUCT_TRACKING_EVENT) == sizeof(hmf_tracking_event));
    CHECK(hmf_struct_size(HMF_STRUCT_LATENCY_COMPONENT) == sizeof(hmf_latency_component));
    CHECK(hmf_struct_size(HMF_STRUCT_STATS) == sizeof(hmf_stats));
    CHECK(hmf_struct_size(HMF_STRUCT_ITEM) == sizeof(hmf_item));
    CHECK(hmf_struct_size(HMF_STRUCT_FILE_EVENT) == sizeof(hmf_file_event));
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s <samples folder> <scratch folder>\n", argv[0]);
        return 2;
    }
    snprintf(data_root, sizeof data_root, "%s/../tests/data/tracking", argv[1]);
    snprintf(lab, sizeof lab, "%s/CMHYBD01/MessageTracking", data_root);
    test_lab_logs();
    test_filters();
    test_files_skipped_by_time_and_server();
    test_bad_lines_are_error_items(argv[2]);
    test_null_and_bad_arguments();
    return finish("tracking_test");
}
