//! The provider's one error type. The wire adapter maps each kind to exactly one gRPC code
//! (`crate::wire::status_from_error`); messages are one sentence and never hold a secret.

use crate::value::PropertyMap;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request itself is malformed (unknown type token, undecodable value).
    #[error("{0}")]
    InvalidArgument(String),
    /// Provider configuration is missing or contradictory.
    #[error("{0}")]
    Config(String),
    /// Auth0 answered with an error; `message` is already one sentence with the status.
    #[error("{message}")]
    Auth0 { status: u16, message: String },
    /// The request could not reach Auth0 (connection, TLS, timeout).
    #[error("{0}")]
    Transport(String),
    /// The resource was created (or partly updated) but a later step failed: the engine
    /// must keep `id` and `properties` in state.
    #[error("{}", reasons.join("; "))]
    PartialFailure {
        id: String,
        properties: PropertyMap,
        inputs: PropertyMap,
        reasons: Vec<String>,
    },
    /// The operation was cancelled or its timeout elapsed.
    #[error("{0}")]
    Cancelled(String),
    /// An RPC or function this provider does not offer.
    #[error("{0}")]
    Unimplemented(String),
    /// A bug in the provider.
    #[error("internal error: {0}")]
    Internal(String),
}
