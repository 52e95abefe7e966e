//! Cancel while Auth0 is applying a write: what the engine is told. The emulator commits each
//! change at once and holds its answer back (`answer_latency`), as a slow Auth0 would.

use std::time::{Duration, Instant};

use auth0_emulator::FaultConfig;

use super::*;

impl Harness {
    /// Holds every Management API answer back by `latency` after the change is committed.
    fn answer_after(&self, latency: Duration) {
        self.emulator.set_faults(FaultConfig {
            answer_latency: latency,
            ..FaultConfig::default()
        });
    }

    /// Runs `operation` on a second connection, calls Cancel once the emulator has seen
    /// `route`, and returns the operation's outcome and how long it took after the Cancel.
    async fn cancel_during<T: Send + 'static>(
        &mut self,
        route: &str,
        operation: impl std::future::Future<Output = Result<T, tonic::Status>> + Send + 'static,
    ) -> (Result<T, tonic::Status>, Duration) {
        let pending = tokio::spawn(operation);
        let waiting_since = Instant::now();
        while self.emulator.stats().count(route) == 0 {
            assert!(
                waiting_since.elapsed() < Duration::from_secs(10),
                "{route} never reached the emulator"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let cancelled_at = Instant::now();
        self.rpc.cancel(()).await.expect("cancel");
        let outcome = pending.await.unwrap();
        (outcome, cancelled_at.elapsed())
    }

    fn create_request(&self, token: &str, name: &str, inputs: &PropertyMap) -> pb::CreateRequest {
        pb::CreateRequest {
            urn: urn(token, name),
            properties: st(inputs),
            name: name.into(),
            r#type: token.into(),
            ..Default::default()
        }
    }

    /// The ids of the clients the emulator holds with this name.
    async fn clients_named(&self, name: &str) -> Vec<String> {
        self.answer_after(Duration::ZERO);
        let (http, token) = self.admin().await;
        let clients: Vec<Json> = http
            .get(format!("{}/api/v2/clients", self.emulator.base_url()))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        clients
            .iter()
            .filter(|c| c["name"] == name)
            .map(|c| c["client_id"].as_str().unwrap().to_string())
            .collect()
    }
}

#[tokio::test]
async fn a_create_answered_within_a_second_of_cancel_reports_the_client_auth0_made() {
    let mut h = Harness::start().await;
    let inputs = h
        .checked(
            CLIENT,
            "late",
            json!({"name": "answered-late", "appType": "non_interactive"}),
        )
        .await;
    h.answer_after(Duration::from_millis(400));
    let request = h.create_request(CLIENT, "late", &inputs);
    let mut rpc = h.rpc.clone();
    let (outcome, _) = h
        .cancel_during("POST /api/v2/clients", async move {
            rpc.create(request).await.map(|r| r.into_inner())
        })
        .await;
    let created = outcome.expect("the create Auth0 answered within the grace succeeds");
    assert_eq!(
        h.clients_named("answered-late").await,
        vec![created.id.clone()]
    );
    assert_eq!(
        str_of(&de(created.properties), "clientId"),
        created.id,
        "the state is Auth0's answer"
    );
}

#[tokio::test]
async fn a_create_unanswered_a_second_after_cancel_names_the_application_and_its_import_command() {
    let mut h = Harness::start().await;
    let inputs = h
        .checked(
            CLIENT,
            "lost",
            json!({"name": "never-answered", "appType": "non_interactive"}),
        )
        .await;
    h.answer_after(Duration::from_secs(8));
    let request = h.create_request(CLIENT, "lost", &inputs);
    let mut rpc = h.rpc.clone();
    let (outcome, took) = h
        .cancel_during("POST /api/v2/clients", async move {
            rpc.create(request).await.map(|r| r.into_inner())
        })
        .await;
    let status = outcome.expect_err("Auth0 never answered the create");
    assert_eq!(status.code(), tonic::Code::Unknown, "{status:?}");
    let message = status.message();
    for part in [
        "Client lost: POST /api/v2/clients was cancelled after it was sent, and Auth0 had not answered 1 s later; Auth0 may or may not have applied it.",
        "If Auth0 now holds an application named \"never-answered\", adopt it with `pulumi import auth0:index/client:Client lost <client_id>` before running pulumi up again.",
    ] {
        assert!(message.contains(part), "{message}");
    }
    assert!(took < Duration::from_secs(5), "{took:?}");
    // Auth0 did make it: that is the orphan the error names. Nothing was looked up after the
    // cancel (a lost answer is otherwise followed by a search of the clients).
    assert_eq!(h.emulator.stats().count("GET /api/v2/clients"), 0);
    assert_eq!(h.clients_named("never-answered").await.len(), 1);
}

#[tokio::test]
async fn an_update_unanswered_a_second_after_cancel_keeps_the_old_state_and_says_so() {
    let mut h = Harness::start().await;
    let inputs = h
        .checked(
            CLIENT,
            "slow",
            json!({"name": "before", "appType": "non_interactive"}),
        )
        .await;
    let (id, olds) = h.create(CLIENT, "slow", &inputs, false).await.unwrap();
    let news = h
        .checked(
            CLIENT,
            "slow",
            json!({"name": "after", "appType": "non_interactive"}),
        )
        .await;
    h.answer_after(Duration::from_secs(8));
    let mut rpc = h.rpc.clone();
    let request = pb::UpdateRequest {
        id: id.clone(),
        urn: urn(CLIENT, "slow"),
        olds: st(&olds),
        news: st(&news),
        old_inputs: st(&inputs),
        name: "slow".into(),
        r#type: CLIENT.into(),
        ..Default::default()
    };
    let (outcome, _) = h
        .cancel_during("PATCH /api/v2/clients/{id}", async move {
            rpc.update(request).await.map(|r| r.into_inner())
        })
        .await;
    let status = outcome.expect_err("Auth0 never answered the update");
    assert!(
        status.message().starts_with(&format!(
            "Client: PATCH /api/v2/clients/{id} was cancelled after it was sent, and Auth0 had not answered 1 s later; Auth0 may or may not have applied it. The state from before is kept"
        )),
        "{}",
        status.message()
    );
    assert_eq!(h.clients_named("after").await, vec![id]);
}
