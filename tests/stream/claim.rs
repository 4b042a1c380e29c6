//! Stream tests: claim.
