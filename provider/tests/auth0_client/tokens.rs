//! Tokens: fetched once and reused, refreshed once on a 401, private_key_jwt assertions, and what a refused token request says.

use super::*;

// ---------------------------------------------------------------- tokens

#[tokio::test]
async fn one_token_is_fetched_for_many_concurrent_requests_and_reused() {
    bounded(async {
        let stub = Stub::start(token_then(|seen, _| match seen.bearer() {
            Some("tok-1") => Reply::json(200, json!([])),
            _ => Reply::json(401, json!({"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"})),
        }))
        .await;
        let client = client(settings(&stub.base, client_secret()));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get("/api/v2/clients", None).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().body, json!([]));
        }
        for _ in 0..5 {
            client.get("/api/v2/clients", None).await.unwrap();
        }
        assert_eq!(stub.count("/oauth/token"), 1);
        assert_eq!(stub.count("/api/v2/clients"), 25);
        let token_request = &stub.requests("/oauth/token")[0];
        assert_eq!(
            token_request.body,
            json!({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET, "audience": "https://tenant.example/api/v2/"})
        );
    })
    .await;
}

#[tokio::test]
async fn a_401_triggers_exactly_one_token_refresh_and_retry() {
    bounded(async {
        let stub = Stub::start(token_then(|seen, _| match seen.bearer() {
            Some("tok-2") => Reply::json(200, json!({"client_id": "abc"})),
            _ => Reply::json(401, json!({"statusCode": 401, "error": "Unauthorized", "message": "Expired token received for JSON Web Token validation"})),
        }))
        .await;
        let client = client(settings(&stub.base, client_secret()));
        let response = client.get("/api/v2/clients/abc", None).await.unwrap();
        assert_eq!(response.body["client_id"], "abc");
        assert_eq!(stub.count("/oauth/token"), 2);
        let bearers: Vec<_> = stub.requests("/api/v2/clients/abc").iter().map(|s| s.bearer().unwrap().to_string()).collect();
        assert_eq!(bearers, ["tok-1", "tok-2"]);
    })
    .await;
}

#[tokio::test]
async fn a_401_that_persists_after_the_refresh_fails_without_further_retries() {
    bounded(async {
        let stub = Stub::start(token_then(|_, _| {
            Reply::json(
                401,
                json!({"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"}),
            )
        }))
        .await;
        let client = client(settings(&stub.base, client_secret()));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        assert_eq!(err.status(), Some(401));
        assert!(
            err.sentence()
                .starts_with("Auth0 answered 401 Unauthorized: Invalid token;"),
            "{}",
            err.sentence()
        );
        assert_eq!(stub.count("/oauth/token"), 2);
        assert_eq!(stub.count("/api/v2/clients"), 2);
    })
    .await;
}

#[tokio::test]
async fn a_401_with_a_static_api_token_says_the_token_is_invalid_or_expired() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(401, json!({"statusCode": 401, "error": "Unauthorized", "message": "Expired token received for JSON Web Token validation"}))
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("static-token-value".into())));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        let sentence = err.sentence();
        assert!(sentence.contains("apiToken is invalid or expired"), "{sentence}");
        assert!(!sentence.contains("static-token-value"));
        assert_eq!(stub.count("/api/v2/clients"), 1);
        assert_eq!(stub.count("/oauth/token"), 0);
        assert_eq!(stub.requests("/api/v2/clients")[0].bearer(), Some("static-token-value"));
    })
    .await;
}

#[tokio::test]
async fn a_refused_token_request_names_the_client_id_but_never_the_secret() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(
                401,
                json!({"error": "access_denied", "error_description": "Unauthorized"}),
            )
        })
        .await;
        let client = client(settings(&stub.base, client_secret()));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        let sentence = err.sentence();
        assert!(
            sentence.contains("401") && sentence.contains("\"test-client\""),
            "{sentence}"
        );
        assert!(sentence.contains("auth0:clientSecret"), "{sentence}");
        assert!(!sentence.contains(SECRET));
        assert_eq!(
            stub.count("/oauth/token"),
            1,
            "a 4xx from /oauth/token is not retried"
        );
        assert_eq!(stub.count("/api/v2/clients"), 0);
    })
    .await;
}

#[tokio::test]
async fn a_token_with_an_absurd_expires_in_is_used_and_kept_instead_of_crashing() {
    bounded(async {
        let stub = Stub::start(|seen, _| {
            if seen.path == "/oauth/token" {
                Reply::json(200, json!({"access_token": "tok", "expires_in": 1e300}))
            } else {
                Reply::json(200, json!([]))
            }
        })
        .await;
        let client = client(settings(&stub.base, client_secret()));
        client.get("/api/v2/clients", None).await.unwrap();
        client.get("/api/v2/clients", None).await.unwrap();
        assert_eq!(stub.count("/oauth/token"), 1);
        assert_eq!(stub.requests("/api/v2/clients")[1].bearer(), Some("tok"));
    })
    .await;
}

#[tokio::test]
async fn a_private_key_jwt_client_sends_a_signed_assertion_instead_of_a_secret() {
    bounded(async {
        let stub = Stub::start(token_then(|_, _| Reply::json(200, json!([])))).await;
        let pem = include_str!("../../src/auth0/testdata/assertion-key.pem");
        let creds = Credentials::PrivateKeyJwt {
            client_id: CLIENT_ID.into(),
            private_key_pem: pem.into(),
            alg: "RS384".into(),
        };
        let client = client(settings(&stub.base, creds));
        client.get("/api/v2/clients", None).await.unwrap();
        let body = stub.requests("/oauth/token")[0].body.clone();
        assert_eq!(
            body["client_assertion_type"],
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        );
        assert!(body.get("client_secret").is_none());
        let public = include_str!("../../src/auth0/testdata/assertion-key.pub.pem");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS384);
        validation.set_audience(&[format!("{}/", stub.base)]);
        validation.set_issuer(&[CLIENT_ID]);
        let claims = jsonwebtoken::decode::<Json>(
            body["client_assertion"].as_str().unwrap(),
            &jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap(),
            &validation,
        )
        .unwrap()
        .claims;
        assert_eq!(claims["sub"], CLIENT_ID);
    })
    .await;
}

#[tokio::test]
async fn a_retried_private_key_jwt_token_request_signs_a_fresh_assertion_each_attempt() {
    bounded(async {
        let stub = Stub::start(|seen, n| match (seen.path.as_str(), n) {
            ("/oauth/token", 0) => Reply::json(503, unavailable()),
            ("/oauth/token", _) => {
                Reply::json(200, json!({"access_token": "tok", "expires_in": 86400}))
            }
            _ => Reply::json(200, json!([])),
        })
        .await;
        let creds = Credentials::PrivateKeyJwt {
            client_id: CLIENT_ID.into(),
            private_key_pem: include_str!("../../src/auth0/testdata/assertion-key.pem").into(),
            alg: "RS256".into(),
        };
        let client = client(settings(&stub.base, creds));
        client.get("/api/v2/clients", None).await.unwrap();
        let public = include_str!("../../src/auth0/testdata/assertion-key.pub.pem");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_audience(&[format!("{}/", stub.base)]);
        let jtis: Vec<String> = stub
            .requests("/oauth/token")
            .iter()
            .map(|seen| {
                let claims = jsonwebtoken::decode::<Json>(
                    seen.body["client_assertion"].as_str().unwrap(),
                    &jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap(),
                    &validation,
                )
                .unwrap()
                .claims;
                claims["jti"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(jtis.len(), 2, "the 503 is retried once");
        assert_ne!(jtis[0], jtis[1], "a replayed jti may be refused by Auth0");
    })
    .await;
}
