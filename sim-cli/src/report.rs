//! `reports/README.md`: each sweep's charts with the scenario they came from, a paragraph on what
//! each shows, and a table of its figures.

use std::fmt::Write;
use std::path::PathBuf;

use sim_core::sweep::{BaselineSpec, ChartKind, ChartSpec, SweepResult};

use crate::charts::{Chart, render_svg};
use crate::exit::CliResult;
use crate::sweep::Files;
use crate::sweep::baselines::Baselines;
use crate::sweep::charts::build;
use crate::sweep::load::LoadedSweep;

pub struct ReportedSweep<'a> {
    pub sweep: &'a LoadedSweep,
    pub result: &'a SweepResult,
    /// Its charts' baselines.
    pub baselines: &'a Baselines,
    /// The sweep file, relative to the repository root.
    pub sweep_file: PathBuf,
}

/// The markdown section of one sweep and its chart files.
pub fn sweep_section(s: &ReportedSweep) -> CliResult<(String, Files)> {
    let spec = &s.sweep.spec;
    let mut md = String::new();
    let sweep_file = s.sweep_file.display().to_string();
    let scenario = s
        .sweep_file
        .parent()
        .map(|d| d.join(&spec.scenario))
        .map(|p| normalise(&p))
        .unwrap_or_default();
    let _ = writeln!(md, "## {}\n", s.sweep.name);
    if let Some(d) = &spec.description {
        let _ = writeln!(md, "{}\n", d.trim());
    }
    let _ = writeln!(
        md,
        "Scenario [`{scenario}`](../{scenario}), sweep [`{sweep_file}`](../{sweep_file}): {} grid points x {} replications = {} runs, seed {}. Reproduce with `breakersim sweep {sweep_file}`.\n",
        s.result.grid.points.len(),
        spec.replications,
        s.result.rows.len(),
        spec.seed
    );
    let mut files = Vec::new();
    for (chart, baseline) in spec.charts.iter().zip(s.baselines) {
        let model = build(spec, chart, s.result, baseline.as_ref())?;
        let _ = writeln!(md, "### {}\n", chart.title);
        let _ = writeln!(md, "![{}]({})\n", chart.title, chart.file);
        if let Some(c) = &chart.caption {
            let _ = writeln!(md, "{}\n", c.trim());
        }
        md.push_str(&figures(chart, &model));
        md.push('\n');
        files.push((chart.file.clone(), render_svg(&model).into_bytes()));
    }
    Ok((md, files))
}

/// `a/b/../c` → `a/c`, with forward slashes.
fn normalise(p: &std::path::Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// The chart's figures as a markdown table.
fn figures(chart: &ChartSpec, model: &Chart) -> String {
    let mut md = String::new();
    match (chart.kind, model) {
        (ChartKind::Line, Chart::Line(l)) => {
            let _ = writeln!(
                md,
                "| {} | {} |",
                l.x_label,
                l.series
                    .iter()
                    .map(|s| s.label.as_str())
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
            let _ = writeln!(md, "|---|{}", "---|".repeat(l.series.len()));
            let xs = l.series.first().map_or(0, |s| s.points.len());
            for i in 0..xs {
                let x = l.series[0].points[i].x;
                let cells: Vec<String> = l
                    .series
                    .iter()
                    .map(|s| {
                        let p = &s.points[i];
                        format!("{:.2} ({:.2}–{:.2})", p.mean, p.low, p.high)
                    })
                    .collect();
                let _ = writeln!(md, "| {x} | {} |", cells.join(" | "));
            }
            let _ = writeln!(md, "\n{}: mean (95% confidence interval).", l.y_label);
            if let (Some(b), Some(spec)) = (&l.baseline, &chart.baseline) {
                let _ = writeln!(
                    md,
                    "\nBaseline, {} ({}): {:.2} ({:.2}–{:.2}).",
                    b.label,
                    baseline_change(spec),
                    b.mean,
                    b.low,
                    b.high
                );
            }
        }
        (ChartKind::Heatmap, Chart::Heatmap(h)) => {
            let _ = writeln!(
                md,
                "| {} \\ {} | {} |",
                h.y_label,
                h.x_label,
                h.x_values.join(" | ")
            );
            let _ = writeln!(md, "|---|{}", "---|".repeat(h.x_values.len()));
            let marked = |row: usize, column: usize| {
                h.highlight
                    .as_ref()
                    .is_some_and(|c| (c.row, c.column) == (row, column))
            };
            for (row, (cells, label)) in h.cells.iter().zip(&h.y_values).enumerate().rev() {
                let cells: Vec<String> = cells
                    .iter()
                    .enumerate()
                    .map(|(column, c)| {
                        let text = c.map_or("–".to_string(), |v| format!("{v:.1}"));
                        if marked(row, column) {
                            format!("**{text}**")
                        } else {
                            text
                        }
                    })
                    .collect();
                let _ = writeln!(md, "| {label} | {} |", cells.join(" | "));
            }
            let _ = writeln!(md, "\n{}: mean per cell.", h.value_label);
            if let Some(c) = &h.highlight {
                let _ = writeln!(md, "In bold, outlined in the chart: {}.", c.label);
            }
        }
        (ChartKind::Timeline, Chart::Timeline(t)) => {
            let over_run = |per_bucket: &[f64]| -> f64 {
                per_bucket
                    .iter()
                    .zip(&t.bucket_spans)
                    .map(|(v, s)| v * s)
                    .sum()
            };
            let _ = writeln!(md, "| outcome | responses |");
            let _ = writeln!(md, "|---|---|");
            for s in &t.series {
                let _ = writeln!(md, "| {} | {} |", s.label, over_run(&s.per_second).round());
            }
            let ejected_buckets = t.hosts_ejected.iter().filter(|&&h| h > 0.0).count();
            let run_seconds: f64 = t.bucket_spans.iter().sum();
            let _ = writeln!(
                md,
                "\n{} were ejected for {:.1} {}-seconds in all, of the {:.0} ({} {} x {run_seconds} s) of the run; some host was ejected in {ejected_buckets} of its {} buckets of {} s.",
                capitalised(t.ejected_noun()),
                over_run(&t.hosts_ejected),
                t.ejected_noun().trim_end_matches('s'),
                f64::from(t.host_count * t.ejectors.max(1)) * run_seconds,
                t.host_count * t.ejectors.max(1),
                t.ejected_noun(),
                t.hosts_ejected.len(),
                t.bucket_seconds
            );
        }
        _ => unreachable!("the chart model follows the chart kind"),
    }
    md
}

/// What a baseline changes in the base scenario, in words: ``the base scenario with `a` and
/// `b` removed, then `c=1` ``.
fn baseline_change(spec: &BaselineSpec) -> String {
    let quoted =
        |items: &[String]| -> Vec<String> { items.iter().map(|i| format!("`{i}`")).collect() };
    let removed = match quoted(&spec.unset).as_slice() {
        [] => None,
        [one] => Some(format!("{one} removed")),
        [rest @ .., last] => Some(format!("{} and {last} removed", rest.join(", "))),
    };
    let set = (!spec.set.is_empty()).then(|| quoted(&spec.set).join(", "));
    match (removed, set) {
        (None, None) => "the base scenario as it is".to_string(),
        (Some(r), None) => format!("the base scenario with {r}"),
        (None, Some(s)) => format!("the base scenario with {s}"),
        (Some(r), Some(s)) => format!("the base scenario with {r}, then {s}"),
    }
}

pub fn readme(sections: &[String]) -> String {
    let mut md = String::from(
        "# breakersim reports\n\nGenerated by `breakersim report` from the sweeps in `scenarios/sweeps/`; do not edit by hand. `breakersim report --check` (run by CI) fails when these files are not what the sweeps give. Every figure is the same on any machine and any number of threads.\n\n",
    );
    for s in sections {
        md.push_str(s);
    }
    md
}

/// `text` with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
