//! What the router filter answers when it does not forward an upstream response: local replies
//! and their access-log response flags.
//!
//! Follows `source/common/router/router.cc`: `onUpstreamReset` turns a reset into a local 503
//! whose flag comes from `streamResetReasonToResponseFlag` (`Overflow` → UO with
//! `x-envoy-overloaded: true`; connection failure or timeout → UF; connection termination →
//! UC; local reset → LR; remote reset or remote refused stream → UR), `onResponseTimeout` and
//! `onPerTryTimeoutCommon` into a 504 with flag UT, and no host into a 503 "no healthy upstream"
//! with flag UH (`upstream_cx_none_healthy`).

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
    /// UpstreamRemoteReset: the upstream reset the stream (or refused it: HTTP/2
    /// `REFUSED_STREAM`).
    UR,
    /// LocalReset: Envoy reset the stream itself.
    LR,
}

impl ResponseFlag {
    /// Every flag, in index order (the order of reports and of [`Flags::iter`]).
    pub const ALL: [ResponseFlag; 8] = [
        ResponseFlag::UO,
        ResponseFlag::UF,
        ResponseFlag::UT,
        ResponseFlag::UH,
        ResponseFlag::URX,
        ResponseFlag::UC,
        ResponseFlag::UR,
        ResponseFlag::LR,
    ];

    /// Its position in [`ResponseFlag::ALL`] (array index, bit in [`Flags`]).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The short name Envoy's access log prints (`%RESPONSE_FLAGS%`).
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseFlag::UO => "UO",
            ResponseFlag::UF => "UF",
            ResponseFlag::UT => "UT",
            ResponseFlag::UH => "UH",
            ResponseFlag::URX => "URX",
            ResponseFlag::UC => "UC",
            ResponseFlag::UR => "UR",
            ResponseFlag::LR => "LR",
        }
    }
}

/// The response flags of one response (Envoy's access log can show several, e.g. `UF,URX`).
/// One bit per [`ResponseFlag`]: a `u8` holds all eight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(u8);

const _: () = assert!(ResponseFlag::ALL.len() <= u8::BITS as usize);

impl Flags {
    /// No flag.
    pub const NONE: Flags = Flags(0);

    /// Just `flag`.
    pub fn of(flag: ResponseFlag) -> Flags {
        Flags(1 << flag.index())
    }

    /// These flags and `flag`.
    pub fn with(self, flag: ResponseFlag) -> Flags {
        Flags(self.0 | 1 << flag.index())
    }

    /// Whether `flag` is set.
    pub fn contains(self, flag: ResponseFlag) -> bool {
        self.0 & (1 << flag.index()) != 0
    }

    /// Whether no flag is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The flags set, in [`ResponseFlag::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = ResponseFlag> {
        // Set bits, lowest first (the order of `ResponseFlag::ALL`): no work for flags not set.
        let mut bits = self.0;
        std::iter::from_fn(move || {
            let index = bits.trailing_zeros() as usize;
            bits &= bits.wrapping_sub(1);
            ResponseFlag::ALL.get(index).copied()
        })
    }
}

/// A response Envoy generates itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalReply {
    /// The HTTP status sent downstream (503 or 504).
    pub status: u16,
    /// The response flag that explains it.
    pub flag: ResponseFlag,
    /// Counted as dropped (`x-envoy-overloaded: true`).
    pub overloaded: bool,
}

/// The local reply when an attempt is reset for `reset` and not retried: `onUpstreamReset`
/// answers 503 (502 only for a protocol error, which breakersim never produces) with the flag
/// of `streamResetReasonToResponseFlag` (both in `source/common/router/router.cc`).
///
/// A per-try timeout does not come here: Envoy checks its retry as a `LocalReset`, but
/// `onPerTryTimeoutCommon` answers it with [`TIMEOUT_REPLY`] (504 UT).
pub fn reply_for_reset(reset: super::retry::ResetKind) -> LocalReply {
    use super::retry::ResetKind;
    let reset_reply = |flag| LocalReply {
        status: 503,
        flag,
        overloaded: false,
    };
    match reset {
        ResetKind::Overflow => reply_for_pool_failure(PoolFailureReason::Overflow),
        ResetKind::ConnectFailure => reply_for_pool_failure(PoolFailureReason::Timeout),
        ResetKind::ConnectionTermination => reset_reply(ResponseFlag::UC),
        // `LocalReset` → `CoreResponseFlag::LocalReset`.
        ResetKind::LocalReset => reset_reply(ResponseFlag::LR),
        // `RemoteRefusedStreamReset` → `CoreResponseFlag::UpstreamRemoteReset`.
        ResetKind::RefusedStream => reset_reply(ResponseFlag::UR),
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

    /// Envoy's `Filter::onUpstreamReset` and `Filter::streamResetReasonToResponseFlag`
    /// (`source/common/router/router.cc`): every reset breakersim produces is answered 503 (502
    /// is for `ProtocolError` only); the flag is UO for `Overflow` (with `x-envoy-overloaded`,
    /// `dropped` being `reset_reason == Overflow`), UF for a connection failure or timeout, UC
    /// for `ConnectionTermination`, LR for `LocalReset` and UR for `RemoteRefusedStreamReset`.
    #[test]
    fn resets_map_to_envoys_local_replies() {
        use crate::envoy::retry::ResetKind;
        let expected = [
            (ResetKind::Overflow, 503, ResponseFlag::UO, true),
            (ResetKind::ConnectFailure, 503, ResponseFlag::UF, false),
            (
                ResetKind::ConnectionTermination,
                503,
                ResponseFlag::UC,
                false,
            ),
            (ResetKind::LocalReset, 503, ResponseFlag::LR, false),
            (ResetKind::RefusedStream, 503, ResponseFlag::UR, false),
        ];
        for (reset, status, flag, overloaded) in expected {
            assert_eq!(
                reply_for_reset(reset),
                LocalReply {
                    status,
                    flag,
                    overloaded
                },
                "{reset:?}"
            );
        }
        assert_eq!(
            (ResponseFlag::UR.as_str(), ResponseFlag::LR.as_str()),
            ("UR", "LR"),
            "Envoy's short names"
        );
    }

    /// All eight flags fit in one set, each kept apart from the others.
    #[test]
    fn a_flag_set_holds_every_flag() {
        let all = ResponseFlag::ALL
            .into_iter()
            .fold(Flags::NONE, |f, flag| f.with(flag));
        assert_eq!(all.iter().collect::<Vec<_>>(), ResponseFlag::ALL.to_vec());
        let ur = Flags::of(ResponseFlag::UR);
        assert!(ur.contains(ResponseFlag::UR) && !ur.contains(ResponseFlag::LR));
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
