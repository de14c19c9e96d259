//! A sweep's fingerprint: a 64-bit FNV-1a hash of everything that decides its runs' results
//! (metrics, seed, replications and every grid point's resolved scenario), so that saved runs
//! can be matched to the sweep they came from.

use std::fmt::Write;

use super::spec::SweepSpec;
use crate::scenario::Scenario;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64 bits.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// Feeds text into an FNV-1a hash as it is written, so the rendering is never held whole.
struct Hasher(u64);

impl Write for Hasher {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 = s
            .bytes()
            .fold(self.0, |h, b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME));
        Ok(())
    }
}

/// The hash of the `Debug` rendering of the sweep's metrics, seed and replications and of
/// every point's scenario, in point order. Every type rendered is plain data with ordered maps,
/// so the rendering, and the hash, are the same in every process. Changing a value that can
/// change a run (an axis value, a `set`, the base scenario, a metric) changes it; charts,
/// descriptions of the sweep and file paths do not enter it.
pub fn fingerprint(spec: &SweepSpec, scenarios: &[Scenario]) -> u64 {
    let mut h = Hasher(FNV_OFFSET);
    let _ = write!(
        h,
        "metrics={:?};seed={};replications={};points={};",
        spec.metrics,
        spec.seed,
        spec.replications,
        scenarios.len()
    );
    for (i, s) in scenarios.iter().enumerate() {
        let _ = write!(h, "point {i}={s:?};");
    }
    h.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values of FNV-1a 64 (from its authors' test vectors).
    #[test]
    fn fnv1a64_matches_the_reference() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn streaming_equals_hashing_the_whole() {
        let mut h = Hasher(FNV_OFFSET);
        let b = "b";
        let _ = write!(h, "foo{b}ar");
        assert_eq!(h.0, fnv1a64(b"foobar"));
    }
}
