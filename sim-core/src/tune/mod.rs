//! Tuning: the settings of a sweep's grid that optimise one metric under constraints on
//! others, found by racing the candidates on common random numbers (`race.rs`): intervals,
//! not point estimates, decide which are dropped (`judge.rs`); the Pareto front of the
//! objective against each constraint's metric (`pareto.rs`); the tune file (`spec.rs`).

mod judge;
mod pareto;
mod race;
mod spec;

pub use judge::{Judgement, combine, judge, judge_values, worse};
pub use pareto::front;
pub use race::{Candidate, Fate, Round, Stop, TunePlan, TuneResult, mean, race};
pub use spec::{
    Constraint, Objective, ObjectiveSpec, Op, Schedule, TuneSpec, parse_tune, tune_metrics,
};
