//! What reaches Auth0 and the logs: headers, query and body, error sentences, no secrets in logs, the configured domain.

use super::*;

// ---------------------------------------------------------------- headers, bodies, sentences

#[tokio::test]
async fn the_custom_domain_header_is_sent_with_every_request() {
    bounded(async {
        let stub = Stub::start(token_then(|_, _| Reply::json(200, json!([])))).await;
        let mut s = settings(&stub.base, client_secret());
        s.custom_domain_header = Some("login.example.com".into());
        let client = client(s);
        client.get("/api/v2/clients", None).await.unwrap();
        let seen = &stub.requests("/api/v2/clients")[0];
        assert_eq!(
            seen.headers.get("auth0-custom-domain").unwrap(),
            "login.example.com"
        );
    })
    .await;
}

#[tokio::test]
async fn without_a_custom_domain_no_such_header_is_sent() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(200, json!([]))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        client.get("/api/v2/clients", None).await.unwrap();
        assert!(stub.requests("/api/v2/clients")[0]
            .headers
            .get("auth0-custom-domain")
            .is_none());
    })
    .await;
}

#[tokio::test]
async fn query_parameters_and_json_bodies_reach_auth0_and_an_empty_answer_is_null() {
    bounded(async {
        let stub = Stub::start(|seen, _| match seen.method.as_str() {
            "DELETE" => Reply::empty(204),
            _ => Reply::json(200, seen.body.clone()),
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let req = ApiRequest::new(Method::GET, "/api/v2/client-grants")
            .query("audience", "https://api.example.com/")
            .query("client_id", "abc");
        client.send(req).await.unwrap();
        assert_eq!(
            stub.requests("/api/v2/client-grants")[0].query,
            "audience=https%3A%2F%2Fapi.example.com%2F&client_id=abc"
        );
        let echoed = client
            .patch(
                "/api/v2/clients/a",
                json!({"name": "n", "grant_types": ["client_credentials"]}),
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            echoed.body,
            json!({"name": "n", "grant_types": ["client_credentials"]})
        );
        let deleted = client.delete("/api/v2/clients/a", None).await.unwrap();
        assert_eq!((deleted.status, deleted.body), (204, Json::Null));
    })
    .await;
}

#[tokio::test]
async fn a_404_is_recognised_as_not_found() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(404, json!({"statusCode": 404, "error": "Not Found", "message": "The client does not exist", "errorCode": "inexistent_client"}))
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let err = client.get("/api/v2/clients/gone", None).await.unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(err.sentence(), "Auth0 answered 404 Not Found: The client does not exist.");
    })
    .await;
}

// ---------------------------------------------------------------- logs

#[tokio::test]
async fn logs_never_contain_the_client_secret_or_tokens_even_with_debug_on() {
    bounded(async {
        let (logs, _guard) = capture_logs();
        let stub = Stub::start(token_then(|seen, n| match (seen.bearer(), n) {
            (Some("tok-1"), _) => Reply::json(
                401,
                json!({"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"}),
            ),
            (_, _) if seen.method == "POST" => Reply::json(
                201,
                json!({"client_id": "new", "client_secret": "returned-secret-value", "signing_secret": "returned-signing-secret"}),
            ),
            _ => Reply::json(200, json!([])),
        }))
        .await;
        let mut s = settings(&stub.base, client_secret());
        s.debug = true;
        let client = client(s);
        client.get("/api/v2/clients", None).await.unwrap();
        client
            .post(
                "/api/v2/clients",
                json!({"name": "app", "client_secret": "sent-secret-value", "addons": {"wams": {"masterkey": "sent-masterkey-value"}}}),
                None,
            )
            .await
            .unwrap();
        let text = logs.text();
        assert!(
            text.contains("Auth0 request") && text.contains("/api/v2/clients"),
            "nothing captured: {text}"
        );
        assert!(
            text.contains("[redacted]"),
            "debug bodies should be logged redacted: {text}"
        );
        for secret in [
            SECRET,
            "tok-1",
            "tok-2",
            "sent-secret-value",
            "returned-secret-value",
            "sent-masterkey-value",
            "returned-signing-secret",
            "Bearer",
        ] {
            assert!(
                !text.contains(secret),
                "{secret:?} leaked into the logs:\n{text}"
            );
        }
    })
    .await;
}

// ---------------------------------------------------------------- configuration to client

#[tokio::test]
async fn a_url_domain_from_config_reaches_the_local_server() {
    bounded(async {
        let stub = Stub::start(token_then(|_, _| Reply::json(200, json!([])))).await;
        let args: PropertyMap = [
            ("domain".to_string(), Value::from(stub.base.as_str())),
            ("clientId".to_string(), Value::from(CLIENT_ID)),
            (
                "clientSecret".to_string(),
                Value::from(SECRET).into_secret(),
            ),
        ]
        .into_iter()
        .collect();
        let settings = settings_from_config(&args, &|_| None).unwrap();
        let client = client(settings);
        client.get("/api/v2/clients", None).await.unwrap();
        let host = stub.base.trim_start_matches("http://");
        assert_eq!(
            stub.requests("/oauth/token")[0].body["audience"],
            format!("https://{host}/api/v2/")
        );
    })
    .await;
}
