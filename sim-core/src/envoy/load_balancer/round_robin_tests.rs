//! Ports of Envoy's `RoundRobinLoadBalancerTest` and `FailoverTest` cases on a fixed host set
//! (`test/extensions/load_balancing_policies/round_robin/round_robin_lb_test.cc`): the fixture's
//! `NiceMock<MockRandomGenerator>` is a [`MockRandom`] (0 unless scripted, so `seed_` is 0 and
//! every priority hash 0); the panic threshold is the default 50 %. The cases that change the
//! host set are in `membership_tests.rs`.

use super::*;
use crate::envoy::random::MockRandom;
use crate::envoy::version::NEWEST_ENVOY;

fn lb(random: &MockRandom) -> LoadBalancer<MockRandom> {
    let least_request = LeastRequestPick {
        choice_count: DEFAULT_CHOICE_COUNT,
        method: crate::scenario::SelectionMethod::NChoices,
    };
    LoadBalancer::new(
        LbPolicy::RoundRobin,
        least_request,
        random.clone(),
        NEWEST_ENVOY,
    )
}

/// Hosts of weight 1 in these priorities, those `healthy` says healthy.
fn sets(priority_of: &[usize], healthy: impl Fn(usize) -> bool) -> HostSets {
    let n = priority_of.len();
    let mut s = HostSets::new(priority_of.to_vec(), vec![1; n], 50.0);
    s.rebuild(healthy);
    s
}

fn picks(lb: &mut LoadBalancer<MockRandom>, sets: &HostSets, n: usize) -> Vec<Option<usize>> {
    (0..n).map(|_| lb.choose(sets, |_| 0).host).collect()
}

/// Envoy: FailoverTest.BasicFailover
/// Priority 0's only host is unhealthy, priority 1's is healthy: priority 1 takes the load.
#[test]
fn failover_test_basic_failover() {
    let random = MockRandom::default();
    let s = sets(&[0, 1], |h| h == 1);
    assert_eq!(picks(&mut lb(&random), &s, 1), [Some(1)]);
}

/// Envoy: FailoverTest.PrioritiesWithNotAllWarmedHosts
/// Priority 0 has 1 of 2 hosts healthy (50 % x 1.4 = 70 % of the load), priority 1 one
/// healthy host: the hash 0 stays in priority 0, on its healthy host.
#[test]
fn failover_test_priorities_with_not_all_warmed_hosts() {
    let random = MockRandom::default();
    let s = sets(&[0, 0, 1], |h| h != 1);
    assert_eq!(picks(&mut lb(&random), &s, 3), [Some(0); 3]);
}

/// Envoy: FailoverTest.PrioritiesWithZeroWarmedHosts
/// Priority 0's two hosts are unhealthy (load 0), priority 1's host takes everything.
#[test]
fn failover_test_priorities_with_zero_warmed_hosts() {
    let random = MockRandom::default();
    let s = sets(&[0, 0, 1], |h| h == 2);
    assert_eq!(picks(&mut lb(&random), &s, 3), [Some(2); 3]);
}

/// Envoy: RoundRobinLoadBalancerTest.NoHosts
#[test]
fn round_robin_load_balancer_test_no_hosts() {
    let random = MockRandom::default();
    assert_eq!(picks(&mut lb(&random), &sets(&[], |_| true), 1), [None]);
}

/// Envoy: RoundRobinLoadBalancerTest.SingleHost
#[test]
fn round_robin_load_balancer_test_single_host() {
    let random = MockRandom::default();
    assert_eq!(picks(&mut lb(&random), &sets(&[0], |_| true), 1), [Some(0)]);
}

/// Envoy: RoundRobinLoadBalancerTest.Seed
/// Every draw 1, so `seed_` is 1: three hosts are picked from index 1 on: 1, 2, 0, 1.
#[test]
fn round_robin_load_balancer_test_seed() {
    let random = MockRandom::default();
    for _ in 0..5 {
        random.will_once(1);
    }
    let s = sets(&[0, 0, 0], |_| true);
    let got = picks(&mut lb(&random), &s, 4);
    assert_eq!(got, [Some(1), Some(2), Some(0), Some(1)]);
}
