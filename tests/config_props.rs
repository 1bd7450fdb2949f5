//! Whatever an address space or queue field holds (random text, or a real one with bytes cut or noise added),
//! parsing and routing answer and never panic; a space that parses writes back as text that parses to the same
//! space; and routing agrees with a plain reading of Exchange's rule (every domain a `*` connector exists for is
//! routed, and the chosen space matches the domain).

use hybridmailflow_engine::config::address_space::{recipient_domain, route, AddressSpace, Connector};
use hybridmailflow_engine::config::queue::{advise, submission_checklist, QueueFacts};
use proptest::prelude::*;

const REAL_SPACES: &[&str] = &[
    "smtp:*.contoso.com;1",
    "SMTP:contoso.com;10",
    "*",
    "--",
    "smtp:cloudfield.mail.onmicrosoft.com;1",
    "X400:c=US;a= ;p=Contoso;o=Exchange;2",
];

fn space_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "(smtp|SMTP|X400)?:?\\*?\\.?[a-z0-9.-]{0,20}(;[0-9]{0,4})?",
        (
            prop::sample::select(REAL_SPACES),
            any::<u8>(),
            prop::sample::select(vec![";", ":", "*", ".", "[", "]", " ", "é"])
        )
            .prop_map(|(text, at, noise)| {
                let cut = usize::from(at) % (text.len() + 1);
                let cut = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
                format!("{}{}{}", &text[..cut], noise, &text[cut..])
            }),
    ]
}

fn domain() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z]{1,8}(\\.[a-z]{1,8}){0,3}", ".{0,30}"]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn address_spaces_parse_or_refuse_and_round_trip(text in space_text()) {
        if let Ok(space) = AddressSpace::parse(&text) {
            let again = AddressSpace::parse(&space.to_command_text()).expect("written text parses");
            prop_assert_eq!(again, space);
        }
    }

    #[test]
    fn routing_never_panics_and_the_chosen_space_matches(spaces in prop::collection::vec(space_text(), 0..6), catch_all in any::<bool>(), domain in domain()) {
        let mut connectors: Vec<Connector> = spaces
            .iter()
            .enumerate()
            .map(|(i, text)| Connector { name: format!("C{i}"), enabled: i % 3 != 2, scoped: false, hybrid: i == 0, address_spaces: AddressSpace::parse(text).into_iter().collect() })
            .collect();
        if catch_all {
            connectors.push(Connector { name: "Internet".into(), enabled: true, scoped: false, hybrid: false, address_spaces: vec![AddressSpace::parse("*").unwrap()] });
        }
        let domain = recipient_domain(&domain);
        match route(&connectors, &domain) {
            Some(chosen) => {
                let connector = &connectors[chosen.connector];
                prop_assert!(connector.enabled);
                prop_assert_eq!(connector.address_spaces[chosen.address_space].specificity(&domain), Some(chosen.specificity));
            }
            None => prop_assert!(!catch_all),
        }
    }

    #[test]
    fn queue_advice_never_panics(identity in ".{0,30}", status in ".{0,12}", delivery_type in ".{0,20}", next_hop in ".{0,20}", count in prop::option::of(any::<u64>()), threshold in prop::option::of(any::<u64>())) {
        let advice = advise(&QueueFacts { identity: &identity, status: &status, delivery_type: &delivery_type, next_hop_domain: &next_hop, message_count: count, threshold });
        prop_assert!(!advice.state.is_empty());
        prop_assert!(!advice.meaning.is_empty());
        prop_assert_eq!(advice.over_threshold, matches!((count, threshold), (Some(c), Some(t)) if c > t));
        prop_assert!(!submission_checklist(&identity).commands.is_empty());
    }
}
