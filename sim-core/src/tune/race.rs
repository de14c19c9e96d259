//! The race: every candidate (grid point) runs on the same replication seeds; after each round
//! the candidates a constraint's interval shows infeasible, and those the paired interval shows
//! worse than the best feasible one, are dropped; the survivors run twice as many replications.

use super::judge::{Judgement, combine, judge_values, worse};
use super::spec::{Constraint, Objective, Schedule};
use crate::compare::paired::CONFIDENCE;
use crate::scenario::Scenario;
use crate::sweep::{Grid, JobKey, Metric, SweepRunFailed, replication_seed, run_keys};

/// What the race needs besides the grid: what to optimise, under which constraints, how many
/// replications per round, how many runs at most, and the seed.
#[derive(Clone, Debug)]
pub struct TunePlan {
    /// The metric optimised and the direction.
    pub objective: Objective,
    /// The constraints every candidate must meet.
    pub constraints: Vec<Constraint>,
    /// The metrics recorded: the objective's, then the constraints' (see `tune_metrics`).
    pub metrics: Vec<Metric>,
    /// Replications per round.
    pub schedule: Schedule,
    /// The most runs.
    pub budget: u64,
    /// The seed the replication seeds are drawn from.
    pub seed: u64,
}

impl TunePlan {
    /// Which recorded metric constraint `c` reads.
    pub fn metric_of(&self, c: usize) -> usize {
        let name = &self.constraints[c].metric.name;
        self.metrics
            .iter()
            .position(|m| &m.name == name)
            .expect("every constraint's metric is recorded")
    }

    /// The most interval decisions the race can make: per round, per candidate, one per
    /// constraint and one against the incumbent.
    pub fn decisions(&self, candidates: usize) -> u64 {
        let rounds = self.schedule.rounds().len() as u64;
        rounds * candidates as u64 * (self.constraints.len() as u64 + 1)
    }

    /// The two-sided confidence of each decision's interval: 95% shared by all of them
    /// (Bonferroni), so that with probability at least 95% every decision is right.
    pub fn decision_confidence(&self, candidates: usize) -> f64 {
        1.0 - (1.0 - CONFIDENCE) / self.decisions(candidates).max(1) as f64
    }
}

/// Why a candidate left the race.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Still running when the race ended.
    Survived,
    /// After round `round` (from 0), constraint `constraint`'s interval was wholly on the
    /// wrong side of its bound.
    Infeasible {
        /// The round after which it was dropped (from 0).
        round: usize,
        /// The constraint it failed.
        constraint: usize,
    },
    /// After round `round`, the paired interval against candidate `than` (feasible) showed it
    /// worse.
    Worse {
        /// The round after which it was dropped (from 0).
        round: usize,
        /// The incumbent it lost to.
        than: usize,
    },
}

/// One grid point's runs and fate.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Index of the grid point.
    pub point: usize,
    /// `values[m][r]`: metric `m` in replication `r` (the same seeds for every candidate).
    pub values: Vec<Vec<f64>>,
    /// Its last judgement on each constraint (at the decision confidence).
    pub judgements: Vec<Judgement>,
    /// Why it left, or that it survived.
    pub fate: Fate,
}

impl Candidate {
    /// Replications run.
    pub fn runs(&self) -> u64 {
        self.values.first().map_or(0, |v| v.len() as u64)
    }

    /// All its constraints' judgements together.
    pub fn feasibility(&self) -> Judgement {
        combine(&self.judgements)
    }
}

/// One round of the race.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// Replications each candidate in it had at its end.
    pub replications: u64,
    /// Candidates that ran in it.
    pub candidates: usize,
    /// Runs it took.
    pub runs: u64,
    /// Dropped after it as infeasible.
    pub infeasible: usize,
    /// Dropped after it as worse than the incumbent.
    pub worse: usize,
}

/// How the race ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// One candidate left, judged feasible.
    Decided,
    /// The last round of the schedule ran with more than one candidate left (or one whose
    /// feasibility is undecided).
    ScheduleEnd,
    /// The next round would have taken `needed` runs, more than the budget left.
    Budget {
        /// The runs the next round needed.
        needed: u64,
    },
    /// Every candidate was judged infeasible.
    NoFeasible,
}

/// The race's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct TuneResult {
    /// Every grid point, in grid order.
    pub candidates: Vec<Candidate>,
    /// The rounds run.
    pub rounds: Vec<Round>,
    /// How it ended.
    pub stop: Stop,
    /// The confidence of each decision (see `TunePlan::decision_confidence`).
    pub decision_confidence: f64,
    /// The seeds of the replications run, in order.
    pub seeds: Vec<u64>,
    /// The best candidate: the survivor judged feasible with the best mean (or, if none is
    /// judged feasible, the undecided survivor with the best mean).
    pub best: Option<usize>,
    /// The best of the others (see `best_of`), whatever their fate: feasible first.
    pub runner_up: Option<usize>,
}

impl TuneResult {
    /// Runs used in all.
    pub fn runs_used(&self) -> u64 {
        self.rounds.iter().map(|r| r.runs).sum()
    }

    /// Runs the whole grid would take at the replications of the last round run.
    pub fn full_grid_runs(&self) -> u64 {
        let reps = self.rounds.last().map_or(0, |r| r.replications);
        self.candidates.len() as u64 * reps
    }
}

/// The mean of the first `n` values.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Races the candidates of `grid` (`scenarios[i]` is point `i`'s) as `plan` says, each round's
/// runs on `threads` threads. `progress` is called after each run, from any thread. The result
/// depends on the plan, grid and scenarios alone, not on the threads: every round's runs are
/// fixed before it starts and their rows are gathered in order.
pub fn race(
    plan: &TunePlan,
    grid: &Grid,
    scenarios: &[Scenario],
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<TuneResult, SweepRunFailed> {
    let n = grid.points.len();
    let confidence = plan.decision_confidence(n);
    let mut candidates: Vec<Candidate> = (0..n)
        .map(|point| Candidate {
            point,
            values: vec![Vec::new(); plan.metrics.len()],
            judgements: vec![Judgement::Undecided; plan.constraints.len()],
            fate: Fate::Survived,
        })
        .collect();
    let mut rounds = Vec::new();
    let mut done = 0u64;
    let mut stop = Stop::ScheduleEnd;
    for (round, &reps) in plan.schedule.rounds().iter().enumerate() {
        let alive: Vec<usize> = (0..n)
            .filter(|&c| candidates[c].fate == Fate::Survived)
            .collect();
        let keys: Vec<JobKey> = alive
            .iter()
            .flat_map(|&c| {
                (candidates[c].runs()..reps).map(move |r| JobKey {
                    point: c,
                    replication: r,
                    seed: replication_seed(plan.seed, r),
                })
            })
            .collect();
        let needed = keys.len() as u64;
        if done + needed > plan.budget {
            stop = Stop::Budget { needed };
            break;
        }
        let rows = run_keys(grid, scenarios, &plan.metrics, &keys, threads, &|_, _| {
            progress()
        })?;
        for row in rows {
            for (m, v) in row.values.into_iter().enumerate() {
                candidates[row.point].values[m].push(v);
            }
        }
        done += needed;
        let (infeasible, worse) = judge_round(plan, &mut candidates, &alive, round, confidence);
        rounds.push(Round {
            replications: reps,
            candidates: alive.len(),
            runs: needed,
            infeasible,
            worse,
        });
        let left: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| c.fate == Fate::Survived)
            .collect();
        if left.is_empty() {
            stop = Stop::NoFeasible;
            break;
        }
        if left.len() == 1 && left[0].feasibility() == Judgement::Feasible {
            stop = Stop::Decided;
            break;
        }
    }
    let seeds_run = candidates.iter().map(Candidate::runs).max().unwrap_or(0);
    let best = best_of(plan, &candidates, None);
    let runner_up = best.and_then(|b| best_of(plan, &candidates, Some(b)));
    Ok(TuneResult {
        candidates,
        rounds,
        stop,
        decision_confidence: confidence,
        seeds: (0..seeds_run)
            .map(|r| replication_seed(plan.seed, r))
            .collect(),
        best,
        runner_up,
    })
}

/// Judges the candidates `alive` after round `round`: first their constraints, dropping the
/// infeasible; then, against the best feasible one by mean (the incumbent), drops those the
/// paired interval shows worse. Returns how many were dropped each way.
fn judge_round(
    plan: &TunePlan,
    candidates: &mut [Candidate],
    alive: &[usize],
    round: usize,
    confidence: f64,
) -> (usize, usize) {
    let mut infeasible = 0;
    for &c in alive {
        let judgements: Vec<Judgement> = (0..plan.constraints.len())
            .map(|k| {
                let values = &candidates[c].values[plan.metric_of(k)];
                judge_values(&plan.constraints[k], values, confidence)
            })
            .collect();
        if let Some(k) = judgements.iter().position(|j| *j == Judgement::Infeasible) {
            candidates[c].fate = Fate::Infeasible {
                round,
                constraint: k,
            };
            infeasible += 1;
        }
        candidates[c].judgements = judgements;
    }
    let feasible: Vec<usize> = alive
        .iter()
        .copied()
        .filter(|&c| {
            candidates[c].fate == Fate::Survived
                && candidates[c].feasibility() == Judgement::Feasible
        })
        .collect();
    let Some(incumbent) = best_mean(&plan.objective, candidates, &feasible) else {
        return (infeasible, 0);
    };
    let mut dropped = 0;
    for &c in alive {
        if c == incumbent || candidates[c].fate != Fate::Survived {
            continue;
        }
        if worse(
            &plan.objective,
            &candidates[c].values[0],
            &candidates[incumbent].values[0],
            confidence,
        ) {
            candidates[c].fate = Fate::Worse {
                round,
                than: incumbent,
            };
            dropped += 1;
        }
    }
    (infeasible, dropped)
}

/// The candidate of `among` with the best objective mean (the first in grid order on a tie).
fn best_mean(objective: &Objective, candidates: &[Candidate], among: &[usize]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for &c in among {
        let m = mean(&candidates[c].values[0]);
        if best.is_none_or(|b| objective.better(m, mean(&candidates[b].values[0]))) {
            best = Some(c);
        }
    }
    best
}

/// The best candidate (`except` None): of the survivors, the best mean among those judged
/// feasible, else among those undecided. The runner-up (`except` the best): of every other
/// candidate, whatever its fate, the best mean among those judged feasible, else among those
/// undecided.
fn best_of(plan: &TunePlan, candidates: &[Candidate], except: Option<usize>) -> Option<usize> {
    let pick = |judged: Judgement| {
        let among: Vec<usize> = (0..candidates.len())
            .filter(|&c| {
                let cand = &candidates[c];
                Some(c) != except
                    && (except.is_some() || cand.fate == Fate::Survived)
                    && !matches!(cand.fate, Fate::Infeasible { .. })
                    && cand.feasibility() == judged
            })
            .collect();
        best_mean(&plan.objective, candidates, &among)
    };
    pick(Judgement::Feasible).or_else(|| pick(Judgement::Undecided))
}
