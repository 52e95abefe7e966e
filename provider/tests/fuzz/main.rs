//! Property-based fuzzing on stable Rust: the wire value conversion, each resource's Check and
//! Diff, and flatten of Auth0 JSON, fed arbitrary (and schema-shaped) input. Every property says
//! "no panic" and more where more holds. `FUZZ_CASES` sets the cases per target (default a
//! short run for `make test`); `make fuzz` runs a long one. A failure prints proptest's minimal
//! input: make it a plain `#[test]` in `regressions.rs` beside the fix.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

mod check_diff;
mod flatten;
mod regressions;
mod strategies;
mod values;

/// Cases per target weight in a short run (`make test`); see the README for its time.
const DEFAULT_CASES: u32 = 64;

/// The longest one case may take before it counts as a hang (debug build, busy machine).
pub const HANG: Duration = Duration::from_secs(2);

/// `FUZZ_CASES` scaled by a target's weight (cheap targets run more cases).
pub fn cases(weight: u32) -> u32 {
    let base = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(DEFAULT_CASES);
    base.saturating_mul(weight.max(1))
}

/// A runner for one target; failures are not written into the source tree (they become plain
/// tests in `regressions.rs` instead).
pub fn runner(weight: u32) -> TestRunner {
    TestRunner::new(Config {
        cases: cases(weight),
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        max_shrink_iters: 4096,
        // Nothing is filtered on purpose; a long run must not stop on a reject count.
        max_local_rejects: u32::MAX,
        max_global_rejects: u32::MAX,
        ..Config::default()
    })
}

/// Counts one target's executions and prints them when the target ends (`--nocapture`).
pub struct Tally {
    name: &'static str,
    started: Instant,
    count: AtomicU64,
    /// Cases that got past the first stage (e.g. Check passed), so the later one ran too.
    deeper: AtomicU64,
}

impl Tally {
    pub fn new(name: &'static str) -> Tally {
        Tally {
            name,
            started: Instant::now(),
            count: AtomicU64::new(0),
            deeper: AtomicU64::new(0),
        }
    }

    /// Runs one case, counts it and fails it if it took longer than [`HANG`].
    pub fn time<T>(&self, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
        let started = Instant::now();
        let out = f();
        self.count.fetch_add(1, Ordering::Relaxed);
        let took = started.elapsed();
        if took > HANG {
            return Err(TestCaseError::fail(format!(
                "one case took {took:?}, over {HANG:?}: a hang"
            )));
        }
        Ok(out)
    }
}

impl Tally {
    /// Counts a case that reached the deeper property.
    pub fn deeper(&self) {
        self.deeper.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        eprintln!(
            "fuzz {}: {} executions ({} went deeper) in {:.1} s",
            self.name,
            self.count.load(Ordering::Relaxed),
            self.deeper.load(Ordering::Relaxed),
            self.started.elapsed().as_secs_f64()
        );
    }
}

/// Runs `runner` over `strategy`, failing the test with proptest's minimal input.
#[macro_export]
macro_rules! fuzz {
    ($name:expr, $weight:expr, $strategy:expr, |$input:pat_param, $tally:ident| $body:block) => {{
        let mut runner = $crate::runner($weight);
        let $tally = $crate::Tally::new($name);
        let outcome = runner.run(&$strategy, |$input| $body);
        if let Err(failure) = outcome {
            panic!("{}: {failure}", $name);
        }
    }};
}
