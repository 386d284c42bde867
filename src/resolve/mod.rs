//! Name resolution without libc or heap: `/etc/hosts`, `/etc/resolv.conf`, `/etc/services`,
//! and DNS over UDP with a TCP fallback.
//!
//! Not yet complete: this module is being built (issue 9). What is here works and is tested.

pub mod conf;
mod file;
pub mod hosts;
mod name;
pub mod services;
mod sort;
pub mod wire;

pub use name::{DomainName, Labels, NameError, LABEL_MAX, NAME_MAX};
