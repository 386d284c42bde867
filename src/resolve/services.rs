//! `/etc/services`: service names and ports (services(5)).
