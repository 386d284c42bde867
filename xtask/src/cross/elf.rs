//! Just enough of an ELF reader to copy a dynamically linked program into the initramfs with
//! what it loads: its interpreter (`PT_INTERP`) and the libraries it names (`DT_NEEDED`); and
//! to prove a program static and self-contained: no `PT_DYNAMIC`, and its symbol table's
//! undefined symbols (what `nm -u` prints).
//! Both classes and both byte orders: the guests are 32- and 64-bit, s390x is big-endian.
//! (readelf would do, but binutils is not on every host and the xtask has no dependencies.)

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const SHT_SYMTAB: u64 = 2;

/// What a program needs to be loaded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// `PT_INTERP`: `/lib64/ld-linux-x86-64.so.2`; `None` for a static program or a library.
    pub interp: Option<String>,
    /// `DT_NEEDED`: `libc.so.6`, ...
    pub needed: Vec<String>,
}

/// An ELF file's class (32/64) and byte order, for reading its fields.
struct Reader<'a> {
    data: &'a [u8],
    wide: bool,
    big: bool,
}

impl Reader<'_> {
    fn uint(&self, at: usize, size: usize) -> Result<u64, String> {
        let b = self
            .data
            .get(at..at + size)
            .ok_or_else(|| format!("ELF: field at {at} past the end"))?;
        let fold = |acc: u64, &x: &u8| (acc << 8) | u64::from(x);
        Ok(if self.big {
            b.iter().fold(0, fold)
        } else {
            b.iter().rev().fold(0, fold)
        })
    }

    /// An address-sized field (`Elf32_Addr` / `Elf64_Addr` and the like).
    fn word(&self, at: usize) -> Result<u64, String> {
        self.uint(at, if self.wide { 8 } else { 4 })
    }

    /// The NUL-terminated string at file offset `at`.
    fn string(&self, at: usize) -> Result<String, String> {
        let rest = self.data.get(at..).ok_or("ELF: string past the end")?;
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        Ok(String::from_utf8_lossy(&rest[..end]).into_owned())
    }
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

/// A program header: type, file offset, virtual address, size in the file.
struct Segment {
    kind: u32,
    offset: u64,
    vaddr: u64,
    filesz: u64,
}

fn segments(r: &Reader) -> Result<Vec<Segment>, String> {
    // e_phoff, e_phentsize, e_phnum; then each header's fields, per class.
    let (phoff, phentsize, phnum) = if r.wide {
        (r.word(0x20)?, r.uint(0x36, 2)?, r.uint(0x38, 2)?)
    } else {
        (r.word(0x1c)?, r.uint(0x2a, 2)?, r.uint(0x2c, 2)?)
    };
    let (offset, vaddr, filesz) = if r.wide { (8, 16, 32) } else { (4, 8, 16) };
    (0..phnum)
        .map(|i| {
            let at = (phoff + i * phentsize) as usize;
            Ok(Segment {
                kind: r.uint(at, 4)? as u32,
                offset: r.word(at + offset)?,
                vaddr: r.word(at + vaddr)?,
                filesz: r.word(at + filesz)?,
            })
        })
        .collect()
}

/// The file offset of virtual address `addr`, through the loadable segments.
fn file_offset(segs: &[Segment], addr: u64) -> Option<u64> {
    segs.iter()
        .find(|s| s.kind == PT_LOAD && s.vaddr <= addr && addr < s.vaddr + s.filesz)
        .map(|s| addr - s.vaddr + s.offset)
}

fn reader(data: &[u8]) -> Result<Reader<'_>, String> {
    if !data.starts_with(b"\x7fELF") || data.len() < 0x40 {
        return Err("not an ELF file".into());
    }
    Ok(Reader {
        data,
        wide: data[4] == 2,
        big: data[5] == 2,
    })
}

/// Whether the ELF file in `data` has an interpreter or a dynamic section, and its symbols.
pub fn linkage(data: &[u8]) -> Result<Linkage, String> {
    let r = reader(data)?;
    let segs = segments(&r)?;
    let mut out = Linkage {
        interp: segs.iter().any(|s| s.kind == PT_INTERP),
        dynamic: segs.iter().any(|s| s.kind == PT_DYNAMIC),
        symbols: None,
    };
    // e_shoff, e_shentsize, e_shnum; then per section header: type, offset, size, link.
    let (shoff, shentsize, shnum) = if r.wide {
        (r.word(0x28)?, r.uint(0x3a, 2)?, r.uint(0x3c, 2)?)
    } else {
        (r.word(0x20)?, r.uint(0x2e, 2)?, r.uint(0x30, 2)?)
    };
    let (offset, size, link) = if r.wide {
        (0x18, 0x20, 0x28)
    } else {
        (0x10, 0x14, 0x18)
    };
    let header = |i: u64| -> Result<(u64, u64, u64, u64), String> {
        let at = (shoff + i * shentsize) as usize;
        Ok((
            r.uint(at + 4, 4)?,
            r.word(at + offset)?,
            r.word(at + size)?,
            r.uint(at + link, 4)?,
        ))
    };
    for i in 0..shnum {
        let (kind, sym_off, sym_size, strtab) = header(i)?;
        if kind != SHT_SYMTAB {
            continue;
        }
        let (_, str_off, _, _) = header(strtab)?;
        // Elf64_Sym: name(4) info(1) other(1) shndx(2) value(8) size(8);
        // Elf32_Sym: name(4) value(4) size(4) info(1) other(1) shndx(2).
        let (entry, shndx) = if r.wide { (24, 6) } else { (16, 14) };
        let mut symbols = Vec::new();
        // Entry 0 is the null symbol.
        for at in (sym_off + entry..sym_off + sym_size).step_by(entry as usize) {
            let at = at as usize;
            let name = r.string((str_off + r.uint(at, 4)?) as usize)?;
            symbols.push(Symbol {
                name,
                undefined: r.uint(at + shndx, 2)? == 0,
            });
        }
        out.symbols = Some(symbols);
    }
    Ok(out)
}

/// The interpreter and needed libraries of the ELF file in `data`.
pub fn needs(data: &[u8]) -> Result<Needs, String> {
    let r = reader(data)?;
    let segs = segments(&r)?;
    let mut out = Needs::default();
    if let Some(s) = segs.iter().find(|s| s.kind == PT_INTERP) {
        out.interp = Some(r.string(s.offset as usize)?);
    }
    let Some(dynamic) = segs.iter().find(|s| s.kind == PT_DYNAMIC) else {
        return Ok(out);
    };
    // The dynamic section: (tag, value) pairs up to DT_NULL. The names are offsets into the
    // string table, which DT_STRTAB gives as a virtual address.
    let entry = if r.wide { 16 } else { 8 };
    let mut strtab = None;
    let mut names = Vec::new();
    for i in 0..dynamic.filesz as usize / entry {
        let at = dynamic.offset as usize + i * entry;
        let (tag, value) = (r.word(at)?, r.word(at + entry / 2)?);
        match tag {
            DT_NULL => break,
            DT_NEEDED => names.push(value),
            DT_STRTAB => strtab = file_offset(&segs, value),
            _ => {}
        }
    }
    if !names.is_empty() {
        let strtab = strtab.ok_or("ELF: DT_NEEDED without a string table")?;
        for n in names {
            out.needed.push(r.string((strtab + n) as usize)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal 32-bit big-endian ELF: PT_INTERP, PT_LOAD over the whole file, PT_DYNAMIC
    /// with DT_STRTAB and two DT_NEEDED.
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
            (PT_DYNAMIC, 0x140, 0x10140, 0x20),
        ]
        .into_iter()
        .enumerate()
        {
            let at = 0x34 + i * 32;
            put(&mut f, at, kind);
            put(&mut f, at + 4, off);
            put(&mut f, at + 8, vaddr);
            put(&mut f, at + 16, size);
        }
        f[0x100..0x113].copy_from_slice(b"/lib/ld64.so.1\0\0\0\0\0");
        for (i, (tag, value)) in [(DT_STRTAB, 0x10180), (DT_NEEDED, 1), (DT_NEEDED, 11)]
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
        put(&mut f, 0x128 + 4, SHT_SYMTAB as u32);
        put(&mut f, 0x128 + 0x10, 0x40);
        put(&mut f, 0x128 + 0x14, 48);
        put(&mut f, 0x128 + 0x18, 2);
        put(&mut f, 0x150 + 4, 3); // SHT_STRTAB
        put(&mut f, 0x150 + 0x10, 0x80);
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
