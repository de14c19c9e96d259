//! Ports of Envoy's `LeastRequestLoadBalancerTest` cases that go through the whole balancer
//! (`test/extensions/load_balancing_policies/least_request/least_request_lb_test.cc`): the
//! fixture's `NiceMock<MockRandomGenerator>` is a [`MockRandom`] (0 unless scripted), so the
//! balancer's `seed_` is 0; each pick draws the priority hash first, then the `N_CHOICES`
//! samples; the panic threshold is the fixture's 50 %. The pick-level cases (`PNC`,
//! `FULL_SCAN`) are in `least_request.rs`.

use super::*;
use crate::envoy::random::MockRandom;
use crate::envoy::version::NEWEST_ENVOY;

/// `lb_`: least request with the default two choices, built before any host is added.
fn lb(random: &MockRandom) -> LoadBalancer<MockRandom> {
    let least_request = LeastRequestPick {
        choice_count: DEFAULT_CHOICE_COUNT,
        method: crate::scenario::SelectionMethod::NChoices,
    };
    LoadBalancer::new(
        LbPolicy::LeastRequest,
        least_request,
        random.clone(),
        NEWEST_ENVOY,
    )
}

/// Healthy hosts of these weights, in priority 0.
fn healthy(weight: &[u32]) -> HostSets {
    HostSets::new(vec![0; weight.len()], weight.to_vec(), 50.0)
}

/// One `chooseHost` with these draws scripted, given each host's `rq_active`.
fn choose(
    lb: &mut LoadBalancer<MockRandom>,
    random: &MockRandom,
    sets: &HostSets,
    draws: &[u64],
    active: &[u64],
) -> Option<usize> {
    for &d in draws {
        random.will_once(d);
    }
    lb.choose(sets, |h| active[h]).host
}

/// Envoy: LeastRequestLoadBalancerTest.NoHosts
#[test]
fn least_request_load_balancer_test_no_hosts() {
    let random = MockRandom::default();
    let mut lb = lb(&random);
    assert_eq!(choose(&mut lb, &random, &healthy(&[]), &[], &[]), None);
}

/// Envoy: LeastRequestLoadBalancerTest.SingleHost (its weight-100 block changes no weight and
/// is the first block again): the one host is picked, after a refresh too; once it has left,
/// nothing is, with one draw (the priority hash).
#[test]
fn least_request_load_balancer_test_single_host() {
    let random = MockRandom::default();
    let mut lb = lb(&random);
    let mut sets = healthy(&[1]);
    assert_eq!(choose(&mut lb, &random, &sets, &[0, 2, 3], &[0]), Some(0));
    sets.rebuild(|_| true);
    lb.refresh_now(&sets, |_| 0);
    assert_eq!(choose(&mut lb, &random, &sets, &[0, 2, 3], &[0]), Some(0));

    sets.set_member(0, false);
    sets.rebuild(|_| true);
    let before = random.draws();
    assert_eq!(choose(&mut lb, &random, &sets, &[0], &[0]), None);
    assert_eq!(random.draws() - before, 1);
}

/// Envoy: LeastRequestLoadBalancerTest.Normal
/// Draws 0 (priority), 2 and 3: the samples are hosts 0 and 1; the one with fewer active
/// requests wins, either way round.
#[test]
fn least_request_load_balancer_test_normal() {
    let random = MockRandom::default();
    let mut lb = lb(&random);
    let sets = healthy(&[1, 1]);
    assert_eq!(
        choose(&mut lb, &random, &sets, &[0, 2, 3], &[1, 2]),
        Some(0)
    );
    assert_eq!(
        choose(&mut lb, &random, &sets, &[0, 2, 3], &[2, 1]),
        Some(1)
    );
}

/// Envoy: LeastRequestLoadBalancerTest.WeightImbalance
/// Weights 1 and 2, every draw 0: the EDF scheduler on `weight / (rq_active + 1)` picks 2:1 for
/// host 1; with host 1 at one active request, 1:1; with host 0 at one and host 1 at none, 4:1
/// (a picked host is re-added with its weight of the moment).
#[test]
fn least_request_load_balancer_test_weight_imbalance() {
    let random = MockRandom::default();
    let mut lb = lb(&random);
    let sets = healthy(&[1, 2]);
    let mut picks = |active: [u64; 2], n: usize| -> Vec<usize> {
        (0..n)
            .map(|_| lb.choose(&sets, |h| active[h]).host.expect("a host"))
            .collect()
    };
    assert_eq!(picks([0, 0], 6), [1, 0, 1, 1, 0, 1]);
    assert_eq!(picks([0, 1], 5), [1, 0, 1, 0, 1]);
    assert_eq!(picks([1, 0], 10), [0, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
}
