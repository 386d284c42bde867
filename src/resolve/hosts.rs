//! `/etc/hosts`: addresses and names, both ways (hosts(5)).
