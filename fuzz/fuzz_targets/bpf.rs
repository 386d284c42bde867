//! Classic BPF: the checker (`bpf::Program::new`) on arbitrary instruction arrays, and the
//! `tcpdump -dd` text parser (`bpf::parse_tcpdump_dd`).
//!
//! The input is read both ways: as instructions (8 bytes each: `code` and `k` little-endian),
//! and, when it is UTF-8, as `tcpdump -dd` text.
//!
//! Asserts: the checker agrees with the kernel, which is asked with `SO_ATTACH_FILTER` on a
//! UDP socket (`Socket::attach_filter` for an accepted program, the raw option for a refused
//! one): a program the checker accepts, the kernel takes, and one it refuses, the kernel
//! refuses too; an accepted program ends with a return, has its jumps in range, and runs to a
//! return over any packet in at most one step per instruction (a small interpreter); a refused
//! one says why with an error that fits it. Parsed text has one instruction per non-blank
//! line, prints back (`Debug` is the `tcpdump -dd` form) to text that parses to the same
//! instructions, and fills a buffer exactly (`BufferFull` one short).
#![no_main]

use std::cell::RefCell;

use baresock::bpf::{parse_tcpdump_dd, BpfError, Insn, Program, MAX_INSNS};
use baresock::{Errno, Error, Protocol, Socket};
use libfuzzer_sys::fuzz_target;

const SOL_SOCKET: u32 = 1;
const SO_ATTACH_FILTER: u32 = 26;

thread_local! {
    static SOCKET: RefCell<Option<Socket>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    let insns: Vec<Insn> = data
        .chunks_exact(8)
        .map(|c| {
            Insn::new(
                u16::from_le_bytes([c[0], c[1]]),
                c[2],
                c[3],
                u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            )
        })
        .collect();
    check_program(&insns, data);

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let nonblank = lines.iter().filter(|l| !l.trim().is_empty()).count();
    let mut buf = [Insn::default(); 64];
    match parse_tcpdump_dd(text, &mut buf) {
        Ok(n) => {
            assert_eq!(n, nonblank);
            let printed: String = buf[..n].iter().map(|i| format!("{i:?},\n")).collect();
            let mut again = [Insn::default(); 64];
            assert_eq!(parse_tcpdump_dd(&printed, &mut again), Ok(n), "{printed}");
            assert_eq!(again[..n], buf[..n]);
            if n > 0 {
                assert_eq!(
                    parse_tcpdump_dd(text, &mut again[..n - 1]),
                    Err(Error::Bpf(BpfError::BufferFull))
                );
            }
            check_program(&buf[..n], data);
        }
        Err(Error::Bpf(BpfError::Parse { line })) => {
            let line = lines.get(line as usize - 1).expect("the line exists");
            assert!(!line.trim().is_empty());
        }
        Err(Error::Bpf(BpfError::BufferFull)) => assert!(nonblank > buf.len()),
        Err(e) => panic!("{e:?}"),
    }
});

/// The checker on `insns`, against the kernel's own check; an accepted program run on `packet`.
fn check_program(insns: &[Insn], packet: &[u8]) {
    let verdict = Program::new(insns);
    let kernel = SOCKET.with(|s| {
        let mut s = s.borrow_mut();
        let s = s.get_or_insert_with(|| {
            Socket::new(
                baresock::Family::INET,
                baresock::Type::DGRAM,
                Protocol::DEFAULT,
            )
            .expect("a UDP socket")
        });
        match &verdict {
            Ok(p) => match s.attach_filter(p) {
                Ok(()) => true,
                Err(Error::Os(e)) if e == Errno::INVAL => false,
                Err(e) => panic!("attach_filter: {e:?}"),
            },
            Err(_) => kernel_takes(s, insns),
        }
    });
    match &verdict {
        Ok(p) => {
            assert!(
                kernel,
                "the checker accepts {insns:?}, the kernel refuses it"
            );
            assert_eq!(p.insns(), insns);
            assert!(!p.is_empty() && p.len() <= MAX_INSNS);
            for (at, i) in insns.iter().enumerate() {
                let rest = insns.len() - at - 1;
                if i.code & 0x07 == 0x05 {
                    if i.code == 0x05 {
                        assert!((i.k as usize) < rest);
                    } else {
                        assert!(usize::from(i.jt) < rest && usize::from(i.jf) < rest);
                    }
                }
            }
            run(insns, packet);
        }
        Err(Error::Bpf(e)) => {
            assert!(
                !kernel,
                "the checker refuses {insns:?} ({e}), the kernel takes it"
            );
            let _ = format!("{e} {e:?}");
            let fits = match *e {
                BpfError::Empty => insns.is_empty(),
                BpfError::TooLong { len } => insns.len() > MAX_INSNS && len as usize == insns.len(),
                BpfError::UnknownOpcode { at, code } => insns[usize::from(at)].code == code,
                BpfError::JumpOutOfRange { at } => insns[usize::from(at)].code & 0x07 == 0x05,
                BpfError::DivisionByZero { at } => {
                    matches!(insns[usize::from(at)].code, 0x34 | 0x94)
                        && insns[usize::from(at)].k == 0
                }
                BpfError::ShiftOutOfRange { at } => {
                    matches!(insns[usize::from(at)].code, 0x64 | 0x74)
                        && insns[usize::from(at)].k >= 32
                }
                BpfError::UnknownAncillary { at } => {
                    unknown_ancillary_load(&insns[usize::from(at)])
                }
                BpfError::BadMemoryIndex { at } => insns[usize::from(at)].k >= 16,
                BpfError::LoadBeforeStore { at } => loads_unstored_scratch(insns) == Some(at),
                BpfError::NoFinalReturn => insns.last().is_some_and(|i| i.code & 0x07 != 0x06),
                _ => false,
            };
            assert!(fits, "{e:?} for {insns:?}");
        }
        Err(e) => panic!("{e:?}"),
    }
}

/// An absolute load (`LD` `ABS`, any size) at an offset of `SKF_AD_OFF` (-0x1000) or more that
/// is not one of the kernel's ancillary data (`SKF_AD_PROTOCOL` 0 to `SKF_AD_VLAN_TPID` 60, in
/// steps of 4): `bpf_check_classic` refuses it.
fn unknown_ancillary_load(i: &Insn) -> bool {
    const SKF_AD_OFF: u32 = 0xffff_f000;
    matches!(i.code, 0x20 | 0x28 | 0x30)
        && i.k >= SKF_AD_OFF
        && !(i.k - SKF_AD_OFF < 64 && (i.k - SKF_AD_OFF).is_multiple_of(4))
}

/// A model of the kernel's `check_load_and_stores` (net/core/filter.c), on a program whose
/// instructions passed the other checks: the first load of a scratch word (`LD`/`LDX` `MEM`)
/// that some path reaches without storing it (`ST`/`STX`).
fn loads_unstored_scratch(insns: &[Insn]) -> Option<u16> {
    let mut masks = vec![u16::MAX; insns.len()];
    let mut valid = 0u16;
    for (pc, i) in insns.iter().enumerate() {
        valid &= masks[pc];
        let bit = 1u16.checked_shl(i.k).unwrap_or(0);
        match i.code {
            0x02 | 0x03 => valid |= bit,
            0x60 | 0x61 if valid & bit == 0 => return Some(pc as u16),
            0x05 => {
                if let Some(m) = masks.get_mut(pc + 1 + i.k as usize) {
                    *m &= valid;
                }
                valid = u16::MAX;
            }
            c if c & 0x07 == 0x05 => {
                for off in [i.jt, i.jf] {
                    if let Some(m) = masks.get_mut(pc + 1 + usize::from(off)) {
                        *m &= valid;
                    }
                }
                valid = u16::MAX;
            }
            _ => {}
        }
    }
    None
}

/// Whether the kernel attaches `insns`, given through the raw option (a `sock_fprog`).
fn kernel_takes(s: &Socket, insns: &[Insn]) -> bool {
    let Ok(len) = u16::try_from(insns.len()) else {
        return false;
    };
    // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: 64-bit layout.
    let mut fprog = [0u8; 16];
    fprog[..2].copy_from_slice(&len.to_ne_bytes());
    fprog[8..].copy_from_slice(&(insns.as_ptr() as u64).to_ne_bytes());
    match s.set_option_raw(SOL_SOCKET, SO_ATTACH_FILTER, &fprog) {
        Ok(()) => true,
        Err(Error::Os(e)) if e == Errno::INVAL => false,
        Err(e) => panic!("SO_ATTACH_FILTER: {e:?}"),
    }
}

/// Runs an accepted program over `packet` as the kernel's interpreter would: it must reach a
/// return, in at most one step per instruction, touching only scratch words 0 to 15.
fn run(insns: &[Insn], packet: &[u8]) -> u32 {
    let (mut a, mut x, mut mem, mut pc) = (0u32, 0u32, [0u32; 16], 0usize);
    let load = |at: u32, size: u32| -> Option<u32> {
        let at = at as usize;
        let b = packet.get(at..at.checked_add(size as usize)?)?;
        Some(b.iter().fold(0u32, |v, &b| v << 8 | u32::from(b)))
    };
    for _ in 0..insns.len() {
        let i = insns.get(pc).expect("pc within the program");
        pc += 1;
        let size = match i.code & 0x18 {
            0x00 => 4,
            0x08 => 2,
            _ => 1,
        };
        let src = if i.code & 0x08 != 0 { x } else { i.k };
        match i.code & 0x07 {
            0x00 => {
                a = match i.code & 0xe0 {
                    0x00 => i.k,
                    0x20 => match load(i.k, size) {
                        Some(v) => v,
                        None => return 0,
                    },
                    0x40 => match load(x.wrapping_add(i.k), size) {
                        Some(v) => v,
                        None => return 0,
                    },
                    0x60 => mem[i.k as usize],
                    _ => packet.len() as u32,
                }
            }
            0x01 => {
                x = match i.code & 0xe0 {
                    0x00 => i.k,
                    0x60 => mem[i.k as usize],
                    0x80 => packet.len() as u32,
                    _ => match load(i.k, 1) {
                        Some(v) => (v & 0x0f) * 4,
                        None => return 0,
                    },
                }
            }
            0x02 => mem[i.k as usize] = a,
            0x03 => mem[i.k as usize] = x,
            0x04 => {
                a = match i.code & 0xf0 {
                    0x00 => a.wrapping_add(src),
                    0x10 => a.wrapping_sub(src),
                    0x20 => a.wrapping_mul(src),
                    0x30 => match a.checked_div(src) {
                        Some(v) => v,
                        None => return 0,
                    },
                    0x40 => a | src,
                    0x50 => a & src,
                    0x60 => a.wrapping_shl(src),
                    0x70 => a.wrapping_shr(src),
                    0x80 => a.wrapping_neg(),
                    0x90 => match a.checked_rem(src) {
                        Some(v) => v,
                        None => return 0,
                    },
                    _ => a ^ src,
                }
            }
            0x05 => {
                let taken = match i.code & 0xf0 {
                    0x00 => {
                        pc += i.k as usize;
                        continue;
                    }
                    0x10 => a == src,
                    0x20 => a > src,
                    0x30 => a >= src,
                    _ => a & src != 0,
                };
                pc += usize::from(if taken { i.jt } else { i.jf });
            }
            0x06 => return if i.code & 0x18 == 0x10 { a } else { i.k },
            _ => {
                if i.code & 0x80 != 0 {
                    a = x
                } else {
                    x = a
                }
            }
        }
    }
    panic!("{insns:?} ran past its instructions without a return");
}
