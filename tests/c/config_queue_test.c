/* Queues and send connector routing as a C caller drives them: the advice for a queue with its LastError in
 * parts, the "stuck in Drafts" checklist, a route table choosing the most specific connector, the fix for a
 * domain nothing routes, bad address spaces and NULL arguments. Run under valgrind by `pwsh ./build.ps1 Test`. */
#include <stdio.h>
#include <string.h>

#include "hybridmailflow.h"
#include "check.h"

#define ARG(s) (const uint8_t *)(s), strlen(s)

static int list_has(hmf_str_list list, const char *expected) {
    for (size_t i = 0; i < list.len; i++) {
        if (str_eq(list.items[i], expected)) return 1;
    }
    return 0;
}

static void test_retry_queue_advice_and_last_error_parts(void) {
    const char *last_error =
        "[{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{MSG=};"
        "{FQDN=cloudfield.mail.protection.outlook.com};{IP=40.93.1.10};{LRT=5/1/2026 7:15:02 AM}]";
    hmf_queue_assessment *assessment = NULL;
    CHECK(hmf_queue_advise(ARG("CMHYBD01\\6"), ARG("Retry"), ARG("SmartHostConnectorDelivery"),
                           ARG("cloudfield.mail.protection.outlook.com"), ARG(last_error), 12, 10, &assessment) == HMF_OK);
    const hmf_queue_advice *advice = NULL;
    CHECK(hmf_queue_assessment_get(assessment, &advice) == HMF_OK);
    if (advice != NULL) {
        CHECK(str_eq(advice->server, "CMHYBD01"));
        CHECK(str_eq(advice->queue, "6"));
        CHECK(advice->kind == HMF_QUEUE_DELIVERY);
        CHECK(str_eq(advice->state, "Retry"));
        CHECK(advice->severity == HMF_SEVERITY_WARNING);
        CHECK(advice->over_threshold == 1);
        CHECK(list_has(advice->commands, "Retry-Queue -Identity 'CMHYBD01\\6' -Resubmit $true"));
        CHECK(str_eq(advice->fqdn, "cloudfield.mail.protection.outlook.com"));
        CHECK(str_eq(advice->ip, "40.93.1.10"));
        CHECK(str_eq(advice->lrt, "5/1/2026 7:15:02 AM"));
        CHECK(advice->code == 451);
        CHECK(str_eq(advice->enhanced_code, "4.4.0"));
    }
    hmf_queue_assessment_free(assessment);
}

static void test_drafts_checklist(void) {
    hmf_queue_assessment *assessment = NULL;
    CHECK(hmf_submission_checklist(ARG("CMHYBD01"), &assessment) == HMF_OK);
    const hmf_queue_advice *advice = NULL;
    CHECK(hmf_queue_assessment_get(assessment, &advice) == HMF_OK);
    if (advice != NULL) {
        CHECK(str_eq(advice->state, "NotSubmitted"));
        CHECK(advice->steps.len >= 6);
        CHECK(list_has(advice->commands, "Get-Queue -Identity 'CMHYBD01\\Submission'"));
    }
    hmf_queue_assessment_free(assessment);
}

static void test_routing_and_the_unreachable_fix(void) {
    hmf_route_table *table = NULL;
    CHECK(hmf_route_table_new(&table) == HMF_OK);
    CHECK(hmf_route_table_add_connector(table, ARG("Internet"), true, false, false) == HMF_OK);
    CHECK(hmf_route_table_add_address_space(table, ARG("smtp:*;10")) == HMF_OK);
    CHECK(hmf_route_table_add_connector(table, ARG("Outbound to Office 365 - 6a0f3b1e"), true, false, true) == HMF_OK);
    CHECK(hmf_route_table_add_address_space(table, ARG("smtp:cloudfield.mail.onmicrosoft.com;1")) == HMF_OK);
    CHECK(hmf_route_table_add_address_space(table, ARG("System.Object[]")) == HMF_INVALID_ARGUMENT);

    hmf_route route;
    CHECK(hmf_route_table_route(table, ARG("ramki@cloudfield.mail.onmicrosoft.com"), &route) == HMF_OK);
    CHECK(route.found == 1);
    CHECK(route.connector_index == 1);
    CHECK(str_eq(route.connector, "Outbound to Office 365 - 6a0f3b1e"));
    CHECK(str_eq(route.address_space, "smtp:cloudfield.mail.onmicrosoft.com;1"));
    CHECK(route.alternatives == 1);

    CHECK(hmf_route_table_route(table, ARG("fabrikam.com"), &route) == HMF_OK);
    CHECK(route.found == 1);
    CHECK(str_eq(route.connector, "Internet"));
    CHECK(route.cost == 10);

    /* Without the catch-all, the tenant's own domain has no route: the fix goes to the hybrid connector. */
    hmf_route_table *hybrid_only = NULL;
    CHECK(hmf_route_table_new(&hybrid_only) == HMF_OK);
    CHECK(hmf_route_table_add_connector(hybrid_only, ARG("Outbound to Office 365 - 6a0f3b1e"), true, false, true) == HMF_OK);
    CHECK(hmf_route_table_add_address_space(hybrid_only, ARG("smtp:cloudfield.mail.onmicrosoft.com;1")) == HMF_OK);
    CHECK(hmf_route_table_route(hybrid_only, ARG("ramki@cloudfield.onmicrosoft.com"), &route) == HMF_OK);
    CHECK(route.found == 0);
    CHECK(str_eq(route.domain, "cloudfield.onmicrosoft.com"));
    CHECK(str_eq(route.fix_connector, "Outbound to Office 365 - 6a0f3b1e"));
    CHECK(list_has(route.fix_commands,
                   "Set-SendConnector -Identity 'Outbound to Office 365 - 6a0f3b1e' -AddressSpaces "
                   "'smtp:cloudfield.mail.onmicrosoft.com;1','smtp:cloudfield.onmicrosoft.com;1'"));
    hmf_route_table_free(hybrid_only);
    hmf_route_table_free(table);
}

static void test_bad_arguments(void) {
    hmf_queue_assessment *assessment = NULL;
    CHECK(hmf_queue_advise(ARG("CMHYBD01\\6"), ARG(""), ARG(""), ARG(""), ARG(""), -1, -1, NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_queue_advise(NULL, 3, ARG(""), ARG(""), ARG(""), ARG(""), -1, -1, &assessment) == HMF_NULL_ARGUMENT);
    CHECK(assessment == NULL);
    const hmf_queue_advice *advice = NULL;
    CHECK(hmf_queue_assessment_get(NULL, &advice) == HMF_NULL_ARGUMENT);
    hmf_route_table *table = NULL;
    CHECK(hmf_route_table_new(&table) == HMF_OK);
    CHECK(hmf_route_table_add_address_space(table, ARG("*")) == HMF_INVALID_ARGUMENT);
    hmf_route route;
    CHECK(hmf_route_table_route(table, ARG(""), &route) == HMF_INVALID_ARGUMENT);
    CHECK(hmf_route_table_route(NULL, ARG("contoso.com"), &route) == HMF_NULL_ARGUMENT);
    hmf_error err;
    CHECK(hmf_last_error(&err) == HMF_OK);
    CHECK(err.status == HMF_NULL_ARGUMENT);
    hmf_route_table_free(table);
    hmf_route_table_free(NULL);
    hmf_queue_assessment_free(NULL);
}

int main(void) {
    test_retry_queue_advice_and_last_error_parts();
    test_drafts_checklist();
    test_routing_and_the_unreachable_fix();
    test_bad_arguments();
    return finish("config_queue_test");
}
