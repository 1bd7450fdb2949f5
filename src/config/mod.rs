//! Exchange configuration as the Exchange Management Shell shows it (send connectors, queues): pure functions
//! that say what a setting means for mail flow.

pub mod address_space;
pub mod queue;
