//! Client-side token bucket, so a large stack stays under the tenant's rate limit instead of
//! bouncing off 429s (terraform-provider-auth0#1488).

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The longest wait handed out, so `now + wait` cannot overflow however long the queue.
const MAX_WAIT: Duration = Duration::from_secs(7 * 86_400);

/// A token bucket shared by every request of one provider: `rate` tokens per second,
/// holding at most `burst`. Waiters reserve their token up front, so they leave in order.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// May go negative: that many tokens are promised to waiters already.
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    /// `rate` is clamped to [`RATE_RANGE`](super::settings::RATE_RANGE), which config
    /// validation already enforces; a NaN rate means the slowest one.
    pub fn new(rate: f64) -> RateLimiter {
        let range = super::settings::RATE_RANGE;
        let rate = if rate.is_nan() {
            *range.start()
        } else {
            rate.clamp(*range.start(), *range.end())
        };
        let burst = rate.ceil().max(1.0);
        RateLimiter {
            rate,
            burst,
            state: Mutex::new(Bucket {
                tokens: burst,
                refilled_at: Instant::now(),
            }),
        }
    }

    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// Takes one token and says how long the caller must wait before using it.
    /// Returns `None` (and takes nothing) if that wait would end after `latest`.
    pub fn reserve(&self, latest: Option<Instant>) -> Option<Duration> {
        let now = Instant::now();
        let mut bucket = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let elapsed = now
            .saturating_duration_since(bucket.refilled_at)
            .as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
        bucket.refilled_at = now;
        let wait = if bucket.tokens >= 1.0 {
            Duration::ZERO
        } else {
            Duration::try_from_secs_f64((1.0 - bucket.tokens) / self.rate)
                .unwrap_or(MAX_WAIT)
                .min(MAX_WAIT)
        };
        if latest.is_some_and(|latest| now + wait > latest) {
            return None;
        }
        bucket.tokens -= 1.0;
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_first_burst_passes_without_waiting() {
        let limiter = RateLimiter::new(5.0);
        for _ in 0..5 {
            assert_eq!(limiter.reserve(None), Some(Duration::ZERO));
        }
        assert!(limiter.reserve(None).unwrap() > Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_beyond_the_burst_are_spaced_at_the_rate() {
        let limiter = RateLimiter::new(4.0);
        for _ in 0..4 {
            limiter.reserve(None);
        }
        let waits: Vec<_> = (0..4).map(|_| limiter.reserve(None).unwrap()).collect();
        let expected = [250, 500, 750, 1000];
        for (wait, ms) in waits.iter().zip(expected) {
            assert_eq!(wait.as_millis(), ms);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_refill_over_time_up_to_the_burst() {
        let limiter = RateLimiter::new(2.0);
        limiter.reserve(None);
        limiter.reserve(None);
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(limiter.reserve(None), Some(Duration::ZERO));
        assert_eq!(limiter.reserve(None), Some(Duration::ZERO));
        assert!(
            limiter.reserve(None).unwrap() > Duration::ZERO,
            "refill must stop at the burst"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_fractional_rate_still_allows_one_request_at_once() {
        let limiter = RateLimiter::new(0.5);
        assert_eq!(limiter.burst(), 1.0);
        assert_eq!(limiter.reserve(None), Some(Duration::ZERO));
        assert_eq!(limiter.reserve(None), Some(Duration::from_secs(2)));
    }

    #[tokio::test(start_paused = true)]
    async fn an_absurdly_small_rate_is_raised_to_the_slowest_allowed_instead_of_panicking() {
        for rate in [1e-300, 0.0, -1.0, f64::NAN] {
            let limiter = RateLimiter::new(rate);
            assert_eq!(limiter.reserve(None), Some(Duration::ZERO), "{rate}");
            assert_eq!(
                limiter.reserve(None),
                Some(Duration::from_secs(100)),
                "{rate}: one request per 100 s"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_absurdly_large_rate_is_capped_at_the_fastest_allowed() {
        let limiter = RateLimiter::new(f64::INFINITY);
        assert_eq!(limiter.burst(), 1000.0);
        for _ in 0..1000 {
            assert_eq!(limiter.reserve(None), Some(Duration::ZERO));
        }
        assert_eq!(limiter.reserve(None), Some(Duration::from_millis(1)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_is_refused_without_taking_a_token() {
        let limiter = RateLimiter::new(1.0);
        limiter.reserve(None);
        let soon = Instant::now() + Duration::from_millis(100);
        assert_eq!(limiter.reserve(Some(soon)), None);
        assert_eq!(limiter.reserve(None), Some(Duration::from_secs(1)));
    }
}
