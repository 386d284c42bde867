//! Classic BPF socket filters (`sock_filter`, linux/filter.h; Documentation/networking/filter.rst).
//!
//! A filter is a slice of [`Insn`]s, checked by [`Program::new`] the way the kernel checks it
//! (so a refused program gets a named [`BpfError`] here, not a bare `EINVAL` there), then
//! attached with [`Socket::attach_filter`](crate::Socket::attach_filter). Programs come from
//! the typed constructors on [`Insn`], or from the C array `tcpdump -dd` prints, through
//! [`parse_tcpdump_dd`].
//!
//! ```
//! use baresock::bpf::{Insn, Program, Size};
//! // Accept IPv4 frames (EtherType 0x0800 at offset 12), whole; drop the rest.
//! let insns = [
//!     Insn::load_abs(Size::Half, 12),
//!     Insn::jump_eq(0x0800, 0, 1),
//!     Insn::ret(u32::MAX),
//!     Insn::ret(0),
//! ];
//! let program = Program::new(&insns)?;
//! assert_eq!(program.len(), 4);
//! # Ok::<(), baresock::Error>(())
//! ```

use core::fmt;

use crate::{Error, Result};

/// The most instructions a program may have (`BPF_MAXINSNS`).
pub const MAX_INSNS: usize = 4096;
/// Scratch memory words (`BPF_MEMWORDS`).
const MEM_WORDS: u32 = 16;

// Instruction classes, sizes, modes, operations and sources (linux/bpf_common.h).
const LD: u16 = 0x00;
const LDX: u16 = 0x01;
const ST: u16 = 0x02;
const STX: u16 = 0x03;
const ALU: u16 = 0x04;
const JMP: u16 = 0x05;
const RET: u16 = 0x06;
const MISC: u16 = 0x07;
const W: u16 = 0x00;
const H: u16 = 0x08;
const B: u16 = 0x10;
const IMM: u16 = 0x00;
const ABS: u16 = 0x20;
const IND: u16 = 0x40;
const MEM: u16 = 0x60;
const LEN: u16 = 0x80;
const MSH: u16 = 0xa0;
const ADD: u16 = 0x00;
const SUB: u16 = 0x10;
const MUL: u16 = 0x20;
const DIV: u16 = 0x30;
const OR: u16 = 0x40;
const AND: u16 = 0x50;
const LSH: u16 = 0x60;
const RSH: u16 = 0x70;
const NEG: u16 = 0x80;
const MOD: u16 = 0x90;
const XOR: u16 = 0xa0;
const JA: u16 = 0x00;
const JEQ: u16 = 0x10;
const JGT: u16 = 0x20;
const JGE: u16 = 0x30;
const JSET: u16 = 0x40;
const K: u16 = 0x00;
const X: u16 = 0x08;
const A: u16 = 0x10;
const TAX: u16 = 0x00;
const TXA: u16 = 0x80;

/// One instruction (`struct sock_filter`): opcode, jump offsets if true and if false, and a
/// constant.
///
/// The constructors name what an instruction does; each is the same four numbers
/// `tcpdump -dd` prints. A program is a slice of them, checked by [`Program::new`]:
///
/// ```
/// use baresock::bpf::{Insn, Program, Size};
/// // IPv4 TCP to port 80 (tcpdump's "ip and tcp dst port 80", fragments aside).
/// let http = [
///     Insn::load_abs(Size::Half, 12),     // 0: A = EtherType
///     Insn::jump_eq(0x0800, 0, 6),        // 1: IPv4? else to 8
///     Insn::load_abs(Size::Byte, 23),     // 2: A = IP protocol
///     Insn::jump_eq(6, 0, 4),             // 3: TCP? else to 8
///     Insn::load_x_ip_header_len(14),     // 4: X = IP header length
///     Insn::load_ind(Size::Half, 14 + 2), // 5: A = TCP destination port
///     Insn::jump_eq(80, 0, 1),            // 6: port 80? else to 8
///     Insn::ret(u32::MAX),                // 7: keep the whole frame
///     Insn::ret(0),                       // 8: drop
/// ];
/// let program = Program::new(&http)?;
/// assert_eq!(program.len(), 9);
/// // The same instruction as `tcpdump -dd` prints it: { 0x28, 0, 0, 0x0000000c }.
/// assert_eq!(http[0], Insn::new(0x28, 0, 0, 12));
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(C)]
pub struct Insn {
    /// The opcode (`code`).
    pub code: u16,
    /// Instructions to skip when a conditional jump is taken (`jt`).
    pub jt: u8,
    /// Instructions to skip when it is not (`jf`).
    pub jf: u8,
    /// The constant (`k`).
    pub k: u32,
}

/// The width of a packet load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Size {
    /// One byte (`BPF_B`).
    Byte,
    /// Two bytes, network order (`BPF_H`).
    Half,
    /// Four bytes, network order (`BPF_W`).
    Word,
}

impl Size {
    const fn bits(self) -> u16 {
        match self {
            Size::Byte => B,
            Size::Half => H,
            Size::Word => W,
        }
    }
}

/// An arithmetic operation for [`Insn::alu`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AluOp {
    /// `A + k`.
    Add,
    /// `A - k`.
    Sub,
    /// `A * k`.
    Mul,
    /// `A / k` (k ≠ 0).
    Div,
    /// `A % k` (k ≠ 0).
    Mod,
    /// `A | k`.
    Or,
    /// `A & k`.
    And,
    /// `A ^ k`.
    Xor,
    /// `A << k`.
    Lsh,
    /// `A >> k`.
    Rsh,
}

impl Insn {
    /// An instruction from its four fields.
    pub const fn new(code: u16, jt: u8, jf: u8, k: u32) -> Insn {
        Insn { code, jt, jf, k }
    }

    /// `A = packet[k]`, of the given width (`BPF_LD | size | BPF_ABS`).
    pub const fn load_abs(size: Size, k: u32) -> Insn {
        Insn::new(LD | size.bits() | ABS, 0, 0, k)
    }

    /// `A = packet[X + k]` (`BPF_LD | size | BPF_IND`).
    pub const fn load_ind(size: Size, k: u32) -> Insn {
        Insn::new(LD | size.bits() | IND, 0, 0, k)
    }

    /// `A = k` (`BPF_LD | BPF_IMM`).
    pub const fn load_imm(k: u32) -> Insn {
        Insn::new(LD | IMM, 0, 0, k)
    }

    /// `A = the packet's length` (`BPF_LD | BPF_W | BPF_LEN`).
    pub const fn load_len() -> Insn {
        Insn::new(LD | W | LEN, 0, 0, 0)
    }

    /// `X = 4 * (packet[k] & 0xf)`: the IPv4 header length (`BPF_LDX | BPF_B | BPF_MSH`).
    pub const fn load_x_ip_header_len(k: u32) -> Insn {
        Insn::new(LDX | B | MSH, 0, 0, k)
    }

    /// `X = k` (`BPF_LDX | BPF_IMM`).
    pub const fn load_x_imm(k: u32) -> Insn {
        Insn::new(LDX | IMM, 0, 0, k)
    }

    /// `A = A <op> k` (`BPF_ALU | op | BPF_K`).
    pub const fn alu(op: AluOp, k: u32) -> Insn {
        let op = match op {
            AluOp::Add => ADD,
            AluOp::Sub => SUB,
            AluOp::Mul => MUL,
            AluOp::Div => DIV,
            AluOp::Mod => MOD,
            AluOp::Or => OR,
            AluOp::And => AND,
            AluOp::Xor => XOR,
            AluOp::Lsh => LSH,
            AluOp::Rsh => RSH,
        };
        Insn::new(ALU | op | K, 0, 0, k)
    }

    /// `A = A <op> X` (`BPF_ALU | op | BPF_X`).
    pub const fn alu_x(op: AluOp) -> Insn {
        let k = Insn::alu(op, 1);
        Insn::new(k.code | X, 0, 0, 0)
    }

    /// Skip `jt` instructions if `A == k`, else `jf` (`BPF_JMP | BPF_JEQ | BPF_K`).
    pub const fn jump_eq(k: u32, jt: u8, jf: u8) -> Insn {
        Insn::new(JMP | JEQ | K, jt, jf, k)
    }

    /// Skip `jt` if `A > k`, else `jf` (`BPF_JGT`).
    pub const fn jump_gt(k: u32, jt: u8, jf: u8) -> Insn {
        Insn::new(JMP | JGT | K, jt, jf, k)
    }

    /// Skip `jt` if `A >= k`, else `jf` (`BPF_JGE`).
    pub const fn jump_ge(k: u32, jt: u8, jf: u8) -> Insn {
        Insn::new(JMP | JGE | K, jt, jf, k)
    }

    /// Skip `jt` if `A & k != 0`, else `jf` (`BPF_JSET`).
    pub const fn jump_set(k: u32, jt: u8, jf: u8) -> Insn {
        Insn::new(JMP | JSET | K, jt, jf, k)
    }

    /// Skip `k` instructions (`BPF_JMP | BPF_JA`).
    pub const fn jump(k: u32) -> Insn {
        Insn::new(JMP | JA, 0, 0, k)
    }

    /// Accept `k` bytes of the packet (0 drops it; `u32::MAX` keeps it whole) (`BPF_RET | BPF_K`).
    pub const fn ret(k: u32) -> Insn {
        Insn::new(RET | K, 0, 0, k)
    }

    /// Accept `A` bytes of the packet (`BPF_RET | BPF_A`).
    pub const fn ret_a() -> Insn {
        Insn::new(RET | A, 0, 0, 0)
    }

    /// `X = A` (`BPF_MISC | BPF_TAX`).
    pub const fn tax() -> Insn {
        Insn::new(MISC | TAX, 0, 0, 0)
    }

    /// `A = X` (`BPF_MISC | BPF_TXA`).
    pub const fn txa() -> Insn {
        Insn::new(MISC | TXA, 0, 0, 0)
    }
}

impl fmt::Debug for Insn {
    /// As `tcpdump -dd` prints it: `{ 0x28, 0, 0, 0x0000000c }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{ {:#04x}, {}, {}, {:#010x} }}",
            self.code, self.jt, self.jf, self.k
        )
    }
}

/// Why a program was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum BpfError {
    /// No instructions.
    Empty,
    /// More than [`MAX_INSNS`] instructions.
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
    /// A scratch-memory index of 16 or more at `at`.
    BadMemoryIndex {
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
            BpfError::BadMemoryIndex { at } => {
                write!(f, "scratch memory index out of range at instruction {at}")
            }
            BpfError::NoFinalReturn => f.write_str("the last instruction is not a return"),
            BpfError::Parse { line } => write!(
                f,
                "line {line} is not a `{{ code, jt, jf, k }}` instruction"
            ),
            BpfError::BufferFull => f.write_str("more instructions than the buffer holds"),
        }
    }
}

/// Checks one instruction as the kernel's `bpf_check_classic` does.
fn check(index: usize, i: &Insn, len: usize) -> core::result::Result<(), BpfError> {
    // Programs have at most 4096 instructions, so the index fits.
    let at = index as u16;
    let unknown = Err(BpfError::UnknownOpcode { at, code: i.code });
    let class = i.code & 0x07;
    match class {
        LD | LDX => {
            let mode = i.code & 0xe0;
            let size = i.code & 0x18;
            let ok = match (class, mode) {
                (LD, ABS | IND) => size == W || size == H || size == B,
                (_, IMM) | (_, LEN) => size == W,
                (_, MEM) => {
                    if i.k >= MEM_WORDS {
                        return Err(BpfError::BadMemoryIndex { at });
                    }
                    size == W
                }
                (LDX, MSH) => size == B,
                _ => false,
            };
            if !ok {
                return unknown;
            }
        }
        ST | STX => {
            if i.code != class {
                return unknown;
            }
            if i.k >= MEM_WORDS {
                return Err(BpfError::BadMemoryIndex { at });
            }
        }
        ALU => {
            let op = i.code & 0xf0;
            let src = i.code & 0x08;
            if i.code & !0xf8 != ALU || op > XOR {
                return unknown;
            }
            if op == NEG && src != K {
                return unknown;
            }
            if (op == DIV || op == MOD) && src == K && i.k == 0 {
                return Err(BpfError::DivisionByZero { at });
            }
        }
        JMP => {
            let op = i.code & 0xf0;
            let rest = len - index - 1;
            match op {
                JA => {
                    if i.code != JMP || i.k as usize >= rest {
                        return if i.code == JMP {
                            Err(BpfError::JumpOutOfRange { at })
                        } else {
                            unknown
                        };
                    }
                }
                JEQ | JGT | JGE | JSET => {
                    if i.code & !0xf8 != JMP {
                        return unknown;
                    }
                    if i.jt as usize >= rest || i.jf as usize >= rest {
                        return Err(BpfError::JumpOutOfRange { at });
                    }
                }
                _ => return unknown,
            }
        }
        RET => {
            let src = i.code & 0x18;
            if i.code & !0x18 != RET || !(src == K || src == A) {
                return unknown;
            }
        }
        _ => {
            // MISC: TAX or TXA only.
            if i.code != MISC | TAX && i.code != MISC | TXA {
                return unknown;
            }
        }
    }
    Ok(())
}

/// A checked program, ready to attach (with
/// [`Socket::attach_filter`](crate::Socket::attach_filter), or as a fanout program).
///
/// It borrows its instructions; nothing is copied or allocated. A program the kernel would
/// refuse is refused here, by name:
///
/// ```
/// use baresock::bpf::{BpfError, Insn, Program, Size};
/// use baresock::Error;
/// let ok = [Insn::load_len(), Insn::jump_gt(100, 0, 1), Insn::ret(u32::MAX), Insn::ret(0)];
/// assert_eq!(Program::new(&ok)?.insns(), &ok);
///
/// let runs_off = [Insn::load_len(), Insn::jump_gt(100, 0, 1)];
/// assert_eq!(
///     Program::new(&runs_off),
///     Err(Error::Bpf(BpfError::JumpOutOfRange { at: 1 }))
/// );
/// let no_return = [Insn::load_abs(Size::Byte, 0)];
/// assert_eq!(Program::new(&no_return), Err(Error::Bpf(BpfError::NoFinalReturn)));
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Program<'a> {
    insns: &'a [Insn],
}

impl<'a> Program<'a> {
    /// Checks `insns` as the kernel will: length, opcodes, jump targets within the program,
    /// no division by zero, scratch indexes, and a return at the end. A refused program is
    /// [`Error::Bpf`] with the reason.
    pub fn new(insns: &'a [Insn]) -> Result<Program<'a>> {
        let len = insns.len();
        if len == 0 {
            return Err(Error::Bpf(BpfError::Empty));
        }
        if len > MAX_INSNS {
            return Err(Error::Bpf(BpfError::TooLong {
                len: u32::try_from(len).unwrap_or(u32::MAX),
            }));
        }
        for (at, i) in insns.iter().enumerate() {
            check(at, i, len).map_err(Error::Bpf)?;
        }
        match insns[len - 1].code & 0x07 {
            RET => Ok(Program { insns }),
            _ => Err(Error::Bpf(BpfError::NoFinalReturn)),
        }
    }

    /// The instructions.
    pub fn insns(&self) -> &'a [Insn] {
        self.insns
    }

    /// How many instructions.
    pub fn len(&self) -> usize {
        self.insns.len()
    }

    /// Always false: a program has at least one instruction.
    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }
}

/// Parses the C array `tcpdump -dd <expression>` prints (one `{ code, jt, jf, k },` a line,
/// numbers in decimal or `0x` hex) into `out`; returns how many instructions. Blank lines are
/// skipped. Check the result with [`Program::new`].
///
/// ```
/// use baresock::bpf::{parse_tcpdump_dd, Insn, Program};
/// // tcpdump -dd arp
/// let text = "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000806 },\n{ 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n";
/// let mut buf = [Insn::default(); 16];
/// let n = parse_tcpdump_dd(text, &mut buf)?;
/// let arp = Program::new(&buf[..n])?;
/// assert_eq!(arp.len(), 4);
/// # Ok::<(), baresock::Error>(())
/// ```
pub fn parse_tcpdump_dd(text: &str, out: &mut [Insn]) -> Result<usize> {
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = Error::Bpf(BpfError::Parse {
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        });
        let inner = line
            .trim_end_matches(',')
            .trim()
            .strip_prefix('{')
            .and_then(|l| l.strip_suffix('}'))
            .ok_or(bad)?;
        let mut fields = inner.split(',').map(|f| parse_number(f.trim()));
        let (Some(Some(code)), Some(Some(jt)), Some(Some(jf)), Some(Some(k)), None) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(bad);
        };
        let (Ok(code), Ok(jt), Ok(jf)) = (u16::try_from(code), u8::try_from(jt), u8::try_from(jf))
        else {
            return Err(bad);
        };
        let slot = out.get_mut(n).ok_or(Error::Bpf(BpfError::BufferFull))?;
        *slot = Insn::new(code, jt, jf, k);
        n += 1;
    }
    Ok(n)
}

fn parse_number(s: &str) -> Option<u32> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_uapi() {
        // struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; } (linux/filter.h)
        assert_eq!(core::mem::size_of::<Insn>(), 8);
        assert_eq!(core::mem::offset_of!(Insn, k), 4);
    }

    #[test]
    fn constructors_match_tcpdump() {
        assert_eq!(Insn::load_abs(Size::Half, 12), Insn::new(0x28, 0, 0, 12));
        assert_eq!(Insn::jump_eq(0x806, 0, 1), Insn::new(0x15, 0, 1, 0x806));
        assert_eq!(Insn::ret(0x40000), Insn::new(0x06, 0, 0, 0x40000));
        assert_eq!(Insn::load_x_ip_header_len(14), Insn::new(0xb1, 0, 0, 14));
        assert_eq!(Insn::load_ind(Size::Half, 16), Insn::new(0x48, 0, 0, 16));
        assert_eq!(Insn::jump_set(0x1fff, 2, 0), Insn::new(0x45, 2, 0, 0x1fff));
    }

    #[test]
    fn the_checker_names_each_fault() {
        let ret = Insn::ret(0);
        assert_eq!(Program::new(&[]), Err(Error::Bpf(BpfError::Empty)));
        let long = [ret; MAX_INSNS + 1];
        assert_eq!(
            Program::new(&long),
            Err(Error::Bpf(BpfError::TooLong { len: 4097 }))
        );
        assert_eq!(
            Program::new(&[Insn::load_imm(1)]),
            Err(Error::Bpf(BpfError::NoFinalReturn))
        );
        assert_eq!(
            Program::new(&[Insn::jump_eq(1, 0, 1), ret]),
            Err(Error::Bpf(BpfError::JumpOutOfRange { at: 0 }))
        );
        assert_eq!(
            Program::new(&[Insn::jump(1), ret]),
            Err(Error::Bpf(BpfError::JumpOutOfRange { at: 0 }))
        );
        assert_eq!(
            Program::new(&[Insn::alu(AluOp::Div, 0), ret]),
            Err(Error::Bpf(BpfError::DivisionByZero { at: 0 }))
        );
        assert_eq!(
            Program::new(&[Insn::new(LD | W | MEM, 0, 0, 16), ret]),
            Err(Error::Bpf(BpfError::BadMemoryIndex { at: 0 }))
        );
        assert_eq!(
            Program::new(&[Insn::new(0xff, 0, 0, 0), ret]),
            Err(Error::Bpf(BpfError::UnknownOpcode { at: 0, code: 0xff }))
        );
        assert!(Program::new(&[Insn::jump_eq(1, 1, 0), Insn::ret(1), ret]).is_ok());
        assert!(Program::new(&[Insn::tax(), Insn::txa(), Insn::ret_a()]).is_ok());
        // A division by X is checked at run time, not refused.
        assert!(Program::new(&[Insn::alu_x(AluOp::Div), ret]).is_ok());
        assert_eq!(Insn::alu_x(AluOp::Add).code, 0x0c);
    }

    #[test]
    fn tcpdump_text() {
        let mut buf = [Insn::default(); 2];
        assert_eq!(parse_tcpdump_dd("{ 0x6, 0, 0, 65535 },", &mut buf), Ok(1));
        assert_eq!(buf[0], Insn::ret(65535));
        assert_eq!(
            parse_tcpdump_dd("\n{ 0x6, 0, 0, 1 }\nnonsense", &mut buf),
            Err(Error::Bpf(BpfError::Parse { line: 3 }))
        );
        assert_eq!(
            parse_tcpdump_dd("{ 0x6, 0, 0 },", &mut buf),
            Err(Error::Bpf(BpfError::Parse { line: 1 }))
        );
        assert_eq!(
            parse_tcpdump_dd("{ 0x6, 256, 0, 1 },", &mut buf),
            Err(Error::Bpf(BpfError::Parse { line: 1 }))
        );
        let three = "{ 0x6, 0, 0, 1 },\n{ 0x6, 0, 0, 1 },\n{ 0x6, 0, 0, 1 },";
        assert_eq!(
            parse_tcpdump_dd(three, &mut buf),
            Err(Error::Bpf(BpfError::BufferFull))
        );
    }
}
