//! Samples for ResourceServer and ClientGrant, and the full list the round-trip runs.

use super::client_samples::client_samples;
use super::*;

fn resource_server_samples() -> Vec<Sample> {
    let r = |path, first, second| sample(API, path, first, second);
    vec![
        r("name", json!("Coverage API A"), json!("Coverage API B")),
        r(
            "identifier",
            json!("https://identifier-a.coverage.example.com/"),
            json!("https://identifier-b.coverage.example.com/"),
        ),
        r("allowOfflineAccess", json!(true), json!(false)),
        r("allowOnlineAccess", json!(true), json!(false)),
        r(
            "allowOnlineAccessWithEphemeralSessions",
            json!(true),
            json!(false),
        ),
        r(
            "authorizationDetails",
            json!([{"type": "payment_initiation"}, {"type": "money_transfer"}]),
            json!([{"type": "payment_initiation"}]),
        ),
        r(
            "authorizationDetails.disable",
            json!([{"type": "payment_initiation", "disable": false}]),
            json!([{"disable": true}]),
        ),
        r(
            "authorizationPolicy",
            json!({"policyId": "pol_coverage_1"}),
            json!({"policyId": "pol_coverage_2"}),
        ),
        r(
            "consentPolicy",
            json!("transactional-authorization-with-mfa"),
            json!("null"),
        ),
        r("enforcePolicies", json!(true), json!(false)),
        r(
            "proofOfPossession",
            json!({"mechanism": "mtls", "required": true, "requiredFor": "all_clients"}),
            json!({"mechanism": "dpop", "required": false, "requiredFor": "public_clients"}),
        ),
        r(
            "proofOfPossession.disable",
            json!({"disable": false, "mechanism": "dpop", "required": true}),
            json!({"disable": true}),
        ),
        r(
            "scopes",
            json!([{"value": "read:data", "description": "Read data"}]),
            json!([{"value": "read:data", "description": "Read data"}, {"value": "write:data", "description": "Write data"}]),
        ),
        r("signingAlg", json!("HS256"), json!("PS256")),
        r(
            "signingSecret",
            json!("a-signing-secret-of-32-characters"),
            json!("another-signing-secret-of-32-chars"),
        ),
        r(
            "skipConsentForVerifiableFirstPartyClients",
            json!(true),
            json!(false),
        ),
        r(
            "subjectTypeAuthorization",
            json!({"user": {"policy": "allow_all"}, "client": {"policy": "require_client_grant"}}),
            json!({"user": {"policy": "deny_all"}, "client": {"policy": "deny_all"}}),
        ),
        r(
            "tokenDialect",
            json!("access_token_authz"),
            json!("rfc9068_profile"),
        ),
        r(
            "tokenEncryption",
            json!({
                "format": "compact-nested-jwe",
                "encryptionKey": {"algorithm": "RSA-OAEP-256", "kid": "coverage-key-1", "name": "Coverage key", "pem": "{cert}"}
            }),
            json!({
                "format": "compact-nested-jwe",
                "encryptionKey": {"algorithm": "RSA-OAEP-384", "kid": "coverage-key-2", "name": "Coverage key 2", "pem": "{cert}"}
            }),
        ),
        r(
            "tokenEncryption.disable",
            json!({
                "disable": false, "format": "compact-nested-jwe",
                "encryptionKey": {"algorithm": "RSA-OAEP-512", "pem": "{cert}"}
            }),
            json!({"disable": true}),
        ),
        r("tokenLifetime", json!(3600), json!(7200)),
        r("tokenLifetimeForWeb", json!(1800), json!(3600)),
        r(
            "verificationLocation",
            json!("https://verify.coverage.example.com"),
            json!("https://verify2.coverage.example.com"),
        ),
    ]
}

fn client_grant_samples() -> Vec<Sample> {
    let g = |path, first, second| sample(GRANT, path, first, second);
    vec![
        g("audience", json!("{api}"), json!("{api2}")),
        g("clientId", json!("{client}"), json!("{client2}")),
        g(
            "scopes",
            json!(["read:data"]),
            json!(["read:data", "write:data"]),
        ),
        g("scope", json!(["read:data"]), json!(["write:data"])),
        g("allowAllScopes", json!(true), json!(false)),
        g("allowAnyOrganization", json!(true), json!(false)),
        g("organizationUsage", json!("allow"), json!("require")),
        g(
            "authorizationDetailsTypes",
            json!(["payment_initiation"]),
            json!(["payment_initiation", "money_transfer"]),
        ),
        g("subjectType", json!("user"), json!("client")),
        Sample {
            base: Some(json!({"audience": "{api}"})),
            ..g(
                "defaultFor",
                json!("third_party_clients"),
                json!("third_party_clients_v2"),
            )
        },
    ]
}

pub(super) fn all_samples() -> Vec<Sample> {
    let mut all = client_samples();
    all.extend(resource_server_samples());
    all.extend(client_grant_samples());
    all
}
