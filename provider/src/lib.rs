//! The pulumi-resource-auth0 provider library.
//!
//! Data flows one way: `wire` (gRPC) → `value` → schema-driven check/diff or a resource's
//! expand → `auth0` (one HTTP client) → the resource's flatten → `wire`.

pub mod auth0;
pub mod check;
pub mod config;
pub mod diff;
pub mod error;
pub mod functions;
pub mod mapping;
pub mod provider;
pub mod resources;
pub mod rpc;
pub mod schema;
pub mod state;
pub mod value;
pub mod wire;
