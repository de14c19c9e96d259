//! What a sweep collects from each run, named as in sweep files:
//! `availability`, `share.<status>` (`share.503`, `share.5xx`), `flag.<FLAG>` (`flag.UH`),
//! `stat.<envoy stat>` (`stat.upstream_cx_overflow`, `stat.outlier_detection.ejections_overflow`),
//! `latency.<p50|p90|p99|max|mean>`, `ejections`, `ejected_seconds`, `ejected_seconds.<host>`,
//! `ejected_fraction`, `ejected_fraction.<host>`, `requests`, `queue_overflows`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer};

use crate::envoy::local_reply::ResponseFlag;
use crate::envoy::outlier::OutlierAction;
use crate::sim::RunResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantile {
    P50,
    P90,
    P99,
    Max,
    Mean,
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// What a metric measures from one run (a share of responses, a stat, a latency, ...).
pub enum MetricKind {
    /// 2xx responses over responses received.
    Availability,
    /// Responses with this status over responses received.
    StatusShare(u16),
    /// Responses of this class (5 for 5xx) over responses received.
    StatusClassShare(u16),
    /// Responses carrying this Envoy flag over responses received.
    FlagShare(ResponseFlag),
    /// An Envoy stat of the cluster, by its name relative to the cluster.
    Stat(String),
    /// Client-side latency, in milliseconds.
    Latency(Quantile),
    /// Enforced ejections.
    Ejections,
    /// Seconds hosts spent ejected, all hosts together or one host by name.
    EjectedSeconds(Option<String>),
    /// The share of the run's host-time spent ejected: `EjectedSeconds` over the run's length
    /// times the hosts counted (one host by name, or every host) and, in mesh mode, the Envoys.
    /// One host's is the fraction of the run it spent out of rotation.
    EjectedFraction(Option<String>),
    /// Seconds from the start of the run to the first enforced ejection (by any Envoy of a
    /// mesh); the run's length when none.
    FirstEjection,
    /// Most upstream connections open at once (the fleet's sum in mesh mode).
    PeakConnections,
    /// Responses received.
    Requests,
    /// Requests the backends answered 503 at once, their queue full (`max_queue_length`).
    QueueOverflows,
}

/// A metric as written in the sweep file, and what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metric {
    /// As written in the sweep file (`latency.p99`, `share.503`).
    pub name: String,
    /// What it measures.
    pub kind: MetricKind,
}

const ALLOWED: &str = "availability, share.<status> (share.503, share.5xx), flag.<UO|UF|UT|UH>, stat.<envoy stat>, latency.<p50|p90|p99|max|mean>, ejections, ejected_seconds[.<host>], ejected_fraction[.<host>], first_ejection, peak_connections, requests, queue_overflows";

impl Metric {
    /// Reads a metric name; `Err` lists the names allowed.
    pub fn parse(name: &str) -> Result<Metric, String> {
        let bad = || format!("unknown metric `{name}`: allowed {ALLOWED}");
        let (head, rest) = match name.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (name, None),
        };
        let kind = match (head, rest) {
            ("availability", None) => MetricKind::Availability,
            ("requests", None) => MetricKind::Requests,
            ("queue_overflows", None) => MetricKind::QueueOverflows,
            ("ejections", None) => MetricKind::Ejections,
            ("first_ejection", None) => MetricKind::FirstEjection,
            ("peak_connections", None) => MetricKind::PeakConnections,
            ("ejected_seconds", host) => MetricKind::EjectedSeconds(host.map(str::to_string)),
            ("ejected_fraction", host) => MetricKind::EjectedFraction(host.map(str::to_string)),
            ("stat", Some(stat)) if !stat.is_empty() => MetricKind::Stat(stat.to_string()),
            ("share", Some(s)) => parse_share(s).ok_or_else(bad)?,
            ("flag", Some(f)) => MetricKind::FlagShare(
                ResponseFlag::ALL
                    .into_iter()
                    .find(|x| x.as_str() == f)
                    .ok_or_else(bad)?,
            ),
            ("latency", Some(q)) => MetricKind::Latency(match q {
                "p50" => Quantile::P50,
                "p90" => Quantile::P90,
                "p99" => Quantile::P99,
                "max" => Quantile::Max,
                "mean" => Quantile::Mean,
                _ => return Err(bad()),
            }),
            _ => return Err(bad()),
        };
        Ok(Metric {
            name: name.to_string(),
            kind,
        })
    }

    /// The metric's value for one run, in its natural unit (shares as fractions 0..=1).
    pub fn value(&self, r: &RunResult) -> f64 {
        let c = &r.client;
        let share = |n: u64| {
            if c.received == 0 {
                0.0
            } else {
                n as f64 / c.received as f64
            }
        };
        match &self.kind {
            // No responses: no value (NaN, left out of charts and shown as such in tables).
            MetricKind::Availability => c.availability().unwrap_or(f64::NAN),
            MetricKind::StatusShare(code) => share(c.count(*code)),
            MetricKind::StatusClassShare(class) => share(
                c.status
                    .range(class * 100..(class + 1) * 100)
                    .map(|(_, n)| n)
                    .sum(),
            ),
            MetricKind::FlagShare(f) => share(c.flag(*f)),
            MetricKind::Stat(name) => r.stat(name) as f64,
            MetricKind::Latency(q) => {
                let h = &c.latency;
                let d = match q {
                    Quantile::P50 => h.quantile(0.5),
                    Quantile::P90 => h.quantile(0.9),
                    Quantile::P99 => h.quantile(0.99),
                    Quantile::Max => h.max(),
                    Quantile::Mean => h.mean(),
                };
                d.as_millis_f64()
            }
            MetricKind::Ejections => r
                .outlier_events
                .iter()
                .filter(|e| e.action == OutlierAction::Eject && e.enforced)
                .count() as f64,
            MetricKind::EjectedSeconds(host) => ejected_seconds(r, host.as_deref()),
            MetricKind::EjectedFraction(host) => ejected_fraction(r, host.as_deref()),
            MetricKind::FirstEjection => r
                .outlier_events
                .iter()
                .find(|e| e.action == OutlierAction::Eject && e.enforced)
                .map_or(r.sim_time, |e| e.time)
                .as_secs_f64(),
            MetricKind::PeakConnections => r.peaks.upstream_cx_active as f64,
            MetricKind::Requests => c.received as f64,
            MetricKind::QueueOverflows => r.queue_overflows() as f64,
        }
    }

    /// True for metrics that are shares, shown as percentages.
    pub fn is_share(&self) -> bool {
        matches!(
            self.kind,
            MetricKind::Availability
                | MetricKind::StatusShare(_)
                | MetricKind::StatusClassShare(_)
                | MetricKind::FlagShare(_)
                | MetricKind::EjectedFraction(_)
        )
    }

    /// A human label with its unit, for chart axes and tables.
    pub fn label(&self) -> String {
        match &self.kind {
            MetricKind::Availability => "availability (%)".into(),
            MetricKind::StatusShare(code) => format!("{code} responses (%)"),
            MetricKind::StatusClassShare(class) => format!("{class}xx responses (%)"),
            MetricKind::FlagShare(f) => format!("{} responses (%)", f.as_str()),
            MetricKind::Stat(name) => name.clone(),
            MetricKind::Latency(q) => format!(
                "{} latency (ms)",
                match q {
                    Quantile::P50 => "p50",
                    Quantile::P90 => "p90",
                    Quantile::P99 => "p99",
                    Quantile::Max => "max",
                    Quantile::Mean => "mean",
                }
            ),
            MetricKind::Ejections => "ejections".into(),
            MetricKind::EjectedSeconds(None) => "time hosts spent ejected (s)".into(),
            MetricKind::EjectedSeconds(Some(h)) => format!("time {h} spent ejected (s)"),
            MetricKind::EjectedFraction(None) => "host-time ejected (%)".into(),
            MetricKind::EjectedFraction(Some(h)) => format!("time {h} spent ejected (%)"),
            MetricKind::FirstEjection => "time to the first ejection (s)".into(),
            MetricKind::PeakConnections => "peak upstream connections".into(),
            MetricKind::Requests => "responses".into(),
            MetricKind::QueueOverflows => "backend queue overflows".into(),
        }
    }

    /// Its column in `runs.csv` and `summary.csv`: the name, with the unit of a duration
    /// appended (`latency.p99_ms`, `first_ejection_s`; `ejected_seconds` says it already).
    /// Shares are fractions and counts counts, so they keep their name.
    pub fn column(&self) -> String {
        match self.kind {
            MetricKind::Latency(_) => format!("{}_ms", self.name),
            MetricKind::FirstEjection => format!("{}_s", self.name),
            _ => self.name.clone(),
        }
    }

    /// Factor from the stored value to the displayed one (100 for shares).
    pub fn display_scale(&self) -> f64 {
        if self.is_share() { 100.0 } else { 1.0 }
    }
}

fn parse_share(s: &str) -> Option<MetricKind> {
    if let Some(class) = s.strip_suffix("xx") {
        let class: u16 = class.parse().ok()?;
        return (1..=5)
            .contains(&class)
            .then_some(MetricKind::StatusClassShare(class));
    }
    let code: u16 = s.parse().ok()?;
    (100..600)
        .contains(&code)
        .then_some(MetricKind::StatusShare(code))
}

/// Seconds between each enforced ejection and its uneject (or the end of the run).
/// Host-seconds ejected; in mesh mode summed over the Envoys (each pairs its own ejects and
/// unejects).
fn ejected_seconds(r: &RunResult, host: Option<&str>) -> f64 {
    let wanted = |h: usize| host.is_none_or(|name| r.hosts[h].name == name);
    let envoys = r.mesh.as_ref().map_or(1, |m| m.envoys.len());
    let n = r.hosts.len();
    let mut out_since: Vec<Option<u64>> = vec![None; n * envoys];
    let mut total = 0u64;
    for (i, e) in r.outlier_events.iter().enumerate() {
        let envoy = r.mesh.as_ref().map_or(0, |m| m.event_envoys[i] as usize);
        let slot = envoy * n + e.host;
        match e.action {
            OutlierAction::Eject if e.enforced => out_since[slot] = Some(e.time.as_nanos()),
            OutlierAction::Uneject => {
                if let Some(t) = out_since[slot].take().filter(|_| wanted(e.host)) {
                    total += e.time.as_nanos() - t;
                }
            }
            OutlierAction::Eject => {}
        }
    }
    for (slot, since) in out_since.iter().enumerate() {
        if let Some(t) = since.filter(|_| wanted(slot % n)) {
            total += r.sim_time.as_nanos().saturating_sub(t);
        }
    }
    total as f64 / 1e9
}

/// `ejected_seconds` over the host-seconds of the run it counts: the run's length times the
/// hosts counted (one by name, or all) times the Envoys (1, or a mesh's). 0 for a run of no
/// length or a name that is no host's.
fn ejected_fraction(r: &RunResult, host: Option<&str>) -> f64 {
    let hosts = r
        .hosts
        .iter()
        .filter(|h| host.is_none_or(|name| h.name == name))
        .count();
    let envoys = r.mesh.as_ref().map_or(1, |m| m.envoys.len());
    let span = r.sim_time.as_secs_f64() * (hosts * envoys) as f64;
    if span > 0.0 {
        ejected_seconds(r, host) / span
    } else {
        0.0
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Metric::parse(&name).map_err(de::Error::custom)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_and_explains_mistakes() {
        assert_eq!(
            Metric::parse("share.503").unwrap().kind,
            MetricKind::StatusShare(503)
        );
        assert_eq!(
            Metric::parse("share.5xx").unwrap().kind,
            MetricKind::StatusClassShare(5)
        );
        assert_eq!(
            Metric::parse("flag.UH").unwrap().kind,
            MetricKind::FlagShare(ResponseFlag::UH)
        );
        assert_eq!(
            Metric::parse("stat.outlier_detection.ejections_overflow")
                .unwrap()
                .kind,
            MetricKind::Stat("outlier_detection.ejections_overflow".into())
        );
        assert_eq!(
            Metric::parse("ejected_seconds.reviews-v2-0").unwrap().kind,
            MetricKind::EjectedSeconds(Some("reviews-v2-0".into()))
        );
        assert_eq!(
            Metric::parse("ejected_fraction.reviews-v1-0").unwrap().kind,
            MetricKind::EjectedFraction(Some("reviews-v1-0".into()))
        );
        assert!(Metric::parse("ejected_fraction").unwrap().is_share());
        for bad in ["avail", "share.9xx", "flag.XX", "latency.p75", "stat."] {
            assert!(Metric::parse(bad).unwrap_err().contains("allowed"), "{bad}");
        }
    }
}
