//! Evidence that every input property of schema.json is sent to Auth0 and read back.
//!
//! For each sample (one top-level property, or one object-typed property with all its
//! fields set) the provider creates a resource against the in-process emulator, and the
//! test checks that the state holds what the program set, that Diff and Read are settled,
//! that one update changes it and that removing it resets it. Property paths that fail are
//! compared with `KNOWN_NOT_ROUND_TRIPPING`: a new failure fails the test, and so does a
//! listed path that starts working, so the list always says exactly what is broken.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::{json, Value as Json};

use auth0_emulator::{Emulator, EmulatorConfig};
use pulumi_auth0_provider::check::strip_indices;
use pulumi_auth0_provider::provider::Auth0Provider;
use pulumi_auth0_provider::resources::{self, defaults};
use pulumi_auth0_provider::rpc::{
    Changes, CheckRequest, ConfigureRequest, CreateRequest, DeleteRequest, DiffKind, DiffRequest,
    DiffResponse, Provider, ReadRequest, UpdateRequest,
};
use pulumi_auth0_provider::schema::{self, Type};
use pulumi_auth0_provider::value::{PropertyMap, Value};

mod client_samples;
mod field_names;
mod harness;
mod round_trip;
mod samples;
mod schema_walk;

const CLIENT: &str = "auth0:index/client:Client";
const API: &str = "auth0:index/resourceServer:ResourceServer";
const GRANT: &str = "auth0:index/clientGrant:ClientGrant";

/// One property under test. `first` and `second` are programs' values for `path`'s
/// top-level property; the sample is about `path` (a top-level name or a deeper path).
struct Sample {
    token: &'static str,
    /// What the sample proves; a refused request is blamed on this path.
    path: &'static str,
    first: Json,
    second: Json,
    /// Other inputs the program needs, replacing the resource's usual base inputs.
    base: Option<Json>,
}

fn sample(token: &'static str, path: &'static str, first: Json, second: Json) -> Sample {
    Sample {
        token,
        path,
        first,
        second,
        base: None,
    }
}

fn top(path: &str) -> &str {
    path.split('.').next().unwrap_or(path)
}
