//! [`BpfError`]: why a classic BPF program was refused (see [`bpf`](crate::bpf)).

use core::fmt;

/// Why a program was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum BpfError {
    /// No instructions.
    Empty,
    /// More than [`MAX_INSNS`](crate::bpf::MAX_INSNS) instructions.
    TooLong {
        /// How many there were (`u32::MAX` for more).
        len: u32,
    },
    /// An opcode the kernel does not know, at instruction `at`.
    UnknownOpcode {
        /// The instruction's index.
        at: u16,
        /// Its opcode.
        code: u16,
    },
    /// A jump at `at` lands past the end.
    JumpOutOfRange {
        /// The instruction's index.
        at: u16,
    },
    /// A division or modulo by the constant 0 at `at`.
    DivisionByZero {
        /// The instruction's index.
        at: u16,
    },
    /// A shift by a constant of 32 or more at `at`.
    ShiftOutOfRange {
        /// The instruction's index.
        at: u16,
    },
    /// An absolute load at `at` from an offset of `SKF_AD_OFF` (-0x1000) or more that is no
    /// ancillary field the kernel knows (`SKF_AD_PROTOCOL` to `SKF_AD_VLAN_TPID`).
    UnknownAncillary {
        /// The instruction's index.
        at: u16,
    },
    /// A scratch-memory index of 16 or more at `at`.
    BadMemoryIndex {
        /// The instruction's index.
        at: u16,
    },
    /// A load of a scratch-memory word at `at` that some path to it has not stored first
    /// (the kernel's `check_load_and_stores`, which follows each jump but not the values).
    LoadBeforeStore {
        /// The instruction's index.
        at: u16,
    },
    /// The last instruction is not a return: a run could fall off the end.
    NoFinalReturn,
    /// A line of `tcpdump -dd` text that is not `{ code, jt, jf, k },` (1-based line number).
    Parse {
        /// The line (`u32::MAX` for later ones).
        line: u32,
    },
    /// The text has more instructions than the buffer holds.
    BufferFull,
}

impl fmt::Display for BpfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BpfError::Empty => f.write_str("empty program"),
            BpfError::TooLong { len } => write!(f, "{len} instructions, more than 4096"),
            BpfError::UnknownOpcode { at, code } => {
                write!(f, "unknown opcode {code:#06x} at instruction {at}")
            }
            BpfError::JumpOutOfRange { at } => write!(f, "jump past the end at instruction {at}"),
            BpfError::DivisionByZero { at } => write!(f, "division by zero at instruction {at}"),
            BpfError::ShiftOutOfRange { at } => {
                write!(f, "shift by 32 or more at instruction {at}")
            }
            BpfError::UnknownAncillary { at } => {
                write!(f, "unknown ancillary data offset at instruction {at}")
            }
            BpfError::BadMemoryIndex { at } => {
                write!(f, "scratch memory index out of range at instruction {at}")
            }
            BpfError::LoadBeforeStore { at } => write!(
                f,
                "scratch memory loaded before it is stored at instruction {at}"
            ),
            BpfError::NoFinalReturn => f.write_str("the last instruction is not a return"),
            BpfError::Parse { line } => write!(
                f,
                "line {line} is not a `{{ code, jt, jf, k }}` instruction"
            ),
            BpfError::BufferFull => f.write_str("more instructions than the buffer holds"),
        }
    }
}
