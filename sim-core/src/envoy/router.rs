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
}

impl ResponseFlag {
    pub const ALL: [ResponseFlag; 4] = [
        ResponseFlag::UO,
        ResponseFlag::UF,
        ResponseFlag::UT,
        ResponseFlag::UH,
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
        }
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
}
