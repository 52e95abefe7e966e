//! Where an Auth0 Management API field name is not the snake_case of the Pulumi property name.
//! Each entry is (Pulumi property path, Auth0 field path relative to the parent object).
//! Paths are dotted Pulumi property names through nested object types; array items are
//! transparent (`authorizationDetails.type` names the `type` of each item).
//! Facts from go-auth0 v1.45.0 json tags and terraform-provider-auth0 expand.go, checked
//! against the recorded traffic.

pub const CLIENT: &[(&str, &str)] = &[
    ("addons.azureBlob.accountName", "accountName"),
    ("addons.azureBlob.blobName", "blobName"),
    ("addons.azureBlob.containerName", "containerName"),
    ("addons.azureBlob.signedIdentifier", "signedIdentifier"),
    ("addons.azureBlob.storageAccessKey", "storageAccessKey"),
    ("addons.azureSb.entityPath", "entityPath"),
    ("addons.azureSb.sasKey", "sasKey"),
    ("addons.azureSb.sasKeyName", "sasKeyName"),
    ("addons.layer.keyId", "keyId"),
    ("addons.layer.privateKey", "privateKey"),
    ("addons.layer.providerId", "providerId"),
    ("addons.salesforceApi.clientId", "clientid"),
    ("addons.salesforceApi.communityName", "communityName"),
    ("addons.salesforceSandboxApi.clientId", "clientid"),
    ("addons.salesforceSandboxApi.communityName", "communityName"),
    ("addons.samlp.authnContextClassRef", "authnContextClassRef"),
    ("addons.samlp.createUpnClaim", "createUpnClaim"),
    ("addons.samlp.digestAlgorithm", "digestAlgorithm"),
    // Same field as `addons.samlp.mappings`, but the Pulumi value is a JSON-encoded string.
    ("addons.samlp.flexibleMappings", "mappings"),
    (
        "addons.samlp.includeAttributeNameFormat",
        "includeAttributeNameFormat",
    ),
    ("addons.samlp.lifetimeInSeconds", "lifetimeInSeconds"),
    ("addons.samlp.mapIdentities", "mapIdentities"),
    ("addons.samlp.mapUnknownClaimsAsIs", "mapUnknownClaimsAsIs"),
    ("addons.samlp.nameIdentifierFormat", "nameIdentifierFormat"),
    ("addons.samlp.nameIdentifierProbes", "nameIdentifierProbes"),
    (
        "addons.samlp.passthroughClaimsWithNoMapping",
        "passthroughClaimsWithNoMapping",
    ),
    ("addons.samlp.signResponse", "signResponse"),
    ("addons.samlp.signatureAlgorithm", "signatureAlgorithm"),
    ("addons.samlp.signingCert", "signingCert"),
    ("addons.samlp.typedAttributes", "typedAttributes"),
    ("addons.sapApi.clientId", "clientid"),
    ("addons.sapApi.nameIdentifierFormat", "nameIdentifierFormat"),
    ("addons.sapApi.servicePassword", "servicePassword"),
    ("addons.sapApi.tokenEndpointUrl", "tokenEndpointUrl"),
    ("addons.sapApi.usernameAttribute", "usernameAttribute"),
    ("addons.sharepoint.externalUrls", "external_url"),
    ("addons.springcm.acsUrl", "acsurl"),
    ("addons.wams.masterKey", "masterkey"),
    ("addons.zendesk.accountName", "accountName"),
    ("crossOriginAuth", "cross_origin_authentication"),
    (
        "oidcBackchannelLogoutUrls",
        "oidc_backchannel_logout.backchannel_logout_urls",
    ),
    ("refreshToken.policies.scopes", "scope"),
    (
        "tokenExchange.allowAnyProfileOfTypes",
        "allow_any_profile_of_type",
    ),
];

pub const RESOURCE_SERVER: &[(&str, &str)] = &[
    ("tokenEncryption.encryptionKey.algorithm", "alg"),
    // go-auth0 tag only: absent from the OpenAPI subset and from every recording.
    ("verificationLocation", "verificationLocation"),
];

pub const CLIENT_GRANT: &[(&str, &str)] = &[("scopes", "scope")];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const TABLES: [(&str, &[(&str, &str)]); 3] = [
        ("auth0:index/client:Client", CLIENT),
        ("auth0:index/resourceServer:ResourceServer", RESOURCE_SERVER),
        ("auth0:index/clientGrant:ClientGrant", CLIENT_GRANT),
    ];

    /// The default rule these tables override: an underscore before each capital, lowercased.
    fn default_name(pulumi_path: &str) -> String {
        let last = pulumi_path.rsplit('.').next().unwrap_or(pulumi_path);
        let mut out = String::new();
        for c in last.chars() {
            if c.is_ascii_uppercase() {
                out.push('_');
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    fn schema() -> Value {
        let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.json"));
        serde_json::from_str(text).expect("schema.json is valid JSON")
    }

    /// Follows a dotted Pulumi path through object types and array items; true if it resolves.
    fn resolves(schema: &Value, resource: &str, path: &str) -> bool {
        let mut properties = &schema["resources"][resource]["properties"];
        let mut segments = path.split('.').peekable();
        while let Some(segment) = segments.next() {
            let Some(property) = properties.get(segment) else {
                return false;
            };
            if segments.peek().is_none() {
                return true;
            }
            let reference = property
                .get("$ref")
                .or_else(|| property.pointer("/items/$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/types/"));
            let Some(token) = reference else {
                return false;
            };
            properties = &schema["types"][token]["properties"];
        }
        false
    }

    #[test]
    fn every_table_is_sorted_by_pulumi_path_without_duplicates() {
        for (resource, table) in TABLES {
            for pair in table.windows(2) {
                assert!(
                    pair[0].0 < pair[1].0,
                    "{resource}: {:?} must come before {:?}",
                    pair[1].0,
                    pair[0].0
                );
            }
        }
    }

    #[test]
    fn every_entry_overrides_a_name_the_default_rule_gets_wrong() {
        for (resource, table) in TABLES {
            for (pulumi, api) in table.iter().copied() {
                assert_ne!(
                    default_name(pulumi),
                    api,
                    "{resource}: {pulumi} needs no exception"
                );
            }
        }
    }

    #[test]
    fn every_path_names_a_property_of_its_resource_in_schema_json() {
        let schema = schema();
        for (resource, table) in TABLES {
            for (pulumi, _) in table.iter().copied() {
                assert!(
                    resolves(&schema, resource, pulumi),
                    "{resource}: {pulumi} is not a property path in schema.json"
                );
            }
        }
    }

    #[test]
    fn path_resolution_rejects_unknown_and_too_deep_paths() {
        let schema = schema();
        let client = "auth0:index/client:Client";
        assert!(resolves(&schema, client, "refreshToken.policies.scopes"));
        assert!(!resolves(&schema, client, "refreshToken.policies.scope"));
        assert!(!resolves(&schema, client, "name.first"));
    }
}
