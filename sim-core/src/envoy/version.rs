//! The Envoy releases breakersim models, and the one table of every modelled behaviour that
//! changed between them (`[envoy] version`).

use std::fmt;

use serde::Deserialize;

/// An Envoy minor release, `1.N` (`EnvoyVersion(28)` is Envoy 1.28); ordered as releases are.
/// Patch releases carry bug fixes only and are not told apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnvoyVersion(pub u32);

/// The oldest release whose behaviour breakersim models: Envoy 1.17, the first with
/// `max_ejection_time` and a multiplier that comes down again (PR #14235). Before it the
/// ejection multiplier was the number of ejections, for ever (envoyproxy/envoy#6016).
pub const OLDEST_ENVOY: EnvoyVersion = EnvoyVersion(17);

/// The newest release breakersim follows, the default of `[envoy] version`: Envoy 1.39
/// (`changelogs/1.39.0.yaml`, July 2026).
pub const NEWEST_ENVOY: EnvoyVersion = EnvoyVersion(39);

/// A behaviour of a modelled mechanism that an Envoy release changed. Each has one row in
/// [`CHANGES`], the only place its release is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// A `retry_budget` with no field set turns the budget on (20%, at least 3), in place of
    /// `max_retries`.
    RetryBudgetMessageTurnsItOn,
    /// An upstream connect timeout is a connection failure (503 UF, retried by
    /// `connect-failure`), not a local reset.
    ConnectTimeoutIsAConnectionFailure,
    /// `max_ejection_percent` is checked counting the host about to be ejected, except for an
    /// ejection when none is ejected.
    MaxEjectionPercentCountsTheHostToEjectAfterTheFirst,
    /// A 425 that `retriable-status-codes` lists is retried at once, with no back-off.
    TooEarlyRetriedAtOnce,
    /// A circuit-breaker overflow (UO) is not reported to the outlier detector. Before, the
    /// router reported an attach-time `max_requests` overflow as a local-origin connect failure
    /// of its host.
    OverflowNotReportedToOutlierDetection,
    /// `max_ejection_percent` is checked counting the host about to be ejected, for the first
    /// ejection too.
    MaxEjectionPercentCountsTheHostToEject,
    /// The ejection multiplier of a host comes down only after the host has stayed unejected for
    /// a whole interval, checked after the interval's success-rate and failure-percentage passes.
    MultiplierDecaysAfterAHealthyInterval,
    /// A weighted (EDF) scheduler starts at a random point of its whole pick list
    /// (`createWithPicks`), not among the first `hosts` picks.
    EdfSchedulerStartsAtARandomPick,
    /// An HTTP/2 connection without `max_concurrent_streams` takes 1024 streams, not 2^31 - 1.
    Http2SafeDefaultMaxConcurrentStreams,
    /// A request refused at attach time by `max_requests` counts `upstream_rq_active_overflow`
    /// instead of `upstream_rq_pending_overflow`.
    ActiveRequestOverflowCounter,
}

/// One row of the table: what changed, in which release, and where that is written.
#[derive(Clone, Copy, Debug)]
pub struct Change {
    /// What it is about; rows with the same topic are successive steps of one behaviour.
    pub topic: &'static str,
    /// The behaviour.
    pub behaviour: Behaviour,
    /// The first release with the new behaviour.
    pub since: EnvoyVersion,
    /// What older releases do.
    pub before: &'static str,
    /// What this and newer releases do.
    pub after: &'static str,
    /// The pull request, changelog line and runtime guard it comes from.
    pub source: &'static str,
}

/// Every modelled behaviour that depends on the Envoy release, oldest change first.
pub const CHANGES: &[Change] = &[
    Change {
        topic: "retry budget without fields",
        behaviour: Behaviour::RetryBudgetMessageTurnsItOn,
        since: EnvoyVersion(18),
        before: "a `retry_budget` with no field set leaves `max_retries` in charge",
        after: "a `retry_budget` with no field set turns the budget on at 20% with at least 3 \
                retries",
        source: "PR #14905, `changelogs/1.18.0.yaml` (retry budgets set default values); \
                 `ClusterInfoImpl::getRetryBudgetParams` in `source/common/upstream/upstream_impl.cc`",
    },
    Change {
        topic: "connect timeout",
        behaviour: Behaviour::ConnectTimeoutIsAConnectionFailure,
        since: EnvoyVersion(18),
        before: "an upstream connect timeout resets the request as a local reset: 503 LR, \
                 retried by `reset`, `5xx` or `gateway-error` but not by `connect-failure`",
        after: "an upstream connect timeout is a connection failure: 503 UF, retried by \
                `connect-failure`",
        source: "PR #14685, `changelogs/1.18.0.yaml` bug_fixes (runtime guard \
                 `envoy.reloadable_features.treat_upstream_connect_timeout_as_connect_failure`, \
                 removed in 1.21); `UpstreamRequest::onPoolFailure` in \
                 `source/common/router/upstream_request.cc`",
    },
    Change {
        topic: "425 retried",
        behaviour: Behaviour::TooEarlyRetriedAtOnce,
        since: EnvoyVersion(22),
        before: "a 425 that `retriable-status-codes` lists waits out the retry back-off like any \
                 listed status",
        after: "a listed 425 is retried at once: no back-off drawn, no \
                `upstream_rq_retry_backoff_exponential`",
        source: "`changelogs/1.22.0.yaml` new_features area http3 (retries of 0-RTT requests), \
                 runtime guard `envoy.reloadable_features.conn_pool_new_stream_with_early_data_and_http3` \
                 (removed in 1.26); `RetryStateImpl::wouldRetryFromHeaders` in \
                 `source/common/router/retry_state_impl.cc`",
    },
    Change {
        topic: "overflows and outlier detection",
        behaviour: Behaviour::OverflowNotReportedToOutlierDetection,
        since: EnvoyVersion(26),
        before: "a request refused by `max_requests` when it would attach to a connection (UO) \
                 is reported to the outlier detector as a local-origin connect failure of its \
                 host (a 503 unless local-origin errors are split); a full pending queue is not \
                 (the pool names no host for it)",
        after: "overflows are never reported to the outlier detector",
        source: "PR #25488 (issue #25487), `changelogs/1.26.0.yaml` bug_fixes area router; \
                 `Filter::onUpstreamReset` in `source/common/router/router.cc`",
    },
    Change {
        topic: "max_ejection_percent cap",
        behaviour: Behaviour::MaxEjectionPercentCountsTheHostToEjectAfterTheFirst,
        since: EnvoyVersion(27),
        before: "eject while `100 * ejected / hosts < max_ejection_percent` (the host about to \
                 be ejected not counted: with `max_ejection_percent` above 0 the first ejection \
                 always passes)",
        after: "with no host ejected, eject; otherwise eject only if \
                `100 * (ejected + 1) / hosts <= max_ejection_percent`",
        source: "PR #27624 (issue #26877), in 1.27.0 without a changelog entry; \
                 `DetectorImpl::ejectHost` in `source/common/upstream/outlier_detection_impl.cc`",
    },
    Change {
        topic: "max_ejection_percent cap",
        behaviour: Behaviour::MaxEjectionPercentCountsTheHostToEject,
        since: EnvoyVersion(28),
        before: "(1.27's rule)",
        after: "eject only if `100 * (ejected + 1) / hosts <= max_ejection_percent`, the first \
                ejection too",
        source: "PR #27909 (issues #26877, #27066), `changelogs/1.28.0.yaml` \
                 minor_behavior_changes area outlier detection, runtime guard \
                 `envoy.reloadable_features.check_mep_on_first_eject` (removed in 1.31); \
                 `DetectorImpl::ejectHost` in `source/common/upstream/outlier_detection_impl.cc`",
    },
    Change {
        topic: "ejection multiplier decay",
        behaviour: Behaviour::MultiplierDecaysAfterAHealthyInterval,
        since: EnvoyVersion(28),
        before: "at each interval tick, before the success-rate and failure-percentage passes, \
                 the multiplier of every host not ejected at that moment comes down by one",
        after: "after the passes, the multiplier of a host not ejected comes down by one only \
                if it was unejected at least one interval ago",
        source: "PR #29711 (issues #21142, #26758), `changelogs/1.28.0.yaml` \
                 minor_behavior_changes area outlier detection; `DetectorImpl::onIntervalTimer` and `checkHostForUneject` in \
                 `source/common/upstream/outlier_detection_impl.cc`",
    },
    Change {
        topic: "weighted scheduler start",
        behaviour: Behaviour::EdfSchedulerStartsAtARandomPick,
        since: EnvoyVersion(30),
        before: "a weighted round-robin or least-request scheduler, built when hosts change, \
                 starts after `seed % hosts` picks: the first picks favour the heaviest hosts",
        after: "a weighted scheduler starts `seed` picks into its whole pick list \
                (`createWithPicks`)",
        source: "PRs #31592 and #32233, `changelogs/1.30.0.yaml` bug_fixes area \
                 load_balancing, runtime guard \
                 `envoy.reloadable_features.edf_lb_host_scheduler_init_fix` (removed in 1.33); \
                 `EdfLoadBalancerBase::refresh` in \
                 `source/extensions/load_balancing_policies/common/load_balancer_impl.cc`",
    },
    Change {
        topic: "HTTP/2 default stream limit",
        behaviour: Behaviour::Http2SafeDefaultMaxConcurrentStreams,
        since: EnvoyVersion(36),
        before: "an upstream HTTP/2 connection without `max_concurrent_streams` carries up to \
                 2147483647 streams",
        after: "an upstream HTTP/2 connection without `max_concurrent_streams` carries up to 1024 \
                streams",
        source: "`changelogs/1.36.0.yaml` behavior_changes area http2, runtime guard \
                 `envoy.reloadable_features.safe_http2_options` (PR #40716); \
                 `Http2::Utility::OptionsLimits` in `source/common/http/http2/codec_impl.h`",
    },
    Change {
        topic: "attach-time overflow counter",
        behaviour: Behaviour::ActiveRequestOverflowCounter,
        since: EnvoyVersion(38),
        before: "a request refused by `max_requests` when it would attach to a connection counts \
                 `upstream_rq_pending_overflow`",
        after: "a request refused by `max_requests` when it would attach to a connection counts \
                `upstream_rq_active_overflow`, not the pending counter",
        source: "`changelogs/1.38.0.yaml` minor_behavior_changes area conn_pool, runtime guard \
                 `envoy.reloadable_features.skip_pending_overflow_count_on_active_rq`; \
                 `ConnPoolImplBase::attachStreamToClient` in \
                 `source/common/conn_pool/conn_pool_base.cc`",
    },
];

/// What a release changed in the configuration Envoy accepts, for the fields breakersim reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigChange {
    /// The field at this scenario path (dotted) exists from `since`; older Envoys reject a
    /// config that sets it.
    FieldAdded(&'static str),
    /// The field at this path may be left out from `since` (it has a default); older releases
    /// need it written.
    DefaultAdded(&'static str),
    /// This `retry_on` condition exists from `since`; older Envoys reject it.
    RetryOnAdded(&'static str),
}

/// One row of the configuration table: what changed, in which release, and where that is
/// written.
#[derive(Clone, Copy, Debug)]
pub struct ConfigRow {
    /// The change.
    pub change: ConfigChange,
    /// The first release with it.
    pub since: EnvoyVersion,
    /// The pull request or changelog line it comes from.
    pub source: &'static str,
}

/// Every configuration change between the modelled releases to the fields breakersim reads,
/// oldest first. A scenario for an older release that uses a newer field is refused.
pub const CONFIG_CHANGES: &[ConfigRow] = &[
    ConfigRow {
        change: ConfigChange::DefaultAdded("cluster.connect_timeout"),
        since: EnvoyVersion(19),
        source: "`changelogs/1.19.0.yaml`: a default of 5 seconds for `connect_timeout`",
    },
    ConfigRow {
        change: ConfigChange::FieldAdded("cluster.circuit_breakers.per_host_thresholds"),
        since: EnvoyVersion(22),
        source: "PR #20292, `changelogs/1.22.0.yaml` (per host limits in circuit breakers)",
    },
    ConfigRow {
        change: ConfigChange::FieldAdded("cluster.outlier_detection.max_ejection_time_jitter"),
        since: EnvoyVersion(22),
        source: "`changelogs/1.22.0.yaml` new_features area outlier_detection",
    },
    ConfigRow {
        change: ConfigChange::FieldAdded(
            "cluster.outlier_detection.successful_active_health_check_uneject_host",
        ),
        since: EnvoyVersion(28),
        source: "PR #29303, `changelogs/1.28.0.yaml` (replaces the runtime guard \
                 `envoy.reloadable_features_successful_active_health_check_uneject_host`)",
    },
    ConfigRow {
        change: ConfigChange::FieldAdded("cluster.least_request_lb_config.selection_method"),
        since: EnvoyVersion(30),
        source: "PR #31507, `changelogs/1.30.0.yaml` new_features area upstream (`LeastRequest` \
                 `selection_method`, `FULL_SCAN`)",
    },
    ConfigRow {
        change: ConfigChange::FieldAdded("cluster.outlier_detection.always_eject_one_host"),
        since: EnvoyVersion(31),
        source: "PR #34796, `changelogs/1.31.0.yaml` new_features area outlier detection",
    },
    ConfigRow {
        change: ConfigChange::RetryOnAdded("reset-before-request"),
        since: EnvoyVersion(31),
        source: "PR #35074, `changelogs/1.31.0.yaml` new_features area retry",
    },
];

impl Behaviour {
    /// Its row of [`CHANGES`].
    pub fn change(self) -> &'static Change {
        CHANGES
            .iter()
            .find(|c| c.behaviour == self)
            .expect("every behaviour has a row")
    }
}

impl EnvoyVersion {
    /// `1.28`, `v1.28` or `1.28.3` (the patch is not told apart), from [`OLDEST_ENVOY`] to
    /// [`NEWEST_ENVOY`].
    pub fn parse(s: &str) -> Result<EnvoyVersion, String> {
        let bad = || format!("`{s}` is not an Envoy version like \"1.28\"");
        let mut parts = s.strip_prefix('v').unwrap_or(s).split('.');
        let major: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let minor: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        if let Some(patch) = parts.next()
            && (patch.parse::<u32>().is_err() || parts.next().is_some())
        {
            return Err(bad());
        }
        let v = EnvoyVersion(minor);
        if major != 1 || v < OLDEST_ENVOY || v > NEWEST_ENVOY {
            return Err(format!(
                "breakersim models Envoy {} to {}, not `{s}`",
                OLDEST_ENVOY, NEWEST_ENVOY
            ));
        }
        Ok(v)
    }

    /// Whether this release has the new form of `b`.
    pub fn has(self, b: Behaviour) -> bool {
        self >= b.change().since
    }

    /// Every release breakersim models, oldest first.
    pub fn all() -> impl Iterator<Item = EnvoyVersion> {
        (OLDEST_ENVOY.0..=NEWEST_ENVOY.0).map(EnvoyVersion)
    }
}

impl Default for EnvoyVersion {
    fn default() -> Self {
        NEWEST_ENVOY
    }
}

impl fmt::Display for EnvoyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.0)
    }
}

/// Read from a quoted string (`"1.28"`); a number is refused because `1.30` would read as `1.3`.
impl<'de> Deserialize<'de> for EnvoyVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Number(f64),
        }
        match Written::deserialize(d)? {
            Written::Text(s) => EnvoyVersion::parse(&s).map_err(serde::de::Error::custom),
            Written::Number(n) => Err(serde::de::Error::custom(format!(
                "write the Envoy version as a quoted string such as \"1.28\", not the number {n} (a number loses trailing zeros: 1.30 would read as 1.3); with --set, quote it too: 'envoy.version=\"1.28\"'"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minor_versions_with_or_without_v_and_patch() {
        assert_eq!(EnvoyVersion::parse("1.28"), Ok(EnvoyVersion(28)));
        assert_eq!(EnvoyVersion::parse("v1.17"), Ok(EnvoyVersion(17)));
        assert_eq!(EnvoyVersion::parse("1.30.2"), Ok(EnvoyVersion(30)));
        assert_eq!(EnvoyVersion(28).to_string(), "1.28");
    }

    #[test]
    fn refuses_what_it_does_not_model() {
        for bad in ["latest", "1", "1.x", "", "1.28.x", "1.28.1.1"] {
            assert_eq!(
                EnvoyVersion::parse(bad),
                Err(format!("`{bad}` is not an Envoy version like \"1.28\""))
            );
        }
        for out in ["1.16", "1.40", "2.0"] {
            assert_eq!(
                EnvoyVersion::parse(out),
                Err(format!("breakersim models Envoy 1.17 to 1.39, not `{out}`"))
            );
        }
    }

    /// Each row's release, as the changelogs cited in its `source` give it.
    #[test]
    fn behaviours_switch_at_their_release() {
        let v = |m| EnvoyVersion(m);
        let too_early = Behaviour::TooEarlyRetriedAtOnce;
        assert!(!v(21).has(too_early) && v(22).has(too_early));
        let overflow = Behaviour::OverflowNotReportedToOutlierDetection;
        assert!(!v(25).has(overflow) && v(26).has(overflow));
        let first = Behaviour::MaxEjectionPercentCountsTheHostToEjectAfterTheFirst;
        assert!(!v(26).has(first) && v(27).has(first));
        let cap = Behaviour::MaxEjectionPercentCountsTheHostToEject;
        assert!(!v(27).has(cap) && v(28).has(cap));
        let budget = Behaviour::RetryBudgetMessageTurnsItOn;
        assert!(!v(17).has(budget) && v(18).has(budget));
        let timeout = Behaviour::ConnectTimeoutIsAConnectionFailure;
        assert!(!v(17).has(timeout) && v(18).has(timeout));
        let decay = Behaviour::MultiplierDecaysAfterAHealthyInterval;
        assert!(!v(27).has(decay) && v(28).has(decay));
        let edf = Behaviour::EdfSchedulerStartsAtARandomPick;
        assert!(!v(29).has(edf) && v(30).has(edf));
        let streams = Behaviour::Http2SafeDefaultMaxConcurrentStreams;
        assert!(!v(35).has(streams) && v(36).has(streams));
        let active = Behaviour::ActiveRequestOverflowCounter;
        assert!(!v(37).has(active) && v(38).has(active));
    }

    #[test]
    fn the_table_is_in_release_order_and_in_range() {
        assert!(CHANGES.windows(2).all(|w| w[0].since <= w[1].since));
        assert!(CONFIG_CHANGES.windows(2).all(|w| w[0].since <= w[1].since));
        assert!(
            CONFIG_CHANGES
                .iter()
                .all(|c| c.since > OLDEST_ENVOY && c.since <= NEWEST_ENVOY)
        );
        assert!(
            CHANGES
                .iter()
                .all(|c| c.since > OLDEST_ENVOY && c.since <= NEWEST_ENVOY)
        );
    }
}
