//! The race's two judgements, each on an interval: a constraint is met, failed or undecided
//! (the interval of the candidate's mean against the bound), and a candidate is worse than
//! the incumbent or not (the paired interval of their difference on the same seeds).

use super::spec::{Constraint, Objective};
use crate::compare::paired::{self, Interval};

/// What the interval of a constraint's metric says about the constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// The whole interval meets the bound.
    Feasible,
    /// The whole interval fails it.
    Infeasible,
    /// The interval straddles the bound: more runs are needed.
    Undecided,
}

/// Judges `c` on the interval `i` of its metric's mean: feasible when every value in it meets
/// the bound (for `<`: its upper end is below the bound), infeasible when none does (its lower
/// end is at or above it), undecided otherwise.
pub fn judge(c: &Constraint, i: Interval) -> Judgement {
    let (worst, best) = if c.op.upper_bound() {
        (i.high(), i.low())
    } else {
        (i.low(), i.high())
    };
    if c.op.holds(worst, c.bound) {
        Judgement::Feasible
    } else if !c.op.holds(best, c.bound) {
        Judgement::Infeasible
    } else {
        Judgement::Undecided
    }
}

/// A candidate's judgement on all its constraints: infeasible if any is, feasible if all are.
pub fn combine(judgements: &[Judgement]) -> Judgement {
    if judgements.contains(&Judgement::Infeasible) {
        Judgement::Infeasible
    } else if judgements.iter().all(|j| *j == Judgement::Feasible) {
        Judgement::Feasible
    } else {
        Judgement::Undecided
    }
}

/// Judges constraint `c` on the values of its metric at two-sided `confidence`.
pub fn judge_values(c: &Constraint, values: &[f64], confidence: f64) -> Judgement {
    judge(c, paired::mean_interval(values, confidence))
}

/// Whether `candidate` is shown worse than `incumbent` on the objective: the paired
/// `confidence` interval of candidate − incumbent (the same seeds, in order) lies wholly on the
/// wrong side of 0 (below it when maximising).
pub fn worse(objective: &Objective, candidate: &[f64], incumbent: &[f64], confidence: f64) -> bool {
    let d = paired::compare_at(incumbent, candidate, confidence).difference;
    if objective.maximize {
        d.high() < 0.0
    } else {
        d.low() > 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::Metric;

    fn constraint(text: &str) -> Constraint {
        Constraint::parse(text).unwrap()
    }

    /// Worked by hand: values 180, 190, 200, 210: mean 195, sample sd √(500/3) = 12.910, SE
    /// 6.455; t(0.975, 3) = 3.182446, half-width 20.542: the 95% interval is [174.46, 215.54].
    /// Against `< 220` it is wholly below (feasible); against `< 170` wholly above (infeasible);
    /// against `< 200` it straddles (undecided).
    #[test]
    fn a_constraint_is_met_failed_or_undecided_by_its_interval() {
        let values = [180.0, 190.0, 200.0, 210.0];
        let i = paired::mean_interval(&values, 0.95);
        assert!((i.centre - 195.0).abs() < 1e-12);
        assert!((i.half_width - 3.182_446 * (500.0f64 / 3.0).sqrt() / 2.0).abs() < 1e-5);
        assert!((i.low() - 174.458).abs() < 1e-3 && (i.high() - 215.542).abs() < 1e-3);
        let j = |t: &str| judge_values(&constraint(t), &values, 0.95);
        assert_eq!(j("latency.p99 < 220"), Judgement::Feasible);
        assert_eq!(j("latency.p99 < 170"), Judgement::Infeasible);
        assert_eq!(j("latency.p99 < 200"), Judgement::Undecided);
        // The lower-bound forms mirror it.
        assert_eq!(j("latency.p99 > 170"), Judgement::Feasible);
        assert_eq!(j("latency.p99 >= 220"), Judgement::Infeasible);
        assert_eq!(j("latency.p99 > 200"), Judgement::Undecided);
    }

    /// With no spread the interval is the mean alone: the judgement is exact, and a mean on
    /// the bound meets `<=` but not `<`.
    #[test]
    fn without_spread_the_judgement_is_exact() {
        let values = [0.01, 0.01, 0.01];
        let j = |t: &str| judge_values(&constraint(t), &values, 0.95);
        assert_eq!(j("ejected_fraction < 1%"), Judgement::Infeasible);
        assert_eq!(j("ejected_fraction <= 1%"), Judgement::Feasible);
        assert_eq!(j("ejected_fraction < 2%"), Judgement::Feasible);
    }

    #[test]
    fn a_candidate_is_as_bad_as_its_worst_constraint() {
        use Judgement::*;
        assert_eq!(combine(&[Feasible, Undecided]), Undecided);
        assert_eq!(combine(&[Undecided, Infeasible]), Infeasible);
        assert_eq!(combine(&[Feasible, Feasible]), Feasible);
        assert_eq!(combine(&[]), Feasible);
    }

    /// Worked by hand: incumbent 10, 20, 30, candidate lower by 1, 2, 3: candidate −
    /// incumbent has mean −2, SE 1/√3, 95% half-width 2.484 (t(0.975, 2) = 4.303): [−4.48,
    /// +0.48] holds 0, not shown worse; lower by 2, 2.1, 1.9 (SE 0.0577, half-width 0.248) it
    /// is. Minimising, the same candidate is better, never worse.
    #[test]
    fn worse_means_the_paired_interval_is_wholly_on_the_wrong_side() {
        let max = Objective {
            metric: Metric::parse("availability").unwrap(),
            maximize: true,
        };
        let min = Objective {
            maximize: false,
            ..max.clone()
        };
        let incumbent = [10.0, 20.0, 30.0];
        assert!(!worse(&max, &[9.0, 18.0, 27.0], &incumbent, 0.95));
        assert!(worse(&max, &[8.0, 17.9, 28.1], &incumbent, 0.95));
        assert!(!worse(&min, &[8.0, 17.9, 28.1], &incumbent, 0.95));
        assert!(worse(&min, &[12.0, 22.1, 31.9], &incumbent, 0.95));
        assert!(!worse(&max, &incumbent, &incumbent, 0.95));
    }
}
