//! A run's lifecycle record read request by request, for the access log, the trace and
//! `explain`: each request's entries, and what Envoy's router would have put in the local
//! reply it made.

use sim_core::envoy::local_reply::ResponseFlag;
use sim_core::envoy::retry::ResetKind;
use sim_core::sim::record::{AttemptEnd, ConnectFailure, Entry, Lifecycle, RequestNo, What};
use sim_core::time::SimTime;

/// One request's entries, in time order.
pub struct RequestLife<'a> {
    /// Its number (send order, from 1).
    pub number: RequestNo,
    /// Its entries.
    pub entries: Vec<&'a Entry>,
    /// Where Envoy's reply is in the whole record (the order Envoy answered in).
    pub reply_pos: Option<usize>,
}

/// Every request's entries, by number (index `n - 1`).
pub fn by_request(l: &Lifecycle) -> Vec<RequestLife<'_>> {
    let mut out: Vec<RequestLife> = (1..=l.requests_sent)
        .map(|number| RequestLife {
            number,
            entries: Vec::new(),
            reply_pos: None,
        })
        .collect();
    for (i, e) in l.entries.iter().enumerate() {
        if let Some(n) = e.what.request()
            && let Some(life) = out.get_mut(n as usize - 1)
        {
            life.entries.push(e);
            if matches!(e.what, What::Reply { .. }) {
                life.reply_pos = Some(i);
            }
        }
    }
    out
}

/// A record of one request alone (`LifecycleOptions::only_request`) as that request's life:
/// every entry, its pools' connections' among them.
pub fn whole(l: &Lifecycle, number: RequestNo) -> RequestLife<'_> {
    RequestLife {
        number,
        entries: l.entries.iter().collect(),
        reply_pos: None,
    }
}

/// What Envoy sent the client, from the request's `Reply` entry.
#[derive(Clone, Copy, Debug)]
pub struct ReplySeen {
    pub at: SimTime,
    pub envoy: u32,
    pub status: u16,
    pub local: bool,
    pub host: Option<u32>,
    pub retried: bool,
    /// The flags in the order Envoy set them.
    pub flags: [Option<ResponseFlag>; 2],
}

impl RequestLife<'_> {
    /// When the request reached Envoy.
    pub fn at_envoy(&self) -> Option<SimTime> {
        self.find(|w| matches!(w, What::AtEnvoy { .. }))
            .map(|e| e.at)
    }

    fn find(&self, f: impl Fn(&What) -> bool) -> Option<&Entry> {
        self.entries.iter().copied().find(|e| f(&e.what))
    }

    fn find_last(&self, f: impl Fn(&What) -> bool) -> Option<&Entry> {
        self.entries.iter().rev().copied().find(|e| f(&e.what))
    }

    /// Envoy's response, once sent.
    pub fn reply(&self) -> Option<ReplySeen> {
        let e = self.find(|w| matches!(w, What::Reply { .. }))?;
        let What::Reply {
            status,
            flags,
            local,
            host,
            retried,
            first_flag,
            ..
        } = e.what
        else {
            unreachable!("matched")
        };
        let rest = flags.iter().find(|f| Some(*f) != first_flag);
        let ordered = match first_flag {
            Some(f) => [Some(f), rest],
            None => [rest, None],
        };
        Some(ReplySeen {
            at: e.at,
            envoy: e.envoy,
            status,
            local,
            host,
            retried,
            flags: ordered,
        })
    }

    /// The last host response to reach Envoy (time).
    pub fn last_response_at_envoy(&self) -> Option<SimTime> {
        self.find_last(|w| matches!(w, What::ResponseAtEnvoy { .. }))
            .map(|e| e.at)
    }

    /// How the last attempt that ended without a response ended.
    pub fn last_end(&self) -> Option<AttemptEnd> {
        self.find_last(|w| matches!(w, What::AttemptEnded { .. }))
            .map(|e| match e.what {
                What::AttemptEnded { end, .. } => end,
                _ => unreachable!("matched"),
            })
    }
}

/// `%RESPONSE_FLAGS%`: the short names in the order Envoy set them, joined with `,`, or `-`
/// for none (`ResponseFlagUtils::toString` in `source/common/stream_info/utility.cc` walks
/// `StreamInfoImpl::responseFlags()`, which `setResponseFlag` appends to in order; the router
/// sets a refused retry's UO or URX in `maybeRetryReset`/`onUpstreamHeaders` before
/// `onUpstreamAbort` sets the reply's own).
pub fn flags_text(flags: &[Option<ResponseFlag>; 2]) -> String {
    let names: Vec<&str> = flags.iter().flatten().map(|f| f.as_str()).collect();
    if names.is_empty() {
        "-".to_string()
    } else {
        names.join(",")
    }
}

/// `Http::Utility::resetReasonToString` (`source/common/http/utility.cc`) for a reset.
fn reset_reason(reset: ResetKind) -> &'static str {
    match reset {
        ResetKind::Overflow => "overflow",
        ResetKind::ConnectFailure => "remote connection failure",
        ResetKind::ConnectionTermination => "connection termination",
        ResetKind::LocalReset => "local reset",
        ResetKind::RefusedStream => "remote refused stream reset",
    }
}

/// The body of the local reply Envoy's router sends, whose length is `%BYTES_SENT%`:
/// - 504: "upstream request timeout" (`onUpstreamTimeoutAbort`, from `onResponseTimeout` and
///   `onPerTryTimeoutCommon`, `source/common/router/router.cc`);
/// - 503 UH: "no healthy upstream" (`sendNoHealthyUpstreamResponse`);
/// - any other 503: `onUpstreamReset`'s "upstream connect error or disconnect/reset before
///   headers. " then "retried and the latest " if the request was retried (`is_retry_`),
///   "reset reason: " and `resetReasonToString` of the reset (the pool's failure reason mapped
///   by `UpstreamRequest::onPoolFailure`: overflow, connection timeout, remote connection
///   failure), and, when the connection has one, ", transport failure reason: " and it: a
///   refused or timed-out connect is `ConnectionImpl::onWriteReady`'s "delayed connect error: "
///   and `strerror` of the errno (`source/common/network/connection_impl.cc`); Envoy's own
///   connect timer closes the connection locally and sets none.
///
/// Envoy 1.17 answered its own connect timeout as a local reset (flag LR): "local reset".
pub fn local_reply_body(reply: &ReplySeen, end: Option<AttemptEnd>) -> String {
    if reply.status == 504 {
        return "upstream request timeout".to_string();
    }
    if reply.flags.contains(&Some(ResponseFlag::UH)) {
        return "no healthy upstream".to_string();
    }
    let lr = reply.flags.contains(&Some(ResponseFlag::LR));
    let (reason, transport) = match end {
        Some(AttemptEnd::Refused { .. }) | None => ("overflow", None),
        Some(AttemptEnd::ConnectFailed(_)) if lr => ("local reset", None),
        Some(AttemptEnd::ConnectFailed(ConnectFailure::Timeout)) => ("connection timeout", None),
        Some(AttemptEnd::ConnectFailed(ConnectFailure::Refused)) => (
            "remote connection failure",
            Some("delayed connect error: Connection refused"),
        ),
        Some(AttemptEnd::ConnectFailed(ConnectFailure::SynsGaveUp)) => (
            "remote connection failure",
            Some("delayed connect error: Connection timed out"),
        ),
        Some(AttemptEnd::Reset(r)) => (reset_reason(r), None),
        Some(AttemptEnd::PerTryTimeout(_) | AttemptEnd::RouteTimeout(_)) => ("local reset", None),
    };
    let mut body = String::from("upstream connect error or disconnect/reset before headers. ");
    if reply.retried {
        body.push_str("retried and the latest ");
    }
    body.push_str("reset reason: ");
    body.push_str(reason);
    if let Some(t) = transport {
        body.push_str(", transport failure reason: ");
        body.push_str(t);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, flags: [Option<ResponseFlag>; 2], retried: bool) -> ReplySeen {
        ReplySeen {
            at: SimTime::ZERO,
            envoy: 0,
            status,
            local: true,
            host: None,
            retried,
            flags,
        }
    }

    /// Bodies written out by hand from `Filter::onUpstreamReset` (router.cc): the overflow
    /// reply is 81 bytes, 104 after a retry.
    #[test]
    fn local_reply_bodies_follow_the_router() {
        let uo = reply(503, [Some(ResponseFlag::UO), None], false);
        let refused = AttemptEnd::Refused {
            breaker: sim_core::sim::record::Breaker::MaxPendingRequests,
            count: 1,
            threshold: 1,
        };
        let body = local_reply_body(&uo, Some(refused));
        assert_eq!(
            body,
            "upstream connect error or disconnect/reset before headers. reset reason: overflow"
        );
        assert_eq!(body.len(), 81);
        let again = reply(503, [Some(ResponseFlag::UO), None], true);
        assert_eq!(local_reply_body(&again, Some(refused)).len(), 104);
        let ut = reply(504, [Some(ResponseFlag::UT), None], false);
        assert_eq!(local_reply_body(&ut, None), "upstream request timeout");
        assert_eq!(
            flags_text(&[Some(ResponseFlag::URX), Some(ResponseFlag::UF)]),
            "URX,UF"
        );
        assert_eq!(flags_text(&[None, None]), "-");
    }
}
