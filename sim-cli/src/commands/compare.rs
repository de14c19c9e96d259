//! `breakersim compare A [B]`: two configurations on the same seeds (common random numbers), each
//! metric's B − A with its paired 95% interval and a verdict in words, replications added until
//! the first metric is as precise as asked.

use std::fmt::Write;
use std::path::PathBuf;

use serde_json::{Value, json};
use sim_core::compare::{Comparison, Paired, Precision, Verdict, compare};
use sim_core::sweep::Metric;

use anyhow::Context;

use crate::exit::{CliError, CliResult};
use crate::files::write_output;
use crate::scenario_file::read_scenario;

/// Compare two configurations on the same seeds: two scenario files, or one with `--set-b`
/// changes for B.
#[derive(Clone, Debug, clap::Args)]
pub struct CompareArgs {
    /// Configuration A.
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// Configuration B (default: A with the `--set-b` changes).
    #[arg(value_name = "B")]
    pub b: Option<PathBuf>,
    /// Override a field in both A and B, e.g. --set duration=60s
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Override a field in A only.
    #[arg(long = "set-a", value_name = "PATH=VALUE")]
    pub sets_a: Vec<String>,
    /// Override a field in B only, e.g. --set-b cluster.outlier_detection.base_ejection_time=1s
    #[arg(long = "set-b", value_name = "PATH=VALUE")]
    pub sets_b: Vec<String>,
    /// A metric to compare, as in sweep files (repeatable); the first sets the precision.
    /// Default: availability, latency.p99.
    #[arg(long = "metric", value_name = "METRIC")]
    pub metrics: Vec<String>,
    /// Stop once the first metric's paired 95% half-width is at most this, in its unit
    /// (availability as a fraction: 0.001 is 0.1 point).
    #[arg(long)]
    pub precision: Option<f64>,
    /// Replications to start with.
    #[arg(long, default_value_t = 10)]
    pub min_runs: usize,
    /// Replications never to exceed.
    #[arg(long, default_value_t = 640)]
    pub max_runs: usize,
    /// Seed the replications' seeds are drawn from (default: A's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long, value_enum, default_value_t = CompareFormat::Text)]
    pub format: CompareFormat,
    /// Write an SVG chart of the first metric's B − A as replications accumulate, paired and
    /// unpaired.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    Text,
    Json,
}

pub fn compare_command(args: &CompareArgs) -> CliResult<String> {
    if args.b.is_none() && args.sets_b.is_empty() {
        return Err(CliError::command_line(
            "B is the same as A: give a second scenario or --set-b changes",
        ));
    }
    if args.min_runs < 2 || args.max_runs < args.min_runs {
        return Err(CliError::command_line(
            "--min-runs must be at least 2 and --max-runs at least --min-runs",
        ));
    }
    if args.precision.is_some_and(|p| !(p > 0.0 && p.is_finite())) {
        return Err(CliError::command_line(
            "--precision must be a number above 0",
        ));
    }
    let with = |own: &[String]| [args.sets.clone(), own.to_vec()].concat();
    let a = read_scenario(&args.a, &with(&args.sets_a))?;
    let b = read_scenario(args.b.as_ref().unwrap_or(&args.a), &with(&args.sets_b))?;
    let names = if args.metrics.is_empty() {
        vec!["availability".to_string(), "latency.p99".to_string()]
    } else {
        args.metrics.clone()
    };
    let metrics = names
        .iter()
        .map(|n| Metric::parse(n).map_err(|e| CliError::command_line(format!("--metric {n}: {e}"))))
        .collect::<CliResult<Vec<_>>>()?;
    let precision = Precision {
        min_runs: args.min_runs,
        max_runs: args.max_runs,
        half_width: args.precision,
    };
    let seed = args.seed.unwrap_or(a.seed);
    let c = compare(&a, &b, &metrics, seed, precision).map_err(|f| {
        CliError::in_file(
            args.a.display().to_string(),
            format!("{}, seed {}: {}", f.side, f.seed, f.error),
        )
    })?;
    if let Some(path) = &args.chart {
        let svg = crate::charts::render_svg(&crate::compare_chart::chart(&c, &metrics[0]));
        write_output(path, svg.as_bytes()).context("--chart")?;
    }
    Ok(match args.format {
        CompareFormat::Text => text(args, &metrics, &c),
        CompareFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report(args, &metrics, &c))
                .expect("a JSON value always serialises");
            s.push('\n');
            s
        }
    })
}

fn verdict_words(p: &Paired) -> &'static str {
    match p.verdict {
        Verdict::Higher => "B is higher: the interval is above 0",
        Verdict::Lower => "B is lower: the interval is below 0",
        Verdict::NoDifference => "no difference detected: the interval holds 0",
        Verdict::Identical => "identical on every seed",
    }
}

fn verdict_key(v: Verdict) -> &'static str {
    match v {
        Verdict::Higher => "higher",
        Verdict::Lower => "lower",
        Verdict::NoDifference => "no_difference",
        Verdict::Identical => "identical",
    }
}

fn side(args: &CompareArgs, b: bool) -> String {
    let (path, sets) = match (b, &args.b) {
        (false, _) => (&args.a, &args.sets_a),
        (true, Some(p)) => (p, &args.sets_b),
        (true, None) => (&args.a, &args.sets_b),
    };
    let mut s = path.display().to_string();
    for set in args.sets.iter().chain(sets) {
        let _ = write!(s, " --set {set}");
    }
    s
}

fn text(args: &CompareArgs, metrics: &[Metric], c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "A: {}", side(args, false));
    let _ = writeln!(out, "B: {}", side(args, true));
    let _ = write!(
        out,
        "{} replications on the same seeds (common random numbers)",
        c.seeds.len()
    );
    match args.precision {
        Some(w) if c.converged => {
            let _ = write!(out, "; {} to within ±{w}", metrics[0].name);
        }
        Some(w) => {
            let _ = write!(
                out,
                "; {} NOT within ±{w} after --max-runs",
                metrics[0].name
            );
        }
        None => {}
    }
    out.push_str("\n\n");
    for (m, p) in metrics.iter().zip(&c.results) {
        let d = p.difference;
        let _ = writeln!(out, "{}:", m.name);
        let _ = writeln!(out, "  A {:.6}  B {:.6}", p.mean_a, p.mean_b);
        let _ = writeln!(
            out,
            "  B - A {:+.6}, 95% interval [{:+.6}, {:+.6}] paired (unpaired it would be ±{:.6})",
            d.centre,
            d.low(),
            d.high(),
            p.unpaired.half_width
        );
        let _ = writeln!(out, "  {}", verdict_words(p));
    }
    out
}

fn report(args: &CompareArgs, metrics: &[Metric], c: &Comparison) -> Value {
    let results: Vec<Value> = metrics
        .iter()
        .zip(&c.results)
        .map(|(m, p)| {
            json!({
                "metric": m.name,
                "a": p.mean_a,
                "b": p.mean_b,
                "difference": p.difference.centre,
                "interval": [p.difference.low(), p.difference.high()],
                "unpaired_interval": [p.unpaired.low(), p.unpaired.high()],
                "verdict": verdict_key(p.verdict),
            })
        })
        .collect();
    json!({
        "a": side(args, false),
        "b": side(args, true),
        "replications": c.seeds.len(),
        "seeds": c.seeds,
        "precision": args.precision,
        "converged": c.converged,
        "confidence": sim_core::compare::paired::CONFIDENCE,
        "metrics": results,
    })
}
