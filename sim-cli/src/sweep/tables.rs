//! The sweep's tables: one row per run (`runs.csv`), one row per grid point with each metric's
//! mean, standard deviation, 95% confidence interval, min and max (`summary.csv`,
//! `summary.json`). Numbers are printed in Rust's shortest round-trip form, so outputs are
//! byte-identical for identical results.
//!
//! For scripts: a metric's CSV column carries the unit of a duration (`latency.p99_ms`,
//! `first_ejection_s`, `Metric::column`), and every metric cell is a float, always with a
//! point or an exponent (`1.0`, `0.54`, `1e-7`), whatever its value; a value that does not
//! exist (the summary of a point with no runs) is `NaN` in the CSVs and `null` in
//! `summary.json`. The run, point, replication, seed and runs columns are integers.

use std::fmt::Write;

use serde_json::{Map, Value, json};
use sim_core::sweep::{SweepResult, SweepSpec, show};

/// A metric's value in a CSV cell: always a float (`{:?}`: `1.0`, not `1`; `NaN`, `inf`).
fn float(v: f64) -> String {
    format!("{v:?}")
}

/// A CSV field, quoted when it needs to be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn axis_headers(r: &SweepResult) -> Vec<String> {
    r.grid.axes.iter().map(|a| field(&a.path)).collect()
}

fn axis_values(r: &SweepResult, point: usize) -> Vec<String> {
    let p = &r.grid.points[point];
    r.grid
        .axes
        .iter()
        .zip(&p.choice)
        .map(|(a, &v)| field(&show(&a.values[v])))
        .collect()
}

pub fn runs_csv(r: &SweepResult) -> String {
    let mut header = vec![
        "run".to_string(),
        "point".into(),
        "replication".into(),
        "seed".into(),
    ];
    header.extend(axis_headers(r));
    header.extend(r.metrics.iter().map(|m| field(&m.column())));
    let mut out = header.join(",") + "\n";
    for (i, row) in r.rows.iter().enumerate() {
        let mut cells = vec![
            i.to_string(),
            row.point.to_string(),
            row.replication.to_string(),
            row.seed.to_string(),
        ];
        cells.extend(axis_values(r, row.point));
        cells.extend(row.values.iter().map(|v| float(*v)));
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out
}

const STAT_COLUMNS: [&str; 6] = ["mean", "stdev", "ci95_low", "ci95_high", "min", "max"];

pub fn summary_csv(r: &SweepResult) -> String {
    let mut header = vec!["point".to_string(), "runs".into()];
    header.extend(axis_headers(r));
    for m in &r.metrics {
        header.extend(
            STAT_COLUMNS
                .iter()
                .map(|s| field(&format!("{}.{s}", m.column()))),
        );
    }
    let mut out = header.join(",") + "\n";
    for s in &r.summaries {
        let n = s.metrics.first().map_or(0, |m| m.n);
        let mut cells = vec![s.point.to_string(), n.to_string()];
        cells.extend(axis_values(r, s.point));
        for m in &s.metrics {
            for v in [m.mean, m.stdev, m.ci95_low, m.ci95_high, m.min, m.max] {
                cells.push(float(v));
            }
        }
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out
}

pub fn summary_json(spec: &SweepSpec, name: &str, r: &SweepResult) -> String {
    let axes: Vec<Value> = r
        .grid
        .axes
        .iter()
        .map(|a| {
            json!({
                "path": a.path,
                "label": a.label,
                "values": (0..a.values.len()).map(|i| a.show(i)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let points: Vec<Value> = r
        .summaries
        .iter()
        .map(|s| {
            let p = &r.grid.points[s.point];
            let at: Map<String, Value> = r
                .grid
                .axes
                .iter()
                .zip(&p.choice)
                .map(|(a, &v)| (a.path.clone(), json!(a.show(v))))
                .collect();
            let metrics: Map<String, Value> = r
                .metrics
                .iter()
                .zip(&s.metrics)
                .map(|(m, st)| {
                    (
                        m.name.clone(),
                        json!({
                            "mean": st.mean, "stdev": st.stdev,
                            "ci95": [st.ci95_low, st.ci95_high],
                            "min": st.min, "max": st.max,
                        }),
                    )
                })
                .collect();
            json!({ "point": s.point, "axes": at, "runs": s.metrics.first().map_or(0, |m| m.n), "metrics": metrics })
        })
        .collect();
    let doc = json!({
        "sweep": name,
        "scenario": spec.scenario,
        "seed": spec.seed,
        "replications": spec.replications,
        "axes": axes,
        "metrics": r.metrics.iter().map(|m| m.name.clone()).collect::<Vec<_>>(),
        "points": points,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON always serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(field("a.b"), "a.b");
        assert_eq!(field("x,y"), "\"x,y\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
