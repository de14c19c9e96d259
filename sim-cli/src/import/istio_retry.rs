//! A VirtualService route's `timeout` and `retries` into `[route]`, as istiod of the chosen
//! version writes them (istio `pilot/pkg/networking/core/route/route.go` `setTimeout`,
//! `route/retry/retry.go` `ConvertPolicy`; 1.0: `v1alpha3/route/route.go` `translateRetryPolicy`).

use super::emit::{Doc, Value};
use super::istio::{Version, file, istio, not_known};
use super::yaml::Node;
use crate::exit::{CliError, CliResult};
use sim_core::scenario::RetryPolicy;

/// 1.0's fixed `retry_on` for VirtualService retries.
const RETRY_ON_1_0: &str = "5xx,connect-failure,refused-stream";

/// The route: the VirtualService's timeout and retries, or Istio's defaults (no timeout; the
/// version's default retry policy).
pub fn route(doc: &mut Doc, vs: Option<&Node>, v: Version) -> CliResult<()> {
    doc.section("[route]", Some("The route istiod generates"));
    match vs.and_then(|r| r.get("timeout")) {
        Some(t) => {
            let d = t.required_duration()?;
            doc.set("timeout", Value::duration(d), file(&t));
        }
        None => doc.set("timeout", Value::str("0s"), istio(v)),
    }
    let Some(retries) = vs.and_then(|r| r.get("retries")) else {
        let version = Value::str(&v.show());
        doc.set("istio_default_retry_policy", version, istio(v));
        return Ok(());
    };
    let attempts = retries.get("attempts").and_then(|a| a.u64()).unwrap_or(0);
    if attempts == 0 {
        // attempts: 0 removes retries (retry.go `ConvertPolicy`: `in.Attempts <= 0` → nil).
        return Ok(());
    }
    doc.section(
        "[route.retry_policy]",
        Some("The VirtualService's retries over Istio's default policy"),
    );
    let default = sim_core::envoy::retry::istio_default_retry_policy(&v.show()).map_err(|m| {
        CliError::Internal(anyhow::anyhow!(
            "Istio {} has no default retry policy: {m}",
            v.show()
        ))
    })?;
    let (on, codes) = match &default {
        Some(d) => retry_on(&retries, d),
        None => retry_on_1_0(&retries, v),
    };
    doc.set("retry_on", Value::str(&on), file(&retries));
    doc.set("num_retries", Value::int(attempts), file(&retries));
    per_try_timeout(doc, &retries)?;
    if let Some(d) = default {
        from_default(doc, &codes, &d, v);
    }
    backoff(doc, &retries, v);
    Ok(())
}

/// Istio 1.0 (`v1alpha3/route/route.go` `translateRetryPolicy`): `retry_on` is always
/// `5xx,connect-failure,refused-stream`, with `num_retries` and `per_try_timeout` and nothing
/// else (no status codes, no host predicate). `retryOn` is read from 1.1, by
/// `route/retry/retry.go` (`ca48c42211d`).
fn retry_on_1_0(retries: &Node, v: Version) -> (String, Vec<u16>) {
    if let Some(r) = retries.get("retryOn") {
        r.ignore(not_known(v, "1.1", "route/retry/retry.go, ca48c42211d"));
    }
    (RETRY_ON_1_0.to_string(), Vec::new())
}

/// 1.1 on (retry.go `ConvertPolicy`): the version's default conditions and status codes, or
/// those of `retryOn` (`parseRetryOn`).
fn retry_on(retries: &Node, default: &RetryPolicy) -> (String, Vec<u16>) {
    match retries
        .get("retryOn")
        .and_then(|r| r.str().map(str::to_string))
    {
        Some(r) => parse_retry_on(&r),
        None => (
            default.retry_on.clone(),
            default.retriable_status_codes.clone(),
        ),
    }
}

/// 1.1 on: what VirtualService retries keep from the default policy (retry.go
/// `ConvertPolicy`): previous_hosts and its host selection attempts, and the status codes.
fn from_default(doc: &mut Doc, codes: &[u16], default: &RetryPolicy, v: Version) {
    let list: Vec<String> = codes.iter().map(u16::to_string).collect();
    let codes = Value::raw(&format!("[{}]", list.join(", ")));
    doc.set("retriable_status_codes", codes, istio(v));
    doc.set(
        "retry_host_predicate",
        Value::raw("[{ name = \"envoy.retry_host_predicates.previous_hosts\" }]"),
        istio(v),
    );
    let attempts = u64::from(default.host_selection_retry_max_attempts);
    doc.set(
        "host_selection_retry_max_attempts",
        Value::int(attempts),
        istio(v),
    );
}

/// `retryOn`: conditions, and bare status codes that become `retriable_status_codes` (with
/// `retriable-status-codes` added once).
fn parse_retry_on(r: &str) -> (String, Vec<u16>) {
    let (words, numbers): (Vec<&str>, Vec<&str>) = r
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .partition(|p| p.parse::<u16>().is_err());
    let codes: Vec<u16> = numbers.iter().filter_map(|n| n.parse().ok()).collect();
    let mut on = words.join(",");
    if !codes.is_empty() && !on.contains("retriable-status-codes") {
        on.push_str(",retriable-status-codes");
    }
    (on, codes)
}

fn per_try_timeout(doc: &mut Doc, retries: &Node) -> CliResult<()> {
    if let Some(t) = retries.get("perTryTimeout") {
        let d = t.required_duration()?;
        doc.set("per_try_timeout", Value::duration(d), file(&t));
    }
    Ok(())
}

/// `retries.backoff` sets only `retry_back_off.base_interval` (retry.go `ConvertPolicy`). The
/// field came with istio/api#3461 and istio/istio#55639 in 1.26; before, Envoy's 25 ms base.
fn backoff(doc: &mut Doc, retries: &Node, v: Version) {
    let Some(b) = retries.get("backoff") else {
        return;
    };
    if v < Version(1, 26) {
        b.ignore(not_known(v, "1.26", "istio/istio#55639"));
        return;
    }
    if let Some(d) = b.duration() {
        let value = Value::raw(&format!("{{ base_interval = \"{d}\" }}"));
        doc.set("retry_back_off", value, file(&b));
    }
}
