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
    use crate::mapping::snake_case;
    use crate::resources::all;

    // That every path names a property of its resource is checked with the other tables'
    // paths, in `resources::tests`.

    #[test]
    fn every_table_is_sorted_by_pulumi_path_without_duplicates() {
        for resource in all() {
            let (label, table) = (resource.def().label, resource.def().api_names);
            for pair in table.windows(2) {
                assert!(
                    pair[0].0 < pair[1].0,
                    "{label}: {:?} must come before {:?}",
                    pair[1].0,
                    pair[0].0
                );
            }
        }
    }

    #[test]
    fn every_entry_overrides_a_name_the_default_rule_gets_wrong() {
        for resource in all() {
            let (label, table) = (resource.def().label, resource.def().api_names);
            for (pulumi, api) in table.iter().copied() {
                let last = pulumi.rsplit('.').next().unwrap_or(pulumi);
                assert_ne!(
                    snake_case(last),
                    api,
                    "{label}: {pulumi} needs no exception"
                );
            }
        }
    }
}
