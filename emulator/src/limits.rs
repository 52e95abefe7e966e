//! Rate limiting (Auth0's token bucket) and seeded fault injection.

use std::str::FromStr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Management API rate limit: a token bucket of `burst` requests refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum RateLimit {
    /// No limit and no `X-RateLimit-*` headers (the default for in-process tests).
    #[default]
    Off,
    Bucket {
        burst: u32,
        per_second: f64,
    },
}

impl RateLimit {
    /// Auth0 Free: 2 requests, refilled at 2/s.
    pub const FREE: RateLimit = RateLimit::Bucket {
        burst: 2,
        per_second: 2.0,
    };
    /// Auth0 Self-Service: burst 10, 150 per minute.
    pub const SELF_SERVICE: RateLimit = RateLimit::Bucket {
        burst: 10,
        per_second: 2.5,
    };
    /// Auth0 Enterprise (production): burst 50, 16/s.
    pub const ENTERPRISE: RateLimit = RateLimit::Bucket {
        burst: 50,
        per_second: 16.0,
    };
}

impl FromStr for RateLimit {
    type Err = String;

    /// A preset name (`free`, `self-service`, `enterprise`, `off`) or `BURST:PER_SECOND`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "off" => Ok(RateLimit::Off),
            "free" => Ok(RateLimit::FREE),
            "self-service" => Ok(RateLimit::SELF_SERVICE),
            "enterprise" => Ok(RateLimit::ENTERPRISE),
            other => {
                let parsed = other
                    .split_once(':')
                    .and_then(|(b, r)| Some((b.parse::<u32>().ok()?, r.parse::<f64>().ok()?)));
                match parsed {
                    Some((burst, per_second)) if burst > 0 && per_second > 0.0 => {
                        Ok(RateLimit::Bucket { burst, per_second })
                    }
                    _ => Err(format!(
                        "rate limit \"{other}\" is not a preset or BURST:PER_SECOND; use free, self-service, enterprise, off or e.g. 10:2.5"
                    )),
                }
            }
        }
    }
}

/// The outcome of asking the bucket for one request, with the values of the headers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Epoch second at which the bucket is full again.
    pub reset: u64,
}

/// The token bucket's state.
#[derive(Debug)]
pub struct Bucket {
    limit: RateLimit,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    pub fn new(limit: RateLimit) -> Bucket {
        let tokens = match limit {
            RateLimit::Off => 0.0,
            RateLimit::Bucket { burst, .. } => burst as f64,
        };
        Bucket {
            limit,
            tokens,
            last: Instant::now(),
        }
    }

    /// Take one token at `now`; `None` when rate limiting is off.
    pub fn take_at(&mut self, now: Instant, epoch_now: f64) -> Option<RateDecision> {
        let RateLimit::Bucket { burst, per_second } = self.limit else {
            return None;
        };
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * per_second).min(burst as f64);
        let allowed = self.tokens >= 1.0;
        if allowed {
            self.tokens -= 1.0;
        }
        let missing = burst as f64 - self.tokens;
        let reset = (epoch_now + missing / per_second).ceil() as u64;
        Some(RateDecision {
            allowed,
            limit: burst,
            remaining: self.tokens.floor() as u32,
            reset,
        })
    }

    pub fn take(&mut self) -> Option<RateDecision> {
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        self.take_at(Instant::now(), epoch)
    }
}

/// Faults injected into Management API requests, each drawn from a seeded generator so that a
/// run with the same seed and the same request order fails the same way.
///
/// *Before* faults happen before the request is processed (nothing changes); *after* faults happen
/// once the change is committed, and the response is lost.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    pub seed: u64,
    /// Added to every Management API and token request, before it is processed.
    pub latency: Duration,
    /// Added to every Management API request after it is processed, before the answer leaves:
    /// a change is committed even if the caller gives up waiting for its answer.
    pub answer_latency: Duration,
    /// Probability (0..=1) of answering `error_status` before processing.
    pub error_before: f64,
    /// Probability of answering `error_status` after committing.
    pub error_after: f64,
    /// Probability of closing the connection without an answer before processing.
    pub drop_before: f64,
    /// Probability of closing the connection without an answer after committing.
    pub drop_after: f64,
    /// The 5xx status of injected errors (default 503).
    pub error_status: u16,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            seed: 0,
            latency: Duration::ZERO,
            answer_latency: Duration::ZERO,
            error_before: 0.0,
            error_after: 0.0,
            drop_before: 0.0,
            drop_after: 0.0,
            error_status: 503,
        }
    }
}

impl FaultConfig {
    pub fn is_none(&self) -> bool {
        self.latency.is_zero()
            && self.answer_latency.is_zero()
            && self.error_before <= 0.0
            && self.error_after <= 0.0
            && self.drop_before <= 0.0
            && self.drop_after <= 0.0
    }

    /// Check that rates are probabilities and the status is a 5xx.
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [
            ("error_before", self.error_before),
            ("error_after", self.error_after),
            ("drop_before", self.drop_before),
            ("drop_after", self.drop_after),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!(
                    "fault rate {name}={rate} is not a probability; use a number from 0 to 1"
                ));
            }
        }
        if !(500..=599).contains(&self.error_status) {
            return Err(format!(
                "fault error status {} is not a 5xx; use e.g. 500 or 503",
                self.error_status
            ));
        }
        Ok(())
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultPlan {
    pub error_before: bool,
    pub drop_before: bool,
    pub error_after: bool,
    pub drop_after: bool,
}

/// The fault configuration with its generator.
#[derive(Debug)]
pub struct Faults {
    pub config: FaultConfig,
    rng: StdRng,
}

impl Faults {
    pub fn new(config: FaultConfig) -> Faults {
        let rng = StdRng::seed_from_u64(config.seed);
        Faults { config, rng }
    }

    /// Draw the faults for the next request. Four draws per request keep runs reproducible.
    pub fn plan(&mut self) -> FaultPlan {
        if self.config.is_none() {
            return FaultPlan::default();
        }
        let draws: [f64; 4] = [
            self.rng.gen(),
            self.rng.gen(),
            self.rng.gen(),
            self.rng.gen(),
        ];
        FaultPlan {
            error_before: draws[0] < self.config.error_before,
            drop_before: draws[1] < self.config.drop_before,
            error_after: draws[2] < self.config.error_after,
            drop_after: draws[3] < self.config.drop_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_by_name() {
        assert_eq!("free".parse::<RateLimit>().unwrap(), RateLimit::FREE);
        assert_eq!("off".parse::<RateLimit>().unwrap(), RateLimit::Off);
        assert_eq!(
            "10:2.5".parse::<RateLimit>().unwrap(),
            RateLimit::Bucket {
                burst: 10,
                per_second: 2.5
            }
        );
        let err = "fast".parse::<RateLimit>().unwrap_err();
        assert!(err.contains("\"fast\""), "{err}");
    }

    #[test]
    fn self_service_refills_150_per_minute() {
        let RateLimit::Bucket { per_second, burst } = RateLimit::SELF_SERVICE else {
            panic!("preset is a bucket")
        };
        assert_eq!((burst, per_second * 60.0), (10, 150.0));
    }

    #[test]
    fn the_bucket_allows_the_burst_then_refuses_until_refilled() {
        let mut b = Bucket::new(RateLimit::FREE);
        let t0 = Instant::now();
        let first = b.take_at(t0, 1000.0).unwrap();
        assert_eq!((first.allowed, first.remaining, first.limit), (true, 1, 2));
        assert!(b.take_at(t0, 1000.0).unwrap().allowed);
        let refused = b.take_at(t0, 1000.0).unwrap();
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        // Empty bucket, 2 tokens at 2/s: full again one second later.
        assert_eq!(refused.reset, 1001);
        let later = b.take_at(t0 + Duration::from_millis(600), 1000.6).unwrap();
        assert!(later.allowed);
    }

    #[test]
    fn off_gives_no_decision() {
        assert_eq!(Bucket::new(RateLimit::Off).take(), None);
    }

    #[test]
    fn the_same_seed_draws_the_same_faults() {
        let config = FaultConfig {
            seed: 42,
            error_before: 0.3,
            drop_after: 0.3,
            ..FaultConfig::default()
        };
        let mut a = Faults::new(config.clone());
        let mut b = Faults::new(config);
        let plans_a: Vec<FaultPlan> = (0..50).map(|_| a.plan()).collect();
        let plans_b: Vec<FaultPlan> = (0..50).map(|_| b.plan()).collect();
        assert_eq!(plans_a, plans_b);
        assert!(plans_a.iter().any(|p| p.error_before));
        assert!(plans_a.iter().any(|p| !p.error_before));
    }

    #[test]
    fn a_rate_above_one_is_rejected() {
        let bad = FaultConfig {
            error_after: 1.5,
            ..FaultConfig::default()
        };
        assert!(bad.validate().unwrap_err().contains("error_after=1.5"));
    }
}
