//! `--shard I/N`: which of a sweep's jobs one process runs (those with `job % N == I`), so N
//! machines can share a sweep and `breakersim merge` can put their journals together.

use std::fmt;

/// Shard `index` of `count` (0 <= index < count). The whole sweep is shard 0/1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N`, e.g. `0/4`; the message says the form and the range when it is not.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let form = "expected I/N with 0 <= I < N, e.g. --shard 0/4 for the first of 4 shards";
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: {form}"))?;
        let number = |s: &str| s.trim().parse::<u64>().ok();
        match (number(i), number(n)) {
            (Some(index), Some(count)) if index < count => Ok(Shard { index, count }),
            (Some(_), Some(0)) => Err(format!("`{text}`: N must be 1 or more; {form}")),
            (Some(_), Some(count)) => Err(format!(
                "`{text}`: I must be below N (shards are numbered 0 to {}); {form}",
                count - 1
            )),
            _ => Err(format!("`{text}`: I and N must be whole numbers; {form}")),
        }
    }

    pub fn is_whole(self) -> bool {
        self.count == 1
    }

    pub fn owns(self, job: u64) -> bool {
        job % self.count == self.index
    }

    /// This shard's jobs among `jobs`, in order.
    pub fn jobs(self, jobs: u64) -> impl Iterator<Item = u64> {
        (self.index..jobs).step_by(self.count as usize)
    }

    /// How many of `jobs` this shard runs.
    pub fn job_count(self, jobs: u64) -> u64 {
        jobs.saturating_sub(self.index).div_ceil(self.count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_explains() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        assert_eq!(Shard::parse("0/1"), Ok(Shard::WHOLE));
        assert!(Shard::parse("3/3").unwrap_err().contains("numbered 0 to 2"));
        assert!(
            Shard::parse("0/0")
                .unwrap_err()
                .contains("N must be 1 or more")
        );
        assert!(Shard::parse("1").unwrap_err().contains("expected I/N"));
        assert!(Shard::parse("-1/3").unwrap_err().contains("whole numbers"));
        assert_eq!(Shard::parse("1/3").unwrap().to_string(), "1/3");
    }

    #[test]
    fn shards_split_the_jobs_exactly() {
        for count in 1..6 {
            let mut all: Vec<u64> = Vec::new();
            for index in 0..count {
                let s = Shard { index, count };
                let jobs: Vec<u64> = s.jobs(13).collect();
                assert_eq!(jobs.len() as u64, s.job_count(13));
                assert!(jobs.iter().all(|&j| s.owns(j)));
                all.extend(jobs);
            }
            all.sort();
            assert_eq!(all, (0..13).collect::<Vec<_>>());
        }
        assert_eq!(Shard { index: 4, count: 5 }.job_count(3), 0);
    }
}
