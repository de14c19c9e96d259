//! Circuit breakers: one resource manager per routing priority, shared by every worker.
//!
//! Follows `source/common/upstream/resource_manager_impl.h` and `ResourceManagers::load` in
//! `source/common/upstream/upstream_impl.cc`: every check is `current < max` (so a limit
//! trips when `current >= max`), counters are plain increments and decrements, the `*_open`
//! gauges are set by each `inc()`/`dec()` to `current >= max` (`ManagedResourceImpl`: they stay
//! 0 until the first change, even for a limit of 0), and `remaining_*` is `max - current`
//! floored at 0. With a retry budget (`RetryBudgetImpl`) the retry counter is still the nested
//! `max_retries` resource: `rq_retry_open` keeps comparing it with `max_retries`, not with the
//! budget, and `remaining_retries` is `max_retries` until the budget is first consulted or
//! changed, then 0 for good (`clearRemainingGauge`).
//! A priority without a thresholds entry gets 1024/1024/1024/3; when several entries name the
//! same priority, the first one wins.

use super::version::{Behaviour, EnvoyVersion, NEWEST_ENVOY};
use crate::scenario::{RoutingPriority, Thresholds};

/// One limited resource (connections, pending requests, requests, retries): Envoy's
/// `ManagedResourceImpl` with its open gauge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resource {
    max: u64,
    current: u64,
    /// The `*_open` gauge as last set; the constructor leaves it at 0.
    open: bool,
}

impl Resource {
    /// Nothing in use, at most `max` at once, the open gauge at 0.
    pub fn new(max: u64) -> Self {
        Resource {
            max,
            current: 0,
            open: false,
        }
    }

    /// Envoy's `canCreate()`: `current < max`.
    pub fn can_create(&self) -> bool {
        self.current < self.max
    }

    /// One more in use (Envoy's `inc()`, which then sets the open gauge); callers check
    /// [`Resource::can_create`] first.
    pub fn inc(&mut self) {
        self.current += 1;
        self.open = !self.can_create();
    }

    /// One fewer in use (Envoy's `decBy(1)`, which then sets the open gauge).
    pub fn dec(&mut self) {
        debug_assert!(self.current > 0, "resource count below zero");
        self.current -= 1;
        self.open = !self.can_create();
    }

    /// In use now.
    pub fn current(&self) -> u64 {
        self.current
    }

    /// The limit (`max_connections` and so on).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The `*_open` gauge: `current >= max` as of the last `inc()` or `dec()`, 0 before any.
    pub fn is_open(&self) -> bool {
        self.open
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
    /// With a budget: it has been consulted or changed, so `remaining_retries` was set to 0
    /// (`RetryBudgetImpl::clearRemainingGauge`).
    remaining_retries_cleared: bool,
}

impl ResourceManager {
    /// The limits of one priority's thresholds entry, Envoy's defaults where it has none, as the
    /// newest Envoy reads them.
    pub fn from_thresholds(t: Option<&Thresholds>) -> Self {
        Self::for_version(t, NEWEST_ENVOY)
    }

    /// The limits of one priority's thresholds entry as Envoy `version` reads them. A
    /// `retry_budget` replaces `max_retries` when it is present (Envoy 1.18 on,
    /// `ClusterInfoImpl::getRetryBudgetParams` in `source/common/upstream/upstream_impl.cc` fills
    /// in 20% and 3 for what it leaves out, [`Behaviour::RetryBudgetMessageTurnsItOn`]); before,
    /// only when one of its fields is set.
    pub fn for_version(t: Option<&Thresholds>, version: EnvoyVersion) -> Self {
        let message_turns_it_on = version.has(Behaviour::RetryBudgetMessageTurnsItOn);
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
                let a_field_set = b.budget_percent.is_some() || b.min_retry_concurrency.is_some();
                (message_turns_it_on || a_field_set).then(|| {
                    (
                        b.budget_percent.map_or(DEFAULT_BUDGET_PERCENT, |p| p.0),
                        b.min_retry_concurrency
                            .map_or(DEFAULT_MIN_RETRY_CONCURRENCY, u64::from),
                    )
                })
            }),
            remaining_retries_cleared: false,
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

    /// The retry breaker (`RetryBudgetImpl::canCreate`): without a budget the `max_retries`
    /// resource's `current < max`; with one `retries < max_retries_now`, clearing
    /// `remaining_retries`.
    pub fn can_create_retry(&mut self) -> bool {
        if self.retry_budget.is_none() {
            return self.retries.can_create();
        }
        self.remaining_retries_cleared = true;
        self.retries.current() < self.max_retries_now()
    }

    /// A retry slot taken (`RetryBudgetImpl::inc`: the nested `max_retries` resource's `inc`,
    /// which sets `rq_retry_open` against `max_retries`, then `clearRemainingGauge`).
    pub fn inc_retry(&mut self) {
        self.retries.inc();
        self.remaining_retries_cleared |= self.retry_budget.is_some();
    }

    /// A retry slot given back (`RetryBudgetImpl::dec`, likewise).
    pub fn dec_retry(&mut self) {
        self.retries.dec();
        self.remaining_retries_cleared |= self.retry_budget.is_some();
    }

    /// The `remaining_retries` gauge: `max_retries - retries` without a budget; with one
    /// `max_retries` as the constructor set it (`ManagedResourceImpl`: `remaining_.set(max)`)
    /// until the budget is first consulted or changed, then 0.
    pub fn remaining_retries(&self) -> u64 {
        match self.retry_budget {
            None => self.retries.remaining(),
            Some(_) if self.remaining_retries_cleared => 0,
            Some(_) => self.retries.max(),
        }
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
        Self::for_version(thresholds, NEWEST_ENVOY)
    }

    /// As [`Self::from_thresholds`], read as Envoy `version` reads them.
    pub fn for_version(thresholds: &[Thresholds], version: EnvoyVersion) -> Self {
        let first = |p: RoutingPriority| thresholds.iter().find(|t| t.priority == p);
        ResourceManagers {
            by_priority: [
                ResourceManager::for_version(first(RoutingPriority::Default), version),
                ResourceManager::for_version(first(RoutingPriority::High), version),
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

    /// `ManagedResourceImpl` sets its open gauge only in `inc()` and `decBy()`; its constructor
    /// sets `remaining_` to `max` and leaves the open gauge at 0. A limit of 0 refuses every
    /// creation, so nothing is ever incremented and the gauge stays 0; a forced `inc()` (the
    /// "no connection at all" rule) sets it.
    #[test]
    fn a_zero_limit_refuses_everything() {
        let mut r = Resource::new(0);
        assert!(!r.can_create());
        assert!(!r.is_open(), "not set until the first inc() or dec()");
        r.inc();
        assert!(r.is_open());
        r.dec();
        assert!(r.is_open(), "0 >= 0 after the dec() too");
    }

    fn manager(t: &str) -> ResourceManager {
        let t: Thresholds = toml::from_str(t).unwrap();
        ResourceManager::from_thresholds(Some(&t))
    }

    /// Port of ResourceManagerImplTest.RemainingResourceGauges
    /// (test/common/upstream/resource_manager_impl_test.cc): limits 1, 2, 1 and 0 retries;
    /// `remaining_*` follows every inc and dec and never goes below 0.
    #[test]
    fn remaining_resource_gauges() {
        let mut rm = manager(
            "max_connections = 1\nmax_pending_requests = 2\nmax_requests = 1\nmax_retries = 0",
        );
        assert_eq!(rm.connections.max(), 1);
        assert_eq!(rm.connections.remaining(), 1);
        assert_eq!(rm.connections.current(), 0);
        rm.connections.inc();
        assert_eq!(rm.connections.current(), 1);
        assert_eq!(rm.connections.remaining(), 0);
        rm.connections.dec();
        assert_eq!(rm.connections.remaining(), 1);

        assert_eq!(rm.pending_requests.max(), 2);
        assert_eq!(rm.pending_requests.remaining(), 2);
        rm.pending_requests.inc();
        assert_eq!(rm.pending_requests.current(), 1);
        assert_eq!(rm.pending_requests.remaining(), 1);
        rm.pending_requests.inc();
        assert_eq!(rm.pending_requests.remaining(), 0);
        rm.pending_requests.dec();
        assert_eq!(rm.pending_requests.remaining(), 1);
        rm.pending_requests.dec();
        assert_eq!(rm.pending_requests.remaining(), 2);

        assert_eq!(rm.requests.max(), 1);
        assert_eq!(rm.requests.remaining(), 1);
        rm.requests.inc();
        assert_eq!(rm.requests.remaining(), 0);
        rm.requests.dec();
        assert_eq!(rm.requests.remaining(), 1);

        // More retries than the configured max: remaining stays at 0.
        assert_eq!(rm.max_retries_now(), 0);
        assert_eq!(rm.remaining_retries(), 0);
        assert_eq!(rm.retries.current(), 0);
        rm.inc_retry();
        assert_eq!(rm.retries.current(), 1);
        assert_eq!(rm.remaining_retries(), 0);
        rm.dec_retry();
    }

    /// Port of ResourceManagerImplTest.RetryBudgetOverrideGauge: a budget of 20%, at least 5,
    /// over `max_retries` 0 allows 5 retries with nothing active, and `remaining_retries` is 0
    /// before and after a retry is taken. Added, from `ManagedResourceImpl::inc`: the
    /// `rq_retry_open` gauge compares the retries held with `max_retries` (0), not the budget.
    #[test]
    fn retry_budget_override_gauge() {
        let mut rm = manager(
            "max_connections = 1\nmax_pending_requests = 2\nmax_requests = 1\nmax_retries = 0\n\
             retry_budget = { budget_percent = { value = 20.0 }, min_retry_concurrency = 5 }",
        );
        assert_eq!(rm.max_retries_now(), 5);
        assert_eq!(rm.remaining_retries(), 0);
        assert_eq!(rm.retries.current(), 0);
        rm.inc_retry();
        assert_eq!(rm.retries.current(), 1);
        assert_eq!(rm.remaining_retries(), 0);
        assert!(rm.can_create_retry(), "1 < max(floor(0.2 x 0), 5)");
        assert!(rm.retries.is_open(), "1 >= max_retries 0");
        rm.dec_retry();
    }

    /// Worked from `resource_manager_impl.h`: with a budget (20%, at least 3) and the default
    /// `max_retries` 3, the constructor's `remaining_.set(max)` shows 3 until the budget is
    /// first consulted (`canCreate` → `clearRemainingGauge`), then 0. With 40 requests active
    /// the budget allows floor(0.2 x 40) = 8 retries; the third retry held sets `rq_retry_open`
    /// to 1 (3 >= max_retries 3) although the budget still allows more; a retry given back
    /// sets it to 0 again.
    #[test]
    fn with_a_budget_the_gauges_follow_max_retries() {
        let mut rm = manager("retry_budget = { budget_percent = { value = 20.0 } }");
        assert_eq!(rm.remaining_retries(), 3);
        for _ in 0..40 {
            rm.requests.inc();
        }
        assert_eq!(rm.max_retries_now(), 8);
        for held in 1..=3 {
            assert!(rm.can_create_retry());
            rm.inc_retry();
            assert_eq!(rm.retries.is_open(), held >= 3, "{held} held");
        }
        assert_eq!(rm.remaining_retries(), 0, "cleared by the first canCreate");
        assert!(
            rm.can_create_retry(),
            "3 < 8: the budget still allows retries"
        );
        rm.dec_retry();
        assert!(!rm.retries.is_open());
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
    /// 3 retries; 40 active + 10 pending allow 10. `retry_budget = {}` turns the budget on at 20%
    /// and 3 (`getRetryBudgetParams`, Envoy 1.18 on): with nothing active, 3 retries, not
    /// `max_retries`' 1; Envoy 1.17 kept `max_retries` for it.
    #[test]
    fn retry_budget_replaces_max_retries_when_present() {
        let with_for = |budget: &str, version| {
            let t: Thresholds = toml::from_str(&format!("max_retries = 1\n{budget}")).unwrap();
            ResourceManager::for_version(Some(&t), version)
        };
        let with = |budget: &str| with_for(budget, NEWEST_ENVOY);
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
        assert_eq!(empty.max_retries_now(), 3);
        let mut old = with_for("retry_budget = {}", EnvoyVersion(17));
        assert_eq!(old.max_retries_now(), 1);
        assert!(old.can_create_retry());
    }
}
