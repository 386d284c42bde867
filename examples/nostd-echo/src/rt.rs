//! The runtime, such as it is: the entry point `_start` (one per architecture), `echo_exit`,
//! the panic handler, and reading the arguments. Shared by both programs of this crate.
//!
//! Not `origin`: its newest release (0.26.2) does not build with the rustix baresock uses
//! (rustix 1.1.5 made private the hidden module origin reaches into), so the start is here.
//!
//! The kernel enters `_start` with the stack pointer on `argc`, followed by the `argv`
//! pointers, a null, the environment and the auxiliary vector. Every `_start` below does the
//! same: clears the frame pointer where the ABI has one (the end of backtraces), passes `argc`
//! and `argv` to `echo_main` in the first two argument registers (on i686, on the stack),
//! aligns the stack as the ABI wants at a call (16 bytes, with the callee's register save
//! area reserved where the ABI has one), and hands `echo_main`'s return value to
//! `echo_exit`, which ends the process with the `exit_group` system call. The panic handler
//! calls `echo_exit` too.
//!
//! The program is linked static and not position-independent, so there are no relocations to
//! apply before Rust code runs, and it uses no thread-local storage, so no TLS set-up either.

unsafe extern "C" {
    /// Ends the process with `exit_group(code)`.
    fn echo_exit(code: i32) -> !;
}

/// Ends the process with `code`.
pub fn exit(code: i32) -> ! {
    // SAFETY: `echo_exit` is the `exit_group` system call; it takes any code and never returns.
    unsafe { echo_exit(code) }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    exit(101)
}

/// The decimal number in the NUL-terminated string `s`, if it is one and is at most `max`.
///
/// # Safety
/// `s` points to a NUL-terminated string.
unsafe fn number(mut s: *const u8, max: u32) -> Option<u32> {
    let mut n: u32 = 0;
    // SAFETY: `s` is NUL-terminated: reading stops at the NUL.
    let mut c = unsafe { *s };
    if c == 0 {
        return None;
    }
    while c != 0 {
        let digit = c.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u32::from(digit))?;
        if n > max {
            return None;
        }
        // SAFETY: `c` was not the NUL, so the string goes on.
        unsafe {
            s = s.add(1);
            c = *s;
        }
    }
    Some(n)
}

/// The arguments `PORT [COUNT]` (COUNT 0 when absent: no limit), or `None` if they are not.
///
/// # Safety
/// `argv` points to `argc` pointers to NUL-terminated strings, as the kernel lays them out.
pub unsafe fn args(argc: usize, argv: *const *const u8) -> Option<(u16, u32)> {
    // SAFETY: the kernel's argument vector, as the caller promises.
    let args = unsafe { core::slice::from_raw_parts(argv, argc) };
    match *args {
        // SAFETY (both): each argument is a NUL-terminated string.
        [_, port] => Some((unsafe { number(port, 65535) }? as u16, 0)),
        [_, port, count] => Some((unsafe { number(port, 65535) }? as u16, unsafe {
            number(count, u32::MAX)
        }?)),
        _ => None,
    }
}

// x86_64 (System V ABI): rsp is 16-byte aligned at entry (it points at argc); a `call` needs
// rsp ≡ 0 mod 16 before it. `exit_group` is system call 231: number in eax, argument in rdi.
#[cfg(target_arch = "x86_64")]
core::arch::global_asm!(
    ".globl _start",
    ".type _start, @function",
    "_start:",
    "xor ebp, ebp",
    "mov rdi, [rsp]",
    "lea rsi, [rsp + 8]",
    "and rsp, -16",
    "call echo_main",
    "mov edi, eax",
    ".globl echo_exit",
    ".type echo_exit, @function",
    "echo_exit:",
    "mov eax, 231",
    "syscall",
    "ud2",
);

// i686 (System V i386 ABI, as Linux uses it): arguments on the stack, the stack 16-byte
// aligned at the `call`. `exit_group` is system call 252 through `int 0x80`: number in eax,
// argument in ebx.
#[cfg(target_arch = "x86")]
core::arch::global_asm!(
    ".globl _start",
    ".type _start, @function",
    "_start:",
    "xor ebp, ebp",
    "mov eax, [esp]",
    "lea ecx, [esp + 4]",
    "and esp, -16",
    "sub esp, 8",
    "push ecx",
    "push eax",
    "call echo_main",
    "mov [esp], eax",
    "call echo_exit",
    ".globl echo_exit",
    ".type echo_exit, @function",
    "echo_exit:",
    "mov ebx, [esp + 4]",
    "mov eax, 252",
    "int 0x80",
    "ud2",
);

// aarch64 (AAPCS64): sp must stay 16-byte aligned (the kernel enters with it so; the `and`
// makes sure); x29, the frame pointer, zeroed. `exit_group` is system call 94: number in x8,
// argument in x0, `svc #0`.
#[cfg(target_arch = "aarch64")]
core::arch::global_asm!(
    ".globl _start",
    ".type _start, %function",
    "_start:",
    "mov x29, #0",
    "ldr x0, [sp]",
    "add x1, sp, #8",
    "mov x2, sp",
    "and x2, x2, #-16",
    "mov sp, x2",
    "bl echo_main",
    ".globl echo_exit",
    ".type echo_exit, %function",
    "echo_exit:",
    "mov x8, #94",
    "svc #0",
    "udf #0",
);

// armv7 (AAPCS, EABI, ARM state): sp 8-byte aligned at public calls (16 here). fp zeroed.
// `exit_group` is system call 248: number in r7, argument in r0, `svc #0`.
#[cfg(target_arch = "arm")]
core::arch::global_asm!(
    ".globl _start",
    ".type _start, %function",
    "_start:",
    "mov fp, #0",
    "ldr r0, [sp]",
    "add r1, sp, #4",
    "bic sp, sp, #15",
    "bl echo_main",
    ".globl echo_exit",
    ".type echo_exit, %function",
    "echo_exit:",
    "mov r7, #248",
    "svc #0",
    "udf #0",
);

// riscv64 (LP64D): sp 16-byte aligned. gp is set to `__global_pointer$` (with relaxation off
// for that one instruction) in case the linker relaxed accesses to be gp-relative.
// `exit_group` is system call 94: number in a7, argument in a0, `ecall`.
#[cfg(target_arch = "riscv64")]
core::arch::global_asm!(
    ".globl _start",
    ".type _start, @function",
    "_start:",
    ".option push",
    ".option norelax",
    "lla gp, __global_pointer$",
    ".option pop",
    "ld a0, 0(sp)",
    "addi a1, sp, 8",
    "andi sp, sp, -16",
    "call echo_main",
    ".globl echo_exit",
    ".type echo_exit, @function",
    "echo_exit:",
    "li a7, 94",
    "ecall",
    "unimp",
);

// powerpc64le (ELFv2): r2 must hold the TOC pointer before any call to a local entry point;
// it is computed from the address of a label (found with `bcl`), so it does not depend on
// what the loader left in r12. r1 is aligned to 16 and a minimal 32-byte frame is pushed with
// a null back chain. `exit_group` is system call 234: number in r0, argument in r3, `sc`.
#[cfg(target_arch = "powerpc64")]
core::arch::global_asm!(
    ".globl _start",
    ".type _start, @function",
    "_start:",
    "bcl 20, 31, 1f",
    "1:",
    "mflr 12",
    "addis 2, 12, (.TOC. - 1b)@ha",
    "addi 2, 2, (.TOC. - 1b)@l",
    "ld 3, 0(1)",
    "addi 4, 1, 8",
    "clrrdi 1, 1, 4",
    "li 0, 0",
    "stdu 0, -32(1)",
    "bl echo_main",
    "nop",
    ".globl echo_exit",
    ".type echo_exit, @function",
    "echo_exit:",
    "li 0, 234",
    "sc",
    "trap",
);

// s390x (ELF ABI for z/Architecture): the callee may save registers in the 160 bytes above
// the stack pointer it is given, so r15 is aligned (8 is required, 16 here) and 160 bytes are
// reserved below it, with a null back chain at 0(r15). `exit_group` is system call 248, small enough to be the
// `svc` instruction's immediate; the argument is in r2.
#[cfg(target_arch = "s390x")]
core::arch::global_asm!(
    ".globl _start",
    ".type _start, @function",
    "_start:",
    "lg %r2, 0(%r15)",
    "la %r3, 8(%r15)",
    "nill %r15, 0xfff0",
    "aghi %r15, -160",
    "xc 0(8, %r15), 0(%r15)",
    "brasl %r14, echo_main",
    ".globl echo_exit",
    ".type echo_exit, @function",
    "echo_exit:",
    "svc 248",
    ".word 0",
);
