//! ClientCredentials: how one client authenticates at the token endpoint, and the keys and
//! certificates it registered for that. It is part of the client, so every operation is a
//! PATCH of the client, plus one request per credential Auth0 must register or remove
//! (POST/DELETE /clients/{id}/credentials): Auth0 has no way to attach a new key in one call.
//!
//! Auth0's view is reshaped into this resource's own (`view`), in the snake_case of its
//! Pulumi names, so the schema-driven flatten reads it. Auth0 never returns a credential's
//! PEM: the view takes it from the program (create, update) or the state (read).

use async_trait::async_trait;
use serde_json::{json, Map, Value as Json};

use super::lifecycle::{Lifecycle, Op};
use super::{Context, Resource, ResourceDef};
use crate::auth0::{encode_path_segment, ApiError};
use crate::check::Checker;
use crate::rpc::CheckRequest;
use crate::value::{PropertyMap, Value};

mod view;

use view::{
    auth0_names, blocks_of, credential_type, entries, has_credentials, registration, retired_ids,
    secret_to_send, view, with_ids,
};

pub struct ClientCredentials;

/// The most credentials Auth0 keeps for one client.
const MAX_CREDENTIALS: usize = 2;

const SECRET_METHODS: [&str; 2] = ["client_secret_post", "client_secret_basic"];

/// Methods that authenticate with registered credentials: (method, input holding them).
const CREDENTIAL_METHODS: [(&str, &str); 3] = [
    ("private_key_jwt", "privateKeyJwt"),
    ("tls_client_auth", "tlsClientAuth"),
    ("self_signed_tls_client_auth", "selfSignedTlsClientAuth"),
];

pub static DEF: ResourceDef = ResourceDef {
    token: "auth0:index/clientCredentials:ClientCredentials",
    label: "ClientCredentials",
    collection: "/api/v2/clients",
    id_field: "client_id",
    autoname: None,
    api_names: &[],
    allowed_values: &[
        (
            "authenticationMethod",
            &[
                "client_secret_post",
                "client_secret_basic",
                "none",
                "private_key_jwt",
                "tls_client_auth",
                "self_signed_tls_client_auth",
            ],
        ),
        (
            "privateKeyJwt.credentials.algorithm",
            &["RS256", "RS384", "PS256"],
        ),
        (
            "signedRequestObject.credentials.algorithm",
            &["RS256", "RS384", "PS256"],
        ),
    ],
    set_properties: &[],
    provider_only: &[],
    clear_with_null: &[],
    secret_outputs: &[],
    // Never returned by Auth0: state keeps the program's values. The version is never sent
    // either; a change of it is what sends `clientSecretWo` again.
    write_only: &["clientSecretWo", "clientSecretWoVersion"],
    unclearable: &[],
    merged_maps: &[],
    rotation: None,
    auth0_defaults: &[],
};

#[async_trait]
impl Resource for ClientCredentials {
    fn def(&self) -> &'static ResourceDef {
        &DEF
    }

    fn check(
        &self,
        _ctx: &Context<'_>,
        _req: &CheckRequest,
        inputs: &PropertyMap,
        checker: &mut Checker<'_>,
    ) {
        let method = inputs.get("authenticationMethod").and_then(Value::as_str);
        let set = |name: &str| inputs.get(name).is_some_and(|v| !v.is_null());
        for (credential_method, input) in CREDENTIAL_METHODS {
            match (method == Some(credential_method), set(input)) {
                (true, false) if method.is_some() => checker.fail(
                    input,
                    format!("is required when authenticationMethod is {credential_method}; add the keys or certificates the client authenticates with"),
                ),
                (false, true) if method.is_some() => checker.fail(
                    input,
                    format!("is only used when authenticationMethod is {credential_method}; remove it or set that method"),
                ),
                _ => {}
            }
        }
        if set("clientSecret") && method.is_some_and(|m| !SECRET_METHODS.contains(&m)) {
            checker.fail(
                "clientSecret",
                "is only used with authenticationMethod client_secret_post or client_secret_basic; remove it or change the method",
            );
        }
        if set("clientSecret") && set("clientSecretWo") {
            checker.fail(
                "clientSecretWo",
                "and clientSecret both set the secret; set only one of them",
            );
        }
    }

    fn lifecycle(&self) -> Option<&dyn Lifecycle> {
        Some(&CredentialsLifecycle)
    }

    /// The create registers each new key or certificate, then PATCHes the client to use
    /// them: a cancel in between leaves credentials registered that the client may not use,
    /// and the next create registers its own.
    fn after_cancelled_create(&self, _name: &str, body: &Map<String, Json>) -> String {
        let client_id = str_of(body, "client_id").unwrap_or_default();
        format!(
            "Running pulumi up again sends it again; first delete any credential of client {client_id} that its authentication method does not list (the application's Credentials tab, or DELETE {}/<credential_id>), as Auth0 keeps at most {MAX_CREDENTIALS} per client.",
            credentials_path(client_id)
        )
    }
}

struct CredentialsLifecycle;

fn client_path(client_id: &str) -> String {
    format!("/api/v2/clients/{}", encode_path_segment(client_id))
}

fn credentials_path(client_id: &str) -> String {
    format!("{}/credentials", client_path(client_id))
}

fn str_of<'a>(body: &'a Map<String, Json>, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Json::as_str)
}

impl CredentialsLifecycle {
    /// Registers the credentials of `entries` that have no id yet; returns each entry with
    /// Auth0's answer merged in (id, kid, dates), in order.
    async fn register(
        &self,
        op: &Op<'_>,
        client_id: &str,
        block: &str,
        entries: Vec<Map<String, Json>>,
        registered: &mut Vec<Json>,
    ) -> Result<Vec<Map<String, Json>>, ApiError> {
        let mut out = Vec::with_capacity(entries.len());
        for mut entry in entries {
            if entry.get("id").and_then(Json::as_str).is_none() {
                let answer = op
                    .client
                    .post(
                        &credentials_path(client_id),
                        registration(&entry, credential_type(block)),
                        op.deadline,
                    )
                    .await?
                    .body;
                if let Some(id) = answer.get("id") {
                    entry.insert("id".into(), id.clone());
                }
                registered.push(answer);
            }
            out.push(entry);
        }
        Ok(out)
    }

    /// Auth0 holds at most two credentials per client, so a rotation at that limit detaches
    /// and deletes a retired credential before registering each new one, keeping at least one
    /// attached throughout. Below the limit nothing happens here: the new credentials are
    /// registered first and the retired ones removed after the one PATCH (no gap at all).
    async fn make_room(
        &self,
        op: &Op<'_>,
        client_id: &str,
        block: &str,
        wanted: &[Map<String, Json>],
        kept: &[(&'static str, Vec<Map<String, Json>>)],
        retired: &mut Vec<String>,
    ) -> Result<(), ApiError> {
        let id_of = |e: &Map<String, Json>| e.get("id").and_then(Json::as_str).map(str::to_string);
        let mut attached: Vec<String> = kept
            .iter()
            .filter(|(b, _)| *b == block)
            .flat_map(|(_, entries)| entries.iter().filter_map(id_of))
            .collect();
        let new = wanted.iter().filter(|e| id_of(e).is_none()).count();
        while attached.len() + new > MAX_CREDENTIALS {
            let Some(position) = attached.iter().position(|a| retired.contains(a)) else {
                break;
            };
            if attached.len() == 1 {
                break;
            }
            let gone = attached.remove(position);
            let ids: Vec<Json> = attached.iter().map(|id| json!({ "id": id })).collect();
            op.client
                .patch(
                    &client_path(client_id),
                    json!({
                        "client_authentication_methods": { block: { "credentials": ids } },
                        "token_endpoint_auth_method": null,
                    }),
                    op.deadline,
                )
                .await?;
            let path = format!(
                "{}/{}",
                credentials_path(client_id),
                encode_path_segment(&gone)
            );
            match op.client.delete(&path, op.deadline).await {
                Ok(_) => {}
                Err(err) if err.is_not_found() => {}
                Err(err) => return Err(err),
            }
            retired.retain(|r| *r != gone);
        }
        Ok(())
    }

    /// Reads the client, and its credentials when it has any attached.
    async fn fetch(&self, op: &Op<'_>, client_id: &str) -> Result<(Json, Vec<Json>), ApiError> {
        let client = op
            .client
            .get(&client_path(client_id), op.deadline)
            .await?
            .body;
        let registered = match has_credentials(&client) {
            true => op
                .client
                .get(&credentials_path(client_id), op.deadline)
                .await?
                .body
                .as_array()
                .cloned()
                .unwrap_or_default(),
            false => Vec::new(),
        };
        Ok((client, registered))
    }

    /// Applies the wanted method and credentials: registers new credentials, then one PATCH
    /// of the client, then removes the credentials no longer wanted (`retired`).
    async fn apply(
        &self,
        op: &Op<'_>,
        client_id: &str,
        wanted: &Map<String, Json>,
        kept: &[(&'static str, Vec<Map<String, Json>>)],
        mut retired: Vec<String>,
        secret: Option<Json>,
    ) -> Result<Json, ApiError> {
        let mut registered = Vec::new();
        let mut patch = Map::new();
        let method = str_of(wanted, "authentication_method");
        let mut known = Vec::new();
        for (block, _) in CREDENTIAL_METHODS {
            if method != Some(block) {
                continue;
            }
            let entries = with_ids(entries(wanted.get(block)), kept, block);
            self.make_room(op, client_id, block, &entries, kept, &mut retired)
                .await?;
            let entries = self
                .register(op, client_id, block, entries, &mut registered)
                .await?;
            let ids: Vec<Json> = entries
                .iter()
                .filter_map(|e| e.get("id").map(|id| json!({ "id": id })))
                .collect();
            patch.insert(
                "client_authentication_methods".into(),
                json!({ block: { "credentials": ids } }),
            );
            patch.insert("token_endpoint_auth_method".into(), Json::Null);
            known.push((block, entries));
        }
        match method {
            Some(m) if SECRET_METHODS.contains(&m) || m == "none" => {
                patch.insert("token_endpoint_auth_method".into(), json!(m));
                if !retired.is_empty() || kept.iter().any(|(b, _)| *b != "signed_request_object") {
                    patch.insert("client_authentication_methods".into(), Json::Null);
                }
            }
            _ => {}
        }
        if let Some(secret) = secret {
            patch.insert("client_secret".into(), secret);
        }
        if let Some(sro) = wanted
            .get("signed_request_object")
            .filter(|v| v.is_object())
        {
            let block = "signed_request_object";
            let entries = with_ids(entries(Some(sro)), kept, block);
            let entries = self
                .register(op, client_id, block, entries, &mut registered)
                .await?;
            let mut body = Map::new();
            if let Some(required) = sro.get("required") {
                body.insert("required".into(), required.clone());
            }
            body.insert(
                "credentials".into(),
                Json::Array(
                    entries
                        .iter()
                        .filter_map(|e| e.get("id").map(|id| json!({ "id": id })))
                        .collect(),
                ),
            );
            patch.insert(block.into(), Json::Object(body));
            known.push((block, entries));
        }
        let client = if patch.is_empty() {
            op.client
                .get(&client_path(client_id), op.deadline)
                .await?
                .body
        } else {
            op.client
                .patch(&client_path(client_id), Json::Object(patch), op.deadline)
                .await?
                .body
        };
        for id in retired {
            let path = format!(
                "{}/{}",
                credentials_path(client_id),
                encode_path_segment(&id)
            );
            match op.client.delete(&path, op.deadline).await {
                Ok(_) => {}
                Err(err) if err.is_not_found() => {}
                Err(err) => return Err(err),
            }
        }
        // Credentials kept from before keep their details from the state.
        let mut details = registered;
        for (_, entries) in kept {
            for entry in entries {
                if !details.iter().any(|d| d.get("id") == entry.get("id")) {
                    details.push(auth0_names(entry));
                }
            }
        }
        Ok(view(&client, &details, &known))
    }
}

#[async_trait]
impl Lifecycle for CredentialsLifecycle {
    async fn create(
        &self,
        op: &Op<'_>,
        inputs: &PropertyMap,
        body: Map<String, Json>,
    ) -> Result<Json, ApiError> {
        let client_id = str_of(&body, "client_id").unwrap_or_default().to_string();
        let secret = secret_to_send(&body, None, inputs);
        self.apply(op, &client_id, &body, &[], Vec::new(), secret)
            .await
    }

    async fn read(&self, op: &Op<'_>, id: &str, state: &PropertyMap) -> Result<Json, ApiError> {
        let (client, registered) = self.fetch(op, id).await?;
        Ok(view(&client, &registered, &blocks_of(state)))
    }

    async fn update(
        &self,
        op: &Op<'_>,
        id: &str,
        olds: &PropertyMap,
        news: &PropertyMap,
        _body: Map<String, Json>,
    ) -> Result<Json, ApiError> {
        // The whole wanted configuration, not only the changed part: credentials are matched
        // against the state to keep what stays, register what is new and retire the rest.
        let spec = crate::schema::package()
            .resource(DEF.token)
            .expect("schema.json defines ClientCredentials");
        let wanted =
            crate::mapping::expand(crate::schema::package(), DEF.api_names, &spec.inputs, news);
        let kept = blocks_of(olds);
        let retired = retired_ids(&kept, &wanted);
        let secret = match olds.get("clientSecret") == news.get("clientSecret") {
            true => secret_to_send(&Map::new(), Some(olds), news),
            false => secret_to_send(&wanted, Some(olds), news),
        };
        self.apply(op, id, &wanted, &kept, retired, secret).await
    }

    async fn delete(&self, op: &Op<'_>, id: &str, olds: &PropertyMap) -> Result<(), ApiError> {
        // Auth0's default method for the client's type, as it sets it on create.
        let client = op
            .client
            .send(
                crate::auth0::ApiRequest::new(reqwest::Method::GET, client_path(id))
                    .query("fields", "client_id,app_type")
                    .query("include_fields", "true")
                    .deadline(op.deadline),
            )
            .await?
            .body;
        let method = match client.get("app_type").and_then(Json::as_str) {
            Some("native" | "spa") => "none",
            Some("regular_web" | "non_interactive") | None => "client_secret_post",
            Some(_) => "client_secret_basic",
        };
        let wanted: Map<String, Json> = [("authentication_method".to_string(), json!(method))]
            .into_iter()
            .collect();
        let kept = blocks_of(olds);
        let retired = retired_ids(&kept, &wanted);
        self.apply(op, id, &wanted, &kept, retired, None).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
