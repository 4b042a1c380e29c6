//! Stream tests: blocking.
