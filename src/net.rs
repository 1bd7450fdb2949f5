//! Addresses as transport logs write them, and what an address says about the peer: private, public, or
//! Exchange Online Protection.

use std::net::IpAddr;

/// An `address:port` endpoint as written by .NET's `IPEndPoint.ToString()`: `10.0.0.1:25`, `[2001:db8::1]:25`.
/// Also accepts a bare address and the unbracketed `fe80::1%3` form of message-tracking logs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Endpoint {
    pub address: String,
    pub port: Option<u16>,
}

impl Endpoint {
    pub fn parse(text: &str) -> Endpoint {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix('[') {
            if let Some((addr, tail)) = rest.split_once(']') {
                let port = tail.strip_prefix(':').and_then(|p| p.parse().ok());
                return Endpoint { address: addr.to_owned(), port };
            }
        }
        match text.rsplit_once(':') {
            // One colon: IPv4 or host with a port. More colons without brackets: an IPv6 address alone.
            Some((addr, port)) if !addr.contains(':') => match port.parse() {
                Ok(port) => Endpoint { address: addr.to_owned(), port: Some(port) },
                Err(_) => Endpoint { address: text.to_owned(), port: None },
            },
            _ => Endpoint { address: text.to_owned(), port: None },
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
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_eq(u128::from(u32::from(net)) << 96, u128::from(u32::from(ip)) << 96, self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_eq(u128::from(net), u128::from(ip), self.prefix),
            (IpAddr::V6(net), IpAddr::V4(ip)) => net.to_ipv4_mapped().is_some_and(|n| self.prefix >= 96 && prefix_eq(u128::from(u32::from(n)) << 96, u128::from(u32::from(ip)) << 96, self.prefix - 96)),
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
    let Some(ip) = parse_ip(text) else { return AddressClass::Invalid };
    if ip.is_loopback() {
        return AddressClass::Loopback;
    }
    let private = match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_link_local() || (v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1])),
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

pub fn is_exchange_online_ip(ip: IpAddr) -> bool {
    EOP_RANGES.iter().filter_map(|r| Cidr::parse(r)).any(|r| r.contains(ip))
}

/// Host names Exchange Online connects from or is reached at.
pub fn is_exchange_online_host(name: &str) -> bool {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    name.ends_with(".outbound.protection.outlook.com")
        || name.ends_with(".mail.protection.outlook.com")
        || name == "mail.protection.outlook.com"
        || name.ends_with(".prod.outlook.com")
        || name.ends_with(".mail.onmicrosoft.com")
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
            assert_eq!(Endpoint::parse(text), Endpoint { address: (*addr).to_owned(), port: *port }, "{text}");
        }
    }

    #[test]
    fn cidr_matching() {
        let net = Cidr::parse("40.92.0.0/15").unwrap();
        assert!(net.contains("40.93.131.26".parse().unwrap()));
        assert!(!net.contains("40.94.0.1".parse().unwrap()));
        assert!(Cidr::parse("192.168.1.13").unwrap().contains("192.168.1.13".parse().unwrap()));
        assert!(Cidr::parse("2001:db8::/32").unwrap().contains("2001:db8::13".parse().unwrap()));
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
    }
}
