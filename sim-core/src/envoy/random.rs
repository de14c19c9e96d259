//! Envoy's `Random::RandomGenerator`: where the detector's and the router's random numbers
//! come from, so tests can script them the way Envoy's tests mock `random()`.

use rand::RngExt;

use crate::rng::SimRng;

/// A source of uniformly random `u64`s (Envoy's `random_.random()`).
pub trait RandomSource {
    /// A uniformly random `u64`.
    fn random(&mut self) -> u64;
}

impl RandomSource for SimRng {
    fn random(&mut self) -> u64 {
        RngExt::random(self)
    }
}

/// `NiceMock<Random::MockRandomGenerator>` for tests: 0 unless a value was scripted with
/// [`MockRandom::will_once`] (`EXPECT_CALL(random_, random()).WillOnce(Return(x))`), counting
/// the draws. Clones share one script, so a test keeps a handle on the copy a detector owns.
#[cfg(test)]
#[derive(Clone, Debug, Default)]
pub struct MockRandom(std::rc::Rc<std::cell::RefCell<MockState>>);

#[cfg(test)]
#[derive(Debug, Default)]
struct MockState {
    scripted: std::collections::VecDeque<u64>,
    draws: usize,
}

#[cfg(test)]
impl MockRandom {
    /// The next draw returns `value` (after any scripted before it).
    pub fn will_once(&self, value: u64) {
        self.0.borrow_mut().scripted.push_back(value);
    }

    /// Draws made so far.
    pub fn draws(&self) -> usize {
        self.0.borrow().draws
    }
}

#[cfg(test)]
impl RandomSource for MockRandom {
    fn random(&mut self) -> u64 {
        let mut s = self.0.borrow_mut();
        s.draws += 1;
        s.scripted.pop_front().unwrap_or(0)
    }
}
