//! The chart of a tune: every candidate's objective against the first constraint's metric
//! (without constraints, against the first axis), each with its 95% intervals, grouped by its
//! feasibility; the Pareto front joined; the constraint's bound as a vertical line; the best
//! circled. Shares are drawn as percentages.

use sim_core::tune::{Judgement, TuneResult};

use super::load::LoadedTune;
use super::report::front_of;
use super::{interval, settings};
use crate::charts::{
    BestPoint, Chart, FrontLine, ScatterChart, ScatterGroup, ScatterPoint, VerticalLine,
};

const GROUPS: [(Judgement, &str); 3] = [
    (Judgement::Feasible, "judged feasible"),
    (Judgement::Undecided, "feasibility undecided"),
    (Judgement::Infeasible, "judged infeasible"),
];

/// The chart of `r`.
pub fn chart(t: &LoadedTune, r: &TuneResult) -> Chart {
    let plan = &t.plan;
    let objective = &plan.objective.metric;
    let y_scale = objective.display_scale();
    let constraint = plan.constraints.first();
    let x_metric = constraint.map(|_| plan.metric_of(0));
    let x_scale = x_metric.map_or(1.0, |m| plan.metrics[m].display_scale());
    let point = |c: usize| {
        let cand = &r.candidates[c];
        let y = interval(cand, 0);
        let (x, x_low, x_high) = match x_metric {
            Some(m) => {
                let i = interval(cand, m);
                (i.centre, i.low(), i.high())
            }
            None => {
                let axis = &t.grid.axes[0];
                let v = axis
                    .number(t.grid.points[c].choice[0])
                    .unwrap_or(t.grid.points[c].choice[0] as f64);
                (v, v, v)
            }
        };
        ScatterPoint {
            x: x * x_scale,
            x_low: x_low * x_scale,
            x_high: x_high * x_scale,
            y: y.centre * y_scale,
            y_low: y.low() * y_scale,
            y_high: y.high() * y_scale,
        }
    };
    let groups = GROUPS
        .iter()
        .map(|(j, label)| ScatterGroup {
            label: label.to_string(),
            points: (0..r.candidates.len())
                .filter(|&c| r.candidates[c].feasibility() == *j)
                .map(point)
                .collect(),
        })
        .filter(|g| !g.points.is_empty())
        .collect();
    let x_label = match x_metric {
        Some(m) => plan.metrics[m].label(),
        None => t.grid.axes[0].label.clone(),
    };
    // A front of one point is no line: the point is drawn anyway.
    let front = constraint
        .map(|_| FrontLine {
            label: "Pareto front (means)".into(),
            points: front_of(t, r, 0)
                .into_iter()
                .map(|c| {
                    let p = point(c);
                    (p.x, p.y)
                })
                .collect(),
        })
        .filter(|f| f.points.len() > 1);
    let best = r.best.map(|b| {
        let p = point(b);
        BestPoint {
            label: format!("best: {}", settings(&t.grid, b)),
            x: p.x,
            y: p.y,
        }
    });
    Chart::Scatter(ScatterChart {
        title: format!(
            "Tune: {} {} against {}",
            plan.objective.verb(),
            objective.name,
            x_metric.map_or(x_label.clone(), |m| plan.metrics[m].name.clone())
        ),
        y_label: objective.label(),
        x_label,
        groups,
        front,
        x_bound: constraint.map(|c| VerticalLine {
            label: format!("bound: {}", c.text),
            x: c.bound * x_scale,
        }),
        best,
    })
}
