//! `defmt::Format` for the error types (the `defmt` feature).

use super::*;

impl defmt::Format for Error {
    fn format(&self, f: defmt::Formatter<'_>) {
        match *self {
            Error::Os(e) => defmt::write!(f, "Os(errno {})", e.raw_os_error()),
            Error::Partial { sent, cause } => {
                defmt::write!(f, "Partial {{ sent: {}, cause: {} }}", sent, cause)
            }
            Error::DualStackUnavailable(e) => {
                defmt::write!(f, "DualStackUnavailable(errno {})", e.raw_os_error())
            }
            Error::FamilyMismatch { socket, addr } => {
                defmt::write!(f, "FamilyMismatch {{ socket: {}, addr: {} }}", socket, addr)
            }
            Error::BatchFamilyMismatch {
                index,
                socket,
                addr,
            } => defmt::write!(
                f,
                "BatchFamilyMismatch {{ index: {=usize}, socket: {}, addr: {} }}",
                index,
                socket,
                addr
            ),
            Error::TypeMismatch { expected, found } => defmt::write!(
                f,
                "TypeMismatch {{ expected: {}, found: {} }}",
                expected,
                found
            ),
            Error::Resolve(e) => defmt::write!(f, "Resolve({})", e),
            Error::Bpf(e) => defmt::write!(f, "Bpf({})", e),
            Error::Ring(e) => defmt::write!(f, "Ring({})", e),
            Error::Host(e) => defmt::write!(f, "Host({})", e),
            Error::InvalidName(e) => defmt::write!(f, "InvalidName({})", e),
            Error::MalformedDns(e) => defmt::write!(f, "MalformedDns({})", e),
            // The remaining variants carry only integers: their Debug form is their defmt form.
            ref other => defmt::write!(f, "{}", defmt::Debug2Format(other)),
        }
    }
}

impl defmt::Format for PartialCause {
    fn format(&self, f: defmt::Formatter<'_>) {
        match *self {
            PartialCause::Os(e) => defmt::write!(f, "Os(errno {})", e.raw_os_error()),
            PartialCause::Timeout => defmt::write!(f, "Timeout"),
            PartialCause::WouldBlock => defmt::write!(f, "WouldBlock"),
        }
    }
}

impl defmt::Format for ResolveError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}

impl defmt::Format for HostError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}

impl defmt::Format for LookupCause {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}
