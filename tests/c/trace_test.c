/* Drives the Exchange Online trace importer through the C ABI, as a C caller would: read exports from memory,
 * find columns by name in the tables, read issues, replace the tables with a second read, free everything. Run
 * under valgrind: no leak, no invalid access.
 * Usage: trace_test <samples folder> <scratch folder> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hybridmailflow.h"
#include "check.h"

/* The index of a column by name, or -1. */
static long column(const hmf_table *t, const char *name) {
    for (size_t i = 0; i < t->columns.len; i++) {
        if (str_eq(t->columns.items[i], name)) return (long)i;
    }
    return -1;
}

static hmf_str cell(const hmf_table *t, size_t row, const char *name) {
    long c = column(t, name);
    if (c < 0 || row >= t->rows) {
        hmf_str none = {NULL, 0};
        return none;
    }
    return t->cells.items[row * t->columns.len + (size_t)c];
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
    hmf_table events, issues;
    CHECK(hmf_trace_import_events(import, &events) == HMF_OK);
    CHECK(hmf_trace_import_issues(import, &issues) == HMF_OK);
    CHECK(events.rows == 1);
    CHECK(issues.rows == 0);
    CHECK(events.cells.len == events.rows * events.columns.len);
    CHECK(str_eq(cell(&events, 0, "Format"), "MessageTraceDetail"));
    CHECK(str_eq(cell(&events, 0, "ReceivedMs"), "1777626902000"));
    CHECK(str_eq(cell(&events, 0, "Event"), "Defer"));
    CHECK(str_eq(cell(&events, 0, "Status"), "Pending"));
    CHECK(str_eq(cell(&events, 0, "ConnectorId"), "Outbound to cloudmonkeys"));
    CHECK(str_eq(cell(&events, 0, "NetworkMessageId"), "5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0004"));
    CHECK(str_eq(cell(&events, 0, "ReasonEnhancedCode"), "4.4.317"));
    CHECK(str_eq(cell(&events, 0, "ReasonLastAttemptedIp"), "27.7.57.241:25"));
    CHECK(cell(&events, 0, "ReasonRuleId").len > 0);
    CHECK(column(&events, "NoSuchColumn") == -1);

    /* A second read replaces the tables: a file that is not an export is an issue, not a failed call. */
    CHECK(read_text(import, "other.csv", "Name,Length\r\na,1\r\n", false) == HMF_OK);
    CHECK(hmf_trace_import_events(import, &events) == HMF_OK);
    CHECK(hmf_trace_import_issues(import, &issues) == HMF_OK);
    CHECK(events.rows == 0);
    CHECK(issues.rows == 1);
    CHECK(str_eq(cell(&issues, 0, "Kind"), "NotATrace"));
    CHECK(str_eq(cell(&issues, 0, "Path"), "other.csv"));
    CHECK(str_starts(cell(&issues, 0, "Message"), "other.csv: is not a message trace export"));
    hmf_trace_import_free(import);
}

static void test_day_first_culture(void) {
    hmf_trace_import *import = NULL;
    CHECK(hmf_trace_import_new(&import) == HMF_OK);
    const char *csv = "Received,SenderAddress,MessageId\r\n02/05/2026 09:00:00,a@cloudmonkeys.xyz,<1@x>\r\n";
    hmf_table events;
    CHECK(read_text(import, "gb.csv", csv, true) == HMF_OK);
    CHECK(hmf_trace_import_events(import, &events) == HMF_OK);
    CHECK(str_eq(cell(&events, 0, "ReceivedMs"), "1777712400000")); /* 2 May 2026 09:00 UTC */
    CHECK(read_text(import, "us.csv", csv, false) == HMF_OK);
    CHECK(hmf_trace_import_events(import, &events) == HMF_OK);
    CHECK(str_eq(cell(&events, 0, "ReceivedMs"), "1770282000000")); /* 5 February 2026 09:00 UTC */
    hmf_trace_import_free(import);
}

static void test_null_and_bad_arguments(void) {
    hmf_table table;
    CHECK(hmf_trace_import_new(NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_trace_import_events(NULL, &table) == HMF_NULL_ARGUMENT);
    CHECK(hmf_trace_import_issues(NULL, &table) == HMF_NULL_ARGUMENT);
    hmf_trace_import *import = NULL;
    CHECK(hmf_trace_import_new(&import) == HMF_OK);
    CHECK(hmf_trace_import_events(import, NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_trace_import_read(import, NULL, 3, (const uint8_t *)"x", 1, false) == HMF_NULL_ARGUMENT);
    CHECK(hmf_trace_import_read(import, (const uint8_t *)"\xff", 1, (const uint8_t *)"x", 1, false) == HMF_INVALID_UTF8);
    /* Empty input is a refused file, and a fresh importer has empty tables. */
    CHECK(hmf_trace_import_events(import, &table) == HMF_OK);
    CHECK(table.rows == 0);
    CHECK(hmf_trace_import_read(import, (const uint8_t *)"e.csv", 5, NULL, 0, false) == HMF_OK);
    CHECK(hmf_trace_import_issues(import, &table) == HMF_OK);
    CHECK(table.rows == 1);
    hmf_trace_import_free(import);
    hmf_trace_import_free(NULL);
}

int main(void) {
    test_detail_export_with_a_reason();
    test_day_first_culture();
    test_null_and_bad_arguments();
    return finish("trace_test");
}
