//! Circuit breakers: one resource manager per routing priority, shared by every worker.
//!
//! Follows `source/common/upstream/resource_manager_impl.h` and `ResourceManagers::load` in
//! `source/common/upstream/upstream_impl.cc`: every check is `current < max` (so a limit
//! trips when `current >= max`), counters are plain increments and decrements, the `*_open`
//! gauges are 1 while `current >= max`, and `remaining_*` is `max - current` floored at 0.
//! A priority without a thresholds entry gets 1024/1024/1024/3; when several entries name the
//! same priority, the first one wins.

use crate::scenario::{RoutingPriority, Thresholds};

/// One limited resource (connections, pending requests, requests, retries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resource {
    max: u64,
    current: u64,
}

impl Resource {
    /// Nothing in use, at most `max` at once.
    pub fn new(max: u64) -> Self {
        Resource { max, current: 0 }
    }

    /// Envoy's `canCreate()`: `current < max`.
    pub fn can_create(&self) -> bool {
        self.current < self.max
    }

    /// One more in use (Envoy's `inc()`); callers check [`Resource::can_create`] first.
    pub fn inc(&mut self) {
        self.current += 1;
    }

    /// One fewer in use (Envoy's `dec()`).
    pub fn dec(&mut self) {
        debug_assert!(self.current > 0, "resource count below zero");
        self.current -= 1;
    }

    /// In use now.
    pub fn current(&self) -> u64 {
        self.current
    }

    /// The limit (`max_connections` and so on).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The `*_open` gauge.
    pub fn is_open(&self) -> bool {
        self.current >= self.max
    }

    /// The `remaining_*` gauge.
    pub fn remaining(&self) -> u64 {
        self.max.saturating_sub(self.current)
    }
}

/// `max_connections` when a priority has no thresholds entry.
pub const DEFAULT_MAX_CONNECTIONS: u64 = 1024;
/// `max_pending_requests` when a priority has no thresholds entry.
pub const DEFAULT_MAX_PENDING_REQUESTS: u64 = 1024;
/// `max_requests` when a priority has no thresholds entry.
pub const DEFAULT_MAX_REQUESTS: u64 = 1024;
/// `max_retries` when a priority has no thresholds entry.
pub const DEFAULT_MAX_RETRIES: u64 = 3;
/// `retry_budget.budget_percent` (%) when a budget sets only its other field.
pub const DEFAULT_BUDGET_PERCENT: f64 = 20.0;
/// `retry_budget.min_retry_concurrency` (requests) when a budget sets only its other field.
pub const DEFAULT_MIN_RETRY_CONCURRENCY: u64 = 3;

/// The limits of one priority.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceManager {
    /// Open connections (`max_connections`, checked when a pool creates one).
    pub connections: Resource,
    /// Requests waiting for a connection (`max_pending_requests`, checked when one queues).
    pub pending_requests: Resource,
    /// Requests on a stream (`max_requests`, checked when one attaches).
    pub requests: Resource,
    /// Retries decided and not yet finished (`max_retries`, unless a retry budget sets the limit).
    pub retries: Resource,
    /// Publish the `remaining_*` gauges (`track_remaining`).
    pub track_remaining: bool,
    /// `retry_budget`, when configured: (budget percent, min retry concurrency).
    pub retry_budget: Option<(f64, u64)>,
}

impl ResourceManager {
    /// The limits of one priority's thresholds entry, Envoy's defaults where it has none.
    pub fn from_thresholds(t: Option<&Thresholds>) -> Self {
        let limit = |v: Option<u32>, default: u64| v.map_or(default, u64::from);
        ResourceManager {
            connections: Resource::new(limit(
                t.and_then(|t| t.max_connections),
                DEFAULT_MAX_CONNECTIONS,
            )),
            pending_requests: Resource::new(limit(
                t.and_then(|t| t.max_pending_requests),
                DEFAULT_MAX_PENDING_REQUESTS,
            )),
            requests: Resource::new(limit(t.and_then(|t| t.max_requests), DEFAULT_MAX_REQUESTS)),
            retries: Resource::new(limit(t.and_then(|t| t.max_retries), DEFAULT_MAX_RETRIES)),
            track_remaining: t.is_some_and(|t| t.track_remaining),
            retry_budget: t.and_then(|t| t.retry_budget.as_ref()).and_then(|b| {
                // Envoy counts the budget only if one of its fields is set.
                (b.budget_percent.is_some() || b.min_retry_concurrency.is_some()).then(|| {
                    (
                        b.budget_percent.map_or(DEFAULT_BUDGET_PERCENT, |p| p.0),
                        b.min_retry_concurrency
                            .map_or(DEFAULT_MIN_RETRY_CONCURRENCY, u64::from),
                    )
                })
            }),
        }
    }

    /// Retries allowed at once now: `max_retries`, or with a budget
    /// `max(floor(percent / 100 * (active + pending)), min_retry_concurrency)`.
    pub fn max_retries_now(&self) -> u64 {
        match self.retry_budget {
            None => self.retries.max(),
            Some((percent, min)) => {
                let load = (self.requests.current() + self.pending_requests.current()) as f64;
                ((percent / 100.0 * load) as u64).max(min)
            }
        }
    }

    /// The retry breaker: `retries < max_retries_now`.
    pub fn can_create_retry(&self) -> bool {
        self.retries.current() < self.max_retries_now()
    }

    /// True when nothing is held.
    pub fn is_idle(&self) -> bool {
        self.connections.current() == 0
            && self.pending_requests.current() == 0
            && self.requests.current() == 0
            && self.retries.current() == 0
    }
}

/// The managers of both priorities, indexed by [`RoutingPriority::index`].
#[derive(Clone, Debug)]
pub struct ResourceManagers {
    by_priority: [ResourceManager; 2],
}

impl ResourceManagers {
    /// The managers for both priorities from the cluster's `circuit_breakers.thresholds`.
    pub fn from_thresholds(thresholds: &[Thresholds]) -> Self {
        let first = |p: RoutingPriority| thresholds.iter().find(|t| t.priority == p);
        ResourceManagers {
            by_priority: [
                ResourceManager::from_thresholds(first(RoutingPriority::Default)),
                ResourceManager::from_thresholds(first(RoutingPriority::High)),
            ],
        }
    }

    /// The manager of routing priority `p`.
    pub fn get(&self, p: RoutingPriority) -> &ResourceManager {
        &self.by_priority[p.index()]
    }

    /// The manager of routing priority `p`, to update.
    pub fn get_mut(&mut self, p: RoutingPriority) -> &mut ResourceManager {
        &mut self.by_priority[p.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_strictly_less_than() {
        // max 2: the first two creations pass, the third is refused with current == max.
        let mut r = Resource::new(2);
        assert!(r.can_create());
        r.inc();
        assert!(r.can_create());
        assert!(!r.is_open());
        r.inc();
        assert!(!r.can_create());
        assert!(r.is_open());
        assert_eq!(r.remaining(), 0);
        r.dec();
        assert!(r.can_create());
        assert_eq!(r.remaining(), 1);
    }

    #[test]
    fn a_zero_limit_refuses_everything() {
        let r = Resource::new(0);
        assert!(!r.can_create());
        assert!(r.is_open(), "0 >= 0: the breaker is open from the start");
    }

    #[test]
    fn counts_may_exceed_max_and_stay_open() {
        // Workers increment without compare-and-swap, and the no-connection rule creates
        // connections past the limit: remaining floors at 0 and the gauge stays open.
        let mut r = Resource::new(1);
        r.inc();
        r.inc();
        assert_eq!(r.current(), 2);
        assert_eq!(r.remaining(), 0);
        assert!(r.is_open());
    }

    #[test]
    fn envoy_defaults_apply_without_thresholds() {
        let m = ResourceManagers::from_thresholds(&[]);
        for p in [RoutingPriority::Default, RoutingPriority::High] {
            let rm = m.get(p);
            assert_eq!(rm.connections.max(), 1024);
            assert_eq!(rm.pending_requests.max(), 1024);
            assert_eq!(rm.requests.max(), 1024);
            assert_eq!(rm.retries.max(), 3);
            assert!(!rm.track_remaining);
        }
    }

    #[test]
    fn first_entry_per_priority_wins_and_unset_fields_default() {
        let t = |p, c| Thresholds {
            priority: p,
            max_connections: Some(c),
            ..Thresholds::default()
        };
        let m = ResourceManagers::from_thresholds(&[
            t(RoutingPriority::High, 7),
            t(RoutingPriority::Default, 20),
            t(RoutingPriority::Default, 99),
        ]);
        assert_eq!(m.get(RoutingPriority::Default).connections.max(), 20);
        assert_eq!(m.get(RoutingPriority::Default).pending_requests.max(), 1024);
        assert_eq!(m.get(RoutingPriority::High).connections.max(), 7);
    }

    /// A budget of 20% with 3 at least: 10 active + 5 pending allow max(floor(0.2 * 15), 3) =
    /// 3 retries; 40 active + 10 pending allow 10. `retry_budget = {}` keeps `max_retries`.
    #[test]
    fn retry_budget_replaces_max_retries_only_when_set() {
        let with = |budget: &str| {
            let t: Thresholds = toml::from_str(&format!("max_retries = 1\n{budget}")).unwrap();
            ResourceManager::from_thresholds(Some(&t))
        };
        let mut rm = with("retry_budget = { budget_percent = { value = 20.0 } }");
        for _ in 0..10 {
            rm.requests.inc();
        }
        for _ in 0..5 {
            rm.pending_requests.inc();
        }
        assert_eq!(rm.max_retries_now(), 3);
        for _ in 0..30 {
            rm.requests.inc();
        }
        for _ in 0..5 {
            rm.pending_requests.inc();
        }
        assert_eq!(rm.max_retries_now(), 10);
        let empty = with("retry_budget = {}");
        assert_eq!(empty.max_retries_now(), 1);
        assert!(empty.can_create_retry());
    }
}
