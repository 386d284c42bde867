//! `/etc/resolv.conf`: name servers, search list and options (resolv.conf(5)).
