//! A cancel that finds a write on its way to Auth0: the answer gets a short grace so that what
//! Auth0 did can be reported, and a write Auth0 may have applied never reads as "nothing
//! happened".

use super::*;

/// Starts `send` on its own task, waits until the stub has seen `path` `seen` times, then
/// cancels; returns the outcome and how long it took after the cancel.
async fn cancel_once_seen<F>(
    stub: &Stub,
    client: &Auth0Client,
    path: &str,
    seen: usize,
    send: F,
) -> (Result<Json, ApiError>, Duration)
where
    F: Future<Output = Result<Json, ApiError>> + Send + 'static,
{
    let pending = tokio::spawn(send);
    while stub.count(path) < seen {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let cancelled_at = Instant::now();
    client.cancel();
    let outcome = pending.await.unwrap();
    (outcome, cancelled_at.elapsed())
}

fn create(client: &Auth0Client) -> impl Future<Output = Result<Json, ApiError>> + Send + 'static {
    let client = client.clone();
    async move {
        client
            .post("/api/v2/clients", json!({"name": "late"}), None)
            .await
            .map(|r| r.body)
    }
}

fn update(client: &Auth0Client) -> impl Future<Output = Result<Json, ApiError>> + Send + 'static {
    let client = client.clone();
    async move {
        client
            .patch("/api/v2/clients/c1", json!({"name": "n"}), None)
            .await
            .map(|r| r.body)
    }
}

#[tokio::test]
async fn a_create_answered_within_the_grace_after_a_cancel_returns_what_auth0_made() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(201, json!({"client_id": "made-anyway"})).after(Duration::from_millis(400))
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let (outcome, _) =
            cancel_once_seen(&stub, &client, "/api/v2/clients", 1, create(&client)).await;
        assert_eq!(outcome.unwrap()["client_id"], "made-anyway");
        assert_eq!(
            client.get("/api/v2/clients", None).await,
            Err(ApiError::Cancelled),
            "nothing is sent after the cancel"
        );
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

#[tokio::test]
async fn a_create_unanswered_a_second_after_the_cancel_may_have_been_applied() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(201, json!({"client_id": "too-late"})).after(Duration::from_secs(20))
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let (outcome, took) =
            cancel_once_seen(&stub, &client, "/api/v2/clients", 1, create(&client)).await;
        let err = outcome.unwrap_err();
        assert!(err.outcome_unknown(), "{err:?}");
        assert!(
            err.sentence().starts_with(
                "POST /api/v2/clients was cancelled after it was sent, and Auth0 had not answered 1 s later; Auth0 may or may not have applied it"
            ),
            "{}",
            err.sentence()
        );
        // The answer would take 20 s; the grace is 1 s.
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_secs(5),
            "{took:?}"
        );
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

#[tokio::test]
async fn a_read_in_flight_gets_no_grace() {
    bounded(async {
        let stub =
            Stub::start(|_, _| Reply::json(200, json!([])).after(Duration::from_millis(1500)))
                .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let read = {
            let client = client.clone();
            async move { client.get("/api/v2/clients", None).await.map(|r| r.body) }
        };
        let (outcome, _) = cancel_once_seen(&stub, &client, "/api/v2/clients", 1, read).await;
        // With a grace the answer, 1.45 s after the cancel, would not come in time either; a
        // read that waited for it would fail with OutcomeUnknown instead.
        assert_eq!(outcome, Err(ApiError::Cancelled));
    })
    .await;
}

#[tokio::test]
async fn an_update_cancelled_while_waiting_to_retry_after_a_500_may_have_been_applied() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(500, json!({"message": "oops"}))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        // The fourth 500 is followed by a wait of 0.8 to 1.6 s.
        let (outcome, took) =
            cancel_once_seen(&stub, &client, "/api/v2/clients/c1", 4, update(&client)).await;
        let err = outcome.unwrap_err();
        assert!(err.outcome_unknown(), "{err:?}");
        assert!(
            err.sentence().contains(
                "PATCH /api/v2/clients/c1 was cancelled while waiting to be sent again after Auth0 answered 500"
            ),
            "{}",
            err.sentence()
        );
        assert!(took < Duration::from_secs(1), "{took:?}");
        assert_eq!(stub.count("/api/v2/clients/c1"), 4);
    })
    .await;
}

#[tokio::test]
async fn an_update_cancelled_while_waiting_to_retry_after_a_503_changed_nothing() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(503, json!({"message": "busy"}))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        // 503 is Auth0's "not processed": every attempt left the client as it was.
        let (outcome, _) =
            cancel_once_seen(&stub, &client, "/api/v2/clients/c1", 4, update(&client)).await;
        assert_eq!(outcome, Err(ApiError::Cancelled));
    })
    .await;
}
