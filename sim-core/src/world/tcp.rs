//! The Linux TCP client's retransmissions: when each SYN of a connect goes out and when the
//! kernel gives up on it (`connect()` fails with `ETIMEDOUT`), and when data the server's
//! kernel dropped is sent again.
//!
//! Follows `tcp_retransmit_timer` and `tcp_write_timeout` in `net/ipv4/tcp_timer.c` (Linux ≥ 6.5,
//! commit ccce324dabfe "tcp: make the first N SYN RTO backoffs linear"):
//! - the first SYN arms the retransmission timer with the initial RTO, `TCP_TIMEOUT_INIT`
//!   (`include/net/tcp.h`: 1 s);
//! - each time the timer fires, `tcp_write_timeout` first asks whether the connect has expired:
//!   `icsk_retransmits >= tcp_syn_retries + tcp_syn_linear_timeouts` (SYN_SENT only), or, if not,
//!   `retransmits_timed_out(sk, tcp_syn_retries, 0)`: the time since the first SYN is at least
//!   `tcp_model_timeout(tcp_syn_retries, rto_base = initial RTO)`;
//! - otherwise it resends the SYN and counts it; the RTO doubles (capped at `TCP_RTO_MAX`,
//!   120 s) only once `icsk_backoff > tcp_syn_linear_timeouts`, so the first
//!   `tcp_syn_linear_timeouts` retransmissions are 1 RTO apart.
//!
//! With Linux's defaults (`TCP_SYN_RETRIES` 6, `tcp_syn_linear_timeouts` 4, initial RTO 1 s)
//! the SYNs leave at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35 and 67 s and the connect fails at 131 s, the
//! figures `Documentation/networking/ip-sysctl.rst` gives. Kernels before 6.5 have no linear
//! timeouts (`tcp_syn_linear_timeouts = 0` here): 0, 1, 3, 7, 15, 31, 63 s and failure at 127 s.

use crate::time::SimDuration;

/// `TCP_RETR2` (`include/net/tcp.h`), the default `net.ipv4.tcp_retries2`: after this many
/// retransmissions' worth of time, a connection whose data is never acknowledged is dropped.
pub const TCP_RETRIES2: u32 = 15;

/// `TCP_RTO_MAX` (`include/net/tcp.h`): the retransmission timeout never exceeds 120 s.
pub const TCP_RTO_MAX: SimDuration = SimDuration(120_000_000_000);

/// The client kernel's SYN retransmission settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SynRetransmission {
    /// The first retransmission timeout (`TCP_TIMEOUT_INIT`, 1 s).
    pub initial_rto: SimDuration,
    /// `net.ipv4.tcp_syn_retries` (`TCP_SYN_RETRIES`, 6).
    pub syn_retries: u32,
    /// `net.ipv4.tcp_syn_linear_timeouts` (4 since Linux 6.5; 0 reproduces older kernels).
    pub linear_timeouts: u32,
}

/// What the kernel does when its retransmission timer fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SynTimer {
    /// Sends the SYN again; the timer fires next at this offset from the first SYN.
    Resend {
        /// The offset of the next firing.
        next: SimDuration,
    },
    /// Gives up: `connect()` fails with `ETIMEDOUT`.
    GiveUp,
}

impl SynRetransmission {
    /// The offset from the first SYN at which the timer first fires.
    pub fn first_timer(&self) -> SimDuration {
        self.initial_rto.min(TCP_RTO_MAX)
    }

    /// The timer fires at offset `at` from the first SYN, after `retransmits` retransmissions.
    pub fn on_timer(&self, retransmits: u32, at: SimDuration) -> SynTimer {
        let max = self.syn_retries.saturating_add(self.linear_timeouts);
        // `retransmits_timed_out` is false before the first retransmission.
        if retransmits >= max || (retransmits > 0 && at >= self.model_timeout()) {
            return SynTimer::GiveUp;
        }
        let backoff = retransmits + 1;
        let rto = self.rto_after(backoff);
        SynTimer::Resend {
            next: SimDuration(at.0.saturating_add(rto.0)),
        }
    }

    /// The RTO armed after the `backoff`-th retransmission: doubled once for each
    /// retransmission past the linear ones, capped at `TCP_RTO_MAX`.
    fn rto_after(&self, backoff: u32) -> SimDuration {
        let doublings = backoff.saturating_sub(self.linear_timeouts);
        let mut rto = self.first_timer();
        for _ in 0..doublings {
            rto = SimDuration(rto.0.saturating_add(rto.0)).min(TCP_RTO_MAX);
            if rto == TCP_RTO_MAX {
                break;
            }
        }
        rto
    }

    /// `tcp_model_timeout(sk, tcp_syn_retries, initial RTO)`.
    fn model_timeout(&self) -> SimDuration {
        model_timeout(self.syn_retries, self.first_timer())
    }
}

/// `tcp_model_timeout(sk, boundary, rto_base)` (`net/ipv4/tcp_timer.c`): the time exponential
/// backoff from `rto_base`, capped at `TCP_RTO_MAX`, takes to send `boundary` retransmissions
/// and wait out the last.
fn model_timeout(boundary: u32, rto_base: SimDuration) -> SimDuration {
    let base = rto_base.as_nanos().max(1);
    let thresh = (TCP_RTO_MAX.as_nanos() / base).max(1).ilog2();
    let nanos = if boundary <= thresh {
        ((2u128 << boundary) - 1) * u128::from(base)
    } else {
        ((2u128 << thresh) - 1) * u128::from(base)
            + u128::from(boundary - thresh) * u128::from(TCP_RTO_MAX.as_nanos())
    };
    SimDuration(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// When a kernel timer armed at `now` to fire `delay` later really fires: Linux's timer wheel
/// (`kernel/time/timer.c`, `calc_wheel_index` and `calc_index`) keeps a timer `delta` jiffies
/// away in level `lvl`, the first with `delta < LVL_START(lvl + 1)` (`LVL_START(n)` = 63 << 3 ×
/// (n - 1)), whose buckets are 8^`lvl` jiffies wide, and fires it at the first bucket boundary
/// after its expiry: `((expires >> 3·lvl) + 1) << 3·lvl`. So timers armed a few milliseconds
/// apart for 1 s fire together (at `hz` = 250, in 32 ms buckets), which is why SYNs dropped in
/// one burst come back in one burst. Jiffy 0 is taken to be the start of the run.
pub fn timer_wheel_expiry(now: SimDuration, delay: SimDuration, hz: u32) -> SimDuration {
    let jiffy = 1_000_000_000 / u64::from(hz.max(1));
    let now_j = now.as_nanos() / jiffy;
    let delta = delay.as_nanos().div_ceil(jiffy);
    let expires = now_j.saturating_add(delta);
    let mut lvl = 0u32;
    while lvl < 8 && delta >= lvl_start(lvl + 1) {
        lvl += 1;
    }
    let shift = 3 * lvl;
    let fires = ((expires >> shift) + 1) << shift;
    SimDuration(fires.saturating_mul(jiffy))
}

/// `LVL_START(n)`: the first delta, in jiffies, kept in level `n`.
fn lvl_start(n: u32) -> u64 {
    63u64 << (3 * (n - 1))
}

/// The retransmission of a request sent on a connection whose handshake the server's kernel
/// did not complete: the final ACK found the accept queue full (`tcp_v4_syn_recv_sock`,
/// `net/ipv4/tcp_ipv4.c`, `exit_overflow`; with `tcp_abort_on_overflow = 0` nothing is sent
/// back, `tcp_check_req` in `net/ipv4/tcp_minisocks.c`). The client counts itself connected and
/// sends; the server drops each segment until one finds room in the queue (then the
/// connection is created with that segment's data) or the client gives up.
///
/// On a fast link the client's smoothed RTT is close to 0, so:
/// - the first resend is the tail-loss probe, `tcp_schedule_loss_probe`
///   (`net/ipv4/tcp_output.c`): 2 × SRTT plus `tcp_rto_min` with one packet outstanding;
/// - then the RTO, `__tcp_set_rto` (`net/ipv4/tcp_input.c`): SRTT plus an RTT variance of at
///   least `tcp_rto_min`, re-armed after the probe (`tcp_rearm_rto`) and doubled at each
///   expiry (`tcp_retransmit_timer`, `net/ipv4/tcp_timer.c`), capped at `TCP_RTO_MAX`.
///
/// So with `rto` standing for both, resends leave at 1, 2, 4, 8, … × `rto` after the first
/// send, as measured against `python3 -m http.server` here (0.21, 0.42, 0.83, 1.67, 3.33,
/// 6.69, 13.5 s; `tests/fixtures/validation/python-http-server/`). The connection is dropped
/// (`tcp_write_timeout`: `retransmits_timed_out` with `tcp_retries2`) once
/// `tcp_model_timeout(TCP_RETRIES2, rto)` has passed since the first send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataRetransmission {
    /// The probe timeout and the first RTO: `tcp_rto_min` plus the round trip.
    pub rto: SimDuration,
}

impl DataRetransmission {
    /// The offset from the first send at which resend number `resends + 1` leaves, after
    /// `resends` resends; `None` when the kernel gives up first.
    pub fn next_resend(&self, resends: u32) -> Option<SimDuration> {
        let rto = self.rto.min(TCP_RTO_MAX).as_nanos().max(1);
        let mut at = rto; // The probe.
        let mut gap = rto;
        for _ in 0..resends {
            at = at.saturating_add(gap);
            gap = gap.saturating_mul(2).min(TCP_RTO_MAX.as_nanos());
        }
        let at = SimDuration(at);
        (at < model_timeout(TCP_RETRIES2, SimDuration(rto))).then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(s: SynRetransmission) -> (Vec<u64>, u64) {
        let mut sends = vec![0];
        let mut at = s.first_timer();
        for retransmits in 0.. {
            match s.on_timer(retransmits, at) {
                SynTimer::Resend { next } => {
                    sends.push(at.as_nanos() / 1_000_000_000);
                    at = next;
                }
                SynTimer::GiveUp => return (sends, at.as_nanos() / 1_000_000_000),
            }
        }
        unreachable!()
    }

    fn linux(linear_timeouts: u32) -> SynRetransmission {
        SynRetransmission {
            initial_rto: SimDuration::from_secs(1),
            syn_retries: 6,
            linear_timeouts,
        }
    }

    /// The figures of `tcp_syn_retries` and `tcp_syn_linear_timeouts` in Linux's
    /// `Documentation/networking/ip-sysctl.rst` (≥ 6.5): "67seconds (with
    /// tcp_syn_linear_timeouts = 4) till the last retransmission", "final timeout ... after
    /// 131seconds", SYN RTOs "1, 1, 1, 1, 1, 2, 4, ...".
    #[test]
    fn linux_defaults_resend_at_1_2_3_4_5_7_11_19_35_67_and_fail_at_131_s() {
        let (sends, give_up) = schedule(linux(4));
        assert_eq!(sends, [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
        assert_eq!(give_up, 131);
    }

    /// Before Linux 6.5 the same document read "63seconds till the last retransmission ... the
    /// final timeout ... after 127seconds": pure doubling from 1 s.
    #[test]
    fn kernels_before_6_5_double_from_the_first_retransmission() {
        let (sends, give_up) = schedule(linux(0));
        assert_eq!(sends, [0, 1, 3, 7, 15, 31, 63]);
        assert_eq!(give_up, 127);
    }

    /// Worked by hand from `tcp_write_timeout`: `tcp_syn_retries = 0` with no linear timeouts
    /// gives up when the first timer fires (0 >= 0); `tcp_syn_retries = 2` with 4 linear
    /// timeouts stops on time first: `tcp_model_timeout(2, 1 s)` = (2 << 2) - 1 = 7 s, reached
    /// at the firing at 7 s after retransmissions at 1, 2, 3, 4, 5 (count 5 < 6).
    #[test]
    fn the_time_bound_can_end_a_connect_before_the_count() {
        let none = SynRetransmission {
            syn_retries: 0,
            ..linux(0)
        };
        assert_eq!(schedule(none), (vec![0], 1));
        let short = SynRetransmission {
            syn_retries: 2,
            ..linux(4)
        };
        assert_eq!(schedule(short), (vec![0, 1, 2, 3, 4, 5], 7));
    }

    /// Worked by hand from the probe and RTO rules above with the 200 ms `TCP_RTO_MIN`: resends
    /// at 0.2, 0.4, 0.8, … s, the gap doubling to 102.4 s between the 10th and 11th (at 204.8
    /// s), then capped at 120 s; `tcp_model_timeout(15, 0.2 s)` = (2^10 - 1) × 0.2 s + 6 × 120 s
    /// = 924.6 s, so the last resend is the 16th, at 804.8 s.
    #[test]
    fn data_is_resent_at_doubling_multiples_of_the_rto() {
        let d = DataRetransmission {
            rto: SimDuration::from_millis(200),
        };
        let ms = |k| d.next_resend(k).map(|t| t.as_nanos() / 1_000_000);
        assert_eq!(
            (0..11).map(ms).collect::<Vec<_>>(),
            [
                200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 51_200, 102_400, 204_800
            ]
            .map(Some)
        );
        assert_eq!(ms(11), Some(324_800));
        assert_eq!(ms(15), Some(804_800));
        assert_eq!(ms(16), None);
    }

    /// Worked by hand from `calc_wheel_index` at HZ = 250 (4 ms jiffies): 1 s is 250 jiffies,
    /// level 1 (63 <= 250 < 504), 8-jiffy buckets. Armed at 0: expires at jiffy 250, fires at
    /// ((250 >> 3) + 1) << 3 = 256, 1.024 s. Armed at 10 ms (jiffy 2): 252 → 256, the same
    /// moment. A 200 ms timer (50 jiffies, level 0) armed at 1 ms fires at jiffy 51, 204 ms.
    #[test]
    fn the_timer_wheel_fires_timers_at_bucket_boundaries() {
        let ms = |m| SimDuration::from_millis(m);
        assert_eq!(timer_wheel_expiry(ms(0), ms(1000), 250), ms(1024));
        assert_eq!(timer_wheel_expiry(ms(10), ms(1000), 250), ms(1024));
        assert_eq!(timer_wheel_expiry(ms(33), ms(1000), 250), ms(1056));
        assert_eq!(timer_wheel_expiry(ms(1), ms(200), 250), ms(204));
    }

    /// The RTO stops at `TCP_RTO_MAX`: with a 100 s initial RTO the second timer is 120 s later.
    #[test]
    fn the_rto_is_capped_at_120_s() {
        let s = SynRetransmission {
            initial_rto: SimDuration::from_secs(100),
            ..linux(0)
        };
        assert_eq!(
            s.on_timer(0, SimDuration::from_secs(100)),
            SynTimer::Resend {
                next: SimDuration::from_secs(220)
            }
        );
    }
}
