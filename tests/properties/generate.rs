//! Random valid scenarios as TOML text, within the ranges of `docs/scenario-format.md`: hosts
//! that are slow, flaky, crashing or black holes; open- and closed-loop clients; circuit
//! breakers, outlier detection, retries, timeouts, HTTP/1.1 and HTTP/2, every LB policy. Runs are
//! short (tens of milliseconds simulated, a few hundred requests) so a case takes milliseconds.

use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// A duration string from microseconds.
fn us(n: u64) -> String {
    format!("{n}us")
}

/// A distribution of durations up to about `max_us`.
fn dist(max_us: u64) -> impl Strategy<Value = String> {
    prop_oneof![
        (0..=max_us).prop_map(|n| format!("\"{}\"", us(n))),
        (0..=max_us, 0..=max_us).prop_map(|(a, b)| format!(
            "{{ uniform = {{ min = \"{}\", max = \"{}\" }} }}",
            us(a.min(b)),
            us(a.max(b))
        )),
        (1..=max_us.max(1)).prop_map(|m| format!("{{ exponential = {{ mean = \"{}\" }} }}", us(m))),
        (1..=max_us.max(1), 1..=4u64).prop_map(|(m, k)| format!(
            "{{ lognormal = {{ median = \"{}\", p99 = \"{}\" }} }}",
            us(m),
            us(m * k)
        )),
    ]
}

fn thresholds() -> impl Strategy<Value = String> {
    (
        select(vec!["DEFAULT", "HIGH"]),
        of(0..=8u32),
        of(0..=8u32),
        of(0..=8u32),
        of(0..=4u32),
        any::<bool>(),
        of((of(0..=100u32), of(0..=4u32))),
    )
        .prop_map(|(p, cx, pending, rq, retries, track, budget)| {
            let mut t = format!(
                "\n[[cluster.circuit_breakers.thresholds]]\npriority = \"{p}\"\ntrack_remaining = {track}\n"
            );
            for (k, v) in [
                ("max_connections", cx),
                ("max_pending_requests", pending),
                ("max_requests", rq),
                ("max_retries", retries),
            ] {
                if let Some(v) = v {
                    t += &format!("{k} = {v}\n");
                }
            }
            if let Some((percent, min)) = budget {
                let mut fields = Vec::new();
                if let Some(p) = percent {
                    fields.push(format!("budget_percent = {{ value = {p}.0 }}"));
                }
                if let Some(m) = min {
                    fields.push(format!("min_retry_concurrency = {m}"));
                }
                t += &format!("retry_budget = {{ {} }}\n", fields.join(", "));
            }
            t
        })
}

/// `[cluster.outlier_detection]` and the `[envoy]` fields that go with it.
fn outlier() -> impl Strategy<Value = (String, String)> {
    let percent = || select(vec![0u32, 50, 100]);
    (
        (0..=5u32, 0..=5u32, 0..=5u32, percent(), percent(), percent()),
        (5..=50u64, 5..=100u64, select(vec![0u32, 10, 34, 50, 100, 100]), any::<bool>(), any::<bool>()),
        (0..=3u64, 0..=10u64, select(vec![100u64, 1000, 1900]), percent()),
        (0..=100u32, 0..=3u64, 0..=10u64, percent(), percent()),
        (of(0..=3u64), 0..=3u64, of(0..=100u64), of(select(vec!["current", "before_1_28"]))),
    )
        .prop_map(|(a, b, c, d, e)| {
            let (c5, gw, lo, e5, egw, elo) = a;
            let (interval, base, max_pct, one, split) = b;
            let (sr_hosts, sr_volume, stdev, esr) = c;
            let (fp, fp_hosts, fp_volume, efp, efp_lo) = d;
            let (extra, jitter, phase_pct, rule) = e;
            let mut od = format!(
                "\n[cluster.outlier_detection]\nconsecutive_5xx = {c5}\nconsecutive_gateway_failure = {gw}\n\
                 consecutive_local_origin_failure = {lo}\nenforcing_consecutive_5xx = {e5}\n\
                 enforcing_consecutive_gateway_failure = {egw}\n\
                 enforcing_consecutive_local_origin_failure = {elo}\ninterval = \"{interval}ms\"\n\
                 base_ejection_time = \"{base}ms\"\nmax_ejection_percent = {max_pct}\n\
                 always_eject_one_host = {one}\nsplit_external_local_origin_errors = {split}\n\
                 success_rate_minimum_hosts = {sr_hosts}\nsuccess_rate_request_volume = {sr_volume}\n\
                 success_rate_stdev_factor = {stdev}\nenforcing_success_rate = {esr}\n\
                 enforcing_local_origin_success_rate = {esr}\nfailure_percentage_threshold = {fp}\n\
                 failure_percentage_minimum_hosts = {fp_hosts}\n\
                 failure_percentage_request_volume = {fp_volume}\nenforcing_failure_percentage = {efp}\n\
                 enforcing_failure_percentage_local_origin = {efp_lo}\n\
                 max_ejection_time_jitter = \"{jitter}ms\"\n"
            );
            if let Some(k) = extra {
                od += &format!("max_ejection_time = \"{}ms\"\n", base * (k + 1));
            }
            let mut envoy = String::new();
            if let Some(p) = phase_pct {
                envoy += &format!("outlier_timer_phase = \"{}us\"\n", interval * 10 * p.min(99));
            }
            if let Some(r) = rule {
                envoy += &format!("max_ejection_percent_rule = \"{r}\"\n");
            }
            (od, envoy)
        })
}

fn cluster() -> impl Strategy<Value = (String, String)> {
    (
        (
            select(vec!["500us", "2ms", "1s"]),
            select(vec!["ROUND_ROBIN", "LEAST_REQUEST", "RANDOM"]),
            of(of(1..=4u32)),
            of(0..=5u32),
            of(select(vec![0u32, 0, 25, 50, 100])),
            of(2..=4u32),
        ),
        vec(thresholds(), 0..=2),
        of(0..=3u32),
        of(outlier()),
    )
        .prop_map(|((connect, lb, h2, per_conn, panic, choices), ts, per_host, od)| {
            let mut c = format!(
                "[cluster]\nname = \"c\"\nconnect_timeout = \"{connect}\"\nlb_policy = \"{lb}\"\n"
            );
            match h2 {
                Some(Some(n)) => c += &format!("http2_protocol_options = {{ max_concurrent_streams = {n} }}\n"),
                Some(None) => c += "http2_protocol_options = {}\n",
                None => {}
            }
            if let Some(n) = per_conn {
                c += &format!("common_http_protocol_options = {{ max_requests_per_connection = {n} }}\n");
            }
            if let Some(p) = panic {
                c += &format!("common_lb_config = {{ healthy_panic_threshold = {{ value = {p}.0 }} }}\n");
            }
            if let Some(n) = choices {
                c += &format!("least_request_lb_config = {{ choice_count = {n} }}\n");
            }
            for t in ts {
                c += &t;
            }
            if let Some(n) = per_host {
                c += &format!("\n[[cluster.circuit_breakers.per_host_thresholds]]\nmax_connections = {n}\n");
            }
            let (od, envoy) = od.unwrap_or_default();
            (c + &od, envoy)
        })
}

fn route() -> impl Strategy<Value = String> {
    let policy = (
        subsequence(
            vec![
                "5xx",
                "gateway-error",
                "connect-failure",
                "retriable-4xx",
                "reset",
                "reset-before-request",
                "retriable-status-codes",
                "refused-stream",
            ],
            0..=3,
        ),
        0..=3u32,
        of(select(vec!["1ms", "5ms", "20ms"])),
        subsequence(vec![409u16, 500, 503, 504], 0..=2),
        of((1..=5u64, 0..=20u64)),
        any::<bool>(),
        1..=3u32,
    )
        .prop_map(|(on, n, per_try, codes, back_off, previous, attempts)| {
            let mut p = format!(
                "\n[route.retry_policy]\nretry_on = \"{}\"\nnum_retries = {n}\n\
                 retriable_status_codes = {codes:?}\nhost_selection_retry_max_attempts = {attempts}\n",
                on.join(",")
            );
            if let Some(t) = per_try {
                p += &format!("per_try_timeout = \"{t}\"\n");
            }
            if let Some((base, extra)) = back_off {
                p += &format!(
                    "retry_back_off = {{ base_interval = \"{base}ms\", max_interval = \"{}ms\" }}\n",
                    base + extra
                );
            }
            if previous {
                p += "retry_host_predicate = [{ name = \"envoy.retry_host_predicates.previous_hosts\" }]\n";
            }
            p
        });
    (
        select(vec!["0s", "2ms", "10ms", "50ms", "1s", "1s"]),
        select(vec!["DEFAULT", "DEFAULT", "HIGH"]),
        prop_oneof![
            2 => policy,
            1 => select(vec!["1.0", "1.10", "1.23", "1.24"])
                .prop_map(|v| format!("istio_default_retry_policy = \"{v}\"\n")),
            1 => Just(String::new()),
        ],
    )
        .prop_map(|(timeout, priority, retries)| {
            let (own_table, inline) = if retries.starts_with('\n') {
                (retries, String::new())
            } else {
                (String::new(), retries)
            };
            format!(
                "\n[route]\ntimeout = \"{timeout}\"\npriority = \"{priority}\"\n{inline}{own_table}"
            )
        })
}

/// A client; `has_duration` says whether the scenario has a `duration` of its own.
fn client(has_duration: bool) -> impl Strategy<Value = String> {
    let closed = (
        1..=4u32,
        of(1..=10u64),
        of(5..=60u64),
        dist(2000),
        any::<bool>(),
        0..=20u64,
    )
        .prop_map(move |(workers, per_worker, duration, turnaround, keep_alive, start)| {
            let per_worker = per_worker.or((!has_duration && duration.is_none()).then_some(5));
            let mut c = format!(
                "\n[[clients]]\nkind = \"closed_loop\"\nworkers = {workers}\nturnaround = {turnaround}\n\
                 keep_alive = {keep_alive}\nstart = \"{start}ms\"\n"
            );
            if let Some(n) = per_worker {
                c += &format!("requests_per_worker = {n}\n");
            }
            if let Some(d) = duration {
                c += &format!("duration = \"{d}ms\"\n");
            }
            c
        });
    let open = (
        50..=3000u32,
        select(vec!["constant", "poisson"]),
        of(5..=60u64),
        any::<bool>(),
        0..=20u64,
    )
        .prop_map(move |(rate, arrivals, duration, keep_alive, start)| {
            let duration = duration.or((!has_duration).then_some(30));
            let mut c = format!(
                "\n[[clients]]\nkind = \"open_loop\"\nrate = {rate}.0\narrivals = \"{arrivals}\"\n\
                 keep_alive = {keep_alive}\nstart = \"{start}ms\"\n"
            );
            if let Some(d) = duration {
                c += &format!("duration = \"{d}ms\"\n");
            }
            c
        });
    prop_oneof![closed, open]
}

fn phase() -> impl Strategy<Value = String> {
    (
        of(any::<bool>()),
        of(any::<bool>()),
        of(select(vec![0.5f64, 2.0, 10.0, 1.0])),
        of(select(vec![0.0f64, 0.3, 1.0])),
        of(0..=3u32),
        any::<bool>(),
        of(any::<bool>()),
        of(dist(3000)),
    )
        .prop_map(
            |(crashed, black_hole, slow, errors, concurrency, restart, keep_alive, service)| {
                let mut p = format!("restart = {restart}\n");
                for (k, v) in [
                    ("crashed", crashed.map(|b| b.to_string())),
                    ("black_hole", black_hole.map(|b| b.to_string())),
                    ("latency_multiplier", slow.map(|m| format!("{m:?}"))),
                    ("error_probability", errors.map(|e| format!("{e:?}"))),
                    ("concurrency", concurrency.map(|c| c.to_string())),
                    ("keep_alive", keep_alive.map(|b| b.to_string())),
                    ("service_time", service),
                ] {
                    if let Some(v) = v {
                        p += &format!("{k} = {v}\n");
                    }
                }
                p
            },
        )
}

fn backend(index: usize) -> impl Strategy<Value = String> {
    (
        (1..=3u32, 1..=3u32, 0..=1u32, dist(3000), 0..=3u32, of(0..=4u32)),
        (any::<bool>(), select(vec![0.0f64, 0.1, 0.5, 1.0]), select(vec![500u16, 502, 503, 504, 409, 429])),
        vec((1..=80u64, phase()), 0..=3),
    )
        .prop_map(move |((replicas, weight, priority, service, concurrency, queue), (keep_alive, p, status), phases)| {
            let mut b = format!(
                "\n[[backends]]\nname = \"b{index}\"\nreplicas = {replicas}\nweight = {weight}\n\
                 priority = {priority}\nservice_time = {service}\nconcurrency = {concurrency}\n\
                 keep_alive = {keep_alive}\nerror_probability = {p:?}\nerror_status = {status}\n"
            );
            if let Some(q) = queue {
                b += &format!("max_queue_length = {q}\n");
            }
            let mut at = 0;
            for (gap, p) in phases {
                at += gap;
                b += &format!("\n[[backends.phases]]\nat = \"{at}ms\"\n{p}");
            }
            b
        })
}

/// A whole valid scenario.
pub fn scenario() -> impl Strategy<Value = String> {
    (of(20..=80u64), 1..=3u32).prop_flat_map(|(duration, workers)| {
        let has_duration = duration.is_some();
        (
            cluster(),
            route(),
            vec(client(has_duration), 1..=3),
            (1..=3usize).prop_flat_map(|n| (0..n).map(backend).collect::<Vec<_>>()),
            (dist(300), dist(1000), dist(300), dist(1500)),
        )
            .prop_map(
                move |((cluster, envoy_od), route, clients, backends, (dl, dc, ul, uc))| {
                    let mut s = String::from("seed = 7\n");
                    if let Some(d) = duration {
                        s += &format!("duration = \"{d}ms\"\n");
                    }
                    s += &format!("\n[envoy]\nconcurrency = {workers}\n{envoy_od}\n");
                    s += &cluster;
                    s += &route;
                    s += &format!(
                        "\n[network.downstream]\nlatency = {dl}\nconnect_time = {dc}\n\
                     \n[network.upstream]\nlatency = {ul}\nconnect_time = {uc}\n"
                    );
                    s += "\n[limits]\nmax_events = 1_000_000\n";
                    for c in clients {
                        s += &c;
                    }
                    for b in backends {
                        s += &b;
                    }
                    s
                },
            )
    })
}
