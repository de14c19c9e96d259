//! Mesh mode (`[[proxies]]`) end to end, with figures worked out by hand from Envoy's source:
//! each sidecar decides alone, with its own breaker counts and its own outlier detector seeing
//! only its share of the traffic. The networks have zero latency so that every time below is
//! the clients' schedule and the hosts' service times alone.

use sim_core::envoy::outlier::{EjectionType, OutlierAction};
use sim_core::scenario::{ProxyGroup, load_scenario};
use sim_core::sim::RunResult;
use sim_core::time::SimTime;

use crate::common::{load, run, run_text};

const MS: u64 = 1_000_000;

const ZERO_NETWORK: &str = r#"
[network.upstream]
latency = "0s"
connect_time = "0s"
[network.downstream]
latency = "0s"
connect_time = "0s"
"#;

/// The first enforced ejection each pod logged, in fleet order.
fn first_ejections(r: &RunResult) -> Vec<Option<SimTime>> {
    let m = r.mesh.as_ref().expect("a mesh run");
    let mut out = vec![None; m.envoys.len()];
    for (ev, &e) in r.outlier_events.iter().zip(&m.event_envoys) {
        if ev.enforced && ev.action == OutlierAction::Eject && out[e as usize].is_none() {
            out[e as usize] = Some(ev.time);
        }
    }
    out
}

/// Success rate: 5 hosts (Envoy's `success_rate_minimum_hosts` default), `bad-0` failing half
/// its requests, an open-loop client at a constant 400 requests/s spread round robin over `n`
/// sidecars of one worker each, each balancing round robin: every sidecar sends each host
/// exactly `400 / (5 n)` requests a second, `800 / n` per 10 s interval. Consecutive-5xx
/// ejection is off (`enforcing_consecutive_5xx = 0`).
fn success_rate_fleet(n: u32) -> String {
    format!(
        r#"
duration = "60s"
[envoy]
concurrency = 1
outlier_timer_phase = "5s"
[cluster]
name = "c"
lb_policy = "ROUND_ROBIN"
[cluster.outlier_detection]
interval = "10s"
enforcing_consecutive_5xx = 0
max_ejection_percent = 100
{ZERO_NETWORK}
[[proxies]]
name = "frontend"
replicas = {n}
[[clients]]
kind = "open_loop"
rate = 400.0
arrivals = "constant"
split = "round_robin"
[[backends]]
name = "bad"
service_time = "1ms"
error_probability = 0.5
error_status = 500
[[backends]]
name = "good"
replicas = 4
service_time = "1ms"
"#
    )
}

/// `DetectorImpl::processSuccessRateEjections` (`source/common/upstream/outlier_detection_impl.cc`)
/// takes a host into the success-rate statistics only if its `SuccessRateAccumulator::
/// getSuccessRate(success_rate_request_volume)` has a value, that is if the host had at least
/// `request_volume` (default 100) requests in the interval, and ejects nothing unless at least
/// `success_rate_minimum_hosts` (5) hosts do.
///
/// One sidecar: by the first tick at 5 s it has had 2,000 answers (every request is answered
/// 1 ms after it left), 400 per host, over 100. With rates 100, 100, 100, 100 and s < 100 for `bad-0`, the mean is
/// (400 + s) / 5 and the population standard deviation 0.4 (100 - s), so the threshold
/// `mean - 1.9 stdev` is 4 + 0.96 s, above s for any s < 100: `bad-0` is ejected at 5 s
/// (Envoy's `OutlierDetectorImplTest.BasicFlowSuccessRateExternalOrigin` has the case
/// s = 50: mean 90, threshold 52).
///
/// Ten sidecars: each sees 40 requests per host by 5 s and 80 per interval after, under 100:
/// no sidecar ever ejects, though the fleet as a whole sends the bad host 800 per interval.
#[test]
fn sidecars_each_under_request_volume_never_eject_by_success_rate() {
    let one = run_text(&success_rate_fleet(1));
    let enforced = |r: &RunResult| {
        r.outlier_events
            .iter()
            .filter(|e| e.enforced && e.action == OutlierAction::Eject)
            .count()
    };
    // Consecutive-5xx detections are logged, not enforced; the first enforced is by rate.
    let eject = one
        .outlier_events
        .iter()
        .find(|e| e.enforced)
        .expect("an ejection");
    assert_eq!(eject.time, SimTime(5_000 * MS));
    assert_eq!(eject.ejection_type, Some(EjectionType::SuccessRate));
    assert_eq!(one.hosts[eject.host].name, "bad-0");

    let ten = run_text(&success_rate_fleet(10));
    let m = ten.mesh.as_ref().expect("a mesh run");
    assert_eq!(m.envoys.len(), 10);
    assert_eq!(enforced(&ten), 0, "{:?}", ten.outlier_events);
    assert_eq!(
        ten.stat("outlier_detection.ejections_detected_success_rate"),
        0
    );
    // Each sidecar had 60 s x 40 requests/s, 2,400 requests, 480 per host.
    for e in &m.envoys {
        assert_eq!(e.client.received, 2_400, "{}", e.pod);
    }
    assert_eq!(ten.client.received, 24_000);
}

/// `n` sidecars of one worker, each with `max_connections = 3`, in front of one host serving
/// 100 ms per request; ten closed-loop workers per pod send one request each at 0 s.
fn max_connections_fleet(n: u32) -> String {
    let workers = 10 * n;
    format!(
        r#"
[envoy]
concurrency = 1
[cluster]
name = "c"
[[cluster.circuit_breakers.thresholds]]
max_connections = 3
{ZERO_NETWORK}
[[proxies]]
name = "frontend"
replicas = {n}
[[clients]]
kind = "closed_loop"
workers = {workers}
requests_per_worker = 1
[[backends]]
name = "b"
service_time = "100ms"
"#
    )
}

/// `ConnPoolImplBase::tryCreateNewConnection` (`source/common/conn_pool/conn_pool_base.cc`)
/// creates a connection for a new stream only while the cluster's connections breaker
/// (`ResourceManagerImpl`, one per cluster per Envoy) has room, else counts
/// `upstream_cx_overflow` and leaves the stream pending (except that a pool with no
/// connection at all always gets one, which with one worker and one host it already has).
/// Each sidecar's ten requests at 0 s open 3 connections and queue 7; the host holds every
/// request 100 ms, so all 3 n connections are open at once: the host sees n x 3.
#[test]
fn total_connections_to_one_backend_reach_sidecars_times_max_connections() {
    for n in [1, 5, 30] {
        let r = run_text(&max_connections_fleet(n));
        let m = r.mesh.as_ref().expect("a mesh run");
        assert_eq!(r.peaks.upstream_cx_active, 3 * u64::from(n), "{n} sidecars");
        assert_eq!(r.stat("upstream_cx_total"), 3 * u64::from(n));
        for e in &m.envoys {
            assert_eq!(e.peaks.upstream_cx_active, 3, "{}", e.pod);
            assert_eq!(e.stat("upstream_cx_total"), 3, "{}", e.pod);
            assert!(e.stat("upstream_cx_overflow") > 0, "{}", e.pod);
            assert_eq!(e.client.count(200), 10, "{}", e.pod);
        }
    }
}

/// One host answering 500 to every request in 1 ms; an open-loop client at a constant 100
/// requests/s (request k at 10 k ms) spread round robin over `n` sidecars; consecutive_5xx 5.
pub(crate) fn consecutive_fleet(n: u32) -> String {
    format!(
        r#"
duration = "3s"
[envoy]
concurrency = 1
[cluster]
name = "c"
[cluster.outlier_detection]
consecutive_5xx = 5
interval = "10s"
max_ejection_percent = 100
{ZERO_NETWORK}
[[proxies]]
name = "frontend"
replicas = {n}
[[clients]]
kind = "open_loop"
rate = 100.0
arrivals = "constant"
split = "round_robin"
[[backends]]
name = "bad"
service_time = "1ms"
error_probability = 1.0
error_status = 500
"#
    )
}

/// `DetectorHostMonitorImpl::putHttpResponseCode` (`source/common/upstream/outlier_detection_
/// impl.cc`) counts each sidecar's own run of 5xx: its `consecutive_5xx` reaching 5 calls
/// `onConsecutive5xx`, which ejects (enforcing 100, `max_ejection_percent` 100 allows the one
/// host). Request k leaves at 10 k ms and goes to sidecar k mod n; its 500 is back 1 ms later.
/// Sidecar i's fifth request is k = i + 4 n: it ejects at (i + 4 n) x 10 + 1 ms. The fleet's
/// first ejection (sidecar 0) comes at 40 n + 1 ms: 41 ms alone, 161 ms with 4, 641 ms with
/// 16; the last sidecar ejects at (5 n - 1) x 10 + 1 ms.
#[test]
fn consecutive_5xx_first_ejection_comes_later_as_sidecars_grow() {
    for (n, first_ms) in [(1u32, 41u64), (4, 161), (16, 641)] {
        let r = run_text(&consecutive_fleet(n));
        let firsts = first_ejections(&r);
        assert_eq!(firsts.len(), n as usize);
        for (i, at) in firsts.iter().enumerate() {
            let expected = (i as u64 + 4 * u64::from(n)) * 10 + 1;
            assert_eq!(*at, Some(SimTime(expected * MS)), "{n} sidecars, pod {i}");
        }
        assert_eq!(firsts[0], Some(SimTime(first_ms * MS)));
        let last = firsts[n as usize - 1].expect("every pod ejects");
        assert_eq!(last, SimTime(((5 * u64::from(n) - 1) * 10 + 1) * MS));
    }
}

/// One replica in `[[proxies]]` is the scenario's one Envoy, for every shipped scenario without a
/// mesh: the same outcome, stats, peaks and outlier log as without `[[proxies]]` (its streams
/// are today's: index 0).
#[test]
fn one_replica_is_the_single_envoy() {
    let mut names: Vec<String> = std::fs::read_dir(crate::common::root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    for name in &names {
        let single = load(name);
        if !single.proxies.is_empty() {
            continue; // A mesh scenario already.
        }
        let mut mesh = single.clone();
        mesh.proxies.push(ProxyGroup {
            name: "pod".into(),
            replicas: 1,
        });
        let (a, b) = (run(&single, 3), run(&mesh, 3));
        assert!(a.mesh.is_none());
        assert_eq!(b.mesh.as_ref().map(|m| m.envoys.len()), Some(1));
        assert_eq!(a.client.status, b.client.status, "{name}");
        assert_eq!(a.client.flags, b.client.flags, "{name}");
        assert_eq!(
            a.client.latency.quantile(0.99),
            b.client.latency.quantile(0.99)
        );
        assert_eq!(a.stats, b.stats, "{name}");
        assert_eq!(a.peaks, b.peaks, "{name}");
        assert_eq!(a.outlier_events, b.outlier_events, "{name}");
        assert_eq!(a.events_processed, b.events_processed, "{name}");
    }
}

/// A replica's draws come from its own streams: with a pod split of closed-loop workers, pod 0
/// of a fleet of 2 and of a fleet of 3 behind hosts that never queue sees the same latencies,
/// its balancer the same picks (random balancing across 3 hosts).
#[test]
fn a_replica_draws_the_same_whatever_the_fleet_size() {
    let fleet = |n: u32| {
        format!(
            r#"
[envoy]
concurrency = 2
[cluster]
name = "c"
lb_policy = "RANDOM"
[[proxies]]
name = "frontend"
replicas = {n}
[[clients]]
kind = "closed_loop"
workers = {n}
requests_per_worker = 200
[[backends]]
name = "b"
replicas = 3
service_time = "1ms"
"#
        )
    };
    let s2 = load_scenario(&fleet(2), "inline", &[]).expect("valid");
    let s3 = load_scenario(&fleet(3), "inline", &[]).expect("valid");
    let (a, b) = (run(&s2, 1), run(&s3, 1));
    let (pa, pb) = (
        &a.mesh.as_ref().unwrap().envoys[0],
        &b.mesh.as_ref().unwrap().envoys[0],
    );
    assert_eq!(pa.stats, pb.stats);
}

/// Mesh fields are checked against each other, with the field's path in the message.
#[test]
fn mesh_fields_are_validated() {
    let base = |extra: &str, client: &str| {
        format!(
            "{extra}\n[cluster]\nname = \"c\"\n[[clients]]\nkind = \"closed_loop\"\nworkers = 1\n\
             requests_per_worker = 1\n{client}\n[[backends]]\nname = \"b\"\n"
        )
    };
    let err = |text: String| {
        load_scenario(&text, "inline", &[])
            .expect_err("invalid")
            .to_string()
    };
    let two = "[[proxies]]\nname = \"a\"\n[[proxies]]\nname = \"b\"\n";
    assert!(err(base("", "split = \"pod\"")).contains("clients[0].split"));
    assert!(err(base(two, "")).contains("clients[0].proxy_group"));
    assert!(err(base(two, "proxy_group = \"x\"")).contains("no [[proxies]] group is named `x`"));
    let dup = "[[proxies]]\nname = \"a\"\n[[proxies]]\nname = \"a\"\n";
    assert!(err(base(dup, "proxy_group = \"a\"")).contains("used twice"));
    let none = "proxy = \"none\"\n[[proxies]]\nname = \"a\"\n";
    assert!(err(base(none, "")).contains("proxies"));
    // 1,000 Envoys x 2 workers x 1,000 hosts is two million pools: over the bound.
    let big = "[[proxies]]\nname = \"a\"\nreplicas = 1000\n";
    let text = base(big, "").replace("name = \"b\"\n", "name = \"b\"\nreplicas = 1000\n");
    assert!(err(text).contains("2000000 connection pools"));
}
