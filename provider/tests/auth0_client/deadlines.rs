//! Deadlines, cancellation and the client-side rate limiter.

use super::*;

// ---------------------------------------------------------------- deadlines and cancellation

#[tokio::test]
async fn a_deadline_bounds_a_slow_answer() {
    bounded(async {
        let stub =
            Stub::start(|_, _| Reply::json(200, json!([])).after(Duration::from_secs(20))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let started = Instant::now();
        let err = client
            .get(
                "/api/v2/clients",
                Some(Instant::now() + Duration::from_millis(300)),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
        // The answer would take 20 s.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

#[tokio::test]
async fn cancel_stops_a_request_in_flight_and_every_later_one() {
    bounded(async {
        let stub =
            Stub::start(|_, _| Reply::json(200, json!([])).after(Duration::from_secs(20))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let pending = tokio::spawn({
            let client = client.clone();
            async move { client.get("/api/v2/clients", None).await }
        });
        while stub.count("/api/v2/clients") == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let cancelled_at = Instant::now();
        client.cancel();
        assert_eq!(pending.await.unwrap(), Err(ApiError::Cancelled));
        assert!(
            cancelled_at.elapsed() < Duration::from_secs(10),
            "the wait left was 20 s; cancel took {:?}",
            cancelled_at.elapsed()
        );
        assert_eq!(
            client.get("/api/v2/clients", None).await,
            Err(ApiError::Cancelled)
        );
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

#[tokio::test]
async fn cancel_interrupts_a_rate_limit_wait() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(429, rate_limited()).header("x-ratelimit-reset", unix_now() + 20)
        })
        .await;
        let mut s = settings(&stub.base, Credentials::ApiToken("t".into()));
        s.rate_limit_wait = Duration::from_secs(60);
        let client = client(s);
        let pending = tokio::spawn({
            let client = client.clone();
            async move { client.get("/api/v2/clients", None).await }
        });
        while stub.count("/api/v2/clients") == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let cancelled_at = Instant::now();
        client.cancel();
        assert_eq!(pending.await.unwrap(), Err(ApiError::Cancelled));
        assert!(
            cancelled_at.elapsed() < Duration::from_secs(10),
            "the wait left was 20 s; cancel took {:?}",
            cancelled_at.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn cancel_stops_the_back_off_after_a_server_error_within_a_second() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(503, json!({"message": "down"}))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let pending = tokio::spawn({
            let client = client.clone();
            async move { client.get("/api/v2/clients", None).await }
        });
        // After the fifth 503 the client waits 1.6 to 3.2 s before its last try.
        while stub.count("/api/v2/clients") < 5 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let cancelled_at = Instant::now();
        client.cancel();
        assert_eq!(pending.await.unwrap(), Err(ApiError::Cancelled));
        assert!(
            cancelled_at.elapsed() < Duration::from_secs(1),
            "the back-off left was at least 1.5 s; cancel took {:?}",
            cancelled_at.elapsed()
        );
        assert_eq!(
            stub.count("/api/v2/clients"),
            5,
            "a request was sent after the cancel"
        );
    })
    .await;
}

// ---------------------------------------------------------------- client-side rate limit

/// Sends `n` concurrent GETs at `rate` requests per second; returns when each reached Auth0.
async fn concurrent_get_arrivals(rate: f64, n: usize) -> Vec<Instant> {
    let stub = Stub::start(|_, _| Reply::json(200, json!([]))).await;
    let mut s = settings(&stub.base, Credentials::ApiToken("t".into()));
    s.max_requests_per_second = Some(rate);
    let client = client(s);
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get("/api/v2/clients", None).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    stub.requests("/api/v2/clients")
        .iter()
        .map(|s| s.at)
        .collect()
}

#[tokio::test]
async fn the_client_side_limiter_spaces_concurrent_requests() {
    bounded(async {
        // 15 requests at 5 per second with a burst of 5: the last leaves 2 s after the first.
        let arrivals = concurrent_get_arrivals(5.0, 15).await;
        assert_eq!(arrivals.len(), 15);
        let first = *arrivals.iter().min().unwrap();
        let last = *arrivals.iter().max().unwrap();
        assert!(
            last - first >= Duration::from_millis(1700),
            "15 requests at 5/s spread over only {:?}",
            last - first
        );
        // A bucket of 5 at 5/s lets at most 5 + 5 through in any second; 2 more for a busy
        // machine waking sleepers late.
        let most = most_in_any_window(&arrivals, Duration::from_secs(1));
        assert!(most <= 12, "{most} requests within one second at 5/s");
    })
    .await;
}

/// The most arrivals within any `window` that starts at an arrival.
fn most_in_any_window(arrivals: &[Instant], window: Duration) -> usize {
    arrivals
        .iter()
        .map(|start| {
            arrivals
                .iter()
                .filter(|at| **at >= *start && **at - *start < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_requests_waiting_for_a_slow_token_still_keep_the_client_side_limit() {
    bounded(async {
        // While the first token is on its way, slots must not be handed out and run down:
        // those requests would all fire together the moment the token arrives.
        let stub = Stub::start(|seen, _| {
            if seen.path == "/oauth/token" {
                Reply::json(200, json!({"access_token": "tok", "expires_in": 86400}))
                    .after(Duration::from_millis(1500))
            } else {
                Reply::json(200, json!([]))
            }
        })
        .await;
        let mut s = settings(&stub.base, client_secret());
        s.max_requests_per_second = Some(4.0);
        let client = client(s);
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get("/api/v2/clients", None).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(stub.count("/oauth/token"), 1);
        let arrivals: Vec<Instant> = stub
            .requests("/api/v2/clients")
            .iter()
            .map(|s| s.at)
            .collect();
        assert_eq!(arrivals.len(), 12);
        // A bucket of 4 at 4/s lets at most 4 + 2 through in any half second; 2 more for a
        // busy machine waking sleepers late.
        let window = Duration::from_millis(500);
        let most = most_in_any_window(&arrivals, window);
        assert!(
            most <= 8,
            "{most} requests reached Auth0 within {window:?} at maxRequestsPerSecond 4"
        );
    })
    .await;
}
