//! The pulumi-resource-auth0 provider library.
//!
//! Data flows one way: `wire` (gRPC) → `value` → schema-driven check/diff or a resource's
//! expand → `auth0` (one HTTP client) → the resource's flatten → `wire`.

pub mod auth0;
pub mod error;
pub mod provider;
pub mod rpc;
pub mod value;
pub mod wire;
