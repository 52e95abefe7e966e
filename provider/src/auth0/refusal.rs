//! What Auth0's refusals of our credentials mean, as one sentence naming the fix: a token
//! request refused (wrong credentials, a deleted application, a rotated secret, no grant for
//! the Management API) and a Management API call refused for a missing scope. Client ids and
//! audiences are named; secrets, keys and tokens never are.

use super::error::ApiError;
use super::token::TokenSource;

/// Where the Dashboard grants an application the Management API and its scopes.
const GRANT_PLACE: &str =
    "Applications > APIs > Auth0 Management API > Machine to Machine Applications";

/// Replaces Auth0's message with ours; the status and code stay.
fn reworded(err: ApiError, message: String) -> ApiError {
    match err {
        ApiError::Status {
            status,
            error,
            error_code,
            ..
        } => ApiError::Status {
            status,
            error,
            message,
            error_code,
        },
        other => other,
    }
}

fn auth0_message(err: &ApiError) -> &str {
    match err {
        ApiError::Status { message, .. } => message,
        _ => "",
    }
}

/// The configuration key that holds the credential `source` proves itself with.
fn credential_key(source: &TokenSource) -> &'static str {
    match source {
        TokenSource::Assertion { .. } => "auth0:clientAssertionPrivateKey",
        _ => "auth0:clientSecret",
    }
}

/// A token request Auth0 refused with 400 to 403.
pub(crate) fn token_refused(err: ApiError, source: &TokenSource, audience: &str) -> ApiError {
    let client_id = source.client_id().unwrap_or_default();
    let credential = credential_key(source);
    let not_granted = err.status() == Some(403)
        && auth0_message(&err).starts_with("Client is not authorized to access");
    if not_granted {
        let message = format!(
            "the application auth0:clientId {client_id:?} is not authorized for the Management API {audience:?}; authorize it there ({GRANT_PLACE}) with the scopes this program needs, or set auth0:audience to the API it is authorized for"
        );
        return reworded(err, message);
    }
    if err.status() == Some(401) {
        let message = format!(
            "Auth0 refused a token for auth0:clientId {client_id:?}: that client id or {credential} is wrong, or the application was deleted or its credential revoked; set auth0:clientId and {credential} to a current application's values"
        );
        return reworded(err, message);
    }
    err.with_hint(&format!(
        "Auth0 refused a token for auth0:clientId {client_id:?} and audience {audience:?}, so check auth0:clientId, {credential} and that the application may use the client credentials grant for that API"
    ))
}

/// A Management API call Auth0 refused with 403 `insufficient_scope`, if it is one.
pub(crate) fn missing_scope(err: ApiError, source: &TokenSource) -> ApiError {
    if err.error_code() != Some("insufficient_scope") {
        return err;
    }
    let expected: Vec<&str> = auth0_message(&err)
        .split_once("expected any of:")
        .map(|(_, scopes)| {
            scopes
                .split([',', ' '])
                .map(|s| s.trim().trim_end_matches('.'))
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let scopes = match expected.as_slice() {
        [] => "a scope this operation needs".to_string(),
        [one] => format!("the scope {one}"),
        many => format!("the scopes {} (any one of them)", many.join(", ")),
    };
    let message = match source.client_id() {
        Some(client_id) => format!(
            "the token of auth0:clientId {client_id:?} lacks {scopes}; grant it to that application on the Management API ({GRANT_PLACE}) and run again"
        ),
        None => format!(
            "the configured auth0:apiToken lacks {scopes}; set a token that has it (AUTH0_API_TOKEN)"
        ),
    };
    reworded(err, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_source() -> TokenSource {
        TokenSource::ClientSecret {
            client_id: "app-123".into(),
            client_secret: "the-secret-value".into(),
        }
    }

    #[test]
    fn a_401_for_a_token_names_both_keys_and_what_may_have_happened() {
        let err = ApiError::from_response(
            401,
            br#"{"error":"access_denied","error_description":"Unauthorized"}"#,
        );
        let sentence = token_refused(err, &secret_source(), "https://t/api/v2/").sentence();
        assert_eq!(
            sentence,
            "Auth0 answered 401 Unauthorized: Auth0 refused a token for auth0:clientId \"app-123\": that client id or auth0:clientSecret is wrong, or the application was deleted or its credential revoked; set auth0:clientId and auth0:clientSecret to a current application's values."
        );
        assert!(!sentence.contains("the-secret-value"));
    }

    #[test]
    fn a_403_without_a_grant_names_the_api_and_where_to_authorize_it() {
        let err = ApiError::from_response(
            403,
            br#"{"error":"access_denied","error_description":"Client is not authorized to access \"https://t/api/v2/\". You need to create a \"client-grant\" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants"}"#,
        );
        let sentence = token_refused(err, &secret_source(), "https://t/api/v2/").sentence();
        assert_eq!(
            sentence,
            format!("Auth0 answered 403 Forbidden: the application auth0:clientId \"app-123\" is not authorized for the Management API \"https://t/api/v2/\"; authorize it there ({GRANT_PLACE}) with the scopes this program needs, or set auth0:audience to the API it is authorized for.")
        );
    }

    #[test]
    fn an_insufficient_scope_names_the_scope_and_the_application() {
        let err = ApiError::from_response(
            403,
            br#"{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: create:clients","errorCode":"insufficient_scope"}"#,
        );
        assert_eq!(
            missing_scope(err, &secret_source()).sentence(),
            format!("Auth0 answered 403 Forbidden: the token of auth0:clientId \"app-123\" lacks the scope create:clients; grant it to that application on the Management API ({GRANT_PLACE}) and run again.")
        );
    }

    #[test]
    fn an_insufficient_scope_with_several_choices_and_a_static_token_names_them_all() {
        let err = ApiError::from_response(
            403,
            br#"{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: read:clients,read:client_keys","errorCode":"insufficient_scope"}"#,
        );
        let source = TokenSource::Static(super::super::token::AccessToken::new("tok-value"));
        let sentence = missing_scope(err, &source).sentence();
        assert_eq!(
            sentence,
            "Auth0 answered 403 Forbidden: the configured auth0:apiToken lacks the scopes read:clients, read:client_keys (any one of them); set a token that has it (AUTH0_API_TOKEN)."
        );
        assert!(!sentence.contains("tok-value"));
    }

    #[test]
    fn another_403_is_left_as_auth0_said_it() {
        let err = ApiError::from_response(
            403,
            br#"{"statusCode":403,"error":"Forbidden","message":"Some other reason","errorCode":"other"}"#,
        );
        assert_eq!(missing_scope(err.clone(), &secret_source()), err);
    }
}
