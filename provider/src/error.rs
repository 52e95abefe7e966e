//! The provider's one error type. The wire adapter maps each kind to exactly one gRPC code
//! (`crate::wire::status_from_error`); messages are one sentence and never hold a secret.

use crate::auth0::{ApiError, ConfigError};
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
    /// The operation was cancelled (Cancel RPC, SIGINT).
    #[error("{0}")]
    Cancelled(String),
    /// The operation's deadline (the engine's timeout, or the provider's cap) passed first.
    #[error("{0}")]
    DeadlineExceeded(String),
    /// Auth0 kept answering 429 for longer than the operation could wait.
    #[error("{0}")]
    RateLimited(String),
    /// A create was sent and may or may not have been applied; the message names what may
    /// have been created and how to adopt or find it.
    #[error("{0}")]
    OutcomeUnknown(String),
    /// An RPC or function this provider does not offer.
    #[error("{0}")]
    Unimplemented(String),
    /// A bug in the provider.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ConfigError> for Error {
    fn from(err: ConfigError) -> Self {
        Error::Config(err.0)
    }
}

impl From<ApiError> for Error {
    fn from(err: ApiError) -> Self {
        let sentence = err.sentence();
        match err {
            ApiError::Status { status, .. } => Error::Auth0 {
                status,
                message: sentence,
            },
            ApiError::RateLimited { .. } => Error::RateLimited(sentence),
            ApiError::Transport(_) => Error::Transport(sentence),
            ApiError::OutcomeUnknown(_) => Error::OutcomeUnknown(sentence),
            ApiError::Timeout(_) => Error::DeadlineExceeded(sentence),
            ApiError::Cancelled => Error::Cancelled(sentence),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn errors_map_onto_the_provider_error_kinds() {
        let status = ApiError::from_response(404, b"");
        assert!(matches!(
            Error::from(status),
            Error::Auth0 { status: 404, .. }
        ));
        assert!(matches!(
            Error::from(ApiError::Transport("x".into())),
            Error::Transport(_)
        ));
        assert!(matches!(
            Error::from(ApiError::Timeout("x".into())),
            Error::DeadlineExceeded(_)
        ));
        assert!(matches!(
            Error::from(ApiError::OutcomeUnknown("x".into())),
            Error::OutcomeUnknown(_)
        ));
        assert!(matches!(
            Error::from(ApiError::Cancelled),
            Error::Cancelled(_)
        ));
        let limited = ApiError::RateLimited {
            waited: Duration::ZERO,
            message: String::new(),
        };
        assert!(matches!(Error::from(limited), Error::RateLimited(_)));
    }
}
