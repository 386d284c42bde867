//! `cargo xtask`: the project's only build and test driver besides cargo.
//!
//! ```text
//! cargo xtask test [--quick] [--tier host|qemu-user|vm]... [--target ARCH]...
//! ```

mod report;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => {}
        _ => {
            eprintln!("usage: cargo xtask test [--quick] [--tier host|qemu-user|vm] [--target ARCH]");
            std::process::exit(2);
        }
    }
}
