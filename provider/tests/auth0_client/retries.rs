//! Retries: 429s waited out within the deadline, 5xx and dropped connections retried only when it is safe.

use super::*;

// ---------------------------------------------------------------- 429

#[tokio::test]
async fn a_429_with_x_ratelimit_reset_waits_for_the_reset_then_succeeds() {
    bounded(async {
        let stub = Stub::start(|_, n| match n {
            0 => Reply::json(429, rate_limited()).header("x-ratelimit-reset", unix_now() + 1),
            _ => Reply::json(201, json!({"client_id": "new"})),
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let started = Instant::now();
        // 429 means nothing was processed, so even a POST is sent again.
        let response = client
            .post("/api/v2/clients", json!({"name": "app"}), None)
            .await
            .unwrap();
        assert_eq!(response.status, 201);
        let seen = stub.requests("/api/v2/clients");
        assert_eq!(seen.len(), 2);
        let gap = seen[1].at - seen[0].at;
        assert!(
            gap >= Duration::from_millis(90),
            "retried after only {gap:?}"
        );
        // The reset is at most 2 s away; anything like the 32 s backoff cap would show.
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn a_429_resetting_after_the_deadline_fails_fast_with_a_clear_sentence() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(429, rate_limited()).header("x-ratelimit-reset", unix_now() + 60)
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let started = Instant::now();
        let err = client
            .get(
                "/api/v2/clients",
                Some(Instant::now() + Duration::from_secs(20)),
            )
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "waited {:?} for a hopeless 429",
            started.elapsed()
        );
        assert!(matches!(err, ApiError::RateLimited { .. }), "{err:?}");
        let sentence = err.sentence();
        assert!(
            sentence.contains("429")
                && sentence.contains("Global limit has been reached")
                && sentence.contains("after waiting 0s"),
            "{sentence}"
        );
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

#[tokio::test]
async fn without_a_deadline_429s_are_waited_out_only_for_rate_limit_wait() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(429, rate_limited())).await;
        let mut s = settings(&stub.base, Credentials::ApiToken("t".into()));
        s.rate_limit_wait = Duration::from_millis(1500);
        let client = client(s);
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        // No reset header: wait 1 s (plus up to 0.25 s jitter), then the next wait (2 s)
        // would pass the 1.5 s budget.
        assert_eq!(stub.count("/api/v2/clients"), 2);
        match &err {
            ApiError::RateLimited { waited, .. } => assert!(
                *waited >= Duration::from_secs(1) && *waited <= Duration::from_millis(1250),
                "{waited:?}"
            ),
            other => panic!("expected RateLimited, got {other:?}"),
        }
        assert!(
            err.sentence().contains("after waiting 1"),
            "{}",
            err.sentence()
        );
        assert_eq!(err.status(), Some(429));
    })
    .await;
}

#[tokio::test]
async fn a_429_with_an_absurd_reset_time_gives_up_as_rate_limited_instead_of_crashing() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(429, rate_limited()).header("x-ratelimit-reset", "1e300")
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        assert!(matches!(err, ApiError::RateLimited { .. }), "{err:?}");
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

// ---------------------------------------------------------------- 5xx and connection failures

#[tokio::test]
async fn a_503_on_get_is_retried_until_it_succeeds() {
    bounded(async {
        let stub = Stub::start(|_, n| {
            if n < 2 {
                Reply::json(503, unavailable())
            } else {
                Reply::json(200, json!({"ok": true}))
            }
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        assert_eq!(
            client.get("/api/v2/clients/x", None).await.unwrap().body,
            json!({"ok": true})
        );
        assert_eq!(stub.count("/api/v2/clients/x"), 3);
    })
    .await;
}

#[tokio::test]
async fn a_503_that_persists_gives_up_after_five_retries() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(503, unavailable())).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let err = client.delete("/api/v2/clients/x", None).await.unwrap_err();
        assert_eq!(
            err.sentence(),
            "Auth0 answered 503 Service Unavailable: Service temporarily unavailable."
        );
        assert_eq!(stub.count("/api/v2/clients/x"), 6);
    })
    .await;
}

#[tokio::test]
async fn a_503_on_post_is_retried_because_auth0_did_not_process_it() {
    bounded(async {
        let stub = Stub::start(|_, n| {
            if n < 2 {
                Reply::json(503, unavailable())
            } else {
                Reply::json(201, json!({"client_id": "c"}))
            }
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let response = client
            .post("/api/v2/clients", json!({"name": "x"}), None)
            .await
            .unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(stub.count("/api/v2/clients"), 3);
    })
    .await;
}

#[tokio::test]
async fn a_500_502_or_504_on_post_is_not_retried_and_its_outcome_is_unknown() {
    for status in [500u16, 502, 504] {
        bounded(async {
            let stub = Stub::start(move |_, _| Reply::json(status, json!({}))).await;
            let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
            let err = client
                .post("/api/v2/clients", json!({"name": "x"}), None)
                .await
                .unwrap_err();
            assert!(err.outcome_unknown(), "{status}: {err:?}");
            assert!(
                err.sentence().contains(&status.to_string())
                    && err.sentence().contains("may or may not have applied it"),
                "{}",
                err.sentence()
            );
            assert_eq!(stub.count("/api/v2/clients"), 1);
        })
        .await;
    }
}

#[tokio::test]
async fn retries_never_go_past_the_deadline() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(502, json!({}))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let started = Instant::now();
        let err = client
            .get(
                "/api/v2/clients",
                Some(Instant::now() + Duration::from_millis(150)),
            )
            .await
            .unwrap_err();
        // Either the last 502, or the deadline passing during the one retry that fit.
        match &err {
            ApiError::Timeout(text) => assert!(text.contains("502 Bad Gateway"), "{text}"),
            other => assert_eq!(other.status(), Some(502), "{other:?}"),
        }
        // The attempt count is the real check; this only catches a wait far past the deadline.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert!(
            stub.count("/api/v2/clients") <= 2,
            "{} attempts in 150 ms",
            stub.count("/api/v2/clients")
        );
    })
    .await;
}

#[tokio::test]
async fn other_4xx_answers_are_never_retried() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(409, conflict())).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let err = client.patch("/api/v2/resource-servers/x", json!({"name": "n"}), None).await.unwrap_err();
        assert_eq!(stub.count("/api/v2/resource-servers/x"), 1);
        assert_eq!(err.sentence(), "Auth0 answered 409 Conflict: A resource server with the same identifier already exists.");
        assert_eq!(err.error_code(), Some("operation_not_supported"));
    })
    .await;
}

#[tokio::test]
async fn connection_refused_on_post_is_retried_because_nothing_was_sent() {
    bounded(async {
        let (logs, _guard) = capture_logs();
        // A bound socket that is not listening yet: connections are refused, and no other
        // test can take the port meanwhile.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let port = socket.local_addr().unwrap().port();
        let client = client(settings(
            &format!("http://127.0.0.1:{port}"),
            Credentials::ApiToken("t".into()),
        ));
        let pending = tokio::spawn({
            let client = client.clone();
            async move {
                client
                    .post("/api/v2/clients", json!({"name": "x"}), None)
                    .await
            }
        });
        let waited = Instant::now();
        while !logs.text().contains("could not be reached; retrying") {
            assert!(
                waited.elapsed() < Duration::from_secs(5),
                "the first attempt never failed: {}",
                logs.text()
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let listener = socket.listen(64).unwrap();
        let stub = Stub::serve_on(
            listener,
            Arc::new(|_: &Seen, _| Reply::json(201, json!({"client_id": "c"}))),
        )
        .await;
        let response = pending.await.unwrap().unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

/// Accepts connections, reads the request, and hangs up without answering.
async fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = tokio::time::timeout(
                Duration::from_secs(1),
                tokio::io::AsyncReadExt::read(&mut socket, &mut buf),
            )
            .await;
            drop(socket);
        }
    });
    (base, accepted)
}

#[tokio::test]
async fn a_post_whose_connection_drops_after_sending_is_not_retried() {
    bounded(async {
        let (base, accepted) = hang_up_server().await;
        let client = client(settings(&base, Credentials::ApiToken("t".into())));
        let err = client
            .post("/api/v2/clients", json!({"name": "x"}), None)
            .await
            .unwrap_err();
        assert!(err.outcome_unknown(), "{err:?}");
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn a_get_whose_connection_drops_is_retried() {
    bounded(async {
        let (base, accepted) = hang_up_server().await;
        let client = client(settings(&base, Credentials::ApiToken("t".into())));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        assert!(err.sentence().contains(&base), "{}", err.sentence());
        assert!(matches!(err, ApiError::Transport(_)), "{err:?}");
        assert_eq!(accepted.load(Ordering::SeqCst), 6);
    })
    .await;
}
