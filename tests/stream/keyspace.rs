//! Stream tests: keyspace.
