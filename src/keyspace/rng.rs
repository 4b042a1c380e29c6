//! A small pseudo-random generator for RANDOMKEY: SplitMix64 over a process-wide counter whose
//! starting point is taken from the clock and the process id. It only spreads choices; it is
//! not for anything that needs unpredictability.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// SplitMix64's increment: the odd integer closest to 2^64 / golden ratio.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

static SEED: OnceLock<u64> = OnceLock::new();
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The next pseudo-random 64-bit value. Thread-safe and lock-free.
pub(crate) fn next_u64() -> u64 {
    let seed = *SEED.get_or_init(seed_from_time);
    let step = COUNTER.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
    mix(seed.wrapping_add(step.wrapping_mul(GAMMA)))
}

fn seed_from_time() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    mix(nanos ^ (u64::from(std::process::id()) << 32))
}

/// SplitMix64's output function: a bijection that scrambles every input bit into every output
/// bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::{mix, next_u64, GAMMA};

    #[test]
    fn matches_the_reference_splitmix64_sequence() {
        // SplitMix64 seeded with 0: the first outputs of the reference implementation.
        assert_eq!(mix(GAMMA), 0xe220_a839_7b1d_cdaf);
        assert_eq!(mix(GAMMA.wrapping_mul(2)), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn successive_values_differ_and_spread() {
        let values: Vec<u64> = (0..64).map(|_| next_u64()).collect();
        for (i, v) in values.iter().enumerate() {
            assert!(!values[i + 1..].contains(v));
        }
        // Both halves of the range are hit.
        assert!(values.iter().any(|v| v >> 63 == 1));
        assert!(values.iter().any(|v| v >> 63 == 0));
    }
}
