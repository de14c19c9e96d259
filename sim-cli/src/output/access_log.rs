//! `run --access-log FILE`: one line per downstream request in Envoy's default access-log
//! format, written when Envoy's response was sent (Envoy logs at the end of the stream).
//!
//! The format is `DEFAULT_FORMAT` of `HttpSubstitutionFormatUtils::defaultSubstitutionFormatter`
//! (`source/common/formatter/http_formatter_context.cc`, envoyproxy/envoy; `REQUEST_HEADER` and
//! `RESPONSE_HEADER` there are `REQ` and `RESP`):
//!
//! ```text
//! [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
//! %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
//! "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%"
//! "%UPSTREAM_HOST%"\n
//! ```
//!
//! (one line). Each operator as Envoy prints it (`source/common/formatter/stream_info_formatter.cc`):
//! a missing value is `-` (`DefaultUnspecifiedValueStringView`); `START_TIME` is when the
//! request reached Envoy, as `%Y-%m-%dT%H:%M:%E3SZ` in UTC, simulated time from the Unix epoch
//! as the outlier log has it; `DURATION` is `currentDuration()` (the request's start to the
//! response sent) in whole milliseconds, truncated (`duration_cast<milliseconds>`);
//! `x-envoy-upstream-service-time` is set by the router's `onUpstreamHeaders` to the time from
//! the complete downstream request to the upstream response headers, truncated to ms, and is
//! absent on local replies; `RESPONSE_FLAGS` see [`flags_text`]; `BYTES_SENT` of a local reply
//! is its body ([`local_reply_body`]).
//!
//! What the scenario does not say, and what is printed for it (docs/explain.md): the synthetic
//! client sends `GET /` over HTTP/1.1 with no body (`BYTES_RECEIVED` 0), no `User-Agent` and no
//! `X-Forwarded-For` (`-`), `Host` = the cluster's name; its backends answer with an empty body
//! (`BYTES_SENT` 0 when forwarded); `x-request-id` is the UUID Envoy generates for a request
//! without one, here drawn from a seeded stream ([`request_id`]); `UPSTREAM_HOST` is the host's
//! `name:80` address as the outlier log shows it (a real Envoy prints the resolved IP).
//! In mesh mode each line starts with `[pod/<pod>/istio-proxy] ` as `kubectl logs --prefix`
//! labels it.

use sim_core::sim::RunResult;
use sim_core::sim::record::request_id;

use super::lifecycle::{RequestLife, by_request, flags_text, local_reply_body};

/// The synthetic client's request line (`:method`, `:path`, protocol).
pub const REQUEST_LINE: &str = "GET / HTTP/1.1";

/// Every request that got its response from Envoy, in the order Envoy sent them.
pub fn render(r: &RunResult) -> String {
    let Some(l) = r.lifecycle.as_ref() else {
        return String::new();
    };
    let lives = by_request(l);
    let mut order: Vec<(&RequestLife, usize)> = lives
        .iter()
        .filter_map(|life| Some((life, life.reply_pos?)))
        .collect();
    order.sort_by_key(|(_, i)| *i);
    let mut out = String::new();
    for (life, _) in order {
        if let Some(line) = line(r, life) {
            out.push_str(&line);
        }
    }
    out
}

/// One request's line, once Envoy answered it.
pub fn line(r: &RunResult, life: &RequestLife) -> Option<String> {
    let start = life.at_envoy()?;
    let reply = life.reply()?;
    let (bytes_sent, service_time) = if reply.local {
        (local_reply_body(&reply, life.last_end()).len(), None)
    } else {
        let at = life.last_response_at_envoy().unwrap_or(reply.at);
        (0, Some(at.since(start).as_nanos() / 1_000_000))
    };
    let duration = reply.at.since(start).as_nanos() / 1_000_000;
    let host = reply
        .host
        .map_or("-", |h| r.hosts[h as usize].address.as_str());
    let prefix = r.mesh.as_ref().map_or(String::new(), |m| {
        format!("[pod/{}/istio-proxy] ", m.envoys[reply.envoy as usize].pod)
    });
    Some(format!(
        "{prefix}[{}] \"{REQUEST_LINE}\" {} {} 0 {bytes_sent} {duration} {} \"-\" \"-\" \"{}\" \"{}\" \"{host}\"\n",
        start_time(start.as_nanos()),
        reply.status,
        flags_text(&reply.flags),
        service_time.map_or("-".to_string(), |t| t.to_string()),
        uuid(&request_id(r.seed, life.number)),
        r.cluster,
    ))
}

/// `START_TIME`'s default layout, `%Y-%m-%dT%H:%M:%E3SZ`: milliseconds, truncated.
pub fn start_time(nanos: u64) -> String {
    let ms = nanos / 1_000_000;
    let whole = super::outlier_log::timestamp(ms / 1000 * 1_000_000_000);
    format!("{}.{:03}Z", whole.trim_end_matches('Z'), ms % 1000)
}

/// A UUID's canonical text: 8-4-4-4-12 lower-case hex digits.
pub fn uuid(b: &[u8; 16]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times_have_milliseconds_truncated() {
        assert_eq!(start_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(start_time(1_234_999_999), "1970-01-01T00:00:01.234Z");
        assert_eq!(start_time(86_400_000_000_000), "1970-01-02T00:00:00.000Z");
    }

    #[test]
    fn uuids_print_in_canonical_form() {
        let b = [
            0xcc, 0x21, 0xd9, 0xb0, 0xcf, 0x52, 0x43, 0x2b, 0x8c, 0x7e, 0x98, 0xae, 0xb7, 0x98,
            0x8c, 0xd2,
        ];
        assert_eq!(uuid(&b), "cc21d9b0-cf52-432b-8c7e-98aeb7988cd2");
    }
}
