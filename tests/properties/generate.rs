//! Random valid scenarios as TOML text, within the ranges of `docs/scenario-format.md`: hosts
//! that are slow, flaky, crashing or black holes; open- and closed-loop clients; circuit
//! breakers, outlier detection, retries, timeouts, HTTP/1.1 and HTTP/2, every LB policy. Runs are
//! short (tens of milliseconds simulated, a few hundred requests) so a case takes milliseconds.

use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use sim_core::envoy::version::{CONFIG_CHANGES, ConfigChange, EnvoyVersion};
use sim_core::scenario::OutlierDetection;
use sim_core::schema::{DefaultValue, Kind, Rule, Table, TableSpec, value_from_literal};
use sim_core::time::SimDuration;

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

/// A value the generator chose for one schema field.
#[derive(Clone, Debug)]
enum Chosen {
    /// A duration, in microseconds.
    Micros(u64),
    /// Any other value, as scenario text.
    Text(String),
}

impl Chosen {
    fn text(&self) -> String {
        match self {
            Chosen::Micros(n) => format!("\"{}\"", us(*n)),
            Chosen::Text(t) => t.clone(),
        }
    }
}

/// Fields whose valid values depend on another field of the same table, which the schema's
/// per-field rules cannot say: `(field, not below this field)`. Envoy rejects a cluster whose
/// `max_ejection_time` is below its `base_ejection_time` (`outlier_detection_impl.cc`).
const NOT_BELOW: &[(&str, &str)] = &[("max_ejection_time", "base_ejection_time")];

/// Values for a field of `kind` under `rule`, within the short runs these properties simulate:
/// each bound of the rule and values between. Read from the schema, so a field added to a
/// table is generated without a line here; a kind with no generator fails the test.
fn field_value(name: &str, kind: &Kind, rule: &Rule) -> BoxedStrategy<Chosen> {
    let text = |s: BoxedStrategy<String>| s.prop_map(Chosen::Text).boxed();
    match (kind, rule) {
        (Kind::Integer { .. }, Rule::Range { min, max }) => text(
            prop_oneof![select(vec![*min, (min + max) / 2, *max]), *min..=*max]
                .prop_map(|n| n.to_string())
                .boxed(),
        ),
        (Kind::Integer { min, max }, _) => {
            let counts: Vec<u64> = [0, 1, 2, 3, 5, 10, 100, 1000, 1900]
                .into_iter()
                .filter(|n| (min..=max).contains(&n))
                .collect();
            text(select(counts).prop_map(|n| n.to_string()).boxed())
        }
        (Kind::Bool, _) => text(any::<bool>().prop_map(|b| b.to_string()).boxed()),
        (Kind::Duration, Rule::DurationAboveZero) => {
            (1_000..=100_000u64).prop_map(Chosen::Micros).boxed()
        }
        (Kind::Duration, _) => (0..=5_000u64).prop_map(Chosen::Micros).boxed(),
        _ => panic!("no generator for `{name}` of kind {kind:?}: add one to field_value"),
    }
}

/// Every field of `table`, each left out (its default) or given a value from [`field_value`],
/// with [`NOT_BELOW`] applied against each field's chosen or default value.
fn table_fields(table: &'static TableSpec) -> impl Strategy<Value = Vec<(&'static str, Chosen)>> {
    let fields: Vec<_> = table
        .fields
        .iter()
        .map(|f| of(field_value(f.name, &(f.kind)(), &f.rule)).prop_map(move |v| (f.name, v)))
        .collect();
    fields.prop_map(move |chosen| {
        let mut given: Vec<(&'static str, Chosen)> = chosen
            .into_iter()
            .filter_map(|(name, v)| v.map(|v| (name, v)))
            .collect();
        for (field, floor) in NOT_BELOW {
            let floor = micros_of(table, &given, floor);
            if let Some((_, Chosen::Micros(n))) = given.iter_mut().find(|(name, _)| name == field) {
                *n = (*n).max(floor);
            }
        }
        given
    })
}

/// The duration `field` of `table` has, in microseconds: as chosen, or its schema default.
fn micros_of(table: &TableSpec, given: &[(&str, Chosen)], field: &str) -> u64 {
    if let Some((_, Chosen::Micros(n))) = given.iter().find(|(name, _)| *name == field) {
        return *n;
    }
    let spec = table
        .fields
        .iter()
        .find(|f| f.name == field)
        .expect("a field of the table");
    match spec.default {
        DefaultValue::Literal(text) => {
            value_from_literal::<SimDuration>(text)
                .expect("a duration default")
                .as_nanos()
                / 1_000
        }
        _ => 0,
    }
}

/// `[cluster.outlier_detection]`, every field from the schema, and the `[envoy]` fields that go
/// with it.
fn outlier() -> impl Strategy<Value = (String, String)> {
    (table_fields(OutlierDetection::spec()), of(0..=99u64)).prop_map(|(fields, phase_pct)| {
        let mut od = "\n[cluster.outlier_detection]\n".to_string();
        for (name, value) in &fields {
            od += &format!("{name} = {}\n", value.text());
        }
        let mut envoy = String::new();
        if let Some(p) = phase_pct {
            let interval = micros_of(OutlierDetection::spec(), &fields, "interval");
            envoy += &format!("outlier_timer_phase = \"{}\"\n", us(interval * p / 100));
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

/// Stop-the-world pauses of a few ms every few ms (so that short runs see several), the first
/// one given or drawn.
fn pauses() -> impl Strategy<Value = String> {
    let duration = prop_oneof![
        (1..=5_000u64).prop_map(|n| format!("\"{}\"", us(n))),
        (1..=5_000u64).prop_map(|n| format!("{{ exponential = {{ mean = \"{}\" }} }}", us(n))),
    ];
    (dist(20_000), duration, of(0..=30u64)).prop_map(|(every, duration, first)| {
        let first = first
            .map(|f| format!(", first = \"{f}ms\""))
            .unwrap_or_default();
        format!("pauses = {{ every = {every}, duration = {duration}{first} }}\n")
    })
}

fn backend(index: usize) -> impl Strategy<Value = String> {
    (
        (1..=3u32, 1..=3u32, 0..=1u32, dist(3000), 0..=3u32, of(0..=4u32)),
        (any::<bool>(), select(vec![0.0f64, 0.1, 0.5, 1.0]), select(vec![500u16, 502, 503, 504, 409, 429])),
        vec((1..=80u64, phase(), membership()), 0..=3),
        (
            of(select(vec!["fifo", "processor_sharing"])),
            of(select(vec![0u32, 1, 5])),
            of((0..=3u32, select(vec![0.5f64, 1.0]))),
            of(select(vec!["\"50us\"", "\"2ms\""])),
            of(pauses()),
        ),
    )
        .prop_map(move |((replicas, weight, priority, service, concurrency, queue), (keep_alive, p, status), phases, (model, backlog, overload, accept, pauses))| {
            let mut b = format!(
                "\n[[backends]]\nname = \"b{index}\"\nreplicas = {replicas}\nweight = {weight}\n\
                 priority = {priority}\nservice_time = {service}\nconcurrency = {concurrency}\n\
                 keep_alive = {keep_alive}\nerror_probability = {p:?}\nerror_status = {status}\n"
            );
            if let Some(q) = queue {
                b += &format!("max_queue_length = {q}\n");
            }
            if let Some(m) = model {
                b += &format!("service_model = \"{m}\"\n");
            }
            if let Some(n) = backlog {
                b += &format!("listen_backlog = {n}\n");
            }
            if let Some(t) = accept {
                b += &format!("accept_time = {t}\n");
            }
            if let Some((above, p)) = overload {
                b += &format!("overload = {{ above = {above}, error_probability = {p:?} }}\n");
            }
            if let Some(p) = pauses {
                b += &p;
            }
            let mut at = 0;
            let mut members = replicas;
            for (gap, p, (scale, replace)) in phases {
                at += gap;
                b += &format!("\n[[backends.phases]]\nat = \"{at}ms\"\n{p}");
                // A `replace` of at most the hosts in EDS then (else the scenario is invalid).
                if let Some(k) = replace.map(|k| k.min(members)).filter(|&k| k > 0) {
                    b += &format!("replace = {k}\n");
                }
                if let Some(n) = scale {
                    b += &format!("replicas = {n}\n");
                    members = n;
                }
            }
            b
        })
}

/// A phase's EDS membership change: scale the group (to 0 to 4 hosts) and/or replace some of
/// its hosts, each about a third of the time.
fn membership() -> impl Strategy<Value = (Option<u32>, Option<u32>)> {
    (
        prop_oneof![2 => Just(None), 1 => (0..=4u32).prop_map(Some)],
        prop_oneof![2 => Just(None), 1 => (1..=3u32).prop_map(Some)],
    )
}

/// Envoy releases on each side of every behaviour and configuration change breakersim models.
const VERSIONS: [&str; 12] = [
    "1.17", "1.18", "1.19", "1.22", "1.25", "1.26", "1.27", "1.28", "1.30", "1.31", "1.36", "1.38",
];

/// The scenario with `[envoy] version = "<version>"`, less what that release's configuration
/// does not have (`CONFIG_CHANGES`): fields added later are removed, and `retry_on` conditions
/// added later dropped. (Every generated cluster writes `connect_timeout`.)
fn fit_to_version(text: &str, version: &str) -> String {
    let mut t: toml::Table = toml::from_str(text).expect("a generated scenario is TOML");
    let v = EnvoyVersion::parse(version).expect("a modelled version");
    for row in CONFIG_CHANGES.iter().filter(|r| v < r.since) {
        match row.change {
            ConfigChange::FieldAdded(path) => {
                let (parent, field) = path.rsplit_once('.').expect("a nested field");
                let table = parent.split('.').try_fold(&mut t, |t, k| {
                    t.get_mut(k).and_then(toml::Value::as_table_mut)
                });
                if let Some(table) = table {
                    table.remove(field);
                }
            }
            ConfigChange::RetryOnAdded(condition) => {
                let on = t
                    .get_mut("route")
                    .and_then(|r| r.get_mut("retry_policy"))
                    .and_then(|p| p.get_mut("retry_on"));
                if let Some(toml::Value::String(on)) = on {
                    let kept: Vec<&str> = on.split(',').filter(|c| c.trim() != condition).collect();
                    *on = kept.join(",");
                }
            }
            ConfigChange::DefaultAdded(_) => {}
        }
    }
    let envoy = t
        .entry("envoy")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    envoy
        .as_table_mut()
        .expect("[envoy] is a table")
        .insert("version".into(), toml::Value::String(version.into()));
    toml::to_string(&t).expect("TOML")
}

/// A whole valid scenario.
pub fn scenario() -> impl Strategy<Value = String> {
    (of(20..=80u64), 1..=3u32, of(select(VERSIONS.to_vec()))).prop_flat_map(
        |(duration, workers, version)| {
            let has_duration = duration.is_some();
            (
                cluster(),
                route(),
                vec(client(has_duration), 1..=3),
                (1..=3usize).prop_flat_map(|n| (0..n).map(backend).collect::<Vec<_>>()),
                (dist(300), dist(1000), dist(300), dist(1500)),
                (kernel(), of(1..=3u32)),
            )
                .prop_map(
                    move |(
                        (cluster, envoy_od),
                        route,
                        clients,
                        backends,
                        (dl, dc, ul, uc),
                        (kernel, sidecars),
                    )| {
                        let mut s = String::from("seed = 7\n");
                        if let Some(d) = duration {
                            s += &format!("duration = \"{d}ms\"\n");
                        }
                        s += &format!("\n[envoy]\nconcurrency = {workers}\n{envoy_od}\n");
                        s += &cluster;
                        s += &route;
                        s += &format!(
                            "\n[network.downstream]\nlatency = {dl}\nconnect_time = {dc}\n\
                     \n[network.upstream]\nlatency = {ul}\nconnect_time = {uc}\n{kernel}"
                        );
                        s += "\n[limits]\nmax_events = 1_000_000\n";
                        if let Some(n) = sidecars {
                            s += &format!("\n[[proxies]]\nname = \"sidecar\"\nreplicas = {n}\n");
                        }
                        for c in clients {
                            s += &c;
                        }
                        for b in backends {
                            s += &b;
                        }
                        match version {
                            Some(v) => fit_to_version(&s, v),
                            None => s,
                        }
                    },
                )
        },
    )
}

/// The upstream kernel's TCP settings: the data RTO and the timer wheel's HZ, sometimes left to
/// their defaults.
fn kernel() -> impl Strategy<Value = String> {
    (
        of(select(vec!["\"20ms\"", "\"200ms\""])),
        of(select(vec![100u32, 250, 1000])),
    )
        .prop_map(|(rto, hz)| {
            let mut k = String::new();
            if let Some(r) = rto {
                k += &format!("tcp_rto_min = {r}\n");
            }
            if let Some(h) = hz {
                k += &format!("tcp_timer_hz = {h}\n");
            }
            k
        })
}

/// A scenario with `proxy = "none"`: closed-loop clients straight to the backends, with only
/// what that mode reads (a dial and a request timeout, the balancer, the upstream network).
pub fn direct_scenario() -> impl Strategy<Value = String> {
    (
        vec((1..=6u32, 1..=6u64, of(0..=200u64), any::<bool>()), 1..=2),
        (1..=2usize).prop_flat_map(|n| (0..n).map(backend).collect::<Vec<_>>()),
        (select(vec!["\"0s\"", "\"50ms\"", "\"2s\""]), dist(300), dist(1500), kernel()),
        select(vec!["ROUND_ROBIN", "LEAST_REQUEST", "RANDOM"]),
    )
        .prop_map(|(clients, backends, (timeout, latency, connect, kernel), lb)| {
            let mut s = format!(
                "seed = 7\nproxy = \"none\"\n\n[cluster]\nname = \"hey\"\nconnect_timeout = \"1s\"\n\
                 lb_policy = \"{lb}\"\n\n[route]\ntimeout = {timeout}\n\n[network.upstream]\n\
                 latency = {latency}\nconnect_time = {connect}\n{kernel}\n[limits]\nmax_events = 1_000_000\n"
            );
            for (workers, per_worker, gap, keep_alive) in clients {
                s += &format!(
                    "\n[[clients]]\nkind = \"closed_loop\"\nworkers = {workers}\n\
                     requests_per_worker = {per_worker}\nkeep_alive = {keep_alive}\n"
                );
                if let Some(g) = gap {
                    s += &format!("worker_start_interval = \"{g}us\"\n");
                }
            }
            for b in backends {
                s += &b;
            }
            s
        })
}

/// The outlier-detection generator gives every field of the schema's table a value in some
/// case, so a field added to the table is exercised by every property.
#[test]
fn outlier_generator_covers_every_schema_field() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = outlier();
    let texts: Vec<String> = (0..200)
        .map(|_| strategy.new_tree(&mut runner).expect("a case").current().0)
        .collect();
    for field in OutlierDetection::spec().fields {
        let line = format!("\n{} = ", field.name);
        assert!(
            texts.iter().any(|t| t.contains(&line)),
            "no generated case sets `{}`",
            field.name
        );
    }
}
