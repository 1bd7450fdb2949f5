/* The foundation of the C ABI as a C caller relies on it: versions, the thread-local last error, and struct
 * layouts that agree between include/hybridmailflow.h and the library. One function per area; run under
 * valgrind by `pwsh ./build.ps1 Test`. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "hybridmailflow.h"
#include "check.h"

static void test_versions(void) {
    CHECK(hmf_abi_version() == HMF_ABI_VERSION);

    hmf_str version = hmf_library_version();
    CHECK(version.ptr != NULL);
    CHECK(version.len > 0);
    if (version.ptr != NULL && version.len > 0) {
        /* "major.minor.patch": starts with a digit and has a dot. */
        CHECK(version.ptr[0] >= '0' && version.ptr[0] <= '9');
        CHECK(memchr(version.ptr, '.', version.len) != NULL);
    }
}

static void test_last_error_refuses_null(void) {
    CHECK(hmf_last_error(NULL) == HMF_NULL_ARGUMENT);
}

/* The last error is per thread: a thread that made no failed call has none, and its out-parameter is left as
 * it was (out-parameters are written only on success). */
static void *last_error_of_fresh_thread(void *result) {
    hmf_error untouched;
    memset(&untouched, 0xA5, sizeof untouched);
    hmf_error err = untouched;
    hmf_status status = hmf_last_error(&err);
    int ok = status == HMF_INVALID_ARGUMENT && memcmp(&err, &untouched, sizeof err) == 0;
    *(int *)result = ok;
    return NULL;
}

static void test_last_error_is_per_thread(void) {
    pthread_t thread;
    int ok = 0;
    CHECK(pthread_create(&thread, NULL, last_error_of_fresh_thread, &ok) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(ok == 1);
}

/* The C# layer compares its own struct sizes with hmf_struct_size at import; here the header's do. */
static void test_struct_sizes_match_the_header(void) {
    static const struct {
        uint32_t id;
        size_t size;
        const char *name;
    } structs[] = {
        {HMF_STRUCT_STR, sizeof(hmf_str), "hmf_str"},
        {HMF_STRUCT_ERROR, sizeof(hmf_error), "hmf_error"},
        {HMF_STRUCT_ITEM, sizeof(hmf_item), "hmf_item"},
        {HMF_STRUCT_PROTOCOL_ENTRY, sizeof(hmf_protocol_entry), "hmf_protocol_entry"},
        {HMF_STRUCT_SESSION, sizeof(hmf_session), "hmf_session"},
        {HMF_STRUCT_CERTIFICATE, sizeof(hmf_certificate), "hmf_certificate"},
        {HMF_STRUCT_MESSAGE, sizeof(hmf_message), "hmf_message"},
        {HMF_STRUCT_FILE_EVENT, sizeof(hmf_file_event), "hmf_file_event"},
        {HMF_STRUCT_BATCH_VIEW, sizeof(hmf_batch_view), "hmf_batch_view"},
        {HMF_STRUCT_STR_LIST, sizeof(hmf_str_list), "hmf_str_list"},
        {HMF_STRUCT_FINDING, sizeof(hmf_finding), "hmf_finding"},
        {HMF_STRUCT_TRACKING_EVENT, sizeof(hmf_tracking_event), "hmf_tracking_event"},
        {HMF_STRUCT_LATENCY_COMPONENT, sizeof(hmf_latency_component), "hmf_latency_component"},
        {HMF_STRUCT_STATS, sizeof(hmf_stats), "hmf_stats"},
        {HMF_STRUCT_CERT_NAME_MATCH, sizeof(hmf_cert_name_match), "hmf_cert_name_match"},
        {HMF_STRUCT_SPAN, sizeof(hmf_span), "hmf_span"},
        {HMF_STRUCT_QUEUE_ADVICE, sizeof(hmf_queue_advice), "hmf_queue_advice"},
        {HMF_STRUCT_ROUTE, sizeof(hmf_route), "hmf_route"},
        {HMF_STRUCT_ADDRESS_INFO, sizeof(hmf_address_info), "hmf_address_info"},
        {HMF_STRUCT_IP_RANGE_INFO, sizeof(hmf_ip_range_info), "hmf_ip_range_info"},
        {HMF_STRUCT_TIMELINE, sizeof(hmf_timeline), "hmf_timeline"},
        {HMF_STRUCT_HOP, sizeof(hmf_hop), "hmf_hop"},
        {HMF_STRUCT_TIMELINE_FLAG, sizeof(hmf_timeline_flag), "hmf_timeline_flag"},
        {HMF_STRUCT_TRACE_ISSUE, sizeof(hmf_trace_issue), "hmf_trace_issue"},
        {HMF_STRUCT_TIMELINE_STATS, sizeof(hmf_timeline_stats), "hmf_timeline_stats"},
        {HMF_STRUCT_EVIDENCE_FILE, sizeof(hmf_evidence_file), "hmf_evidence_file"},
        {HMF_STRUCT_TRACE_EVENT, sizeof(hmf_trace_event), "hmf_trace_event"},
    };
    for (size_t i = 0; i < sizeof structs / sizeof structs[0]; i++) {
        size_t native = hmf_struct_size(structs[i].id);
        if (native != structs[i].size) {
            fprintf(stderr, "%s:%d: %s is %zu bytes in the library and %zu in the header\n", __FILE__, __LINE__,
                    structs[i].name, native, structs[i].size);
            failures++;
        }
    }
    CHECK(hmf_struct_size(0) == 0);
}

int main(void) {
    test_versions();
    test_last_error_refuses_null();
    test_last_error_is_per_thread();
    test_struct_sizes_match_the_header();
    return finish("abi_test");
}
