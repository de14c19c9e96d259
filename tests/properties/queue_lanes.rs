//! The event queue with lanes against a plain model: random schedules on the wheel and in
//! three fixed-delay lanes, cancels and pops. Every pop is due at the model's earliest time,
//! is an event still queued, keeps its lane's FIFO order and the wheel's scheduling order at
//! equal times; cancelled events never pop; `len` counts only live events.

use proptest::prelude::*;
use sim_core::engine::{EventQueue, TimerHandle};
use sim_core::time::SimTime;

/// The lanes' delays (ns): fixed per lane, so each lane's due times never decrease.
const DELAYS: [u64; 3] = [100, 250, 1000];

#[derive(Clone, Debug)]
enum Op {
    /// An event on the wheel this many ns ahead.
    Wheel(u64),
    /// A timer in lane `0..3`.
    Lane(usize),
    /// Cancel the queued event at this index (modulo how many are queued).
    Cancel(usize),
    Pop,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..1500u64).prop_map(Op::Wheel),
        4 => (0..3usize).prop_map(Op::Lane),
        3 => any::<usize>().prop_map(Op::Cancel),
        4 => Just(Op::Pop),
    ]
}

/// A queued event in the model: due time, event number, lane (or `None`: the wheel).
type Queued = (u64, u32, Option<usize>, TimerHandle);

/// Pops one event and checks it against `model`; returns its time.
fn pop_and_check(q: &mut EventQueue<u32>, model: &mut Vec<Queued>) -> Option<u64> {
    let got = q.pop();
    let Some(earliest) = model.iter().map(|m| m.0).min() else {
        assert_eq!(got, None);
        return None;
    };
    let (time, e) = got.expect("an event is queued");
    assert_eq!(time.0, earliest, "event {e}");
    let i = model.iter().position(|m| m.1 == e).expect("a queued event");
    let (_, _, lane, _) = model.remove(i);
    // Nothing scheduled before it in its lane (or, on the wheel, at its time) is still queued.
    let before = |m: &&Queued| m.1 < e && m.2 == lane && (lane.is_some() || m.0 == earliest);
    assert!(!model.iter().any(|m| before(&m)), "{e} popped out of order");
    Some(time.0)
}

fn run(ops: &[Op]) {
    let mut q = EventQueue::new();
    let lanes = [q.new_lane(), q.new_lane(), q.new_lane()];
    let mut model: Vec<Queued> = Vec::new();
    let mut now = 0;
    for (n, op) in ops.iter().enumerate() {
        let e = n as u32;
        match *op {
            Op::Wheel(ahead) => {
                model.push((now + ahead, e, None, q.schedule(SimTime(now + ahead), e)))
            }
            Op::Lane(l) => {
                let at = now + DELAYS[l];
                model.push((at, e, Some(l), q.schedule_in_lane(lanes[l], SimTime(at), e)));
            }
            Op::Cancel(i) if !model.is_empty() => {
                let (_, e, _, h) = model.remove(i % model.len());
                assert_eq!(q.cancel(h), Some(e));
                assert_eq!(q.cancel(h), None, "a second cancel is a no-op");
            }
            Op::Cancel(_) => {}
            Op::Pop => now = pop_and_check(&mut q, &mut model).unwrap_or(now),
        }
        assert_eq!(q.len(), model.len());
    }
    while pop_and_check(&mut q, &mut model).is_some() {}
    assert!(q.is_empty());
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn lanes_and_wheel_pop_like_a_sorted_model(ops in proptest::collection::vec(op(), 0..400)) {
        run(&ops);
    }
}
