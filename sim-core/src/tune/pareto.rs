//! The Pareto front of the objective against one constraint's metric: the candidates no other
//! candidate beats on both (better or equal on each, better on one), by their means.

/// Indices of the points on the front, in order of `x`. A point is `(x, y)`: `x` the constraint
/// metric's mean (`x_lower_better` when the constraint is an upper bound), `y` the objective's
/// (`y_higher_better` when maximising). Points with a NaN are never on it.
pub fn front(points: &[(f64, f64)], x_lower_better: bool, y_higher_better: bool) -> Vec<usize> {
    let x_key = |x: f64| if x_lower_better { x } else { -x };
    let y_key = |y: f64| if y_higher_better { -y } else { y };
    // Both keys lower-is-better.
    let keyed: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x_key(x), y_key(y))).collect();
    let dominated = |i: usize| {
        let (xi, yi) = keyed[i];
        keyed
            .iter()
            .any(|&(xj, yj)| xj <= xi && yj <= yi && (xj < xi || yj < yi))
    };
    let mut on: Vec<usize> = (0..points.len())
        .filter(|&i| !keyed[i].0.is_nan() && !keyed[i].1.is_nan() && !dominated(i))
        .collect();
    on.sort_by(|&a, &b| points[a].0.total_cmp(&points[b].0).then(a.cmp(&b)));
    on
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Availability (higher better) against p99 (lower better): (10, 0.9) and (20, 0.95) and
    /// (30, 0.99) trade off; (25, 0.94) is beaten by (20, 0.95) on both; (30, 0.97) by (30,
    /// 0.99) on one with the other equal.
    #[test]
    fn the_front_keeps_the_undominated() {
        let points = [
            (30.0, 0.99),
            (25.0, 0.94),
            (10.0, 0.9),
            (20.0, 0.95),
            (30.0, 0.97),
            (f64::NAN, 1.0),
        ];
        assert_eq!(front(&points, true, true), vec![2, 3, 0]);
        // A lower bound on x and minimising y turn the preferences round: (30, 0.97) now beats
        // (30, 0.99), and (25, 0.94) beats (20, 0.95).
        assert_eq!(front(&points, false, false), vec![2, 1, 4]);
    }

    #[test]
    fn equal_points_are_both_on_the_front() {
        assert_eq!(front(&[(1.0, 1.0), (1.0, 1.0)], true, true), vec![0, 1]);
    }
}
