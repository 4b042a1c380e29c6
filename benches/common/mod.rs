//! What the benches share.

/// A cheap deterministic sequence of indexes spread over `0..n`.
pub struct Picker(pub u64);

impl Picker {
    /// The next index, below `n`.
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}
