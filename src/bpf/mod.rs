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

pub use crate::error::BpfError;
use crate::{Error, Result};

/// The most instructions a program may have (`BPF_MAXINSNS`).
pub const MAX_INSNS: usize = 4096;
/// Scratch memory words (`BPF_MEMWORDS`).
const MEM_WORDS: u32 = 16;
/// Where the ancillary data starts for an absolute load (`SKF_AD_OFF`, -0x1000 as a `u32`).
const SKF_AD_OFF: u32 = 0xffff_f000;
/// The end of the ancillary data the kernel knows (`SKF_AD_MAX`): `SKF_AD_PROTOCOL` (0) to
/// `SKF_AD_VLAN_TPID` (60), every 4 bytes.
const SKF_AD_MAX: u32 = 64;

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

/// The opcodes the kernel takes (`chk_code_allowed` in net/core/filter.c); every other
/// value of the 16-bit `code`, those past 0xff included, is refused.
const ALLOWED: [u16; 49] = [
    ALU | ADD | K,
    ALU | ADD | X,
    ALU | SUB | K,
    ALU | SUB | X,
    ALU | MUL | K,
    ALU | MUL | X,
    ALU | DIV | K,
    ALU | DIV | X,
    ALU | MOD | K,
    ALU | MOD | X,
    ALU | AND | K,
    ALU | AND | X,
    ALU | OR | K,
    ALU | OR | X,
    ALU | XOR | K,
    ALU | XOR | X,
    ALU | LSH | K,
    ALU | LSH | X,
    ALU | RSH | K,
    ALU | RSH | X,
    ALU | NEG,
    LD | W | ABS,
    LD | H | ABS,
    LD | B | ABS,
    LD | W | LEN,
    LD | W | IND,
    LD | H | IND,
    LD | B | IND,
    LD | IMM,
    LD | MEM,
    LDX | W | LEN,
    LDX | B | MSH,
    LDX | IMM,
    LDX | MEM,
    ST,
    STX,
    MISC | TAX,
    MISC | TXA,
    RET | K,
    RET | A,
    JMP | JA,
    JMP | JEQ | K,
    JMP | JEQ | X,
    JMP | JGE | K,
    JMP | JGE | X,
    JMP | JGT | K,
    JMP | JGT | X,
    JMP | JSET | K,
    JMP | JSET | X,
];

/// [`ALLOWED`] as a table indexed by opcode.
const ALLOWED_TABLE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < ALLOWED.len() {
        t[ALLOWED[i] as usize] = true;
        i += 1;
    }
    t
};

/// Checks one instruction as the kernel's `bpf_check_classic` does: the opcode against the
/// kernel's list, then the checks some opcodes have. `len` is the program's length.
fn check(index: usize, i: &Insn, len: usize) -> core::result::Result<(), BpfError> {
    // Programs have at most 4096 instructions, so the index fits.
    let at = index as u16;
    if !ALLOWED_TABLE
        .get(usize::from(i.code))
        .copied()
        .unwrap_or(false)
    {
        return Err(BpfError::UnknownOpcode { at, code: i.code });
    }
    // Instructions after this one: a jump may skip fewer than that.
    let rest = len - index - 1;
    let fault = match i.code {
        c if c == ALU | DIV | K || c == ALU | MOD | K => {
            (i.k == 0).then_some(BpfError::DivisionByZero { at })
        }
        c if c == ALU | LSH | K || c == ALU | RSH | K => {
            (i.k >= 32).then_some(BpfError::ShiftOutOfRange { at })
        }
        c if c == LD | MEM || c == LDX | MEM || c == ST || c == STX => {
            (i.k >= MEM_WORDS).then_some(BpfError::BadMemoryIndex { at })
        }
        c if c == JMP | JA => (i.k as usize >= rest).then_some(BpfError::JumpOutOfRange { at }),
        c if c & 0x07 == JMP => (usize::from(i.jt) >= rest || usize::from(i.jf) >= rest)
            .then_some(BpfError::JumpOutOfRange { at }),
        c if c == LD | W | ABS || c == LD | H | ABS || c == LD | B | ABS => {
            let ancillary = i.k.wrapping_sub(SKF_AD_OFF);
            (i.k >= SKF_AD_OFF && !(ancillary < SKF_AD_MAX && ancillary.is_multiple_of(4)))
                .then_some(BpfError::UnknownAncillary { at })
        }
        _ => None,
    };
    fault.map_or(Ok(()), Err)
}

/// The kernel's `check_load_and_stores` (net/core/filter.c), on a program whose
/// instructions [`check`] took: whether a scratch word can be loaded before it is stored.
///
/// One pass in order, with the words known stored (a bit each): a store adds its word; a
/// jump hands the set it has to its targets, where it is intersected with what the other
/// ways in bring; the instruction after a jump starts from what jumps to it brought (all
/// words, if none do); the instruction after any other, return included, also keeps what
/// came before it. The first program instruction starts with none. Needs a set for each
/// instruction: 8 KiB of stack, and only for programs that load scratch memory at all.
#[inline(never)]
fn check_load_and_stores(insns: &[Insn]) -> core::result::Result<(), BpfError> {
    let mut masks = [u16::MAX; MAX_INSNS];
    let mut valid: u16 = 0;
    for (pc, i) in insns.iter().enumerate() {
        // `Program::new` checked the length, the indexes (< 16) and the jump targets.
        let at = pc as u16;
        valid &= masks.get(pc).copied().unwrap_or(u16::MAX);
        let bit = 1u16.checked_shl(i.k).unwrap_or(0);
        let mut hand_on = |target: usize, valid: u16| {
            if let Some(m) = masks.get_mut(target) {
                *m &= valid;
            }
        };
        match i.code {
            c if c == ST || c == STX => valid |= bit,
            c if (c == LD | MEM || c == LDX | MEM) && valid & bit == 0 => {
                return Err(BpfError::LoadBeforeStore { at });
            }
            c if c == JMP | JA => {
                hand_on(pc + 1 + i.k as usize, valid);
                valid = u16::MAX;
            }
            c if c & 0x07 == JMP => {
                hand_on(pc + 1 + usize::from(i.jt), valid);
                hand_on(pc + 1 + usize::from(i.jf), valid);
                valid = u16::MAX;
            }
            _ => {}
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
    /// Checks `insns` as the kernel will (`bpf_check_classic`): length; opcodes, from the
    /// kernel's list; jump targets within the program; no division or modulo by the constant
    /// 0, no shift by a constant of 32 or more; absolute loads past `SKF_AD_OFF` only from
    /// the ancillary fields it knows; scratch indexes below 16; a return at the end; and no
    /// scratch word loaded where some path has not stored it (`check_load_and_stores`). A
    /// refused program is [`Error::Bpf`] with the reason, the first the kernel would find.
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
        if insns[len - 1].code & 0x07 != RET {
            return Err(Error::Bpf(BpfError::NoFinalReturn));
        }
        if insns
            .iter()
            .any(|i| i.code == LD | MEM || i.code == LDX | MEM)
        {
            check_load_and_stores(insns).map_err(Error::Bpf)?;
        }
        Ok(Program { insns })
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
mod tests;
