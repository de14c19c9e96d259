//! A finished tune as text or JSON: how the race ended, the best settings with each metric's
//! mean and 95% interval, its paired difference to the runner-up, the Pareto front of the
//! objective against each constraint's metric, every candidate's fate, and the runs used
//! against the whole grid's cost.

use std::fmt::Write;

use serde_json::{Value, json};
use sim_core::tune::{Candidate, Fate, Judgement, Stop, TuneResult, front, mean};

use super::load::LoadedTune;
use super::{best_minus_runner_up, interval, settings};

fn judgement_word(j: Judgement) -> &'static str {
    match j {
        Judgement::Feasible => "feasible",
        Judgement::Infeasible => "infeasible",
        Judgement::Undecided => "undecided",
    }
}

fn stop_words(r: &TuneResult) -> String {
    let left = r
        .candidates
        .iter()
        .filter(|c| c.fate == Fate::Survived)
        .count();
    match r.stop {
        Stop::Decided => "decided: one candidate left, judged feasible".into(),
        Stop::ScheduleEnd => format!(
            "not decided: the schedule's last round ran and {left} candidates are left (the intervals cannot tell them apart, or their feasibility is undecided); best is the one judged feasible with the best mean"
        ),
        Stop::Budget { needed } => format!(
            "stopped by the budget: the next round needed {needed} more runs; {left} candidates are left, best is the one judged feasible with the best mean"
        ),
        Stop::NoFeasible => "no candidate meets the constraints".into(),
    }
}

fn stop_key(stop: Stop) -> &'static str {
    match stop {
        Stop::Decided => "decided",
        Stop::ScheduleEnd => "schedule_end",
        Stop::Budget { .. } => "budget",
        Stop::NoFeasible => "no_feasible",
    }
}

fn fate_words(t: &LoadedTune, c: &Candidate) -> String {
    match c.fate {
        Fate::Survived => format!("survived ({})", judgement_word(c.feasibility())),
        Fate::Infeasible { round, constraint } => format!(
            "infeasible after round {} ({})",
            round + 1,
            t.plan.constraints[constraint].text
        ),
        Fate::Worse { round, than } => format!(
            "worse than {} after round {}",
            settings(&t.grid, than),
            round + 1
        ),
    }
}

/// `name mean [low, high]` for recorded metric `m`.
fn metric_line(t: &LoadedTune, c: &Candidate, m: usize) -> String {
    let i = interval(c, m);
    format!(
        "{} {:.6} [{:.6}, {:.6}]",
        t.plan.metrics[m].name,
        i.centre,
        i.low(),
        i.high()
    )
}

/// The candidates on the front of the objective against constraint `k`'s metric.
pub fn front_of(t: &LoadedTune, r: &TuneResult, k: usize) -> Vec<usize> {
    let m = t.plan.metric_of(k);
    let points: Vec<(f64, f64)> = r
        .candidates
        .iter()
        .map(|c| (mean(&c.values[m]), mean(&c.values[0])))
        .collect();
    front(
        &points,
        t.plan.constraints[k].op.upper_bound(),
        t.plan.objective.maximize,
    )
}

/// The text report.
pub fn text(t: &LoadedTune, r: &TuneResult) -> String {
    let mut out = String::new();
    let plan = &t.plan;
    let constraints: Vec<&str> = plan.constraints.iter().map(|c| c.text.as_str()).collect();
    let _ = writeln!(
        out,
        "tune {}: {} {}{}",
        t.file,
        plan.objective.verb(),
        plan.objective.metric.name,
        if constraints.is_empty() {
            String::new()
        } else {
            format!(" subject to {}", constraints.join(", "))
        }
    );
    let _ = writeln!(
        out,
        "{} candidates on the same seeds (common random numbers); each decision at {:.4}% confidence, 95% for all together",
        r.candidates.len(),
        100.0 * r.decision_confidence
    );
    for (i, round) in r.rounds.iter().enumerate() {
        let _ = writeln!(
            out,
            "round {}: {} candidates to {} replications, {} runs; dropped {} infeasible, {} worse",
            i + 1,
            round.candidates,
            round.replications,
            round.runs,
            round.infeasible,
            round.worse
        );
    }
    let _ = writeln!(
        out,
        "runs used: {} of {} for the whole grid at {} replications (budget {})",
        r.runs_used(),
        r.full_grid_runs(),
        r.rounds.last().map_or(0, |x| x.replications),
        plan.budget
    );
    let _ = writeln!(out, "{}\n", stop_words(r));
    if let Some(b) = r.best {
        best_text(&mut out, t, r, b);
    }
    for k in 0..plan.constraints.len() {
        let _ = writeln!(
            out,
            "\nPareto front, {} against {} (means, 95% intervals):",
            plan.objective.metric.name,
            plan.metrics[plan.metric_of(k)].name
        );
        for c in front_of(t, r, k) {
            let cand = &r.candidates[c];
            let _ = writeln!(
                out,
                "  {}: {}; {}; {}",
                settings(&t.grid, c),
                metric_line(t, cand, 0),
                metric_line(t, cand, plan.metric_of(k)),
                judgement_word(cand.judgements[k])
            );
        }
    }
    let _ = writeln!(
        out,
        "\ncandidates (mean of {}, runs, fate):",
        plan.objective.metric.name
    );
    for (i, c) in r.candidates.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}: {:.6}, {} runs, {}",
            settings(&t.grid, i),
            mean(&c.values[0]),
            c.runs(),
            fate_words(t, c)
        );
    }
    out
}

fn best_text(out: &mut String, t: &LoadedTune, r: &TuneResult, b: usize) {
    let c = &r.candidates[b];
    let _ = writeln!(
        out,
        "best: {} ({} runs, {})",
        settings(&t.grid, b),
        c.runs(),
        judgement_word(c.feasibility())
    );
    for m in 0..t.plan.metrics.len() {
        let _ = writeln!(out, "  {}", metric_line(t, c, m));
    }
    if let (Some(u), Some((d, n))) = (r.runner_up, best_minus_runner_up(r)) {
        let _ = writeln!(
            out,
            "runner-up: {} ({} runs); best - runner-up in {}: {:+.6}, 95% paired interval [{:+.6}, {:+.6}] on {n} seeds",
            settings(&t.grid, u),
            r.candidates[u].runs(),
            t.plan.objective.metric.name,
            d.centre,
            d.low(),
            d.high()
        );
    }
}

fn candidate_json(t: &LoadedTune, r: &TuneResult, i: usize) -> Value {
    let c = &r.candidates[i];
    let metrics: Vec<Value> = t
        .plan
        .metrics
        .iter()
        .enumerate()
        .map(|(m, metric)| {
            let iv = interval(c, m);
            json!({"metric": metric.name, "mean": iv.centre, "interval": [iv.low(), iv.high()]})
        })
        .collect();
    let fate = match c.fate {
        Fate::Survived => json!({"survived": true}),
        Fate::Infeasible { round, constraint } => {
            json!({"infeasible": {"round": round + 1, "constraint": t.plan.constraints[constraint].text}})
        }
        Fate::Worse { round, than } => {
            json!({"worse": {"round": round + 1, "than": settings(&t.grid, than)}})
        }
    };
    let overrides: Vec<String> = t
        .grid
        .overrides(&t.grid.points[i])
        .into_iter()
        .map(|o| o.raw)
        .collect();
    json!({
        "settings": settings(&t.grid, i),
        "set": overrides,
        "runs": c.runs(),
        "metrics": metrics,
        "constraints": c.judgements.iter().map(|j| judgement_word(*j)).collect::<Vec<_>>(),
        "fate": fate,
    })
}

/// The JSON report.
pub fn json(t: &LoadedTune, r: &TuneResult) -> Value {
    let plan = &t.plan;
    let rounds: Vec<Value> = r
        .rounds
        .iter()
        .map(|x| {
            json!({"replications": x.replications, "candidates": x.candidates, "runs": x.runs,
                   "dropped_infeasible": x.infeasible, "dropped_worse": x.worse})
        })
        .collect();
    let fronts: Vec<Value> = (0..plan.constraints.len())
        .map(|k| {
            let on: Vec<String> = front_of(t, r, k)
                .into_iter()
                .map(|c| settings(&t.grid, c))
                .collect();
            json!({"constraint": plan.constraints[k].text, "metric": plan.metrics[plan.metric_of(k)].name, "front": on})
        })
        .collect();
    let difference = best_minus_runner_up(r).map(|(d, n)| {
        json!({"metric": plan.objective.metric.name, "difference": d.centre,
               "interval": [d.low(), d.high()], "seeds": n})
    });
    json!({
        "tune": t.file,
        "objective": {plan.objective.verb(): plan.objective.metric.name},
        "constraints": plan.constraints.iter().map(|c| c.text.clone()).collect::<Vec<_>>(),
        "stop": stop_key(r.stop),
        "decision_confidence": r.decision_confidence,
        "runs_used": r.runs_used(),
        "full_grid_runs": r.full_grid_runs(),
        "budget": plan.budget,
        "rounds": rounds,
        "seeds": r.seeds,
        "best": r.best.map(|b| candidate_json(t, r, b)),
        "runner_up": r.runner_up.map(|u| candidate_json(t, r, u)),
        "best_minus_runner_up": difference,
        "pareto_fronts": fronts,
        "candidates": (0..r.candidates.len()).map(|i| candidate_json(t, r, i)).collect::<Vec<_>>(),
    })
}
