//! Where a request waits before it is sent: for the client-side limit the program configured
//! (`auth0:maxRequestsPerSecond`, [`super::limiter`]) and for the tenant's own pace, learned
//! from its 429s ([`super::pacer`]).

use std::time::Duration;

use super::{ApiError, ApiRequest, Auth0Client};

impl Auth0Client {
    /// Waits for the client-side limiter, if one is configured.
    pub(super) async fn take_rate_limit_slot(
        &self,
        req: &ApiRequest,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<(), ApiError> {
        let Some(limiter) = &self.inner.limiter else {
            return Ok(());
        };
        match limiter.reserve(deadline) {
            None => Err(ApiError::Timeout(format!(
                "{} {} could not start before its deadline under the client-side limit of {} requests per second (auth0:maxRequestsPerSecond); raise the limit or the operation's timeout",
                req.method,
                req.path,
                self.inner.settings.max_requests_per_second.unwrap_or_default()
            ))),
            Some(wait) if wait.is_zero() => Ok(()),
            Some(wait) => {
                tracing::debug!(method = %req.method, path = %req.path, wait_ms = wait.as_millis() as u64, "waiting for the client-side rate limit");
                self.pause(wait).await
            }
        }
    }

    /// Waits for this request's place in the tenant's pace, once a 429 has set one; returns
    /// the pace's generation, which the answer is reported with.
    pub(super) async fn take_paced_slot(
        &self,
        req: &ApiRequest,
        deadline: Option<tokio::time::Instant>,
        latest: tokio::time::Instant,
        rate_limited: &mut Duration,
    ) -> Result<u64, ApiError> {
        match self.inner.pacer.slot(latest) {
            Ok(slot) => {
                if !slot.wait.is_zero() {
                    tracing::debug!(method = %req.method, path = %req.path, wait_ms = slot.wait.as_millis() as u64, "waiting for the tenant's rate limit");
                    let waiting = tokio::time::Instant::now();
                    tokio::select! {
                        paused = self.pause(slot.wait) => paused?,
                        _ = self.inner.pacer.stopped_since(slot.stops) => {
                            tracing::debug!(method = %req.method, path = %req.path, "the tenant's rate limit no longer holds this request back");
                        }
                    }
                    *rate_limited += waiting.elapsed();
                }
                Ok(slot.generation)
            }
            Err(wait) => {
                let message = format!(
                    "{} {} would wait {:.1} s more for Auth0's rate limit ({:.1} requests per second)",
                    req.method,
                    req.path,
                    wait.as_secs_f64(),
                    self.inner.pacer.rate().unwrap_or_default()
                );
                if deadline.is_some() {
                    Err(ApiError::Timeout(format!(
                        "{message}, past the operation's deadline"
                    )))
                } else {
                    Err(ApiError::RateLimited {
                        waited: *rate_limited,
                        message,
                    })
                }
            }
        }
    }
}
