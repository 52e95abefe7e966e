//! The pace the tenant sets, learned from Auth0's `X-RateLimit-*` headers once a 429 shows that
//! its bucket is empty, and shared by every request of one provider process.
//!
//! Without it, requests that met a 429 each waited until X-RateLimit-Reset (the moment Auth0's
//! bucket is full again) and then all left at once: a burst's worth passed and the rest met
//! another 429. Measured (issue 14): 100 creates on a free tenant (2 rps), 32 at a time, took
//! twice requests ÷ rate, with 13 refusals per success.
//!
//! How it paces:
//! - Until a 429 arrives nothing is paced: a tenant's burst is there to be used.
//! - A 429 carrying the headers engages the pacer at `limit / (reset − now)`: the bucket gains
//!   `limit` tokens by `reset`, so this is the refill rate, under by at most the second that
//!   Auth0 rounds `reset` up to.
//! - Paced requests leave one every `1 / rate`, in the order they asked, and a request that met
//!   a 429 takes the next paced slot instead of waiting for the reset.
//! - Feedback keeps the rate at the tenant's: an answer that leaves a token in the bucket
//!   (`remaining ≥ 1`) raises it by 2 %; a 429 lowers it by 15 %, never below the estimate from
//!   its own headers. A 429 counts only if its request was sent at the current rate (a
//!   generation number), so the answers of requests already in flight when the rate dropped do
//!   not drop it again.
//! - An answer showing the bucket at least half full, on a tenant whose burst is 4 or more,
//!   stops the pacing: demand has fallen below the limit.
//! - A success without any of the headers stops the pacing too: Auth0 sends them with every
//!   answer it counts, so no limit is in force any more (an emulator, or a proxy that answered
//!   the 429s, with its burst over). Without this, the pace of one passing burst of 429s held
//!   for the rest of the run: `make reliability`'s 955 operations under faults took 120 s.
//! - A stop lets the requests waiting for a slot leave at once, and the next pacing starts from
//!   now rather than behind the old queue (which had left 6–7 s with nothing sent). With both,
//!   that run takes 6–9 s.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// Rates outside this range (requests per second) are taken as its ends.
const RATE_RANGE: (f64, f64) = (0.01, 1000.0);
/// A reset this close (or already past) still counts as this far off.
const MIN_REFILL_SECONDS: f64 = 0.5;
const RAISE: f64 = 1.02;
const LOWER: f64 = 0.85;

#[derive(Debug)]
pub struct Pacer {
    state: Mutex<State>,
    /// How many times pacing stopped: requests waiting for a slot leave when it changes.
    stops: tokio::sync::watch::Sender<u64>,
}

#[derive(Debug)]
struct State {
    /// `None` while not pacing.
    rate: Option<f64>,
    /// When the next paced request may leave.
    next: Instant,
    generation: u64,
}

/// A place in the pace: how long to wait before sending, and the generation to report back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    pub wait: Duration,
    pub generation: u64,
    /// The stop count when the slot was taken (see [`Pacer::stopped_since`]).
    pub stops: u64,
}

/// What Auth0's rate-limit headers said, where it sent them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateHeaders {
    pub limit: Option<f64>,
    pub remaining: Option<f64>,
    /// UNIX seconds.
    pub reset: Option<f64>,
}

impl RateHeaders {
    pub fn from_headers(headers: &HeaderMap) -> RateHeaders {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        RateHeaders {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
        }
    }
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer {
            state: Mutex::new(State {
                rate: None,
                next: Instant::now(),
                generation: 0,
            }),
            stops: tokio::sync::watch::Sender::new(0),
        }
    }
}

impl Pacer {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current rate, if pacing.
    pub fn rate(&self) -> Option<f64> {
        self.lock().rate
    }

    /// Takes the next slot. `Err(wait)` (and nothing taken) if it would leave after `latest`.
    pub fn slot(&self, latest: Instant) -> Result<Slot, Duration> {
        let now = Instant::now();
        let mut s = self.lock();
        let generation = s.generation;
        let stops = *self.stops.borrow();
        let Some(rate) = s.rate else {
            return Ok(Slot {
                wait: Duration::ZERO,
                generation,
                stops,
            });
        };
        let at = s.next.max(now);
        if at > latest {
            return Err(at - now);
        }
        s.next = at + interval(rate);
        Ok(Slot {
            wait: at - now,
            generation,
            stops,
        })
    }

    /// Learns from one Management API answer to a request sent in `generation`. Returns true
    /// if requests are now paced (so a 429 needs no wait of its own beyond the next slot).
    pub fn observe(&self, generation: u64, status: u16, h: RateHeaders, now_unix: f64) -> bool {
        let mut s = self.lock();
        if status == 429 {
            let (Some(limit), Some(reset)) = (h.limit, h.reset) else {
                return s.rate.is_some();
            };
            let estimate = clamp(limit.max(1.0) / (reset - now_unix).max(MIN_REFILL_SECONDS));
            let rate = match s.rate {
                None => estimate,
                Some(rate) if generation == s.generation => clamp((rate * LOWER).max(estimate)),
                Some(_) => return true,
            };
            s.rate = Some(rate);
            s.generation += 1;
            // The bucket is empty now: the next token comes one interval from now.
            s.next = s.next.max(Instant::now() + interval(rate));
            return true;
        }
        if h == RateHeaders::default() && (200..300).contains(&status) && s.rate.is_some() {
            self.stop(&mut s);
            return false;
        }
        let (Some(rate), Some(remaining)) = (s.rate, h.remaining) else {
            return s.rate.is_some();
        };
        let limit = h.limit.unwrap_or(0.0);
        if limit >= 4.0 && remaining >= limit / 2.0 {
            self.stop(&mut s);
            return false;
        }
        if remaining >= 1.0 && generation == s.generation {
            s.rate = Some(clamp(rate * RAISE));
        }
        true
    }
}

impl Pacer {
    /// Ends pacing, and lets every request waiting for a slot leave now.
    fn stop(&self, s: &mut State) {
        s.rate = None;
        // The slots handed out are void: their holders leave now. Kept, their horizon would
        // hold back the first requests of the next pacing by as long as the old queue was.
        s.next = Instant::now();
        s.generation += 1;
        self.stops.send_modify(|stops| *stops += 1);
    }

    /// Resolves once pacing has stopped after a slot was taken with `stops` (at once if it
    /// already has): a request waiting for that slot need not wait any longer.
    pub async fn stopped_since(&self, stops: u64) {
        let mut changes = self.stops.subscribe();
        let _ = changes.wait_for(|now| *now != stops).await;
    }
}

fn clamp(rate: f64) -> f64 {
    rate.clamp(RATE_RANGE.0, RATE_RANGE.1)
}

fn interval(rate: f64) -> Duration {
    Duration::from_secs_f64(1.0 / clamp(rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_000_000.0;
    const FAR: Duration = Duration::from_secs(3600);

    fn headers(limit: f64, remaining: f64, reset: f64) -> RateHeaders {
        RateHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(reset),
        }
    }

    fn later() -> Instant {
        Instant::now() + FAR
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_is_paced_before_a_429() {
        let pacer = Pacer::default();
        for _ in 0..100 {
            assert_eq!(pacer.slot(later()).unwrap().wait, Duration::ZERO);
        }
        assert!(!pacer.observe(0, 200, headers(50.0, 3.0, NOW + 1.0), NOW));
        assert_eq!(pacer.rate(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_paces_at_limit_over_time_to_reset_and_spaces_requests_in_order() {
        let pacer = Pacer::default();
        assert!(pacer.observe(0, 429, headers(2.0, 0.0, NOW + 1.0), NOW));
        assert_eq!(pacer.rate(), Some(2.0));
        let waits: Vec<u128> = (0..4)
            .map(|_| pacer.slot(later()).unwrap().wait.as_millis())
            .collect();
        assert_eq!(waits, [500, 1000, 1500, 2000]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_without_headers_engages_nothing() {
        let pacer = Pacer::default();
        assert!(!pacer.observe(0, 429, RateHeaders::default(), NOW));
        assert_eq!(pacer.rate(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn spare_tokens_raise_the_rate_and_a_current_429_lowers_it_but_not_below_its_estimate() {
        let pacer = Pacer::default();
        pacer.observe(0, 429, headers(50.0, 0.0, NOW + 4.0), NOW);
        assert_eq!(pacer.rate(), Some(12.5));
        let generation = pacer.slot(later()).unwrap().generation;
        for _ in 0..10 {
            pacer.observe(generation, 200, headers(50.0, 1.0, NOW + 4.0), NOW);
        }
        let raised = pacer.rate().unwrap();
        assert!((raised - 12.5 * 1.02f64.powi(10)).abs() < 1e-9, "{raised}");
        pacer.observe(generation, 429, headers(50.0, 0.0, NOW + 4.0), NOW);
        let lowered = pacer.rate().unwrap();
        assert!((lowered - raised * 0.85).abs() < 1e-9, "{lowered}");
        let generation = pacer.slot(later()).unwrap().generation;
        pacer.observe(generation, 429, headers(50.0, 0.0, NOW + 4.0), NOW);
        assert_eq!(
            pacer.rate(),
            Some(12.5),
            "0.85 × 12.95 is under the estimate, 12.5"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_from_before_the_last_change_does_not_lower_the_rate_again() {
        let pacer = Pacer::default();
        pacer.observe(0, 429, headers(10.0, 0.0, NOW + 0.5), NOW);
        assert_eq!(pacer.rate(), Some(20.0));
        // Requests sent before the first 429 carry generation 0; the pacer is at 1 now.
        assert!(pacer.observe(0, 429, headers(10.0, 0.0, NOW + 5.0), NOW));
        assert_eq!(pacer.rate(), Some(20.0));
        let current = pacer.slot(later()).unwrap().generation;
        pacer.observe(current, 429, headers(10.0, 0.0, NOW + 5.0), NOW);
        assert_eq!(pacer.rate(), Some(17.0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_half_full_bucket_stops_pacing_on_tenants_with_a_burst_of_four_or_more() {
        let pacer = Pacer::default();
        pacer.observe(0, 429, headers(50.0, 0.0, NOW + 4.0), NOW);
        assert!(!pacer.observe(1, 200, headers(50.0, 25.0, NOW + 2.0), NOW));
        assert_eq!(pacer.rate(), None);
        assert_eq!(pacer.slot(later()).unwrap().wait, Duration::ZERO);

        let free = Pacer::default();
        free.observe(0, 429, headers(2.0, 0.0, NOW + 1.0), NOW);
        assert!(free.observe(1, 200, headers(2.0, 1.0, NOW + 1.0), NOW));
        assert!(
            free.rate().is_some(),
            "a burst of 2 is never 'half full' enough to stop"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_without_rate_headers_stops_pacing_and_an_error_without_them_does_not() {
        let pacer = Pacer::default();
        assert!(pacer.observe(0, 429, headers(5.0, 0.0, NOW + 1.0), NOW));
        assert!(pacer.observe(1, 500, RateHeaders::default(), NOW));
        assert_eq!(
            pacer.rate(),
            Some(5.0),
            "a 500 without headers says nothing"
        );
        assert!(!pacer.observe(1, 200, RateHeaders::default(), NOW));
        assert_eq!(pacer.rate(), None);
        for _ in 0..10 {
            assert_eq!(pacer.slot(later()).unwrap().wait, Duration::ZERO);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn requests_waiting_for_their_slot_are_released_when_pacing_stops() {
        let pacer = Pacer::default();
        pacer.observe(0, 429, headers(1.0, 0.0, NOW + 10.0), NOW);
        let last = (0..3).map(|_| pacer.slot(later()).unwrap()).last().unwrap();
        assert!(last.wait >= Duration::from_secs(20), "{last:?}");
        let still_paced =
            tokio::time::timeout(Duration::from_secs(1), pacer.stopped_since(last.stops)).await;
        assert!(still_paced.is_err(), "released while still paced");
        let released = pacer.stopped_since(last.stops);
        pacer.observe(1, 200, RateHeaders::default(), NOW);
        tokio::time::timeout(Duration::from_millis(1), released)
            .await
            .expect("a stop releases a request that took its slot before it");
    }

    #[tokio::test(start_paused = true)]
    async fn pacing_that_starts_again_after_a_stop_does_not_inherit_the_old_queue() {
        let pacer = Pacer::default();
        pacer.observe(0, 429, headers(1.0, 0.0, NOW + 10.0), NOW);
        for _ in 0..30 {
            pacer.slot(later()).unwrap();
        }
        pacer.observe(1, 200, RateHeaders::default(), NOW);
        pacer.observe(2, 429, headers(5.0, 0.0, NOW + 1.0), NOW);
        let first = pacer.slot(later()).unwrap();
        assert_eq!(
            first.wait,
            Duration::from_millis(200),
            "one interval at 5 rps"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_past_the_latest_start_is_refused_and_not_taken() {
        let pacer = Pacer::default();
        pacer.observe(0, 429, headers(1.0, 0.0, NOW + 10.0), NOW);
        let soon = Instant::now() + Duration::from_secs(5);
        assert_eq!(pacer.slot(soon), Err(Duration::from_secs(10)));
        assert_eq!(pacer.slot(later()).unwrap().wait, Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn absurd_headers_give_a_rate_in_range_instead_of_panicking() {
        for (limit, reset) in [(1e300, NOW + 1.0), (0.0, NOW - 100.0), (5.0, 1e300)] {
            let pacer = Pacer::default();
            pacer.observe(0, 429, headers(limit, 0.0, reset), NOW);
            let rate = pacer.rate().unwrap();
            assert!(
                (RATE_RANGE.0..=RATE_RANGE.1).contains(&rate),
                "{limit} {reset}: {rate}"
            );
            pacer.slot(later()).unwrap();
        }
    }

    #[test]
    fn headers_are_read_by_name_and_garbage_is_ignored() {
        let mut map = HeaderMap::new();
        map.insert("x-ratelimit-limit", "50".parse().unwrap());
        map.insert("x-ratelimit-remaining", "nope".parse().unwrap());
        map.insert("x-ratelimit-reset", "1000004".parse().unwrap());
        assert_eq!(
            RateHeaders::from_headers(&map),
            RateHeaders {
                limit: Some(50.0),
                remaining: None,
                reset: Some(1_000_004.0)
            }
        );
    }
}
