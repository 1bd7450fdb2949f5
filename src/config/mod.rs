//! Exchange configuration checks that need no server: what admins read from `Get-ExchangeCertificate`,
//! `Get-ReceiveConnector`, `Get-SendConnector`, `Get-Queue` and the transport services, judged by pure functions
//! that say what a setting means for mail flow.

pub mod address_space;
pub mod certificate;
pub mod queue;
