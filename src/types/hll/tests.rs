//! Unit tests of the HyperLogLog format: the sparse encoder and decoder, dense registers and
//! the estimator.
