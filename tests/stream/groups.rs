//! Stream tests: groups.
