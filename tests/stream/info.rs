//! Stream tests: info.
