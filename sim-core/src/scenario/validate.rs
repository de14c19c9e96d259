//! Checks that span several fields, or ranges that the types alone do not enforce.

use super::load::PathSegment;
use super::model::{BackendGroup, Client, ClientKind, OutlierDetection, Scenario};

/// A rule broken at `path`.
pub struct Invalid {
    pub path: Vec<PathSegment>,
    pub message: String,
}

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_string())
}

fn invalid(path: Vec<PathSegment>, message: impl Into<String>) -> Invalid {
    Invalid {
        path,
        message: message.into(),
    }
}

pub fn validate(s: &Scenario) -> Result<(), Invalid> {
    if s.cluster.name.trim().is_empty() {
        return Err(invalid(
            vec![key("cluster"), key("name")],
            "must not be empty",
        ));
    }
    if s.cluster.connect_timeout.is_zero() {
        return Err(invalid(
            vec![key("cluster"), key("connect_timeout")],
            "must be greater than 0s (Envoy rejects a zero connect_timeout)",
        ));
    }
    validate_route(s)?;
    if let Some(h2) = &s.cluster.http2_protocol_options
        && h2.max_concurrent_streams == Some(0)
    {
        return Err(invalid(
            vec![
                key("cluster"),
                key("http2_protocol_options"),
                key("max_concurrent_streams"),
            ],
            "must be 1 or more (Envoy allows 1 to 2147483647)",
        ));
    }
    if s.cluster.least_request_lb_config.choice_count < 2 {
        return Err(invalid(
            vec![
                key("cluster"),
                key("least_request_lb_config"),
                key("choice_count"),
            ],
            "must be 2 or more (as Envoy requires)",
        ));
    }
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
    for (i, b) in s.backends.iter().enumerate() {
        let path = vec![key("backends"), PathSegment::Index(i)];
        if s.backends[..i].iter().any(|other| other.name == b.name) {
            return Err(invalid(
                with(&path, "name"),
                format!(
                    "backend group names must be unique; `{}` is used twice",
                    b.name
                ),
            ));
        }
        validate_backend(b, path)?;
    }
    Ok(())
}

fn with(path: &[PathSegment], k: &str) -> Vec<PathSegment> {
    let mut p = path.to_vec();
    p.push(key(k));
    p
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
                Some(0) => Err(invalid(
                    with(&path, "requests_per_worker"),
                    "must be 1 or more (leave it out to send until `duration`)",
                )),
                None if !has_duration => Err(invalid(
                    with(&path, "requests_per_worker"),
                    "a closed_loop client needs requests_per_worker, or a duration (its own or the scenario's)",
                )),
                _ => Ok(()),
            }
        }
        ClientKind::OpenLoop => {
            reject("workers", c.workers.is_some(), "closed_loop")?;
            reject(
                "requests_per_worker",
                c.requests_per_worker.is_some(),
                "closed_loop",
            )?;
            reject("turnaround", c.turnaround.is_some(), "closed_loop")?;
            match c.rate {
                Some(r) if r.is_finite() && r > 0.0 && r <= 1e9 => {}
                Some(r) => {
                    return Err(invalid(
                        with(&path, "rate"),
                        format!(
                            "{r} is out of range: requests per second, greater than 0 and at most 1e9"
                        ),
                    ));
                }
                None => {
                    return Err(invalid(
                        with(&path, "rate"),
                        "an open_loop client needs a rate (requests per second)",
                    ));
                }
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

fn validate_status(status: u16, path: Vec<PathSegment>) -> Result<(), Invalid> {
    if (200..=599).contains(&status) {
        Ok(())
    } else {
        Err(invalid(
            path,
            format!("{status} is not an HTTP status breakersim can return: allowed 200 to 599"),
        ))
    }
}

fn validate_backend(b: &BackendGroup, path: Vec<PathSegment>) -> Result<(), Invalid> {
    validate_status(b.error_status, with(&path, "error_status"))?;
    if b.priority > 127 {
        return Err(invalid(
            with(&path, "priority"),
            format!(
                "{} is out of range: priorities are 0 (highest) to 127",
                b.priority
            ),
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
        if let Some(status) = phase.error_status {
            validate_status(status, with(&phase_path, "error_status"))?;
        }
        if let Some(m) = phase.latency_multiplier
            && !(m.is_finite() && m > 0.0 && m <= 1e6)
        {
            return Err(invalid(
                with(&phase_path, "latency_multiplier"),
                format!("{m} is out of range: a factor greater than 0 and at most 1e6"),
            ));
        }
    }
    Ok(())
}

fn validate_outlier_detection(od: &OutlierDetection, s: &Scenario) -> Result<(), Invalid> {
    let path = |field: &str| vec![key("cluster"), key("outlier_detection"), key(field)];
    let percentages = [
        ("max_ejection_percent", od.max_ejection_percent),
        ("enforcing_consecutive_5xx", od.enforcing_consecutive_5xx),
        ("enforcing_success_rate", od.enforcing_success_rate),
        (
            "enforcing_consecutive_gateway_failure",
            od.enforcing_consecutive_gateway_failure,
        ),
        (
            "enforcing_consecutive_local_origin_failure",
            od.enforcing_consecutive_local_origin_failure,
        ),
        (
            "enforcing_local_origin_success_rate",
            od.enforcing_local_origin_success_rate,
        ),
        (
            "failure_percentage_threshold",
            od.failure_percentage_threshold,
        ),
        (
            "enforcing_failure_percentage",
            od.enforcing_failure_percentage,
        ),
        (
            "enforcing_failure_percentage_local_origin",
            od.enforcing_failure_percentage_local_origin,
        ),
    ];
    for (field, value) in percentages {
        if value > 100 {
            return Err(invalid(
                path(field),
                format!("{value} is out of range: a percentage from 0 to 100"),
            ));
        }
    }
    for (field, value) in [
        ("interval", od.interval),
        ("base_ejection_time", od.base_ejection_time),
    ] {
        if value.is_zero() {
            return Err(invalid(
                path(field),
                "must be greater than 0s (as Envoy requires)",
            ));
        }
    }
    if let Some(max) = od.max_ejection_time {
        if max < od.base_ejection_time {
            return Err(invalid(
                path("max_ejection_time"),
                format!(
                    "{max} is smaller than base_ejection_time {}: Envoy rejects this cluster",
                    od.base_ejection_time
                ),
            ));
        }
    }
    if let Some(phase) = s.envoy.outlier_timer_phase {
        if phase >= od.interval {
            return Err(invalid(
                vec![key("envoy"), key("outlier_timer_phase")],
                format!(
                    "{phase} must be less than the outlier detection interval {}",
                    od.interval
                ),
            ));
        }
    }
    Ok(())
}

fn validate_route(s: &Scenario) -> Result<(), Invalid> {
    let route = |field: &str| vec![key("route"), key(field)];
    if let Some(p) = &s.route.retry_policy {
        let policy = |field: &str| vec![key("route"), key("retry_policy"), key(field)];
        crate::envoy::retry::RetryOn::parse(&p.retry_on)
            .map_err(|m| invalid(policy("retry_on"), m))?;
        for (i, code) in p.retriable_status_codes.iter().enumerate() {
            if !(100..600).contains(code) {
                let mut path = policy("retriable_status_codes");
                path.push(PathSegment::Index(i));
                return Err(invalid(
                    path,
                    format!("{code} is not an HTTP status (100 to 599)"),
                ));
            }
        }
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
        if p.host_selection_retry_max_attempts == 0 {
            return Err(invalid(
                policy("host_selection_retry_max_attempts"),
                "must be 1 or more",
            ));
        }
    }
    if let Some(v) = &s.route.istio_default_retry_policy {
        crate::envoy::retry::istio_default_retry_policy(v)
            .map_err(|m| invalid(route("istio_default_retry_policy"), m))?;
    }
    Ok(())
}
