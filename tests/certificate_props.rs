//! Whatever a certificate or connector holds (Import-Csv damage, odd distinguished names, non-ASCII), the
//! certificate name functions answer without panicking, and their answers agree with each other.

use hybridmailflow_engine::config::certificate::{
    covering_name, distinguished_names_equal, name_covers, parse_tls_certificate_name, subject_common_name_attribute,
    NameMatch, NameSource,
};
use proptest::prelude::*;

fn dn_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("CN="),
            Just("O="),
            Just(", "),
            Just(","),
            Just("\""),
            Just("\\"),
            Just("é"),
            Just("<I>"),
            Just("<S>"),
            Just("mail"),
            Just("."),
            Just("*"),
            Just(" ")
        ],
        0..16,
    )
    .prop_map(|parts| parts.concat())
}

fn host_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("*"),
            Just("."),
            Just("mail"),
            Just("cloudmonkeys"),
            Just("xyz"),
            Just("A"),
            Just("ü"),
            Just(" ")
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn never_panics_on_any_text(a in dn_like(), b in ".{0,40}", host in host_like()) {
        let _ = name_covers(&a, &host);
        let _ = name_covers(&b, &host);
        let _ = distinguished_names_equal(&a, &b);
        let _ = parse_tls_certificate_name(&a);
        let _ = parse_tls_certificate_name(&b);
        if let Some(cn) = subject_common_name_attribute(&a) {
            prop_assert_eq!(&a[cn.value_start..cn.value_start + cn.value.len()], cn.value);
        }
        let _ = covering_name(&b, &[a.as_str()], &host);
    }

    #[test]
    fn a_name_covers_itself_whatever_its_case_or_trailing_dot(labels in prop::collection::vec("[a-z0-9-]{1,10}", 1..5)) {
        let name = labels.join(".");
        prop_assert_eq!(name_covers(&name, &format!("{}.", name.to_uppercase())), Some(NameMatch::Exact));
    }

    #[test]
    // The last label starts with a letter: all-digit labels can make an IPv4 address (0.0.0.0), which no
    // wildcard covers.
    fn a_wildcard_covers_exactly_one_more_label(first in "[a-z0-9]{1,8}", extra in "[a-z0-9]{1,8}", labels in prop::collection::vec("[a-z0-9]{1,8}", 1..3), top in "[a-z][a-z0-9]{0,7}") {
        let labels: Vec<String> = labels.into_iter().chain([top]).collect();
        let domain = labels.join(".");
        let wildcard = format!("*.{domain}");
        prop_assert_eq!(name_covers(&wildcard, &format!("{first}.{domain}")), Some(NameMatch::Wildcard));
        prop_assert_eq!(name_covers(&wildcard, &format!("{extra}.{first}.{domain}")), None);
        prop_assert_eq!(name_covers(&wildcard, &domain), None);
        let found = covering_name("", &[wildcard.as_str()], &format!("{first}.{domain}"));
        prop_assert_eq!(found.map(|f| f.source), Some(NameSource::AlternativeName(0)));
    }
}
