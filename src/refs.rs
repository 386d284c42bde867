//! `man!`: the "References" section of an item's docs, in one line.
//!
//! `#[doc = man!(setsockopt(2), socket(7))]` expands to a `# References` heading and one link
//! per page: a man page as `name(section)` (to man7.org), or one of the kernel's networking
//! documents by its short name (`socketcan`, `isotp`, `j1939`, `packet_mmap`,
//! `timestamping`, `socket_filter`, to docs.kernel.org). Pages that man7.org files under
//! another name (`recvfrom(2)` is on `recv.2`) are mapped in `man_file!`.

/// The "References" section: see the module docs.
macro_rules! man {
    (@items [$($out:tt)*]) => {
        concat!("\n# References\n" $($out)*)
    };
    (@items [$($out:tt)*] $page:ident ( $sec:literal ) $(, $($rest:tt)*)?) => {
        man!(@items [$($out)*,
            "\n - [`", stringify!($page), "(", $sec, ")`](https://man7.org/linux/man-pages/man",
            $sec, "/", man_file!($page), ".", $sec, ".html)"
        ] $($($rest)*)?)
    };
    (@items [$($out:tt)*] $doc:ident $(, $($rest:tt)*)?) => {
        man!(@items [$($out)*,
            "\n - [", kernel_doc!($doc title), "](https://docs.kernel.org/networking/",
            kernel_doc!($doc path), ".html)"
        ] $($($rest)*)?)
    };
    ($($items:tt)+) => {
        man!(@items [] $($items)+)
    };
}

/// The file man7.org keeps a man page in, where it is not the page's own name.
macro_rules! man_file {
    (accept4) => {
        "accept"
    };
    (recvfrom) => {
        "recv"
    };
    (recvmsg) => {
        "recv"
    };
    (sendmsg) => {
        "send"
    };
    (sendto) => {
        "send"
    };
    ($page:ident) => {
        stringify!($page)
    };
}

/// The kernel's networking documents: a title and a path under docs.kernel.org/networking/.
macro_rules! kernel_doc {
    (socketcan title) => {
        "Linux SocketCAN"
    };
    (socketcan path) => {
        "can"
    };
    (isotp title) => {
        "Linux ISO-TP"
    };
    (isotp path) => {
        "iso15765-2"
    };
    (j1939 title) => {
        "Linux J1939"
    };
    (j1939 path) => {
        "j1939"
    };
    (packet_mmap title) => {
        "Linux packet mmap"
    };
    (packet_mmap path) => {
        "packet_mmap"
    };
    (timestamping title) => {
        "Linux timestamping"
    };
    (timestamping path) => {
        "timestamping"
    };
    (socket_filter title) => {
        "Linux socket filtering"
    };
    (socket_filter path) => {
        "filter"
    };
}
