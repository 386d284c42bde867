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

/// Found by the `bpf` fuzz target (fuzz/findings/bpf-*): programs `bpf_check_classic`
/// refuses with `EINVAL` that this checker accepted, so `attach_filter` failed with a bare
/// errno instead of a named `BpfError`. Each is the finding's input.
#[test]
fn refuses_what_the_kernel_refuses() {
    let bpf = |e| Err(Error::Bpf(e));
    // bpf-opcode-above-0xff: opcodes are 8 bits in the kernel (`chk_code_allowed`),
    // 0x128 is not `LD H ABS`.
    assert_eq!(
        Program::new(&[Insn::new(0x128, 0, 0, 12), Insn::ret(0)]),
        bpf(BpfError::UnknownOpcode { at: 0, code: 0x128 })
    );
    // bpf-shift-by-32: a shift by a constant of 32 or more, either way.
    let ret = Insn::ret_a();
    assert_eq!(
        Program::new(&[Insn::new(0x74, 0, 0, 32), ret]),
        bpf(BpfError::ShiftOutOfRange { at: 0 })
    );
    assert_eq!(
        Program::new(&[Insn::alu(AluOp::Lsh, 99), ret]),
        bpf(BpfError::ShiftOutOfRange { at: 0 })
    );
    assert!(Program::new(&[Insn::alu(AluOp::Rsh, 31), ret]).is_ok());
    // A shift by X is checked at run time.
    assert!(Program::new(&[Insn::alu_x(AluOp::Lsh), ret]).is_ok());
    // bpf-unknown-ancillary-offset: an absolute load at SKF_AD_OFF (-0x1000) or above
    // that is no ancillary field, of any size.
    assert_eq!(
        Program::new(&[Insn::load_abs(Size::Half, 0xffff_ffe9), ret]),
        bpf(BpfError::UnknownAncillary { at: 0 })
    );
    for k in [SKF_AD_OFF + 1, SKF_AD_OFF + SKF_AD_MAX, u32::MAX] {
        for size in [Size::Byte, Size::Half, Size::Word] {
            assert_eq!(
                Program::new(&[Insn::load_abs(size, k), ret]),
                bpf(BpfError::UnknownAncillary { at: 0 }),
                "{k:#x}"
            );
        }
    }
    // Every ancillary field, and the negative offsets below them (SKF_NET_OFF,
    // SKF_LL_OFF), are taken; an indirect load is not checked there.
    for ad in (0..SKF_AD_MAX).step_by(4) {
        assert!(Program::new(&[Insn::load_abs(Size::Word, SKF_AD_OFF + ad), ret]).is_ok());
    }
    assert!(Program::new(&[Insn::load_abs(Size::Byte, 0xfff0_0000), ret]).is_ok());
    assert!(Program::new(&[Insn::load_abs(Size::Byte, SKF_AD_OFF - 1), ret]).is_ok());
    assert!(Program::new(&[Insn::load_ind(Size::Byte, SKF_AD_OFF + 1), ret]).is_ok());
    // bpf-unstored-scratch-load: a scratch word loaded before any store to it.
    assert_eq!(
        Program::new(&[Insn::new(0x60, 0, 0, 1), ret]),
        bpf(BpfError::LoadBeforeStore { at: 0 })
    );
}

#[test]
fn scratch_loads_follow_the_kernels_paths() {
    let st = |k| Insn::new(ST, 0, 0, k);
    let stx = |k| Insn::new(STX, 0, 0, k);
    let ld = |k| Insn::new(LD | MEM, 0, 0, k);
    let ldx = |k| Insn::new(LDX | MEM, 0, 0, k);
    let ret = Insn::ret_a();
    let refused = |insns: &[Insn], at| {
        assert_eq!(
            Program::new(insns),
            Err(Error::Bpf(BpfError::LoadBeforeStore { at })),
            "{insns:?}"
        );
    };
    // Stored, then loaded: either register, either way round.
    assert!(Program::new(&[st(3), ld(3), stx(15), ldx(15), ldx(3), ret]).is_ok());
    refused(&[st(3), ld(4), ret], 1);
    refused(&[stx(0), ldx(1), ret], 1);
    // Stored on one branch only: the other reaches the load without it.
    refused(&[Insn::jump_eq(1, 0, 1), st(2), ld(2), ret], 2);
    // Stored on both branches, before they meet.
    assert!(Program::new(&[
        Insn::jump_eq(1, 0, 2),
        st(2),
        Insn::jump(1),
        stx(2),
        ld(2),
        ret,
    ])
    .is_ok());
    // Stored before the branch: both ways have it.
    assert!(Program::new(&[st(5), Insn::jump_eq(1, 1, 0), Insn::ret(0), ld(5), ret]).is_ok());
    // An unconditional jump over the store.
    refused(&[Insn::jump(1), st(7), ld(7), ret], 2);
    // After a jump, what no jump reaches counts every word as stored, as in the kernel.
    assert!(Program::new(&[Insn::jump(1), ld(9), ret]).is_ok());
    // After a return, what came before it still counts (the kernel does not reset there).
    refused(&[Insn::jump_eq(1, 1, 0), Insn::ret(0), ld(1), ret], 2);
    assert!(Program::new(&[st(1), Insn::jump_eq(1, 1, 0), Insn::ret(0), ld(1), ret]).is_ok());
    // The first fault the kernel would find: the opcode checks come first.
    assert_eq!(
        Program::new(&[ld(1), Insn::alu(AluOp::Div, 0), ret]),
        Err(Error::Bpf(BpfError::DivisionByZero { at: 1 }))
    );
    assert_eq!(
        Program::new(&[ld(1), Insn::load_imm(0)]),
        Err(Error::Bpf(BpfError::NoFinalReturn))
    );
    // The longest program, storing once and loading at the end.
    let mut long = [Insn::load_imm(0); MAX_INSNS];
    long[0] = st(0);
    long[MAX_INSNS - 2] = ld(0);
    long[MAX_INSNS - 1] = ret;
    assert!(Program::new(&long).is_ok());
    long[0] = st(1);
    refused(&long, MAX_INSNS as u16 - 2);
}

#[test]
fn the_opcode_list_is_the_kernels() {
    // Every 16-bit opcode: exactly the 49 `chk_code_allowed` lists get past the opcode
    // check (with operands that pass the other checks).
    let mut taken = 0;
    for code in 0..=u16::MAX {
        let insns = [Insn::new(code, 0, 0, 1), Insn::ret(0), Insn::ret(0)];
        match Program::new(&insns) {
            Err(Error::Bpf(BpfError::UnknownOpcode { at: 0, code: c })) => assert_eq!(c, code),
            Ok(_) | Err(Error::Bpf(BpfError::LoadBeforeStore { .. })) => taken += 1,
            other => panic!("{code:#x}: {other:?}"),
        }
    }
    assert_eq!(taken, ALLOWED.len());
    assert!(ALLOWED.iter().all(|&c| c <= 0xff));
}
