//! Checks that span several fields, or ranges that the types alone do not enforce.

use super::{
    BackendGroup, Client, ClientKind, OutlierDetection, ProxyKind, RetryBackOff, Scenario,
};
use crate::envoy::version::Behaviour;
use crate::schema::{Invalid, PathSegment, Table};

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_string())
}

fn invalid(path: Vec<PathSegment>, message: impl Into<String>) -> Invalid {
    Invalid::new(path, message)
}

/// The per-field rules of the schema (`Table::check`), then the checks that span fields.
pub fn validate(s: &Scenario) -> Result<(), Invalid> {
    s.check(&mut Vec::new())?;
    validate_direct(s)?;
    validate_route(s)?;
    validate_envoy_version(s)?;
    match &s.cluster.outlier_detection {
        Some(od) => validate_outlier_detection(od, s)?,
        None => {
            for (field, set) in [
                ("outlier_timer_phase", s.envoy.outlier_timer_phase.is_some()),
                (
                    "max_ejection_percent_rule",
                    s.envoy.max_ejection_percent_rule.is_some(),
                ),
            ] {
                if set {
                    return Err(invalid(
                        vec![key("envoy"), key(field)],
                        "applies only to a cluster with [cluster.outlier_detection]",
                    ));
                }
            }
        }
    }
    if s.clients.is_empty() {
        return Err(invalid(
            vec![key("clients")],
            "at least one [[clients]] table is needed",
        ));
    }
    if s.backends.is_empty() {
        return Err(invalid(
            vec![key("backends")],
            "at least one [[backends]] table is needed",
        ));
    }
    for (i, c) in s.clients.iter().enumerate() {
        validate_client(c, s, vec![key("clients"), PathSegment::Index(i)])?;
    }
    super::mesh_check::validate_mesh(s)?;
    super::limits::validate_sizes(s)?;
    // Names seen so far, in a set: a file with 100,000 groups is checked in milliseconds.
    let mut names = std::collections::BTreeSet::new();
    for (i, b) in s.backends.iter().enumerate() {
        let path = vec![key("backends"), PathSegment::Index(i)];
        if !names.insert(b.name.as_str()) {
            return Err(invalid(
                with(&path, "name"),
                format!(
                    "backend group names must be unique; `{}` is used twice",
                    b.name
                ),
            ));
        }
        if b.http2_max_concurrent_streams.is_some() && s.cluster.http2_protocol_options.is_none() {
            return Err(invalid(
                with(&path, "http2_max_concurrent_streams"),
                "applies only to a cluster with [cluster.http2_protocol_options]",
            ));
        }
        validate_backend(b, path)?;
    }
    Ok(())
}

/// The deprecated `max_ejection_percent_rule` may stand beside `version` only if both name the
/// same side of Envoy 1.28.
fn validate_envoy_version(s: &Scenario) -> Result<(), Invalid> {
    let (Some(version), Some(rule)) = (s.envoy.version, s.envoy.max_ejection_percent_rule) else {
        return Ok(());
    };
    let cap = Behaviour::MaxEjectionPercentCountsTheHostToEject;
    if version.has(cap) == rule.version().has(cap) {
        return Ok(());
    }
    Err(invalid(
        vec![key("envoy"), key("max_ejection_percent_rule")],
        format!(
            "contradicts `version = \"{version}\"`: Envoy {version} has the other rule; remove \
             the deprecated `max_ejection_percent_rule` (the version chooses the rule)"
        ),
    ))
}

fn with(path: &[PathSegment], k: &str) -> Vec<PathSegment> {
    let mut p = path.to_vec();
    p.push(key(k));
    p
}

/// With `proxy = "none"` nothing of Envoy's own may be asked for, and every client is a
/// closed-loop HTTP/1.1 client.
fn validate_direct(s: &Scenario) -> Result<(), Invalid> {
    if s.proxy != ProxyKind::None {
        return Ok(());
    }
    let cluster = &s.cluster;
    let envoy_only = [
        (
            "outlier_detection",
            cluster.outlier_detection.is_some(),
            "cluster",
        ),
        (
            "circuit_breakers",
            !cluster.circuit_breakers.thresholds.is_empty()
                || !cluster.circuit_breakers.per_host_thresholds.is_empty(),
            "cluster",
        ),
        (
            "http2_protocol_options",
            cluster.http2_protocol_options.is_some(),
            "cluster",
        ),
        ("retry_policy", s.route.retry_policy.is_some(), "route"),
        (
            "istio_default_retry_policy",
            s.route.istio_default_retry_policy.is_some(),
            "route",
        ),
    ];
    for (field, set, table) in envoy_only {
        if set {
            return Err(invalid(
                vec![key(table), key(field)],
                "is Envoy's: with proxy = \"none\" the clients talk to the backends themselves",
            ));
        }
    }
    for (i, c) in s.clients.iter().enumerate() {
        if c.kind != ClientKind::ClosedLoop {
            return Err(invalid(
                vec![key("clients"), PathSegment::Index(i), key("kind")],
                "with proxy = \"none\" every client is closed_loop (a worker per connection, like hey's)",
            ));
        }
    }
    Ok(())
}

fn validate_client(c: &Client, s: &Scenario, path: Vec<PathSegment>) -> Result<(), Invalid> {
    let has_duration = c.duration.is_some() || s.duration.is_some();
    let reject = |field: &str, present: bool, kind: &str| {
        if present {
            Err(invalid(
                with(&path, field),
                format!("applies to {kind} clients only"),
            ))
        } else {
            Ok(())
        }
    };
    match c.kind {
        ClientKind::ClosedLoop => {
            reject("rate", c.rate.is_some(), "open_loop")?;
            reject("arrivals", c.arrivals.is_some(), "open_loop")?;
            if c.workers.is_none() {
                return Err(invalid(
                    with(&path, "workers"),
                    "a closed_loop client needs workers (1 or more)",
                ));
            }
            match c.requests_per_worker {
                None if !has_duration => Err(invalid(
                    with(&path, "requests_per_worker"),
                    "a closed_loop client needs requests_per_worker, or a duration (its own or the scenario's)",
                )),
                _ => Ok(()),
            }
        }
        ClientKind::OpenLoop => {
            reject(
                "worker_start_interval",
                c.worker_start_interval.is_some(),
                "closed_loop",
            )?;
            reject("workers", c.workers.is_some(), "closed_loop")?;
            reject(
                "requests_per_worker",
                c.requests_per_worker.is_some(),
                "closed_loop",
            )?;
            reject("turnaround", c.turnaround.is_some(), "closed_loop")?;
            if c.rate.is_none() {
                return Err(invalid(
                    with(&path, "rate"),
                    "an open_loop client needs a rate (requests per second)",
                ));
            }
            if !has_duration {
                return Err(invalid(
                    with(&path, "duration"),
                    "an open_loop client needs a duration (its own or the scenario's)",
                ));
            }
            Ok(())
        }
    }
}

fn validate_backend(b: &BackendGroup, path: Vec<PathSegment>) -> Result<(), Invalid> {
    if b.pauses
        .as_ref()
        .is_some_and(|p| p.duration.mean_nanos() <= 0.0)
    {
        let mut at = with(&path, "pauses");
        at.push(key("duration"));
        return Err(invalid(
            at,
            "a pause of `0s` pauses nothing: its mean must be above 0",
        ));
    }
    let mut previous = None;
    for (i, phase) in b.phases.iter().enumerate() {
        let mut phase_path = with(&path, "phases");
        phase_path.push(PathSegment::Index(i));
        if previous.is_some_and(|p| phase.at <= p) {
            return Err(invalid(
                with(&phase_path, "at"),
                "phases must be in strictly increasing order of `at`",
            ));
        }
        previous = Some(phase.at);
    }
    Ok(())
}

fn validate_outlier_detection(od: &OutlierDetection, s: &Scenario) -> Result<(), Invalid> {
    let path = |field: &str| vec![key("cluster"), key("outlier_detection"), key(field)];
    if let Some(max) = od.max_ejection_time
        && max < od.base_ejection_time
    {
        return Err(invalid(
            path("max_ejection_time"),
            format!(
                "{max} is smaller than base_ejection_time {}: Envoy rejects this cluster",
                od.base_ejection_time
            ),
        ));
    }
    if let Some(phase) = s.envoy.outlier_timer_phase
        && phase >= od.interval
    {
        return Err(invalid(
            vec![key("envoy"), key("outlier_timer_phase")],
            format!(
                "{phase} must be less than the outlier detection interval {}",
                od.interval
            ),
        ));
    }
    Ok(())
}

fn validate_route(s: &Scenario) -> Result<(), Invalid> {
    let route = |field: &str| vec![key("route"), key(field)];
    if s.route.retry_policy.is_some() && s.route.istio_default_retry_policy.is_some() {
        return Err(invalid(
            route("istio_default_retry_policy"),
            crate::envoy::retry::BOTH_RETRY_POLICIES,
        ));
    }
    if let Some(p) = &s.route.retry_policy {
        let policy = |field: &str| vec![key("route"), key("retry_policy"), key(field)];
        if let Some(b) = &p.retry_back_off {
            validate_retry_back_off(b, policy("retry_back_off"))?;
        }
        crate::envoy::retry::RetryOn::parse(&p.retry_on)
            .map_err(|m| invalid(policy("retry_on"), m))?;
        for (i, h) in p.retry_host_predicate.iter().enumerate() {
            if h.name != crate::envoy::retry::PREVIOUS_HOSTS {
                let mut path = policy("retry_host_predicate");
                path.push(PathSegment::Index(i));
                path.push(key("name"));
                return Err(invalid(
                    path,
                    format!(
                        "`{}` is not modelled: only {} is",
                        h.name,
                        crate::envoy::retry::PREVIOUS_HOSTS
                    ),
                ));
            }
        }
    }
    if let Some(v) = &s.route.istio_default_retry_policy {
        crate::envoy::retry::istio_default_retry_policy(&v.0)
            .map_err(|m| invalid(route("istio_default_retry_policy"), m))?;
    }
    Ok(())
}

/// `RetryPolicy.RetryBackOff` as Envoy checks it beyond each field's `duration = {gt {}}`
/// (`route_components.proto`, the schema's rules): `RetryPolicyImpl`
/// (`source/common/router/retry_policy_impl.cc`) rejects a `max_interval` below `base_interval`,
/// comparing both after cutting them to whole milliseconds, at least 1 ms
/// ([`crate::envoy::retry::backoff_ms`]).
fn validate_retry_back_off(b: &RetryBackOff, path: Vec<PathSegment>) -> Result<(), Invalid> {
    use crate::envoy::retry::backoff_ms;
    let Some(max) = b.max_interval else {
        return Ok(());
    };
    let (base_ms, max_ms) = (backoff_ms(b.base_interval), backoff_ms(max));
    if max_ms < base_ms {
        return Err(invalid(
            with(&path, "max_interval"),
            format!(
                "{max} ({max_ms}ms in whole milliseconds) is smaller than base_interval {} ({base_ms}ms): Envoy rejects this route; use a max_interval of at least base_interval",
                b.base_interval
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::scenario::load_scenario;

    /// A valid scenario with `cluster` lines added to `[cluster]` and `route` lines to
    /// `[route]`.
    fn load(cluster: &str, route: &str) -> Result<(), Diagnostic> {
        let text = format!(
            "[cluster]\nname = \"c\"\n{cluster}\n[route]\n{route}\n\
             [[clients]]\nkind = \"closed_loop\"\nworkers = 1\nrequests_per_worker = 1\n\
             [[backends]]\nname = \"b\"\n"
        );
        load_scenario(&text, "inline", &[]).map(|_| ())
    }

    /// The field an error names, and its message with what is allowed.
    fn rejected(result: Result<(), Diagnostic>) -> (String, String) {
        let e = result.expect_err("rejected");
        (e.path.clone().unwrap_or_default(), e.message_and_expected())
    }

    /// Envoy's `Http2ProtocolOptions.max_concurrent_streams` (`protocol.proto`,
    /// `uint32 = {lte: 2147483647 gte: 1}`): 1 and 2^31 - 1 = 2147483647 load; 0, 2^31 =
    /// 2147483648 and 2^32 - 1 = 4294967295 are rejected, naming the field.
    #[test]
    fn max_concurrent_streams_is_1_to_2_pow_31_minus_1() {
        let h2 = |n: u64| format!("http2_protocol_options = {{ max_concurrent_streams = {n} }}");
        for ok in [1, 2_147_483_647] {
            assert!(load(&h2(ok), "").is_ok(), "{ok}");
        }
        for bad in [0, 2_147_483_648, 4_294_967_295] {
            let (path, message) = rejected(load(&h2(bad), ""));
            assert_eq!(
                path,
                "cluster.http2_protocol_options.max_concurrent_streams"
            );
            assert_eq!(
                message,
                format!("{bad} is out of range, expected 1 to 2147483647")
            );
        }
    }

    fn back_off(table: &str) -> Result<(), Diagnostic> {
        load(
            "",
            &format!("[route.retry_policy]\nretry_on = \"5xx\"\nretry_back_off = {table}"),
        )
    }

    /// Envoy's `RetryPolicy.RetryBackOff` (`route_components.proto`: both intervals
    /// `duration = {gt {}}`) and `RetryPolicyImpl` (`retry_policy_impl.cc`: both cut to whole
    /// milliseconds, raised to at least 1 ms, then `max < base` rejected). Worked by hand:
    /// base 0s and max 0s are not greater than 0; base 10ms > max 5ms; base 3ms > max 2.9ms
    /// (2 ms); base 2.9ms (2 ms) = max 2.1ms (2 ms) loads; base 0.5ms and max 0.2ms are both
    /// 1 ms and load; base 1ns (1 ms) alone loads.
    #[test]
    fn retry_back_off_follows_envoys_rules() {
        let path = "route.retry_policy.retry_back_off";
        let zero = "`0s` is not allowed, expected a duration greater than 0s, as Envoy requires";
        let (p, m) = rejected(back_off("{ base_interval = \"0s\" }"));
        assert_eq!(p, format!("{path}.base_interval"));
        assert_eq!(m, zero);
        let (p, m) = rejected(back_off(
            "{ base_interval = \"25ms\", max_interval = \"0s\" }",
        ));
        assert_eq!(p, format!("{path}.max_interval"));
        assert_eq!(m, zero);
        let (p, m) = rejected(back_off(
            "{ base_interval = \"10ms\", max_interval = \"5ms\" }",
        ));
        assert_eq!(p, format!("{path}.max_interval"));
        assert!(
            m.starts_with(
                "5ms (5ms in whole milliseconds) is smaller than base_interval 10ms (10ms)"
            ),
            "{m}"
        );
        let (p, m) = rejected(back_off(
            "{ base_interval = \"3ms\", max_interval = \"2.9ms\" }",
        ));
        assert_eq!(p, format!("{path}.max_interval"));
        assert!(m.starts_with("2900us (2ms in whole milliseconds)"), "{m}");
        for ok in [
            "{ base_interval = \"2.9ms\", max_interval = \"2.1ms\" }",
            "{ base_interval = \"0.5ms\", max_interval = \"0.2ms\" }",
            "{ base_interval = \"1ns\" }",
            "{ base_interval = \"25ms\", max_interval = \"25ms\" }",
        ] {
            assert!(back_off(ok).is_ok(), "{ok}");
        }
    }

    /// `istio_default_retry_policy` stands for the policy Istio writes when a VirtualService
    /// sets no retries, so it cannot sit beside a route's own `retry_policy`: each alone loads,
    /// both together are rejected at `route.istio_default_retry_policy`.
    #[test]
    fn istio_default_and_own_retry_policy_are_mutually_exclusive() {
        let istio = "istio_default_retry_policy = \"1.24\"";
        let own = "[route.retry_policy]\nretry_on = \"5xx\"";
        assert!(load("", istio).is_ok());
        assert!(load("", own).is_ok());
        let (path, message) = rejected(load("", &format!("{istio}\n{own}")));
        assert_eq!(path, "route.istio_default_retry_policy");
        assert!(message.contains("mutually exclusive"), "{message}");
        assert!(message.contains("remove one of them"), "{message}");
    }
}
