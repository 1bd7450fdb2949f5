//! Addresses as transport logs write them, and what an address says about the peer: private, public, or
//! Exchange Online Protection.

use std::net::IpAddr;
use std::sync::LazyLock;

use compact_str::CompactString;

/// An `address:port` endpoint as written by .NET's `IPEndPoint.ToString()`: `10.0.0.1:25`, `[2001:db8::1]:25`.
/// Also accepts a bare address and the unbracketed `fe80::1%3` form of message-tracking logs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Endpoint {
    /// Most addresses fit in the string itself (an IPv4 address always): no allocation per endpoint.
    pub address: CompactString,
    pub port: Option<u16>,
}

impl Endpoint {
    pub fn parse(text: &str) -> Endpoint {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix('[') {
            if let Some((addr, tail)) = rest.split_once(']') {
                let port = tail.strip_prefix(':').and_then(|p| p.parse().ok());
                return Endpoint {
                    address: addr.into(),
                    port,
                };
            }
        }
        match text.rsplit_once(':') {
            // One colon: IPv4 or host with a port. More colons without brackets: an IPv6 address alone.
            Some((addr, port)) if !addr.contains(':') => match port.parse() {
                Ok(port) => Endpoint {
                    address: addr.into(),
                    port: Some(port),
                },
                Err(_) => Endpoint {
                    address: text.into(),
                    port: None,
                },
            },
            _ => Endpoint {
                address: text.into(),
                port: None,
            },
        }
    }

    pub fn ip(&self) -> Option<IpAddr> {
        parse_ip(&self.address)
    }
}

/// Parses an address, ignoring an IPv6 zone (`%3`).
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.split('%').next().unwrap_or(text);
    text.parse().ok()
}

/// An address range in CIDR form (`40.92.0.0/15`), or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let network = parse_ip(addr.trim_start_matches('[').trim_end_matches(']'))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_eq(
                u128::from(u32::from(net)) << 96,
                u128::from(u32::from(ip)) << 96,
                self.prefix,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_eq(u128::from(net), u128::from(ip), self.prefix),
            (IpAddr::V6(net), IpAddr::V4(ip)) => net.to_ipv4_mapped().is_some_and(|n| {
                self.prefix >= 96
                    && prefix_eq(
                        u128::from(u32::from(n)) << 96,
                        u128::from(u32::from(ip)) << 96,
                        self.prefix - 96,
                    )
            }),
            (IpAddr::V4(_), IpAddr::V6(ip)) => ip.to_ipv4_mapped().is_some_and(|v4| self.contains(IpAddr::V4(v4))),
        }
    }
}

fn prefix_eq(a: u128, b: u128, prefix: u8) -> bool {
    if prefix == 0 {
        return true;
    }
    let mask = u128::MAX << (128 - u32::from(prefix));
    a & mask == b & mask
}

/// Exchange Online Protection's published mail ranges (Microsoft 365 endpoints, ID 10 "Exchange Online
/// Protection"): inbound connections from Exchange Online come from these, and only these.
const EOP_RANGES: &[&str] = &[
    "40.92.0.0/15",
    "40.107.0.0/16",
    "52.100.0.0/15",
    "52.102.0.0/16",
    "52.103.0.0/17",
    "104.47.0.0/17",
    "2a01:111:f400::/48",
    "2a01:111:f403::/48",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    Loopback,
    /// RFC 1918, link-local, unique-local, CGNAT: the internal network.
    Private,
    ExchangeOnline,
    Public,
    Invalid,
}

impl AddressClass {
    pub fn name(self) -> &'static str {
        match self {
            AddressClass::Loopback => "Loopback",
            AddressClass::Private => "Private",
            AddressClass::ExchangeOnline => "ExchangeOnline",
            AddressClass::Public => "Public",
            AddressClass::Invalid => "Invalid",
        }
    }
}

pub fn classify(text: &str) -> AddressClass {
    let Some(ip) = parse_ip(text) else {
        return AddressClass::Invalid;
    };
    if ip.is_loopback() {
        return AddressClass::Loopback;
    }
    let private = match ip {
        IpAddr::V4(v4) => {
            v4.is_private() || v4.is_link_local() || (v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1]))
        }
        IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00 || (v6.segments()[0] & 0xffc0) == 0xfe80,
    };
    if private {
        AddressClass::Private
    } else if is_exchange_online_ip(ip) {
        AddressClass::ExchangeOnline
    } else {
        AddressClass::Public
    }
}

/// [`EOP_RANGES`] parsed once, for every question about them: every finished session asks about its remote.
static EOP_NETWORKS: LazyLock<Vec<IpRange>> =
    LazyLock::new(|| EOP_RANGES.iter().filter_map(|r| IpRange::parse(r)).collect());

pub fn is_exchange_online_ip(ip: IpAddr) -> bool {
    EOP_NETWORKS.iter().any(|r| r.contains(ip))
}

/// Well-known public DNS resolvers. In a transport service's InternalDNSServers they cannot resolve the
/// organisation's internal names, so proxying to the Mailbox server fails (451 4.7.0 PRX2).
const PUBLIC_RESOLVERS: &[(&str, &str)] = &[
    ("8.8.8.8", "Google Public DNS"),
    ("8.8.4.4", "Google Public DNS"),
    ("2001:4860:4860::8888", "Google Public DNS"),
    ("2001:4860:4860::8844", "Google Public DNS"),
    ("1.1.1.1", "Cloudflare DNS"),
    ("1.0.0.1", "Cloudflare DNS"),
    ("2606:4700:4700::1111", "Cloudflare DNS"),
    ("2606:4700:4700::1001", "Cloudflare DNS"),
    ("9.9.9.9", "Quad9"),
    ("149.112.112.112", "Quad9"),
    ("2620:fe::fe", "Quad9"),
    ("208.67.216.0/21", "OpenDNS"),
    ("2620:119:35::35", "OpenDNS"),
    ("2620:119:53::53", "OpenDNS"),
    ("4.2.2.0/24", "Level 3 DNS"),
];

/// The well-known public resolver service this address belongs to, if it is one.
pub fn public_resolver(ip: IpAddr) -> Option<&'static str> {
    PUBLIC_RESOLVERS
        .iter()
        .find(|(range, _)| Cidr::parse(range).is_some_and(|r| r.contains(ip)))
        .map(|(_, name)| *name)
}

/// An address range as Exchange writes a receive connector's RemoteIPRanges: `192.168.1.10-192.168.1.20`,
/// `192.168.1.0/24`, one address, `::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    first: u128,
    last: u128,
    v4: bool,
}

fn to_number(ip: IpAddr) -> (u128, bool) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), true),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => (u128::from(u32::from(v4)), true),
            None => (u128::from(v6), false),
        },
    }
}

impl IpRange {
    pub fn parse(text: &str) -> Option<IpRange> {
        let text = text.trim();
        if let Some((a, b)) = text.split_once('-') {
            let ((first, v4), (last, v4_last)) = (to_number(parse_ip(a.trim())?), to_number(parse_ip(b.trim())?));
            return (v4 == v4_last && first <= last).then_some(IpRange { first, last, v4 });
        }
        let cidr = Cidr::parse(text)?;
        let (network, v4) = to_number(cidr.network);
        let bits = if cidr.network.is_ipv4() { 32 } else { 128 };
        let host_bits = bits - u32::from(cidr.prefix);
        let size_mask = if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        Some(IpRange {
            first: network & !size_mask,
            last: (network & !size_mask) | size_mask,
            v4,
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let (n, v4) = to_number(ip);
        v4 == self.v4 && (self.first..=self.last).contains(&n)
    }

    fn overlaps(&self, other: &IpRange) -> bool {
        self.v4 == other.v4 && self.first <= other.last && other.first <= self.last
    }

    /// Whether any Exchange Online Protection address falls in the range: a receive connector with such
    /// ranges can take Exchange Online's connections.
    pub fn includes_exchange_online(&self) -> bool {
        EOP_NETWORKS.iter().any(|r| r.overlaps(self))
    }
}

/// Host names Exchange Online connects from or is reached at.
pub fn is_exchange_online_host(name: &str) -> bool {
    // Compared in place, ignoring case: every finished session asks this of its remote's names.
    let name = name.trim().trim_end_matches('.').as_bytes();
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    ends_with(".outbound.protection.outlook.com")
        || ends_with(".mail.protection.outlook.com")
        || name.eq_ignore_ascii_case(b"mail.protection.outlook.com")
        || ends_with(".prod.outlook.com")
        || ends_with(".mail.onmicrosoft.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_endpoints_as_dotnet_writes_them() {
        let cases: &[(&str, &str, Option<u16>)] = &[
            ("10.10.10.10:25", "10.10.10.10", Some(25)),
            ("[2001:db8::13]:2525", "2001:db8::13", Some(2525)),
            ("fe80::1234:5678:4321:1010%3", "fe80::1234:5678:4321:1010%3", None),
            ("192.168.1.4", "192.168.1.4", None),
            ("", "", None),
            ("host:notaport", "host:notaport", None),
        ];
        for (text, addr, port) in cases {
            assert_eq!(
                Endpoint::parse(text),
                Endpoint {
                    address: (*addr).into(),
                    port: *port
                },
                "{text}"
            );
        }
    }

    #[test]
    fn cidr_matching() {
        let net = Cidr::parse("40.92.0.0/15").unwrap();
        assert!(net.contains("40.93.131.26".parse().unwrap()));
        assert!(!net.contains("40.94.0.1".parse().unwrap()));
        assert!(Cidr::parse("192.168.1.13")
            .unwrap()
            .contains("192.168.1.13".parse().unwrap()));
        assert!(Cidr::parse("2001:db8::/32")
            .unwrap()
            .contains("2001:db8::13".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("nonsense").is_none());
    }

    #[test]
    fn classifies_addresses() {
        let cases = [
            ("40.93.131.26", AddressClass::ExchangeOnline),
            ("40.107.22.54", AddressClass::ExchangeOnline),
            ("2a01:111:f400:7e1a::200", AddressClass::ExchangeOnline),
            ("192.168.1.13", AddressClass::Private),
            ("fe80::1%3", AddressClass::Private),
            ("127.0.0.1", AddressClass::Loopback),
            ("27.7.57.241", AddressClass::Public),
            ("8.8.8.8", AddressClass::Public),
            ("not an ip", AddressClass::Invalid),
        ];
        for (ip, class) in cases {
            assert_eq!(classify(ip), class, "{ip}");
        }
    }

    #[test]
    fn recognises_exchange_online_names() {
        assert!(is_exchange_online_host("PNYPR01CU001.outbound.protection.outlook.com"));
        assert!(is_exchange_online_host("cloudmonkeys-xyz.mail.protection.outlook.com."));
        assert!(!is_exchange_online_host("mail.cloudmonkeys.xyz"));
        assert!(!is_exchange_online_host("protection.outlook.com.evil.example"));
        // Names are compared whatever their case, and a suffix alone is not a host.
        assert!(is_exchange_online_host(" MAIL.Protection.Outlook.COM "));
        assert!(is_exchange_online_host("am0p190mb0001.EURP190.PROD.OUTLOOK.COM"));
        assert!(!is_exchange_online_host("prod.outlook.com"));
        assert!(!is_exchange_online_host("évilmail.protection.outlook.co"));
    }

    #[test]
    fn names_public_resolvers() {
        let cases = [
            ("8.8.8.8", Some("Google Public DNS")),
            ("1.1.1.1", Some("Cloudflare DNS")),
            ("9.9.9.9", Some("Quad9")),
            ("208.67.222.222", Some("OpenDNS")),
            ("208.67.220.220", Some("OpenDNS")),
            ("2001:4860:4860::8888", Some("Google Public DNS")),
            ("202.88.152.10", None),
            ("192.168.1.11", None),
        ];
        for (ip, name) in cases {
            assert_eq!(public_resolver(ip.parse().unwrap()), name, "{ip}");
        }
    }

    #[test]
    fn reads_remote_ip_ranges_as_exchange_writes_them() {
        let range = IpRange::parse("192.168.1.10-192.168.1.20").unwrap();
        assert!(range.contains("192.168.1.10".parse().unwrap()) && range.contains("192.168.1.20".parse().unwrap()));
        assert!(!range.contains("192.168.1.21".parse().unwrap()));
        assert!(IpRange::parse("192.168.1.0/24")
            .unwrap()
            .contains("192.168.1.255".parse().unwrap()));
        assert!(IpRange::parse("192.168.1.13")
            .unwrap()
            .contains("192.168.1.13".parse().unwrap()));
        assert!(!IpRange::parse("2001:db8::/32")
            .unwrap()
            .contains("10.0.0.1".parse().unwrap()));
        for bad in [
            "192.168.1.20-192.168.1.10",
            "10.0.0.1-2001:db8::1",
            "nonsense",
            "10.0.0.0/40",
            "",
        ] {
            assert_eq!(IpRange::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn tells_ranges_that_let_exchange_online_in() {
        let cases = [
            ("0.0.0.0-255.255.255.255", true),
            ("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
            ("40.92.0.0/15", true),
            ("40.93.10.1", true),
            ("40.106.255.255-40.107.0.0", true),
            ("192.168.1.0/24", false),
            ("10.0.0.0/8", false),
            ("40.94.0.0/16", false),
        ];
        for (range, expected) in cases {
            assert_eq!(
                IpRange::parse(range).unwrap().includes_exchange_online(),
                expected,
                "{range}"
            );
        }
    }
}
