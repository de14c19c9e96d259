//! The sweep journal, `runs.journal` in the output directory: a header line saying which sweep
//! and shard it belongs to, then one line per finished run, each line ending with a checksum so
//! that a line torn by a crash is recognised and ignored. Metric values are written as the hex
//! of their IEEE 754 bits, so a run read back is bit for bit the run that was written.
//!
//! ```text
//! breakersim-journal 1<TAB>{"breakersim":"0.1.0","sweep":"lab",...}<TAB>CHECK
//! JOB<TAB>POINT<TAB>REPLICATION<TAB>SEED<TAB>VALUE...<TAB>CHECK
//! ```
//!
//! `CHECK` is FNV-1a 64 of the line's bytes before its last tab, as 16 hex digits.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sim_core::diagnostic::Diagnostic;
use sim_core::sweep::{RunRow, fnv1a64};

use crate::exit::{CliError, CliResult};
use crate::sweep::shard::Shard;

pub const FILE_NAME: &str = "runs.journal";
const MAGIC: &str = "breakersim-journal";
/// The version of the format written and read.
pub const FORMAT: u32 = 1;

/// What the first line says: which sweep, shard and program the runs below came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The version of breakersim that wrote it.
    pub breakersim: String,
    /// The sweep's name.
    pub sweep: String,
    /// The sweep file, as given on the command line.
    pub file: String,
    /// `sim_core::sweep::fingerprint` of the sweep.
    pub fingerprint: u64,
    /// Every job of the sweep (all shards).
    pub jobs: u64,
    pub shard: Shard,
    /// The metrics' names, in the order of each run's values.
    pub metrics: Vec<String>,
}

/// The header as JSON, with its fields in this order.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderJson {
    breakersim: String,
    sweep: String,
    file: String,
    fingerprint: String,
    jobs: u64,
    shard: String,
    metrics: Vec<String>,
}

/// A journal read back: its header, the runs of its intact lines (in file order, keyed by job
/// index) and how many lines were damaged or torn and left out.
#[derive(Debug)]
pub struct Journal {
    pub header: Header,
    pub rows: Vec<(u64, RunRow)>,
    pub damaged: usize,
}

fn check(payload: &str) -> String {
    format!("{:016x}", fnv1a64(payload.as_bytes()))
}

fn sealed(payload: String) -> String {
    let sum = check(&payload);
    format!("{payload}\t{sum}\n")
}

pub fn header_line(h: &Header) -> String {
    let json = HeaderJson {
        breakersim: h.breakersim.clone(),
        sweep: h.sweep.clone(),
        file: h.file.clone(),
        fingerprint: format!("{:016x}", h.fingerprint),
        jobs: h.jobs,
        shard: h.shard.to_string(),
        metrics: h.metrics.clone(),
    };
    let json = serde_json::to_string(&json).expect("a header always serialises");
    sealed(format!("{MAGIC} {FORMAT}\t{json}"))
}

/// One run's line, with its newline.
pub fn row_line(job: u64, row: &RunRow) -> String {
    let mut s = format!("{job}\t{}\t{}\t{}", row.point, row.replication, row.seed);
    for v in &row.values {
        let _ = write!(s, "\t{:016x}", v.to_bits());
    }
    sealed(s)
}

/// A whole journal: the header, then the runs in job order.
pub fn render(h: &Header, rows: &BTreeMap<u64, RunRow>) -> Vec<u8> {
    let mut out = header_line(h);
    for (job, row) in rows {
        out.push_str(&row_line(*job, row));
    }
    out.into_bytes()
}

/// The payload of a complete line whose checksum is right.
fn unseal(line: &str) -> Option<&str> {
    let (payload, sum) = line.rsplit_once('\t')?;
    (sum.len() == 16 && sum == check(payload)).then_some(payload)
}

fn parse_header(line: &str) -> Result<Header, String> {
    let payload = unseal(line).ok_or("its first line is not an intact journal header")?;
    let (magic, json) = payload
        .split_once('\t')
        .ok_or("its first line is not a journal header")?;
    let version = magic
        .strip_prefix(MAGIC)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or("its first line is not a journal header")?;
    if version != FORMAT {
        return Err(format!(
            "it is in journal format {version}; this breakersim reads format {FORMAT}"
        ));
    }
    let h: HeaderJson = serde_json::from_str(json).map_err(|e| format!("its header: {e}"))?;
    let fingerprint = u64::from_str_radix(&h.fingerprint, 16)
        .map_err(|_| format!("its header: fingerprint `{}` is not hex", h.fingerprint))?;
    let shard = Shard::parse(&h.shard).map_err(|e| format!("its header: shard {e}"))?;
    Ok(Header {
        breakersim: h.breakersim,
        sweep: h.sweep,
        file: h.file,
        fingerprint,
        jobs: h.jobs,
        shard,
        metrics: h.metrics,
    })
}

fn parse_row(line: &str, metrics: usize) -> Option<(u64, RunRow)> {
    let mut fields = unseal(line)?.split('\t');
    let mut int = || fields.next()?.parse::<u64>().ok();
    let (job, point, replication, seed) = (int()?, int()?, int()?, int()?);
    let values = fields
        .map(|f| {
            (f.len() == 16)
                .then(|| u64::from_str_radix(f, 16).ok())
                .flatten()
                .map(f64::from_bits)
        })
        .collect::<Option<Vec<f64>>>()?;
    (values.len() == metrics).then_some((
        job,
        RunRow {
            point: usize::try_from(point).ok()?,
            replication,
            seed,
            values,
        },
    ))
}

/// Parses a journal's bytes. Only a damaged header is an error (`path` names the file); a
/// damaged run line, or an unfinished last line, is counted and left out.
pub fn parse(bytes: &[u8], path: &Path) -> CliResult<Journal> {
    let bad = |why: String| {
        CliError::input(
            Diagnostic::error(
                path.display().to_string(),
                format!("not a breakersim sweep journal: {why}"),
            )
            .hint("delete it to start afresh, or pick another --out"),
        )
    };
    // Every complete line ends with a newline; whatever follows the last one was torn.
    let Some(end) = bytes.iter().rposition(|&b| b == b'\n') else {
        return Err(bad("it has no complete header line".into()));
    };
    let torn = end + 1 < bytes.len();
    let mut lines = bytes[..end].split(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    let header = std::str::from_utf8(first)
        .map_err(|_| "its first line is not text".to_string())
        .and_then(parse_header)
        .map_err(bad)?;
    let mut rows = Vec::new();
    let mut damaged = usize::from(torn);
    for line in lines {
        match std::str::from_utf8(line)
            .ok()
            .and_then(|l| parse_row(l, header.metrics.len()))
        {
            Some(row) => rows.push(row),
            None => damaged += 1,
        }
    }
    Ok(Journal {
        header,
        rows,
        damaged,
    })
}

/// Reads the journal at `path`; `None` if there is none.
pub fn read(path: &Path) -> CliResult<Option<Journal>> {
    match crate::input::read_bytes(path) {
        Ok(bytes) => parse(&bytes, path).map(Some),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(CliError::in_file(
            path.display().to_string(),
            format!("cannot read the journal: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            breakersim: "0.1.0".into(),
            sweep: "lab \"x\"\tnew\nline".into(),
            file: "sweeps/lab.toml".into(),
            fingerprint: 0x0123_4567_89ab_cdef,
            jobs: 12,
            shard: Shard { index: 1, count: 3 },
            metrics: vec!["a".into(), "b".into(), "c".into()],
        }
    }

    fn row(values: Vec<f64>) -> RunRow {
        RunRow {
            point: 2,
            replication: 1,
            seed: u64::MAX,
            values,
        }
    }

    /// Values that a decimal form could get wrong: every one comes back with the same bits.
    #[test]
    fn values_round_trip_bit_for_bit() {
        let mut specials = vec![
            0.0,
            -0.0,
            0.1,
            1.0 / 3.0,
            f64::MIN_POSITIVE,
            f64::MIN_POSITIVE / 3.0, // subnormal
            f64::from_bits(1),
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::from_bits(0x7ff8_0000_dead_beef), // a NaN with a payload
            f64::EPSILON,
            123_456.789_012_345_67,
        ];
        // And a spread of bit patterns (a fixed xorshift sequence).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..1000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            specials.push(f64::from_bits(x));
        }
        for chunk in specials.chunks(3) {
            let mut values = chunk.to_vec();
            values.resize(3, 0.0);
            let line = row_line(5, &row(values.clone()));
            let (job, back) = parse_row(line.trim_end_matches('\n'), 3).expect("intact");
            assert_eq!(job, 5);
            let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&back.values), bits(&values), "{line}");
            assert_eq!((back.point, back.replication, back.seed), (2, 1, u64::MAX));
        }
    }

    #[test]
    fn the_header_round_trips() {
        let line = header_line(&header());
        assert!(line.starts_with("breakersim-journal 1\t{\"breakersim\":\"0.1.0\""));
        assert_eq!(line.matches('\n').count(), 1, "one line: {line}");
        assert_eq!(parse_header(line.trim_end()).unwrap(), header());
    }

    #[test]
    fn torn_and_damaged_lines_are_left_out() {
        let mut rows = BTreeMap::new();
        for job in [1, 4, 7] {
            rows.insert(job, row(vec![job as f64, 0.5, -1.0]));
        }
        let whole = render(&header(), &rows);
        let path = Path::new("out/runs.journal");
        let j = parse(&whole, path).unwrap();
        assert_eq!(j.header, header());
        assert_eq!(j.damaged, 0);
        assert_eq!(j.rows, rows.clone().into_iter().collect::<Vec<_>>());
        // Cut anywhere inside the last line: that run is dropped, the others stay.
        let last = whole[..whole.len() - 1]
            .iter()
            .rposition(|&b| b == b'\n')
            .unwrap()
            + 1;
        for cut in last + 1..whole.len() {
            let j = parse(&whole[..cut], path).unwrap();
            assert_eq!(j.rows.len(), 2, "cut at {cut}");
            assert_eq!(j.damaged, 1);
        }
        // A flipped digit fails the checksum.
        let mut flipped = whole.clone();
        let at = last + 2;
        flipped[at] = if flipped[at] == b'1' { b'2' } else { b'1' };
        let j = parse(&flipped, path).unwrap();
        assert_eq!((j.rows.len(), j.damaged), (2, 1));
        // Zeros where a crash left a hole.
        let mut holed = whole[..last].to_vec();
        holed.extend([0u8; 40]);
        let j = parse(&holed, path).unwrap();
        assert_eq!((j.rows.len(), j.damaged), (2, 1));
    }

    #[test]
    fn a_damaged_header_is_refused() {
        let path = Path::new("out/runs.journal");
        for bytes in [
            &b""[..],
            b"breakersim-jour",
            b"hello\n",
            b"{}\t0000000000000000\n",
        ] {
            let e = parse(bytes, path).unwrap_err().to_string();
            assert!(
                e.starts_with("out/runs.journal: not a breakersim sweep journal"),
                "{e}"
            );
        }
        let other = header_line(&header()).replace("journal 1", "journal 9");
        let payload = other.rsplit_once('\t').unwrap().0;
        let e = parse(sealed(payload.to_string()).as_bytes(), path)
            .unwrap_err()
            .to_string();
        assert!(e.contains("journal format 9"), "{e}");
    }
}
