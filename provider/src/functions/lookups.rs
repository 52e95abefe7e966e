//! The four lookups of the machine-to-machine toolkit.

use async_trait::async_trait;
use serde_json::Value as Json;

use super::{listing_id, outputs_of, string_input, Function, FunctionDef, Lookup};
use crate::auth0::{encode_path_segment, ApiError};
use crate::check::Checker;
use crate::error::Error;
use crate::resources::{client, client_grant, resource_server};
use crate::value::{PropertyMap, Value};

/// A lookup's Auth0 failure as one sentence naming the function.
fn auth0_error(label: &str, err: ApiError) -> Error {
    match err {
        ApiError::Status { status, .. } => Error::Auth0 {
            status,
            message: format!("{label}: {}", err.sentence()),
        },
        other => Error::from(other),
    }
}

fn not_found(label: &str, what: String) -> Error {
    Error::Auth0 {
        status: 404,
        message: format!("{label}: {what}; check the value, and that the provider's tenant is the one that holds it"),
    }
}

/// Exactly one of two inputs identifies the object.
fn one_of(inputs: &PropertyMap, checker: &mut Checker<'_>, first: &str, second: &str) {
    let set = |n: &str| inputs.get(n).is_some_and(|v| !v.is_null());
    if !set(first) && !set(second) {
        checker.fail(
            first,
            format!("or {second} is required to find the object; set one of them"),
        );
    }
}

pub struct GetClient;

static GET_CLIENT: FunctionDef = FunctionDef {
    token: "auth0:index/getClient:getClient",
    label: "getClient",
    mirrors: Some(&client::DEF),
    api_names: &[("id", "client_id"), ("signingKeys", "signing_keys")],
    secret_outputs: &["signingKeys"],
};

/// Fills in the details (kid, algorithm, dates) of the credentials a client attaches, with one
/// more request when it attaches any.
async fn with_credential_details(lookup: &Lookup<'_>, mut body: Json) -> Result<Json, ApiError> {
    let attached = [
        "private_key_jwt",
        "tls_client_auth",
        "self_signed_tls_client_auth",
    ]
    .iter()
    .any(|m| {
        body.pointer(&format!("/client_authentication_methods/{m}/credentials"))
            .and_then(Json::as_array)
            .is_some_and(|c| !c.is_empty())
    }) || body
        .pointer("/signed_request_object/credentials")
        .and_then(Json::as_array)
        .is_some_and(|c| !c.is_empty());
    let Some(id) = body
        .get("client_id")
        .and_then(Json::as_str)
        .map(str::to_string)
    else {
        return Ok(body);
    };
    if !attached {
        return Ok(body);
    }
    let path = format!("/api/v2/clients/{}/credentials", encode_path_segment(&id));
    let registered = lookup.client.get(&path, lookup.deadline).await?.body;
    let registered = registered.as_array().cloned().unwrap_or_default();
    let detail = |c: &Json| -> Json {
        let id = c.get("id");
        let found = registered.iter().find(|r| r.get("id") == id).cloned();
        let mut d = found.unwrap_or_else(|| c.clone());
        if let Some(object) = d.as_object_mut() {
            for (theirs, ours) in [("kid", "key_id"), ("alg", "algorithm")] {
                if let Some(v) = object.remove(theirs) {
                    object.insert(ours.into(), v);
                }
            }
        }
        d
    };
    for pointer in [
        "/client_authentication_methods/private_key_jwt/credentials",
        "/client_authentication_methods/tls_client_auth/credentials",
        "/client_authentication_methods/self_signed_tls_client_auth/credentials",
        "/signed_request_object/credentials",
    ] {
        if let Some(Json::Array(items)) = body.pointer_mut(pointer) {
            *items = items.iter().map(detail).collect();
        }
    }
    Ok(body)
}

#[async_trait]
impl Function for GetClient {
    fn def(&self) -> &'static FunctionDef {
        &GET_CLIENT
    }

    fn check(&self, inputs: &PropertyMap, checker: &mut Checker<'_>) {
        one_of(inputs, checker, "clientId", "name");
    }

    async fn invoke(
        &self,
        lookup: &Lookup<'_>,
        inputs: &PropertyMap,
    ) -> Result<PropertyMap, Error> {
        let label = GET_CLIENT.label;
        let name = string_input(inputs, "name");
        let body = match string_input(inputs, "clientId") {
            Some(id) => {
                let path = format!("/api/v2/clients/{}", encode_path_segment(id));
                let body = match lookup.client.get(&path, lookup.deadline).await {
                    Ok(response) => response.body,
                    Err(err) if err.is_not_found() => {
                        return Err(not_found(
                            label,
                            format!("no application has client id {id:?}"),
                        ))
                    }
                    Err(err) => return Err(auth0_error(label, err)),
                };
                if let Some(name) = name {
                    if body.get("name").and_then(Json::as_str) != Some(name) {
                        return Err(Error::InvalidArgument(format!(
                            "{label}: the application with client id {id:?} is not named {name:?}; give only one of clientId and name"
                        )));
                    }
                }
                body
            }
            None => {
                let name = name.unwrap_or_default();
                let mut found: Vec<Json> = Vec::new();
                // Auth0 has no name filter: every page is read, so a second match is seen.
                lookup
                    .client
                    .list("/api/v2/clients", &[], "clients", lookup.deadline, |page| {
                        found.extend(
                            page.into_iter()
                                .filter(|c| c.get("name").and_then(Json::as_str) == Some(name)),
                        );
                        true
                    })
                    .await
                    .map_err(|e| auth0_error(label, e))?;
                match found.len() {
                    0 => {
                        return Err(not_found(
                            label,
                            format!("no application is named {name:?}"),
                        ))
                    }
                    1 => found.remove(0),
                    n => {
                        let ids: Vec<&str> = found
                            .iter()
                            .filter_map(|c| c.get("client_id").and_then(Json::as_str))
                            .collect();
                        return Err(Error::InvalidArgument(format!(
                            "{label}: {n} applications are named {name:?} (client ids {}); look it up by clientId instead",
                            ids.join(", ")
                        )));
                    }
                }
            }
        };
        let body = with_credential_details(lookup, body)
            .await
            .map_err(|e| auth0_error(label, e))?;
        Ok(outputs_of(&GET_CLIENT, &body))
    }
}

pub struct GetClients;

static GET_CLIENTS: FunctionDef = FunctionDef {
    token: "auth0:index/getClients:getClients",
    label: "getClients",
    mirrors: None,
    api_names: &[],
    secret_outputs: &[],
};

#[async_trait]
impl Function for GetClients {
    fn def(&self) -> &'static FunctionDef {
        &GET_CLIENTS
    }

    async fn invoke(
        &self,
        lookup: &Lookup<'_>,
        inputs: &PropertyMap,
    ) -> Result<PropertyMap, Error> {
        let label = GET_CLIENTS.label;
        let mut query: Vec<(String, String)> = Vec::new();
        if let Some(Value::Array(types)) = inputs.get("appTypes").map(Value::unwrap_all) {
            let types: Vec<String> = types
                .iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect();
            if !types.is_empty() {
                query.push(("app_type".into(), types.join(",")));
            }
        }
        if let Some(Value::Bool(first)) = inputs.get("isFirstParty").map(Value::unwrap_all) {
            query.push(("is_first_party".into(), first.to_string()));
        }
        if let Some(external) = string_input(inputs, "externalClientId") {
            query.push(("external_client_id".into(), external.to_string()));
        }
        let needle = string_input(inputs, "nameFilter").map(str::to_lowercase);
        let mut found: Vec<Json> = Vec::new();
        lookup
            .client
            .list(
                "/api/v2/clients",
                &query,
                "clients",
                lookup.deadline,
                |page| {
                    found.extend(page.into_iter().filter(|c| {
                        match &needle {
                            // Auth0 cannot filter by name: that part is done here.
                            Some(needle) => c
                                .get("name")
                                .and_then(Json::as_str)
                                .is_some_and(|n| n.to_lowercase().contains(needle)),
                            None => true,
                        }
                    }));
                    true
                },
            )
            .await
            .map_err(|e| auth0_error(label, e))?;
        let package = lookup.package;
        let item_type = package.object_type("auth0:index/getClientsClient:getClientsClient");
        let mirror = package.resource(client::DEF.token).map(|r| &r.outputs);
        let names = super::outputs::Names {
            resource: client::DEF.api_names,
            own: &[],
        };
        let clients: Vec<Value> = match item_type {
            Some(t) => found
                .iter()
                .map(|c| {
                    Value::Object(super::outputs::flatten(
                        package,
                        &t.properties,
                        mirror,
                        &names,
                        c,
                    ))
                })
                .collect(),
            None => Vec::new(),
        };
        let mut out = echo(
            inputs,
            &["appTypes", "externalClientId", "isFirstParty", "nameFilter"],
        );
        out.insert("id".into(), Value::String(listing_id(label, &out)));
        out.insert("clients".into(), Value::Array(clients));
        Ok(out)
    }
}

/// The filters as given, which the official functions return beside the results.
fn echo(inputs: &PropertyMap, names: &[&str]) -> PropertyMap {
    names
        .iter()
        .filter_map(|n| {
            inputs
                .get(*n)
                .filter(|v| !v.is_null())
                .map(|v| (n.to_string(), v.clone()))
        })
        .collect()
}

pub struct GetResourceServer;

static GET_RESOURCE_SERVER: FunctionDef = FunctionDef {
    token: "auth0:index/getResourceServer:getResourceServer",
    label: "getResourceServer",
    mirrors: Some(&resource_server::DEF),
    api_names: &[
        ("id", "id"),
        ("resourceServerId", "id"),
        ("scopes.name", "value"),
    ],
    secret_outputs: &["signingSecret"],
};

#[async_trait]
impl Function for GetResourceServer {
    fn def(&self) -> &'static FunctionDef {
        &GET_RESOURCE_SERVER
    }

    fn check(&self, inputs: &PropertyMap, checker: &mut Checker<'_>) {
        one_of(inputs, checker, "identifier", "resourceServerId");
    }

    async fn invoke(
        &self,
        lookup: &Lookup<'_>,
        inputs: &PropertyMap,
    ) -> Result<PropertyMap, Error> {
        let label = GET_RESOURCE_SERVER.label;
        // Auth0 takes the identifier in place of the id: one GET either way.
        let (key, what) = match string_input(inputs, "resourceServerId") {
            Some(id) => (id, format!("no API has id {id:?}")),
            None => {
                let identifier = string_input(inputs, "identifier").unwrap_or_default();
                (identifier, format!("no API has identifier {identifier:?}"))
            }
        };
        let path = format!("/api/v2/resource-servers/{}", encode_path_segment(key));
        let body = match lookup.client.get(&path, lookup.deadline).await {
            Ok(response) => response.body,
            Err(err) if err.is_not_found() => return Err(not_found(label, what)),
            Err(err) => return Err(auth0_error(label, err)),
        };
        Ok(outputs_of(&GET_RESOURCE_SERVER, &body))
    }
}

pub struct GetClientGrants;

static GET_CLIENT_GRANTS: FunctionDef = FunctionDef {
    token: "auth0:index/getClientGrants:getClientGrants",
    label: "getClientGrants",
    mirrors: None,
    api_names: &[],
    secret_outputs: &[],
};

#[async_trait]
impl Function for GetClientGrants {
    fn def(&self) -> &'static FunctionDef {
        &GET_CLIENT_GRANTS
    }

    async fn invoke(
        &self,
        lookup: &Lookup<'_>,
        inputs: &PropertyMap,
    ) -> Result<PropertyMap, Error> {
        let label = GET_CLIENT_GRANTS.label;
        let query: Vec<(String, String)> = [
            ("clientId", "client_id"),
            ("audience", "audience"),
            ("defaultFor", "default_for"),
        ]
        .iter()
        .filter_map(|(ours, theirs)| {
            string_input(inputs, ours).map(|v| (theirs.to_string(), v.to_string()))
        })
        .collect();
        let mut found: Vec<Json> = Vec::new();
        lookup
            .client
            .list(
                "/api/v2/client-grants",
                &query,
                "client_grants",
                lookup.deadline,
                |page| {
                    found.extend(page);
                    true
                },
            )
            .await
            .map_err(|e| auth0_error(label, e))?;
        let package = lookup.package;
        let item = package
            .object_type("auth0:index/getClientGrantsClientGrant:getClientGrantsClientGrant");
        let mirror = package
            .resource(client_grant::DEF.token)
            .map(|r| &r.outputs);
        let names = super::outputs::Names {
            resource: client_grant::DEF.api_names,
            own: &[("id", "id")],
        };
        let grants: Vec<Value> = match item {
            Some(t) => found
                .iter()
                .map(|g| {
                    Value::Object(super::outputs::flatten(
                        package,
                        &t.properties,
                        mirror,
                        &names,
                        g,
                    ))
                })
                .collect(),
            None => Vec::new(),
        };
        let mut out = echo(inputs, &["audience", "clientId", "defaultFor"]);
        out.insert("id".into(), Value::String(listing_id(label, &out)));
        out.insert("clientGrants".into(), Value::Array(grants));
        Ok(out)
    }
}
