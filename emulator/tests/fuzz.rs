//! Property-based fuzzing of the emulator's request parsing, in-process (`Emulator::answer`):
//! arbitrary JSON bodies to every collection, arbitrary query strings to every listing, and
//! arbitrary token requests. Expected: an answer (an error is fine), never a panic, a hang or a
//! 5xx. `FUZZ_CASES` sets the cases per target; `make fuzz` runs a long one.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use serde_json::{json, Value};

use auth0_emulator::{Emulator, EmulatorConfig};

const HANG: Duration = Duration::from_secs(2);

fn runner(weight: u32) -> TestRunner {
    let base = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(64);
    TestRunner::new(Config {
        cases: base.saturating_mul(weight),
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    })
}

/// Field names the Management API and /oauth/token read, and a few they do not.
const FIELDS: &[&str] = &[
    "name",
    "description",
    "app_type",
    "callbacks",
    "allowed_origins",
    "grant_types",
    "jwt_configuration",
    "alg",
    "lifetime_in_seconds",
    "secret_encoded",
    "scopes",
    "client_metadata",
    "token_endpoint_auth_method",
    "client_secret",
    "client_id",
    "is_first_party",
    "oidc_conformant",
    "refresh_token",
    "rotation_type",
    "expiration_type",
    "leeway",
    "client_authentication_methods",
    "private_key_jwt",
    "credentials",
    "identifier",
    "value",
    "signing_alg",
    "signing_secret",
    "token_lifetime",
    "allow_offline_access",
    "skip_consent_for_verifiable_first_party_clients",
    "token_dialect",
    "enforce_policies",
    "audience",
    "scope",
    "subject_type",
    "allow_any_organization",
    "organization_usage",
    "credential_type",
    "pem",
    "expires_at",
    "grant_type",
    "client_assertion",
    "client_assertion_type",
    "is_system",
    "id",
    "addons",
    "mobile",
    "native_social_login",
    "x",
    "",
];

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => proptest::sample::select(vec![
            "", "a", "read:data", "https://api.example.com/", "non_interactive", "spa", "RS256",
            "HS256", "client_secret_post", "private_key_jwt", "client_credentials", "user",
            "client", "rotating", "public_key", "true", "-1", "💥", "a\u{0}b",
        ])
        .prop_map(str::to_string),
        2 => any::<String>().prop_map(|s| s.chars().take(40).collect()),
    ]
    .boxed()
}

fn json_value(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|n| serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)),
        (0i64..100_000).prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(depth, 48, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            btree_map(
                prop_oneof![3 => proptest::sample::select(FIELDS).prop_map(str::to_string), 1 => text()],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A body: usually a JSON object of known fields, sometimes any JSON, sometimes not JSON.
fn body() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        6 => btree_map(proptest::sample::select(FIELDS), json_value(3), 0..8)
            .prop_map(|m| serde_json::to_vec(&m).expect("JSON")),
        2 => json_value(4).prop_map(|v| serde_json::to_vec(&v).expect("JSON")),
        1 => vec(any::<u8>(), 0..64),
    ]
    .boxed()
}

/// Changes to a valid object: fields set to odd values, and fields removed (`None`).
fn mutations() -> impl Strategy<Value = Vec<(&'static str, Option<Value>)>> {
    vec(
        (
            proptest::sample::select(FIELDS),
            proptest::option::weighted(0.8, json_value(2)),
        ),
        0..3,
    )
}

fn mutated(
    mut valid: serde_json::Map<String, Value>,
    changes: Vec<(&str, Option<Value>)>,
) -> Vec<u8> {
    for (field, value) in changes {
        match value {
            Some(value) => valid.insert(field.to_string(), value),
            None => valid.remove(field),
        };
    }
    serde_json::to_vec(&valid).expect("JSON")
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A query string of listing parameters with odd values, percent-encoded.
fn query() -> BoxedStrategy<String> {
    let name = prop_oneof![
        3 => proptest::sample::select(vec![
            "page", "per_page", "include_totals", "fields", "include_fields", "from", "take",
            "audience", "client_id", "q", "is_global", "app_type", "identifiers", "identifiers[]",
            "subject_type", "allow_any_organization", "is_first_party", "name",
        ])
        .prop_map(str::to_string),
        1 => text(),
    ];
    let value = prop_oneof![
        2 => (-3i64..200).prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => Just("99999999999999999999999".to_string()),
        2 => text(),
    ];
    vec((name, proptest::option::of(value)), 0..6)
        .prop_map(|pairs| {
            pairs
                .iter()
                .map(|(k, v)| match v {
                    Some(v) => format!("{}={}", percent(k), percent(v)),
                    None => percent(k),
                })
                .collect::<Vec<_>>()
                .join("&")
        })
        .boxed()
}

struct Fixture {
    rt: tokio::runtime::Runtime,
    emulator: Emulator,
    bearer: String,
    /// One existing object per collection, for PATCH, GET and DELETE of an id.
    ids: Vec<(&'static str, String)>,
}

fn fixture() -> Fixture {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let emulator = rt
        .block_on(Emulator::start(EmulatorConfig::default()))
        .expect("emulator");
    let token = json!({
        "grant_type": "client_credentials",
        "client_id": emulator.bootstrap_client_id(),
        "client_secret": emulator.bootstrap_client_secret(),
        "audience": emulator.management_audience(),
    });
    let (status, body) = rt.block_on(emulator.answer(
        "POST",
        "/oauth/token",
        &[("content-type", "application/json")],
        token.to_string().into_bytes(),
    ));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let token: Value = serde_json::from_slice(&body).expect("JSON");
    let bearer = format!(
        "Bearer {}",
        token["access_token"].as_str().expect("a token")
    );
    let mut fixture = Fixture {
        rt,
        emulator,
        bearer,
        ids: Vec::new(),
    };
    let client = fixture.send("POST", "/api/v2/clients", json!({"name": "fuzz"}));
    let api = fixture.send(
        "POST",
        "/api/v2/resource-servers",
        json!({"identifier": "https://fuzz.example.com/", "scopes": [{"value": "read:data"}]}),
    );
    let grant = fixture.send(
        "POST",
        "/api/v2/client-grants",
        json!({"client_id": client["client_id"], "audience": "https://fuzz.example.com/", "scope": ["read:data"]}),
    );
    fixture.ids = vec![
        (
            "/api/v2/clients",
            client["client_id"].as_str().expect("id").to_string(),
        ),
        (
            "/api/v2/resource-servers",
            api["id"].as_str().expect("id").to_string(),
        ),
        (
            "/api/v2/client-grants",
            grant["id"].as_str().expect("id").to_string(),
        ),
    ];
    fixture
}

impl Fixture {
    fn send(&self, method: &str, target: &str, body: Value) -> Value {
        let (status, out) = self.answer(method, target, body.to_string().into_bytes());
        assert!(
            status < 300,
            "{method} {target}: {status} {}",
            String::from_utf8_lossy(&out)
        );
        serde_json::from_slice(&out).expect("JSON")
    }

    fn answer(&self, method: &str, target: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
        let headers = [
            ("authorization", self.bearer.as_str()),
            ("content-type", "application/json"),
        ];
        self.rt
            .block_on(self.emulator.answer(method, target, &headers, body))
    }
}

/// How many answers of each status a target got: printed, and some must be successes, so a
/// target cannot pass by never getting past authentication.
#[derive(Default)]
struct Statuses(Mutex<BTreeMap<u16, u64>>);

impl Statuses {
    fn count(&self, status: u16) {
        *self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(status)
            .or_insert(0) += 1;
    }

    fn report(&self, target: &str) {
        let seen = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let total: u64 = seen.values().sum();
        eprintln!("fuzz {target}: {total} executions, by status {seen:?}");
        assert!(
            seen.keys().any(|s| (200..300).contains(s)),
            "{target}: no request succeeded: {seen:?}"
        );
    }
}

/// Runs one request, failing the case on a 5xx or a hang.
fn expect_answer(
    statuses: &Statuses,
    answer: impl FnOnce() -> (u16, Vec<u8>),
    what: &str,
) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let (status, body) = answer();
    statuses.count(status);
    prop_assert!(
        started.elapsed() < HANG,
        "{what}: took {:?}",
        started.elapsed()
    );
    prop_assert!(
        status < 500,
        "{what}: {status} {}",
        String::from_utf8_lossy(&body)
    );
    Ok(())
}

#[test]
fn any_body_to_any_collection_gets_an_answer_not_a_panic_or_a_5xx() {
    let f = fixture();
    let statuses = Statuses::default();
    let valid_or_not = prop_oneof![
        1 => body().prop_map(|b| (false, b, Vec::new())),
        2 => (any::<u16>(), mutations()).prop_map(|(n, m)| (true, n.to_le_bytes().to_vec(), m)),
    ];
    let routes = (0..f.ids.len(), 0..3usize, valid_or_not);
    let outcome = runner(40).run(&routes, |(which, how, (valid, seed, changes))| {
        let (path, id) = &f.ids[which];
        let (method, target) = match how {
            0 => ("POST", path.to_string()),
            1 => ("PATCH", format!("{path}/{id}")),
            _ => (
                "POST",
                format!("/api/v2/clients/{}/credentials", f.ids[0].1),
            ),
        };
        let body = if valid {
            // A body the route accepts, then changed a little.
            let n = u16::from_le_bytes([seed[0], seed[1]]);
            let base = match (which, how) {
                (0, 0) => json!({"name": format!("fuzz-{n}")}),
                (1, 0) => json!({"identifier": format!("https://fuzz-{n}.example.com/")}),
                (2, 0) => json!({"client_id": f.ids[0].1, "audience": format!("https://fuzz-{n}.example.com/"), "scope": []}),
                (_, 1) => json!({"description": format!("changed {n}")}),
                _ => json!({"credential_type": "public_key", "name": format!("k{n}")}),
            };
            let Value::Object(base) = base else { unreachable!() };
            mutated(base, changes)
        } else {
            seed
        };
        expect_answer(
            &statuses,
            || f.answer(method, &target, body),
            &format!("{method} {target}"),
        )
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    statuses.report("emulator bodies");
}

#[test]
fn any_query_to_any_listing_gets_an_answer_not_a_panic_or_a_5xx() {
    let f = fixture();
    let statuses = Statuses::default();
    let paths = [
        "/api/v2/clients",
        "/api/v2/resource-servers",
        "/api/v2/client-grants",
    ];
    let outcome = runner(40).run(
        &(0..paths.len(), any::<bool>(), query()),
        |(which, one, query)| {
            let target = match one {
                true => format!("{}/{}?{query}", f.ids[which].0, f.ids[which].1),
                false => format!("{}?{query}", paths[which]),
            };
            expect_answer(&statuses, || f.answer("GET", &target, Vec::new()), &target)
        },
    );
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    statuses.report("emulator queries");
}

#[test]
fn any_token_request_gets_an_answer_not_a_panic_or_a_5xx() {
    let f = fixture();
    let statuses = Statuses::default();
    let valid = json!({
        "grant_type": "client_credentials",
        "client_id": f.emulator.bootstrap_client_id(),
        "client_secret": f.emulator.bootstrap_client_secret(),
        "audience": f.emulator.management_audience(),
    });
    let Value::Object(valid) = valid else {
        unreachable!()
    };
    let token_field = proptest::sample::select(vec![
        "grant_type",
        "client_id",
        "client_secret",
        "audience",
        "scope",
        "client_assertion",
        "client_assertion_type",
        "organization",
        "x",
    ]);
    let change = (token_field, proptest::option::weighted(0.7, text()));
    // A valid token request with a few fields changed or removed.
    let fields = vec(change, 0..3).prop_map(move |changes| {
        let mut fields: BTreeMap<String, String> = valid
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        for (field, value) in changes {
            match value {
                Some(value) => fields.insert(field.to_string(), value),
                None => fields.remove(field),
            };
        }
        fields
    });
    let shape = prop_oneof![4 => Just(0u8), 4 => Just(1u8), 1 => Just(2u8)];
    let outcome = runner(40).run(&(fields, shape, body()), |(fields, shape, raw)| {
        let (content_type, body) = match (shape == 1, shape == 2 || fields.is_empty()) {
            (_, true) => ("application/json", raw),
            (true, false) => (
                "application/x-www-form-urlencoded",
                fields
                    .iter()
                    .map(|(k, v)| format!("{k}={}", percent(v)))
                    .collect::<Vec<_>>()
                    .join("&")
                    .into_bytes(),
            ),
            (false, false) => (
                "application/json",
                serde_json::to_vec(&fields).expect("JSON"),
            ),
        };
        let headers = [("content-type", content_type)];
        expect_answer(
            &statuses,
            || {
                f.rt.block_on(f.emulator.answer("POST", "/oauth/token", &headers, body))
            },
            "POST /oauth/token",
        )
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    statuses.report("emulator token requests");
}
