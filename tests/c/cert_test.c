/* Certificate name checks through the C ABI, as a C caller (the send and receive connector checks) uses them:
 * wildcard rules, the covering name among SANs and subject, spans of the caller's text, NULL and bad UTF-8
 * refused with out-parameters untouched. Run under valgrind: nothing is allocated for the caller to free. */
#include <stdio.h>
#include <string.h>

#include "hybridmailflow.h"
#include "check.h"

#define S(text) (const uint8_t *)(text), strlen(text)

static hmf_str str(const char *text) {
    hmf_str s = {(const uint8_t *)text, strlen(text)};
    return s;
}

static int contains(hmf_str s, const char *text) {
    size_t n = strlen(text);
    for (size_t i = 0; i + n <= s.len; i++) {
        if (memcmp(s.ptr + i, text, n) == 0) return 1;
    }
    return 0;
}

static uint32_t covers(const char *cert_name, const char *host) {
    uint32_t kind = 99;
    CHECK(hmf_cert_name_covers(S(cert_name), S(host), &kind) == HMF_OK);
    return kind;
}

static void test_wildcard_rules(void) {
    CHECK(covers("mail.cloudmonkeys.xyz", "MAIL.cloudmonkeys.xyz.") == HMF_CERT_MATCH_EXACT);
    CHECK(covers("*.cloudmonkeys.xyz", "mail.cloudmonkeys.xyz") == HMF_CERT_MATCH_WILDCARD);
    CHECK(covers("*.cloudmonkeys.xyz", "a.b.cloudmonkeys.xyz") == HMF_CERT_MATCH_NONE);
    CHECK(covers("*.cloudmonkeys.xyz", "cloudmonkeys.xyz") == HMF_CERT_MATCH_NONE);
    CHECK(covers("*.xyz", "cloudmonkeys.xyz") == HMF_CERT_MATCH_NONE);
}

static void test_covering_name(void) {
    hmf_str sans[] = {str("autodiscover.cloudmonkeys.xyz"), str("*.cloudmonkeys.xyz"), str("mail.cloudmonkeys.xyz")};
    hmf_cert_name_match m;
    CHECK(hmf_cert_find_covering_name(S("CN=mail.cloudmonkeys.xyz"), sans, 3, S("mail.cloudmonkeys.xyz"), &m) == HMF_OK);
    CHECK(m.kind == HMF_CERT_MATCH_EXACT && m.source == HMF_CERT_NAME_ALTERNATIVE && m.index == 2);
    CHECK(hmf_cert_find_covering_name(S("CN=mail.cloudmonkeys.xyz"), sans, 3, S("cmhybd01.cloudmonkeys.xyz"), &m) == HMF_OK);
    CHECK(m.kind == HMF_CERT_MATCH_WILDCARD && m.source == HMF_CERT_NAME_ALTERNATIVE && m.index == 1);
    CHECK(hmf_cert_find_covering_name(S("CN=mail.cloudmonkeys.xyz"), sans, 3, S("cloudfield.mail.onmicrosoft.com"), &m) == HMF_OK);
    CHECK(m.kind == HMF_CERT_MATCH_NONE && m.source == HMF_CERT_NAME_NONE);
    /* A self-signed Edge certificate has only its subject. */
    CHECK(hmf_cert_find_covering_name(S("CN=CMEDGE01"), NULL, 0, S("cmedge01"), &m) == HMF_OK);
    CHECK(m.kind == HMF_CERT_MATCH_EXACT && m.source == HMF_CERT_NAME_SUBJECT_CN && m.index == 0);
}

static void test_spans_of_the_callers_text(void) {
    const char *subject = "O=Cloud Monkeys, CN=mail.cloudmonkeys.xyz";
    hmf_span cn;
    CHECK(hmf_cert_subject_common_name(S(subject), &cn) == HMF_OK);
    CHECK(cn.found && cn.len == strlen("mail.cloudmonkeys.xyz") && memcmp(subject + cn.start, "mail.cloudmonkeys.xyz", cn.len) == 0);
    CHECK(hmf_cert_subject_common_name(S("O=Microsoft Exchange"), &cn) == HMF_OK);
    CHECK(!cn.found && cn.len == 0);

    const char *name = "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz";
    hmf_span issuer, subj;
    CHECK(hmf_tls_certificate_name_parse(S(name), &issuer, &subj) == HMF_OK);
    CHECK(issuer.found && issuer.start == 3 && memcmp(name + issuer.start, "CN=R11, O=Let's Encrypt, C=US", issuer.len) == 0);
    CHECK(subj.found && strlen(name) - subj.start == subj.len);
    CHECK(hmf_tls_certificate_name_parse(S("CN=mail.cloudmonkeys.xyz"), &issuer, &subj) == HMF_OK);
    CHECK(!issuer.found && !subj.found);

    bool equal = false;
    CHECK(hmf_distinguished_names_equal(S("CN=R11, O=Let's Encrypt, C=US"), S("cn=R11,o=Let's Encrypt,c=US"), &equal) == HMF_OK);
    CHECK(equal);
    CHECK(hmf_distinguished_names_equal(S("CN=R11"), S("CN=R10"), &equal) == HMF_OK);
    CHECK(!equal);
}

static void test_bad_arguments_are_refused(void) {
    uint32_t kind = 77;
    CHECK(hmf_cert_name_covers(NULL, 4, S("mail"), &kind) == HMF_NULL_ARGUMENT && kind == 77);
    CHECK(hmf_cert_name_covers(S("mail"), S("mail"), NULL) == HMF_NULL_ARGUMENT);
    const uint8_t bad_utf8[] = {0xC3, 0x28};
    CHECK(hmf_cert_name_covers(bad_utf8, sizeof bad_utf8, S("mail"), &kind) == HMF_INVALID_UTF8 && kind == 77);
    hmf_error err;
    CHECK(hmf_last_error(&err) == HMF_OK && err.status == HMF_INVALID_UTF8 && err.message.len > 0);

    hmf_cert_name_match m = {77, 77, 77};
    CHECK(hmf_cert_find_covering_name(S(""), NULL, 2, S("mail"), &m) == HMF_NULL_ARGUMENT && m.kind == 77);
    hmf_str broken[] = {str("mail.cloudmonkeys.xyz"), {bad_utf8, sizeof bad_utf8}};
    CHECK(hmf_cert_find_covering_name(S(""), broken, 2, S("mail"), &m) == HMF_INVALID_UTF8 && m.kind == 77);
    CHECK(hmf_last_error(&err) == HMF_OK && contains(err.message, "names[1]"));
    hmf_str null_with_length[] = {{NULL, 3}};
    CHECK(hmf_cert_find_covering_name(S(""), null_with_length, 1, S("mail"), &m) == HMF_NULL_ARGUMENT);

    hmf_span span;
    CHECK(hmf_cert_subject_common_name(S("CN=x"), NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_tls_certificate_name_parse(S("<I>a<S>b"), &span, NULL) == HMF_NULL_ARGUMENT);
    CHECK(hmf_distinguished_names_equal(S("CN=x"), NULL, 1, NULL) == HMF_NULL_ARGUMENT);
}

/* The transport DNS and receive connector checks: which DNS servers are public resolvers, which remote IP
 * ranges let Exchange Online in. */
static void test_addresses_and_ranges(void) {
    hmf_address_info info;
    CHECK(hmf_address_classify(S("8.8.8.8"), &info) == HMF_OK);
    CHECK(info.address_class == HMF_ADDRESS_PUBLIC && str_eq(info.public_resolver, "Google Public DNS"));
    CHECK(hmf_address_classify(S("202.88.152.10"), &info) == HMF_OK);
    CHECK(info.address_class == HMF_ADDRESS_PUBLIC && info.public_resolver.len == 0);
    CHECK(hmf_address_classify(S(" 192.168.1.11 "), &info) == HMF_OK);
    CHECK(info.address_class == HMF_ADDRESS_PRIVATE);
    CHECK(hmf_address_classify(S("40.107.22.54"), &info) == HMF_OK);
    CHECK(info.address_class == HMF_ADDRESS_EXCHANGE_ONLINE);
    CHECK(hmf_address_classify(S("cmhybd01"), &info) == HMF_OK);
    CHECK(info.address_class == HMF_ADDRESS_INVALID);

    hmf_ip_range_info range;
    CHECK(hmf_ip_range_parse(S("0.0.0.0-255.255.255.255"), &range) == HMF_OK);
    CHECK(range.valid && range.includes_exchange_online);
    CHECK(hmf_ip_range_parse(S("192.168.1.0/24"), &range) == HMF_OK);
    CHECK(range.valid && !range.includes_exchange_online);
    CHECK(hmf_ip_range_parse(S("192.168.1.20-192.168.1.10"), &range) == HMF_OK);
    CHECK(!range.valid && !range.includes_exchange_online);
    CHECK(hmf_ip_range_parse(S("x"), NULL) == HMF_NULL_ARGUMENT);
}

int main(void) {
    test_wildcard_rules();
    test_addresses_and_ranges();
    test_covering_name();
    test_spans_of_the_callers_text();
    test_bad_arguments_are_refused();
    return finish("cert_test");
}
