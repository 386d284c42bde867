//! What an ELF file needs to be loaded, read with `goblin`: to copy a dynamically linked
//! program into the initramfs with its interpreter (`PT_INTERP`) and the libraries it names
//! (`DT_NEEDED`); and to prove a program static and self-contained: no `PT_DYNAMIC`, and its
//! symbol table's undefined symbols (what `nm -u` prints). Both classes and both byte
//! orders: the guests are 32- and 64-bit, s390x is big-endian.

use goblin::elf::program_header::{PT_DYNAMIC, PT_INTERP};
use goblin::elf::section_header::SHT_SYMTAB;
use goblin::elf::Elf;

/// What a program needs to be loaded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// `PT_INTERP`: `/lib64/ld-linux-x86-64.so.2`; `None` for a static program or a library.
    pub interp: Option<String>,
    /// `DT_NEEDED`: `libc.so.6`, ...
    pub needed: Vec<String>,
}

/// A symbol of the symbol table.
#[derive(Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// `st_shndx` is `SHN_UNDEF`: the symbol is only referenced (strong or weak).
    pub undefined: bool,
}

/// What a static program's proof needs from its ELF file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Linkage {
    /// `PT_INTERP`, `PT_DYNAMIC`: either makes the program need a loader or relocations.
    pub interp: bool,
    pub dynamic: bool,
    /// The symbol table (`.symtab`), `None` if stripped; without the null symbol.
    pub symbols: Option<Vec<Symbol>>,
}

fn parse(data: &[u8]) -> Result<Elf<'_>, String> {
    Elf::parse(data).map_err(|e| format!("not a readable ELF file: {e}"))
}

/// Whether the ELF file in `data` has an interpreter or a dynamic section, and its symbols.
pub fn linkage(data: &[u8]) -> Result<Linkage, String> {
    let elf = parse(data)?;
    let has = |kind| elf.program_headers.iter().any(|p| p.p_type == kind);
    let symtab = elf.section_headers.iter().any(|s| s.sh_type == SHT_SYMTAB);
    Ok(Linkage {
        interp: has(PT_INTERP),
        dynamic: has(PT_DYNAMIC),
        symbols: symtab.then(|| {
            elf.syms
                .iter()
                .skip(1) // the null symbol
                .map(|sym| Symbol {
                    name: elf.strtab.get_at(sym.st_name).unwrap_or("").to_owned(),
                    undefined: sym.st_shndx == 0,
                })
                .collect()
        }),
    })
}

/// The interpreter and needed libraries of the ELF file in `data`.
pub fn needs(data: &[u8]) -> Result<Needs, String> {
    let elf = parse(data)?;
    Ok(Needs {
        // The segment's bytes, which may hold more than one NUL.
        interp: elf.interpreter.map(|i| i.trim_end_matches('\0').to_owned()),
        needed: elf.libraries.iter().map(|l| (*l).to_owned()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use goblin::elf::dynamic::{DT_NEEDED, DT_STRSZ, DT_STRTAB};
    use goblin::elf::program_header::PT_LOAD;

    /// A minimal 32-bit big-endian ELF: PT_INTERP, PT_LOAD over the whole file, PT_DYNAMIC
    /// with DT_STRTAB, DT_STRSZ and two DT_NEEDED.
    fn elf32_be() -> Vec<u8> {
        let mut f = vec![0u8; 0x200];
        f[..6].copy_from_slice(b"\x7fELF\x01\x02");
        let put =
            |f: &mut Vec<u8>, at: usize, v: u32| f[at..at + 4].copy_from_slice(&v.to_be_bytes());
        put(&mut f, 0x1c, 0x34); // e_phoff
        f[0x2a..0x2c].copy_from_slice(&32u16.to_be_bytes()); // e_phentsize
        f[0x2c..0x2e].copy_from_slice(&3u16.to_be_bytes()); // e_phnum

        // PT_INTERP at 0x100, PT_LOAD vaddr 0x10000 = offset 0, PT_DYNAMIC at 0x140.
        for (i, (kind, off, vaddr, size)) in [
            (PT_INTERP, 0x100, 0x10100, 0x20),
            (PT_LOAD, 0, 0x10000, 0x200),
            (PT_DYNAMIC, 0x140, 0x10140, 0x28),
        ]
        .into_iter()
        .enumerate()
        {
            let at = 0x34 + i * 32;
            put(&mut f, at, kind);
            put(&mut f, at + 4, off);
            put(&mut f, at + 8, vaddr);
            put(&mut f, at + 16, size); // p_filesz
            put(&mut f, at + 20, size); // p_memsz
        }
        f[0x100..0x113].copy_from_slice(b"/lib/ld64.so.1\0\0\0\0\0");
        for (i, (tag, value)) in [
            (DT_STRTAB, 0x10180),
            (DT_STRSZ, 0x16),
            (DT_NEEDED, 1),
            (DT_NEEDED, 11),
        ]
        .into_iter()
        .enumerate()
        {
            put(&mut f, 0x140 + i * 8, tag as u32);
            put(&mut f, 0x144 + i * 8, value);
        }
        f[0x180..0x196].copy_from_slice(b"\0libc.so.6\0libm.so.6\0\0");
        f
    }

    #[test]
    fn interp_and_needed() {
        assert_eq!(
            needs(&elf32_be()).unwrap(),
            Needs {
                interp: Some("/lib/ld64.so.1".into()),
                needed: vec!["libc.so.6".into(), "libm.so.6".into()],
            }
        );
        assert!(needs(b"#!/bin/sh\n").is_err());
    }

    /// A minimal 32-bit big-endian ELF with a symbol table (no segments): the null symbol, a
    /// defined `main` and an undefined `memcpy`.
    #[test]
    fn symbols_32_be() {
        let mut f = vec![0u8; 0x200];
        f[..6].copy_from_slice(b"\x7fELF\x01\x02");
        let put =
            |f: &mut Vec<u8>, at: usize, v: u32| f[at..at + 4].copy_from_slice(&v.to_be_bytes());
        put(&mut f, 0x20, 0x100); // e_shoff
        f[0x2e..0x30].copy_from_slice(&40u16.to_be_bytes()); // e_shentsize
        f[0x30..0x32].copy_from_slice(&3u16.to_be_bytes()); // e_shnum
                                                            // Section 1: .symtab at 0x40, 3 entries of 16 bytes, strings in section 2 at 0x80.
        put(&mut f, 0x128 + 4, SHT_SYMTAB);
        put(&mut f, 0x128 + 0x10, 0x40);
        put(&mut f, 0x128 + 0x14, 48);
        put(&mut f, 0x128 + 0x18, 2);
        put(&mut f, 0x128 + 0x24, 16); // sh_entsize
        put(&mut f, 0x150 + 4, 3); // SHT_STRTAB
        put(&mut f, 0x150 + 0x10, 0x80);
        put(&mut f, 0x150 + 0x14, 13); // sh_size
        f[0x80..0x8d].copy_from_slice(b"\0main\0memcpy\0");
        put(&mut f, 0x50, 1); // main: name 1, shndx 1
        f[0x5e..0x60].copy_from_slice(&1u16.to_be_bytes());
        put(&mut f, 0x60, 6); // memcpy: name 6, shndx 0 (undefined)
        let l = linkage(&f).unwrap();
        assert!(!l.interp && !l.dynamic);
        assert_eq!(
            l.symbols.unwrap(),
            vec![
                Symbol {
                    name: "main".into(),
                    undefined: false
                },
                Symbol {
                    name: "memcpy".into(),
                    undefined: true
                }
            ]
        );
    }

    /// The other class and byte order, on a real file: this test binary (64-bit on the
    /// machines the xtask runs on; dynamic with glibc, or static with musl).
    #[test]
    fn this_binary() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let n = needs(&exe).unwrap();
        if n.interp.is_some() {
            assert!(n.needed.iter().any(|l| l.starts_with("libc.")), "{n:?}");
        }
        // Test binaries keep their symbols; `main` is defined.
        let l = linkage(&exe).unwrap();
        assert_eq!(l.interp, n.interp.is_some());
        let symbols = l.symbols.expect("a symbol table");
        assert!(symbols.iter().any(|s| s.name == "main" && !s.undefined));
    }
}
