//! `defmt::Format` for the error types (the `defmt` feature).

use super::*;

impl defmt::Format for Error {
    fn format(&self, f: defmt::Formatter<'_>) {
        match *self {
            Error::Os(e) => defmt::write!(f, "Os(errno {})", e.raw_os_error()),
            Error::WouldBlock => defmt::write!(f, "WouldBlock"),
            Error::Timeout => defmt::write!(f, "Timeout"),
            Error::Partial { sent, cause } => {
                defmt::write!(f, "Partial {{ sent: {}, cause: {} }}", sent, cause)
            }
            Error::Truncated { len } => defmt::write!(f, "Truncated {{ len: {} }}", len),
            Error::Address(e) => defmt::write!(f, "Address({})", e),
            Error::Input(e) => defmt::write!(f, "Input({})", e),
            #[cfg(feature = "can")]
            Error::Can(e) => defmt::write!(f, "Can({})", e),
            #[cfg(feature = "resolve")]
            Error::Resolve(e) => defmt::write!(f, "Resolve({})", e),
            Error::Bpf(e) => defmt::write!(f, "Bpf({})", e),
            Error::Ring(e) => defmt::write!(f, "Ring({})", e),
            Error::Poll(e) => defmt::write!(f, "Poll({})", e),
            #[cfg(feature = "netlink")]
            Error::Netlink(e) => defmt::write!(f, "Netlink({})", e),
            Error::Unsupported(e) => defmt::write!(f, "Unsupported({})", e),
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

impl defmt::Format for AddressError {
    fn format(&self, f: defmt::Formatter<'_>) {
        match *self {
            AddressError::FamilyMismatch { socket, addr } => {
                defmt::write!(f, "FamilyMismatch {{ socket: {}, addr: {} }}", socket, addr)
            }
            AddressError::BatchFamilyMismatch {
                index,
                socket,
                addr,
            } => defmt::write!(
                f,
                "BatchFamilyMismatch {{ index: {=u16}, socket: {}, addr: {} }}",
                index,
                socket,
                addr
            ),
            AddressError::MixedFamilies { expected, found } => defmt::write!(
                f,
                "MixedFamilies {{ expected: {}, found: {} }}",
                expected,
                found
            ),
            // The remaining variants carry only integers: their Debug form is their defmt form.
            ref other => defmt::write!(f, "{}", defmt::Debug2Format(other)),
        }
    }
}

impl defmt::Format for InputError {
    fn format(&self, f: defmt::Formatter<'_>) {
        match *self {
            InputError::WrongFamily { expected, found } => defmt::write!(
                f,
                "WrongFamily {{ expected: {}, found: {} }}",
                expected,
                found
            ),
            InputError::TypeMismatch { expected, found } => defmt::write!(
                f,
                "TypeMismatch {{ expected: {}, found: {} }}",
                expected,
                found
            ),
            // The remaining variants carry only integers: their Debug form is their defmt form.
            ref other => defmt::write!(f, "{}", defmt::Debug2Format(other)),
        }
    }
}

#[cfg(feature = "can")]
impl defmt::Format for CanInputError {
    fn format(&self, f: defmt::Formatter<'_>) {
        match *self {
            CanInputError::J1939AddressNotClaimed { name, party } => defmt::write!(
                f,
                "J1939AddressNotClaimed {{ name: {}, party: {} }}",
                name,
                party
            ),
            // The remaining variants carry only integers: their Debug form is their defmt form.
            ref other => defmt::write!(f, "{}", defmt::Debug2Format(other)),
        }
    }
}

#[cfg(feature = "resolve")]
impl defmt::Format for ResolveError {
    fn format(&self, f: defmt::Formatter<'_>) {
        match *self {
            ResolveError::Lookup(e) => defmt::write!(f, "Lookup({})", e),
            ResolveError::Host(e) => defmt::write!(f, "Host({})", e),
            ResolveError::InvalidName(e) => defmt::write!(f, "InvalidName({})", e),
            ResolveError::MalformedDns(e) => defmt::write!(f, "MalformedDns({})", e),
        }
    }
}

#[cfg(feature = "resolve")]
impl defmt::Format for LookupError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}

#[cfg(feature = "resolve")]
impl defmt::Format for HostError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}

#[cfg(feature = "resolve")]
impl defmt::Format for LookupCause {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}

#[cfg(feature = "resolve")]
impl defmt::Format for NameError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}

#[cfg(feature = "resolve")]
impl defmt::Format for WireError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}
