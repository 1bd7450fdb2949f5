//! Exchange configuration checks that need no server: what admins read from `Get-ExchangeCertificate`,
//! `Get-ReceiveConnector`, `Get-SendConnector` and the transport services, judged by pure functions.

pub mod certificate;
