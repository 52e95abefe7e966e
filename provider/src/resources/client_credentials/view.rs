//! Between Auth0's client and this resource: the view that flatten reads (credentials in this
//! resource's names, the method named), the bodies that register credentials, and the matching
//! of wanted credentials against the state.

use serde_json::{json, Map, Value as Json};

use super::{str_of, CREDENTIAL_METHODS};
use crate::value::PropertyMap;

/// The credential entries of a block (`{credentials: [...]}`) of an expanded body or a view.
pub(super) fn entries(block: Option<&Json>) -> Vec<Map<String, Json>> {
    block
        .and_then(|b| b.get("credentials"))
        .and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_object().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// The POST body registering one credential, in Auth0's names.
pub(super) fn registration(entry: &Map<String, Json>, default_type: &str) -> Json {
    let mut body = Map::new();
    body.insert(
        "credential_type".into(),
        entry
            .get("credential_type")
            .cloned()
            .unwrap_or_else(|| json!(default_type)),
    );
    for (ours, theirs) in [
        ("name", "name"),
        ("pem", "pem"),
        ("algorithm", "alg"),
        ("parse_expiry_from_cert", "parse_expiry_from_cert"),
        ("expires_at", "expires_at"),
        ("subject_dn", "subject_dn"),
    ] {
        if let Some(v) = entry.get(ours).filter(|v| !v.is_null()) {
            body.insert(theirs.into(), v.clone());
        }
    }
    Json::Object(body)
}

/// Auth0's credential type for each block.
pub(super) fn credential_type(block: &str) -> &'static str {
    match block {
        "tls_client_auth" => "cert_subject_dn",
        "self_signed_tls_client_auth" => "x509_cert",
        _ => "public_key",
    }
}

/// One credential in this resource's names, from Auth0's answer and the program's entry.
pub(super) fn credential_view(auth0: &Json, program: Option<&Map<String, Json>>) -> Json {
    let mut view = Map::new();
    for (theirs, ours) in [
        ("id", "id"),
        ("name", "name"),
        ("credential_type", "credential_type"),
        ("kid", "key_id"),
        ("alg", "algorithm"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
        ("expires_at", "expires_at"),
        ("subject_dn", "subject_dn"),
        ("thumbprint_sha256", "thumbprint_sha256"),
    ] {
        if let Some(v) = auth0.get(theirs).filter(|v| !v.is_null()) {
            view.insert(ours.into(), v.clone());
        }
    }
    if let Some(program) = program {
        for key in ["pem", "parse_expiry_from_cert"] {
            if let Some(v) = program.get(key).filter(|v| !v.is_null()) {
                view.insert(key.into(), v.clone());
            }
        }
    }
    Json::Object(view)
}

/// The credential blocks (view names) of the state or the program, by Auth0 block name.
pub(super) fn blocks_of(props: &PropertyMap) -> Vec<(&'static str, Vec<Map<String, Json>>)> {
    let json = |name: &str| props.get(name).and_then(|v| v.unwrap_all().to_json());
    let mut out = Vec::new();
    for (block, input) in CREDENTIAL_METHODS
        .iter()
        .copied()
        .chain([("signed_request_object", "signedRequestObject")])
    {
        let credentials = json(input).map(|v| {
            entries(Some(&v))
                .into_iter()
                .map(|entry| {
                    entry
                        .into_iter()
                        .map(|(k, v)| (crate::mapping::snake_case(&k), v))
                        .collect()
                })
                .collect()
        });
        if let Some(credentials) = credentials {
            out.push((block, credentials));
        }
    }
    out
}

/// Auth0's client and its credentials reshaped into this resource's view.
pub(super) fn view(
    client: &Json,
    registered: &[Json],
    known: &[(&'static str, Vec<Map<String, Json>>)],
) -> Json {
    let mut out = Map::new();
    for key in ["client_id", "client_secret"] {
        if let Some(v) = client.get(key).filter(|v| !v.is_null()) {
            out.insert(key.into(), v.clone());
        }
    }
    let methods = client.get("client_authentication_methods");
    let attached = |block: &str, source: Option<&Json>| -> Option<Vec<Json>> {
        let ids: Vec<String> = source?
            .get(block)?
            .get("credentials")?
            .as_array()?
            .iter()
            .filter_map(|c| c.get("id").and_then(Json::as_str).map(str::to_string))
            .collect();
        let program = known
            .iter()
            .find(|(b, _)| *b == block)
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[]);
        Some(
            ids.iter()
                .map(|id| {
                    let auth0 = registered
                        .iter()
                        .find(|c| c.get("id").and_then(Json::as_str) == Some(id))
                        .cloned()
                        .unwrap_or_else(|| json!({ "id": id }));
                    let mine = program
                        .iter()
                        .find(|p| p.get("id").and_then(Json::as_str) == Some(id));
                    credential_view(&auth0, mine)
                })
                .collect(),
        )
    };
    let mut method = client
        .get("token_endpoint_auth_method")
        .and_then(Json::as_str)
        .map(str::to_string);
    for (block, _) in CREDENTIAL_METHODS {
        if let Some(credentials) = attached(block, methods) {
            out.insert(block.into(), json!({ "credentials": credentials }));
            method.get_or_insert_with(|| block.to_string());
        }
    }
    if let Some(sro) = client
        .get("signed_request_object")
        .filter(|v| v.is_object())
    {
        let mut block = Map::new();
        if let Some(required) = sro.get("required") {
            block.insert("required".into(), required.clone());
        }
        let wrapped = json!({ "signed_request_object": sro });
        if let Some(credentials) = attached("signed_request_object", Some(&wrapped)) {
            block.insert("credentials".into(), Json::Array(credentials));
        }
        out.insert("signed_request_object".into(), Json::Object(block));
    }
    if let Some(method) = method {
        out.insert("authentication_method".into(), json!(method));
    }
    Json::Object(out)
}

/// Whether the client body attaches any credential, so its details must be fetched.
pub(super) fn has_credentials(client: &Json) -> bool {
    let attached = |block: Option<&Json>| {
        block
            .and_then(|b| b.get("credentials"))
            .and_then(Json::as_array)
            .is_some_and(|c| !c.is_empty())
    };
    let methods = client.get("client_authentication_methods");
    CREDENTIAL_METHODS
        .iter()
        .any(|(block, _)| attached(methods.and_then(|m| m.get(*block))))
        || attached(client.get("signed_request_object"))
}

/// A credential of the view in Auth0's names (the inverse of `credential_view`).
pub(super) fn auth0_names(entry: &Map<String, Json>) -> Json {
    let mut out = Map::new();
    for (k, v) in entry {
        let key = match k.as_str() {
            "key_id" => "kid",
            "algorithm" => "alg",
            other => other,
        };
        out.insert(key.into(), v.clone());
    }
    Json::Object(out)
}

/// Gives each wanted credential the id of the one in the state it is the same as (same PEM,
/// algorithm and name), so an unchanged credential is kept rather than registered again.
pub(super) fn with_ids(
    wanted: Vec<Map<String, Json>>,
    kept: &[(&'static str, Vec<Map<String, Json>>)],
    block: &str,
) -> Vec<Map<String, Json>> {
    let old: Vec<&Map<String, Json>> = kept
        .iter()
        .filter(|(b, _)| *b == block)
        .flat_map(|(_, entries)| entries.iter())
        .collect();
    let mut used = Vec::new();
    wanted
        .into_iter()
        .map(|mut entry| {
            let same = old.iter().find(|o| {
                let id = o.get("id").and_then(Json::as_str);
                id.is_some()
                    && !used.contains(&id)
                    && ["pem", "algorithm", "name", "subject_dn"]
                        .iter()
                        .all(|k| entry.get(*k).is_none() || entry.get(*k) == o.get(*k))
            });
            if let Some(o) = same {
                let id = o.get("id").and_then(Json::as_str);
                used.push(id);
                for (k, v) in o.iter() {
                    entry.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            entry
        })
        .collect()
}

/// The ids of credentials in `old` that `wanted` no longer keeps.
pub(super) fn retired_ids(
    old: &[(&'static str, Vec<Map<String, Json>>)],
    wanted: &Map<String, Json>,
) -> Vec<String> {
    let mut keep = Vec::new();
    for (block, _) in CREDENTIAL_METHODS
        .iter()
        .copied()
        .chain([("signed_request_object", "")])
    {
        let active = block == "signed_request_object"
            || str_of(wanted, "authentication_method") == Some(block);
        if active {
            for entry in with_ids(entries(wanted.get(block)), old, block) {
                if let Some(id) = entry.get("id").and_then(Json::as_str) {
                    keep.push(id.to_string());
                }
            }
        }
    }
    old.iter()
        .flat_map(|(_, entries)| entries.iter())
        .filter_map(|e| e.get("id").and_then(Json::as_str))
        .filter(|id| !keep.iter().any(|k| k == id))
        .map(str::to_string)
        .collect()
}

/// The secret to set: `clientSecret` when it changed (or on create), `clientSecretWo` when
/// its version changed (or on create).
pub(super) fn secret_to_send(
    body: &Map<String, Json>,
    olds: Option<&PropertyMap>,
    news: &PropertyMap,
) -> Option<Json> {
    if let Some(secret) = body.get("client_secret").filter(|v| !v.is_null()) {
        return Some(secret.clone());
    }
    let version_changed = match olds {
        None => true,
        Some(olds) => olds.get("clientSecretWoVersion") != news.get("clientSecretWoVersion"),
    };
    news.get("clientSecretWo")
        .filter(|_| version_changed)
        .and_then(|v| v.unwrap_all().to_json())
}
