//! The chart of a comparison: the first metric's B − A as replications accumulate, with its
//! paired 95% interval (same seeds) beside the interval the same runs would give unpaired, and
//! the line of no difference.

use sim_core::compare::{Comparison, paired};
use sim_core::sweep::{Metric, MetricKind};

use crate::charts::{Chart, LineChart, LinePoint, LineSeries, ReferenceLine};

/// The metric's unit, for the axis label.
fn unit(metric: &Metric) -> &'static str {
    match metric.kind {
        MetricKind::Availability
        | MetricKind::StatusShare(_)
        | MetricKind::StatusClassShare(_)
        | MetricKind::FlagShare(_) => "share of responses",
        MetricKind::EjectedFraction(_) => "share of the run's host-time",
        MetricKind::Latency(_) => "ms",
        MetricKind::EjectedSeconds(_) | MetricKind::FirstEjection => "s",
        MetricKind::Stat(_)
        | MetricKind::PeakConnections
        | MetricKind::Ejections
        | MetricKind::Requests
        | MetricKind::QueueOverflows => "count",
    }
}

/// The running interval after each replication from the second on.
fn running(
    c: &Comparison,
    interval: impl Fn(&paired::Paired) -> paired::Interval,
) -> Vec<LinePoint> {
    (2..=c.seeds.len())
        .map(|n| {
            let p = paired::compare(&c.values_a[0][..n], &c.values_b[0][..n]);
            let i = interval(&p);
            LinePoint {
                x: n as f64,
                mean: i.centre,
                low: i.low(),
                high: i.high(),
            }
        })
        .collect()
}

/// The chart of `c`'s first metric.
pub fn chart(c: &Comparison, metric: &Metric) -> Chart {
    Chart::Line(LineChart {
        title: format!("B − A in {}, as replications accumulate", metric.name),
        x_label: "replications (same seeds in A and B)".to_string(),
        y_label: format!("B − A, {} ({})", metric.name, unit(metric)),
        x_log: true,
        y_range: None,
        // The narrow paired band is drawn last, over the wide one.
        series: vec![
            LineSeries {
                label: "unpaired, the same runs (95%)".to_string(),
                points: running(c, |p| p.unpaired),
            },
            LineSeries {
                label: "paired by seed (95%)".to_string(),
                points: running(c, |p| p.difference),
            },
        ],
        baseline: Some(ReferenceLine {
            label: "no difference".to_string(),
            mean: 0.0,
            low: 0.0,
            high: 0.0,
        }),
    })
}
