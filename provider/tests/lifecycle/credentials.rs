//! Credentials Auth0 refuses (issue 14 §6): wrong ones, a deleted (revoked) application, an
//! application without a grant for the Management API, and one whose grant lacks a scope. Each
//! gives one sentence at the first operation that names the key or the scope to fix, and never
//! the secret.

use pulumi_auth0_provider::rpc::{ConfigureRequest, CreateRequest};

use super::*;

/// The bootstrap client's token, to set the tenant up as an administrator would.
async fn admin(emulator: &Emulator) -> (reqwest::Client, String) {
    let http = reqwest::Client::new();
    let token: Json = http
        .post(format!("{}/oauth/token", emulator.base_url()))
        .json(&json!({
            "grant_type": "client_credentials",
            "client_id": emulator.bootstrap_client_id(),
            "client_secret": emulator.bootstrap_client_secret(),
            "audience": emulator.management_audience(),
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    (http, bearer)
}

async fn send(
    emulator: &Emulator,
    method: reqwest::Method,
    path: &str,
    body: Option<Json>,
) -> Json {
    let (http, bearer) = admin(emulator).await;
    let mut request = http
        .request(method, format!("{}{path}", emulator.base_url()))
        .header("authorization", bearer);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Json::Null)
}

/// A machine-to-machine application, granted `scopes` on the Management API (none: no grant).
/// Returns its id, its secret and its grant's id.
async fn application(
    emulator: &Emulator,
    scopes: Option<&[&str]>,
) -> (String, String, Option<String>) {
    let app = send(
        emulator,
        reqwest::Method::POST,
        "/api/v2/clients",
        Some(json!({"name": "limited", "app_type": "non_interactive", "grant_types": ["client_credentials"]})),
    )
    .await;
    let id = app["client_id"].as_str().unwrap().to_string();
    let secret = app["client_secret"].as_str().unwrap().to_string();
    let grant = match scopes {
        None => None,
        Some(scopes) => {
            let grant = send(
                emulator,
                reqwest::Method::POST,
                "/api/v2/client-grants",
                Some(json!({"client_id": id, "audience": emulator.management_audience(), "scope": scopes})),
            )
            .await;
            Some(grant["id"].as_str().unwrap().to_string())
        }
    };
    (id, secret, grant)
}

/// A provider configured with `client_id` and `secret`; Configure itself sends no request.
async fn provider_with(emulator: &Emulator, client_id: &str, secret: &str) -> Arc<Auth0Provider> {
    let provider = Auth0Provider::with_env(Box::new(|_| None));
    let mut args = props(json!({"domain": emulator.base_url(), "clientId": client_id}));
    args.insert("clientSecret".into(), Value::from(secret).into_secret());
    provider
        .configure(ConfigureRequest { args })
        .await
        .expect("configure accepts well-formed credentials");
    provider
}

/// The first operation's error text.
async fn first_operation_error(provider: &Auth0Provider) -> String {
    let err = provider
        .create(CreateRequest {
            urn: urn(CLIENT, "app"),
            name: "app".into(),
            type_token: CLIENT.into(),
            properties: props(json!({"name": "app", "appType": "non_interactive"})),
            ..Default::default()
        })
        .await
        .expect_err("Auth0 refuses the credentials");
    err.to_string()
}

fn assert_one_sentence_without(text: &str, secret: &str) {
    assert!(!text.contains(secret), "the secret is in the error: {text}");
    assert!(!text.contains('\n'), "{text}");
    assert!(text.ends_with('.'), "{text}");
}

#[tokio::test]
async fn a_wrong_secret_names_the_client_id_and_both_keys_to_set() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let wrong = "not-the-secret-at-all";
    let provider = provider_with(&emulator, emulator.bootstrap_client_id(), wrong).await;
    let text = first_operation_error(&provider).await;
    assert!(
        text.contains(&format!(
            "Auth0 refused a token for auth0:clientId {:?}: that client id or auth0:clientSecret is wrong",
            emulator.bootstrap_client_id()
        )) && text.contains("set auth0:clientId and auth0:clientSecret"),
        "{text}"
    );
    assert_one_sentence_without(&text, wrong);
    assert_one_sentence_without(&text, emulator.bootstrap_client_secret());
}

#[tokio::test]
async fn a_deleted_application_says_it_may_have_been_deleted_or_revoked() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let (id, secret, _) = application(&emulator, Some(&["read:clients", "create:clients"])).await;
    send(
        &emulator,
        reqwest::Method::DELETE,
        &format!("/api/v2/clients/{id}"),
        None,
    )
    .await;
    let text = first_operation_error(&*provider_with(&emulator, &id, &secret).await).await;
    assert!(
        text.contains(&format!("auth0:clientId {id:?}"))
            && text.contains("the application was deleted or its credential revoked"),
        "{text}"
    );
    assert_one_sentence_without(&text, &secret);
}

#[tokio::test]
async fn an_application_without_a_management_api_grant_is_told_to_authorize_it() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let (id, secret, _) = application(&emulator, None).await;
    let text = first_operation_error(&*provider_with(&emulator, &id, &secret).await).await;
    assert!(
        text.contains(&format!(
            "the application auth0:clientId {id:?} is not authorized for the Management API {:?}; authorize it there",
            emulator.management_audience()
        )),
        "{text}"
    );
    assert_one_sentence_without(&text, &secret);
}

#[tokio::test]
async fn a_missing_scope_names_the_scope_and_the_application() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let (id, secret, _) = application(&emulator, Some(&["read:clients"])).await;
    let text = first_operation_error(&*provider_with(&emulator, &id, &secret).await).await;
    assert!(
        text.contains(&format!(
            "the token of auth0:clientId {id:?} lacks the scope create:clients; grant it to that application on the Management API"
        )),
        "{text}"
    );
    assert_one_sentence_without(&text, &secret);
}

#[tokio::test]
async fn through_grpc_a_missing_scope_is_one_sentence_with_the_scope() {
    let mut harness = Harness::start().await;
    let (id, secret, _) = application(&harness.emulator, Some(&["read:clients"])).await;
    harness.configure_as(&id, &secret).await;
    let status = harness
        .create(
            CLIENT,
            "app",
            &props(json!({"name": "app", "appType": "non_interactive"})),
            false,
        )
        .await
        .expect_err("the scope is missing");
    let text = status.message();
    assert!(text.contains("lacks the scope create:clients"), "{text}");
    assert!(text.contains(&format!("auth0:clientId {id:?}")), "{text}");
    assert_one_sentence_without(text, &secret);
}
