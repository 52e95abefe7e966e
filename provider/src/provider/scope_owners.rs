//! Which resources of this run manage each API's scope list, for the warning when two do.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

/// API identifier → the (label, URN) of each resource that manages its scopes.
#[derive(Default)]
pub struct ScopeOwners(Mutex<BTreeMap<String, Vec<(&'static str, String)>>>);

impl ScopeOwners {
    /// Records that `urn` manages the scope list of `identifier`, and says which other resource
    /// of the run manages it too, if one does. Several ResourceServerScope entries of one API
    /// share its list by design; anything else sharing it overwrites the others' scopes.
    pub fn claim(&self, label: &'static str, urn: &str, identifier: String) -> Option<String> {
        let mut owners = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let claims = owners.entry(identifier.clone()).or_default();
        if !claims.iter().any(|(_, u)| u == urn) {
            claims.push((label, urn.to_string()));
        }
        let other = claims.iter().find(|(other_label, other_urn)| {
            other_urn != urn
                && !(label == "ResourceServerScope" && *other_label == "ResourceServerScope")
        })?;
        let (what, name) = (other.0, other.1.rsplit("::").next().unwrap_or(&other.1));
        let owner = match what {
            "ResourceServer" => format!("ResourceServer {name:?} (its `scopes`)"),
            other => format!("{other} {name:?}"),
        };
        Some(format!(
            "the scopes of API {identifier} are also managed by {owner}; each replaces the other's changes on every update, so manage them in one place: ResourceServerScopes, ResourceServerScope entries, or ResourceServer.scopes"
        ))
    }
}
