//! What the router filter answers when it does not forward an upstream response: local replies
//! and their access-log response flags.
//!
//! Follows `source/common/router/router.cc`: `onUpstreamReset` turns a pool failure into a
//! local 503 (`Overflow` → flag UO with `x-envoy-overloaded: true`; connection failure or
//! timeout → flag UF), `onResponseTimeout` into a 504 with flag UT, and no host into a 503
//! "no healthy upstream" with flag UH (`upstream_cx_none_healthy`).

use super::conn_pool::PoolFailureReason;

/// Envoy's access-log response flags that breakersim can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ResponseFlag {
    /// UpstreamOverflow: a circuit breaker refused the request.
    UO,
    /// UpstreamConnectionFailure.
    UF,
    /// UpstreamRequestTimeout.
    UT,
    /// NoHealthyUpstream.
    UH,
    /// UpstreamRetryLimitExceeded: the request would have been retried again.
    URX,
    /// UpstreamConnectionTermination: the connection closed under the request.
    UC,
}

impl ResponseFlag {
    pub const ALL: [ResponseFlag; 6] = [
        ResponseFlag::UO,
        ResponseFlag::UF,
        ResponseFlag::UT,
        ResponseFlag::UH,
        ResponseFlag::URX,
        ResponseFlag::UC,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ResponseFlag::UO => "UO",
            ResponseFlag::UF => "UF",
            ResponseFlag::UT => "UT",
            ResponseFlag::UH => "UH",
            ResponseFlag::URX => "URX",
            ResponseFlag::UC => "UC",
        }
    }
}

/// The response flags of one response (Envoy's access log can show several, e.g. `UF,URX`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(u8);

impl Flags {
    pub const NONE: Flags = Flags(0);

    pub fn of(flag: ResponseFlag) -> Flags {
        Flags(1 << flag.index())
    }

    pub fn with(self, flag: ResponseFlag) -> Flags {
        Flags(self.0 | 1 << flag.index())
    }

    pub fn contains(self, flag: ResponseFlag) -> bool {
        self.0 & (1 << flag.index()) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = ResponseFlag> {
        ResponseFlag::ALL
            .into_iter()
            .filter(move |f| self.contains(*f))
    }
}

/// A response Envoy generates itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalReply {
    pub status: u16,
    pub flag: ResponseFlag,
    /// Counted as dropped (`x-envoy-overloaded: true`).
    pub overloaded: bool,
}

/// The local reply for an attempt reset for `reset` (`streamResetReasonToResponseFlag`).
pub fn reply_for_reset(reset: super::retry::ResetKind) -> LocalReply {
    use super::retry::ResetKind;
    match reset {
        ResetKind::Overflow => reply_for_pool_failure(PoolFailureReason::Overflow),
        ResetKind::ConnectFailure => reply_for_pool_failure(PoolFailureReason::Timeout),
        ResetKind::ConnectionTermination => LocalReply {
            status: 503,
            flag: ResponseFlag::UC,
            overloaded: false,
        },
        ResetKind::LocalReset | ResetKind::RefusedStream => TIMEOUT_REPLY,
    }
}

/// The local reply for a stream the pool failed (`onUpstreamReset` → `onUpstreamAbort`).
pub fn reply_for_pool_failure(reason: PoolFailureReason) -> LocalReply {
    match reason {
        PoolFailureReason::Overflow => LocalReply {
            status: 503,
            flag: ResponseFlag::UO,
            overloaded: true,
        },
        PoolFailureReason::LocalConnectionFailure
        | PoolFailureReason::RemoteConnectionFailure
        | PoolFailureReason::Timeout => LocalReply {
            status: 503,
            flag: ResponseFlag::UF,
            overloaded: false,
        },
    }
}

/// The route timeout's reply (`onUpstreamTimeoutAbort`, default `timeout_response_code_`).
pub const TIMEOUT_REPLY: LocalReply = LocalReply {
    status: 504,
    flag: ResponseFlag::UT,
    overloaded: false,
};

/// No host to send to (`sendNoHealthyUpstreamResponse`).
pub const NO_HEALTHY_UPSTREAM_REPLY: LocalReply = LocalReply {
    status: 503,
    flag: ResponseFlag::UH,
    overloaded: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_failures_map_to_envoys_flags() {
        assert_eq!(
            reply_for_pool_failure(PoolFailureReason::Overflow),
            LocalReply {
                status: 503,
                flag: ResponseFlag::UO,
                overloaded: true
            }
        );
        for r in [
            PoolFailureReason::Timeout,
            PoolFailureReason::LocalConnectionFailure,
            PoolFailureReason::RemoteConnectionFailure,
        ] {
            assert_eq!(reply_for_pool_failure(r).flag, ResponseFlag::UF);
            assert_eq!(reply_for_pool_failure(r).status, 503);
        }
        assert_eq!(
            (TIMEOUT_REPLY.status, TIMEOUT_REPLY.flag),
            (504, ResponseFlag::UT)
        );
    }

    #[test]
    fn flag_sets_hold_several_flags() {
        let f = Flags::of(ResponseFlag::UF).with(ResponseFlag::URX);
        assert!(f.contains(ResponseFlag::UF) && f.contains(ResponseFlag::URX));
        assert!(!f.contains(ResponseFlag::UO));
        assert_eq!(
            f.iter().collect::<Vec<_>>(),
            vec![ResponseFlag::UF, ResponseFlag::URX]
        );
        assert!(Flags::NONE.is_empty());
    }
}
