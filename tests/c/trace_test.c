/* Drives the Exchange Online trace importer through the C ABI, as a C caller would: read exports from memory,
 * read the typed event and issue rows, replace them with a second read, free everything. Run
 * under valgrind: no leak, no invalid access.
 * Usage: trace_test <samples folder> <scratch folder> */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hybridmailflow.h"
#include "check.h"

/* The rows of the last read. */
static size_t events_of(hmf_trace_import *import, const hmf_trace_event **events) {
    size_t count = 99;
    CHECK(hmf_trace_import_events(import, events, &count) == HMF_OK);
    return count;
}

static size_t issues_of(hmf_trace_import *import, const hmf_trace_issue **issues) {
    size_t count = 99;
    CHECK(hmf_trace_import_issues(import, issues, &count) == HMF_OK);
    return count;
}

static hmf_status read_text(hmf_trace_import *import, const char *name, const char *text, bool day_first) {
    return hmf_trace_import_read(import, (const uint8_t *)name, strlen(name), (const uint8_t *)text, strlen(text), day_first);
}

static void test_detail_export_with_a_reason(void) {
    hmf_trace_import *import = NULL;
    CHECK(hmf_trace_import_new(&import) == HMF_OK);
    const char *csv =
        "\"Date\",\"Event\",\"Action\",\"Detail\",\"Data\",\"MessageId\",\"MessageTraceId\",\"RecipientAddress\",\"SenderAddress\"\r\n"
        "\"5/1/2026 9:15:02 AM\",\"Defer\",\"\",\"Reason: [{LED=450 4.4.317 Cannot connect to remote server "
        "[LastAttemptedServerName=mail.cloudmonkeys.xyz] [LastAttemptedIP=27.7.57.241:25]};{MSG=};{FQDN=};{IP=};{LRT=}]\","
        "\"<root><MEP Name=\"\"ConnectorId\"\" String=\"\"Outbound to cloudmonkeys\"\" /></root>\","
        "\"<20260501091500.4411@mta.fabrikam.example>\",\"5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0004\","
        "\"raghu@cloudmonkeys.xyz\",\"partner@fabrikam.example\"\r\n";
    CHECK(read_text(import, "detail.csv", csv, false) == HMF_OK);
    const hmf_trace_event *events = NULL;
    const hmf_trace_issue *issues = NULL;
    CHECK(events_of(import, &events) == 1);
    CHECK(issues_of(import, &issues) == 0 && issues == NULL);
    if (events) {
        const hmf_trace_event *e = &events[0];
        CHECK(e->format == HMF_TRACE_FORMAT_MESSAGE_TRACE_DETAIL);
        CHECK(e->received_ms == 1777626902000);
        CHECK(str_eq(e->event, "Defer"));
        CHECK(str_eq(e->status, "Pending"));
        CHECK(str_eq(e->connector_id, "Outbound to cloudmonkeys"));
        CHECK(e->data_properties.len == 1 && str_eq(e->data_properties.items[0], "ConnectorId=Outbound to cloudmonkeys"));
        CHECK(str_eq(e->network_message_id, "5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0004"));
        CHECK(e->size == INT64_MIN);
        CHECK(e->reason_code == 450);
        CHECK(str_eq(e->reason_enhanced_code, "4.4.317"));
        CHECK(str_eq(e->reason_last_attempted_ip, "27.7.57.241:25"));
        CHECK(e->reason_rule_id.len > 0);
        CHECK(str_eq(e->path, "detail.csv"));
        CHECK(e->line == 2);
    }

    /* A second read replaces the rows: a file that is not an export is an issue, not a failed call. */
    CHECK(read_text(import, "other.csv", "Name,Length\r\na,1\r\n", false) == HMF_OK);
    CHECK(events_of(import, &events) == 0 && events == NULL);
    CHECK(issues_of(import, &issues) == 1);
    if (issues) {
        CHECK(issues[0].kind == HMF_TRACE_ISSUE_NOT_A_TRACE);
        CHECK(str_eq(issues[0].path, "other.csv"));
        CHECK(issues[0].line == 1); /* the header that is not a trace's */
        CHECK(str_starts(issues[0].message, "other.csv: is not a message trace export"));
    }
    hmf_trace_import_free(import);
}

static void test_day_first_culture(void) {
    hmf_trace_import *import = NULL;
    CHECK(hmf_trace_import_new(&import) == HMF_OK);
    const char *csv = "Received,SenderAddress,MessageId\r\n02/05/2026 09:00:00,a@cloudmonkeys.xyz,<1@x>\r\n";
    const hmf_trace_event *events = NULL;
    CHECK(read_text(import, "gb.csv", csv, true) == HMF_OK);
    CHECK(events_of(import, &events) == 1);
    CHECK(events && events[0].received_ms == 1777712400000); /* 2 May 2026 09:00 UTC */
    CHECK(events && events[0].format == HMF_TRACE_FORMAT_MESSAGE_TRACE);
    CHECK(read_text(import, "us.csv", csv, false) == HMF_OK);
    CHECK(events_of(import, &events) == 1);
    CHECK(events && events[0].received_ms == 1770282000000); /* 5 February 2026 09:00 UTC */
    hmf_trace_import_free(import);
}

static void test_null_and_bad_arguments(void) {
    const hmf_trace_event *events = NULL;
    const hmf_trace_issue *issues = NULL;
    size_t count = 99;
    CHECK(hmf_trace_import_new(NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_trace_import_events(NULL, &events, &count) == HMF_NULL_ARGUMENT);
    CHECK(hmf_trace_import_issues(NULL, &issues, &count) == HMF_NULL_ARGUMENT);
    hmf_trace_import *import = NULL;
    CHECK(hmf_trace_import_new(&import) == HMF_OK);
    CHECK(hmf_trace_import_events(import, NULL, &count) == HMF_NULL_ARGUMENT);
    CHECK(hmf_trace_import_events(import, &events, NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_trace_import_read(import, NULL, 3, (const uint8_t *)"x", 1, false) == HMF_NULL_ARGUMENT);
    CHECK(hmf_trace_import_read(import, (const uint8_t *)"\xff", 1, (const uint8_t *)"x", 1, false) == HMF_INVALID_UTF8);
    /* Empty input is a refused file, and a fresh importer has no rows. */
    CHECK(events_of(import, &events) == 0);
    CHECK(hmf_trace_import_read(import, (const uint8_t *)"e.csv", 5, NULL, 0, false) == HMF_OK);
    CHECK(issues_of(import, &issues) == 1);
    hmf_trace_import_free(import);
    hmf_trace_import_free(NULL);
}
int main(void) {
    test_detail_export_with_a_reason();
    test_day_first_culture();
    test_null_and_bad_arguments();
    return finish("trace_test");
}
