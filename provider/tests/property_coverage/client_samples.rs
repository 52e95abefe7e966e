//! Samples for every input property of Client.

use super::*;

const PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----";
const AZURE_KEY: &str = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODlBQkNERUZHSElKS0w==";

pub(super) fn client_samples() -> Vec<Sample> {
    let c = |path, first, second| sample(CLIENT, path, first, second);
    let addon = |path: &'static str, first: Json, second: Json| {
        let name = path.split('.').nth(1).unwrap();
        sample(
            CLIENT,
            path,
            json!({ name: first }),
            json!({ name: second }),
        )
    };
    vec![
        c(
            "name",
            json!("coverage client a"),
            json!("coverage client b"),
        ),
        c(
            "description",
            json!("First description"),
            json!("Second description"),
        ),
        c(
            "allowedClients",
            json!(["AbCdEfGhIjKlMnOpQrStUvWxYz012345"]),
            json!([
                "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
                "ZyXwVuTsRqPoNmLkJiHgFeDcBa543210"
            ]),
        ),
        c(
            "allowedLogoutUrls",
            json!(["https://app.example.com/logout"]),
            json!([
                "https://app.example.com/logout",
                "https://app.example.com/bye"
            ]),
        ),
        c(
            "allowedOrigins",
            json!(["https://app.example.com"]),
            json!(["https://app.example.com", "https://admin.example.com"]),
        ),
        c("appType", json!("regular_web"), json!("spa")),
        c(
            "asyncApprovalNotificationChannels",
            json!(["guardian-push"]),
            json!(["guardian-push", "email"]),
        ),
        c(
            "callbacks",
            json!(["https://app.example.com/callback"]),
            json!([
                "https://app.example.com/callback",
                "https://app.example.com/cb2"
            ]),
        ),
        c(
            "clientAliases",
            json!(["https://alias-one.example.com"]),
            json!(["https://alias-two.example.com"]),
        ),
        c(
            "clientMetadata",
            json!({"team": "identity"}),
            json!({"team": "platform", "tier": "gold"}),
        ),
        c(
            "clientSecretRotationTrigger",
            json!({"rotatedAt": "2026-01-01"}),
            json!({"rotatedAt": "2026-02-01"}),
        ),
        c(
            "complianceLevel",
            json!("fapi1_adv_pkj_par"),
            json!("fapi2_sp_pkj_mtls"),
        ),
        c("crossOriginAuth", json!(true), json!(false)),
        c(
            "crossOriginLoc",
            json!("https://app.example.com/cross-origin"),
            json!("https://app.example.com/co"),
        ),
        c(
            "customLoginPage",
            json!("<html><body>Login A</body></html>"),
            json!("<html><body>Login B</body></html>"),
        ),
        c("customLoginPageOn", json!(false), json!(true)),
        c(
            "defaultOrganization",
            json!({"organizationId": "org_AbCdEf0123456789", "flows": ["client_credentials"]}),
            json!({"organizationId": "org_ZyXwVu9876543210", "flows": ["client_credentials"]}),
        ),
        c(
            "defaultOrganization.disable",
            json!({"disable": false, "organizationId": "org_AbCdEf0123456789", "flows": ["client_credentials"]}),
            json!({"disable": true}),
        ),
        c(
            "encryptionKey",
            json!({"pub": PEM, "subject": "CN=coverage"}),
            json!({"pub": PEM, "subject": "CN=coverage-2"}),
        ),
        c(
            "expressConfiguration",
            json!({
                "initiateLoginUriTemplate": "https://{organization_name}.example.com/login",
                "userAttributeProfileId": "uap_AbCdEf0123456789",
                "connectionProfileId": "cop_AbCdEf0123456789",
                "enableClient": true,
                "enableOrganization": true,
                "oktaOinClientId": "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
                "adminLoginDomain": "admin.example.com",
                "oinSubmissionId": "submission-1",
                "linkedClients": [{"clientId": "ZyXwVuTsRqPoNmLkJiHgFeDcBa543210"}]
            }),
            json!({
                "initiateLoginUriTemplate": "https://{organization_name}.example.com/start",
                "userAttributeProfileId": "uap_AbCdEf0123456789",
                "connectionProfileId": "cop_AbCdEf0123456789",
                "enableClient": false,
                "enableOrganization": false,
                "oktaOinClientId": "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
                "adminLoginDomain": "admin2.example.com"
            }),
        ),
        c(
            "fedcmLogin",
            json!({"google": {"isEnabled": true}}),
            json!({"google": {"isEnabled": false}}),
        ),
        c(
            "formTemplate",
            json!("<html>{%- auth0:widget -%}</html>"),
            json!("<html><p>{%- auth0:widget -%}</p></html>"),
        ),
        c(
            "grantTypes",
            json!(["client_credentials"]),
            json!(["client_credentials", "authorization_code"]),
        ),
        c(
            "initiateLoginUri",
            json!("https://app.example.com/login"),
            json!("https://app.example.com/start"),
        ),
        c("isFirstParty", json!(false), json!(true)),
        c("isTokenEndpointIpHeaderTrusted", json!(true), json!(false)),
        c(
            "jwtConfiguration",
            json!({"alg": "RS256", "lifetimeInSeconds": 3600, "scopes": {"read:data": "sub"}}),
            json!({"alg": "HS256", "lifetimeInSeconds": 7200}),
        ),
        c(
            "jwtConfiguration.secretEncoded",
            json!({"secretEncoded": true}),
            json!({"secretEncoded": false}),
        ),
        c(
            "logoUri",
            json!("https://cdn.example.com/logo.png"),
            json!("https://cdn.example.com/logo2.png"),
        ),
        c(
            "mobile",
            json!({
                "android": {"appPackageName": "com.example.app", "sha256CertFingerprints": ["D8:A0:83:AB:CD"]},
                "ios": {"appBundleIdentifier": "com.example.app", "teamId": "9JA89QQLNQ"}
            }),
            json!({
                "android": {"appPackageName": "com.example.other", "sha256CertFingerprints": ["D8:A0:83:AB:CD", "01:02:03"]},
                "ios": {"appBundleIdentifier": "com.example.other", "teamId": "9JA89QQLNR"}
            }),
        ),
        c(
            "myOrganizationConfiguration",
            json!({
                "allowedStrategies": ["oidc", "samlp"],
                "connectionDeletionBehavior": "allow",
                "connectionProfileId": "cop_AbCdEf0123456789",
                "userAttributeProfileId": "uap_AbCdEf0123456789"
            }),
            json!({"allowedStrategies": ["okta"], "connectionDeletionBehavior": "allow_if_empty"}),
        ),
        c(
            "myOrganizationConfiguration.invitationLandingClientId",
            json!({
                "allowedStrategies": ["oidc"],
                "connectionDeletionBehavior": "allow",
                "invitationLandingClientId": "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
            }),
            json!({
                "allowedStrategies": ["oidc"],
                "connectionDeletionBehavior": "allow",
                "invitationLandingClientId": "ZyXwVuTsRqPoNmLkJiHgFeDcBa543210"
            }),
        ),
        c(
            "nativeSocialLogin",
            json!({"apple": {"enabled": true}, "facebook": {"enabled": true}, "google": {"enabled": true}}),
            json!({"apple": {"enabled": false}, "facebook": {"enabled": true}, "google": {"enabled": false}}),
        ),
        c(
            "oidcBackchannelLogoutUrls",
            json!(["https://app.example.com/backchannel"]),
            json!(["https://app.example.com/backchannel2"]),
        ),
        c("oidcConformant", json!(true), json!(false)),
        c(
            "oidcLogout",
            json!({
                "backchannelLogoutUrls": ["https://app.example.com/oidc-logout"],
                "backchannelLogoutInitiators": {"mode": "custom", "selectedInitiators": ["rp-logout", "idp-logout"]},
                "backchannelLogoutSessionMetadata": {"include": true}
            }),
            json!({
                "backchannelLogoutUrls": ["https://app.example.com/oidc-logout-2"],
                "backchannelLogoutInitiators": {"mode": "all"},
                "backchannelLogoutSessionMetadata": {"include": false}
            }),
        ),
        c(
            "organizationDiscoveryMethods",
            json!(["email"]),
            json!(["email", "organization_name"]),
        ),
        c(
            "organizationRequireBehavior",
            json!("pre_login_prompt"),
            json!("post_login_prompt"),
        ),
        c("organizationUsage", json!("allow"), json!("require")),
        c(
            "redirectionPolicy",
            json!("open_redirect_protection"),
            json!("allow_always"),
        ),
        c(
            "refreshToken",
            json!({
                "rotationType": "rotating", "expirationType": "expiring", "leeway": 10,
                "tokenLifetime": 86400, "idleTokenLifetime": 3600,
                "infiniteTokenLifetime": false, "infiniteIdleTokenLifetime": false,
                "policies": [{"audience": "{api}", "scopes": ["read:data"]}]
            }),
            json!({
                "rotationType": "non-rotating", "expirationType": "non-expiring", "leeway": 0,
                "tokenLifetime": 172800, "idleTokenLifetime": 7200,
                "infiniteTokenLifetime": true, "infiniteIdleTokenLifetime": true,
                "policies": [{"audience": "{api}", "scopes": ["read:data", "write:data"]}]
            }),
        ),
        c("requireProofOfPossession", json!(true), json!(false)),
        c(
            "requirePushedAuthorizationRequests",
            json!(true),
            json!(false),
        ),
        c("resourceServerIdentifier", json!("{api}"), json!("{api2}")),
        c(
            "sessionTransfer",
            json!({
                "canCreateSessionTransferToken": true, "allowedAuthenticationMethods": ["cookie"],
                "enforceDeviceBinding": "ip", "allowRefreshToken": true,
                "enforceOnlineRefreshTokens": true, "enforceCascadeRevocation": true,
                "delegation": {"allowDelegatedAccess": true, "enforceDeviceBinding": "asn"}
            }),
            json!({
                "canCreateSessionTransferToken": false, "allowedAuthenticationMethods": ["cookie", "query"],
                "enforceDeviceBinding": "asn", "allowRefreshToken": false,
                "enforceOnlineRefreshTokens": false, "enforceCascadeRevocation": false,
                "delegation": {"allowDelegatedAccess": false, "enforceDeviceBinding": "ip"}
            }),
        ),
        c(
            "skipNonVerifiableCallbackUriConfirmationPrompt",
            json!("true"),
            json!("false"),
        ),
        c(
            "skipNonVerifiableCallbackUriConfirmationPrompt",
            json!("false"),
            json!("null"),
        ),
        c("sso", json!(true), json!(false)),
        c("ssoDisabled", json!(true), json!(false)),
        c(
            "thirdPartySecurityMode",
            json!("strict"),
            json!("permissive"),
        ),
        c(
            "tokenExchange",
            json!({"allowAnyProfileOfTypes": ["custom_authentication"]}),
            json!({"allowAnyProfileOfTypes": ["custom_authentication", "on_behalf_of_token_exchange"]}),
        ),
        c(
            "tokenQuota",
            json!({"clientCredentials": {"enforce": true, "perDay": 1000, "perHour": 100}}),
            json!({"clientCredentials": {"enforce": false, "perDay": 2000, "perHour": 200}}),
        ),
        c(
            "webOrigins",
            json!(["https://app.example.com"]),
            json!(["https://app.example.com", "https://www.example.com"]),
        ),
        // Add-ons: one sample each, every field set.
        addon(
            "addons.aws",
            json!({"principal": "arn:aws:iam::123456789012:saml-provider/auth0", "role": "arn:aws:iam::123456789012:role/reader", "lifetimeInSeconds": 3600}),
            json!({"principal": "arn:aws:iam::123456789012:saml-provider/auth0", "role": "arn:aws:iam::123456789012:role/writer", "lifetimeInSeconds": 7200}),
        ),
        addon(
            "addons.azureBlob",
            json!({
                "accountName": "coverageacct", "blobName": "data.csv", "containerName": "coverage-data",
                "blobDelete": true, "blobRead": true, "blobWrite": true,
                "containerDelete": true, "containerList": true, "containerRead": true, "containerWrite": true,
                "expiration": 600, "signedIdentifier": "policy-1", "storageAccessKey": AZURE_KEY
            }),
            json!({
                "accountName": "coverageacct", "blobName": "other.csv", "containerName": "coverage-data",
                "blobDelete": false, "blobRead": true, "blobWrite": false,
                "containerDelete": false, "containerList": false, "containerRead": true, "containerWrite": false,
                "expiration": 1200, "signedIdentifier": "policy-2", "storageAccessKey": AZURE_KEY
            }),
        ),
        addon(
            "addons.azureSb",
            json!({"namespace": "coverage-ns", "sasKeyName": "RootManageSharedAccessKey", "sasKey": "c2FzLWtleS1vbmU=", "entityPath": "queue-1", "expiration": 600}),
            json!({"namespace": "coverage-ns2", "sasKeyName": "Other", "sasKey": "c2FzLWtleS10d28=", "entityPath": "queue-2", "expiration": 1200}),
        ),
        sample(
            CLIENT,
            "addons.box",
            json!({"box": {}}),
            json!({"box": {}, "wsfed": {}}),
        ),
        sample(
            CLIENT,
            "addons.cloudbees",
            json!({"cloudbees": {}}),
            json!({"cloudbees": {}, "wsfed": {}}),
        ),
        sample(
            CLIENT,
            "addons.concur",
            json!({"concur": {}}),
            json!({"concur": {}, "wsfed": {}}),
        ),
        sample(
            CLIENT,
            "addons.dropbox",
            json!({"dropbox": {}}),
            json!({"dropbox": {}, "wsfed": {}}),
        ),
        addon(
            "addons.echosign",
            json!({"domain": "coverage.echosign.com"}),
            json!({"domain": "other.echosign.com"}),
        ),
        addon(
            "addons.egnyte",
            json!({"domain": "coverage"}),
            json!({"domain": "other"}),
        ),
        addon(
            "addons.firebase",
            json!({"clientEmail": "svc@coverage.iam.gserviceaccount.com", "lifetimeInSeconds": 3600, "privateKey": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----", "privateKeyId": "key-1"}),
            json!({"clientEmail": "svc2@coverage.iam.gserviceaccount.com", "lifetimeInSeconds": 1800, "privateKey": "-----BEGIN PRIVATE KEY-----\nMIIC\n-----END PRIVATE KEY-----", "privateKeyId": "key-2"}),
        ),
        addon(
            "addons.firebase.secret",
            json!({"secret": "firebase-legacy-secret-1", "lifetimeInSeconds": 3600}),
            json!({"secret": "firebase-legacy-secret-2", "lifetimeInSeconds": 3600}),
        ),
        addon(
            "addons.layer",
            json!({"providerId": "layer:///providers/1", "keyId": "layer:///keys/1", "privateKey": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----", "principal": "user_id", "expiration": 600}),
            json!({"providerId": "layer:///providers/2", "keyId": "layer:///keys/2", "privateKey": "-----BEGIN RSA PRIVATE KEY-----\nMIIC\n-----END RSA PRIVATE KEY-----", "principal": "email", "expiration": 1200}),
        ),
        addon(
            "addons.mscrm",
            json!({"url": "https://coverage.crm.dynamics.com"}),
            json!({"url": "https://other.crm.dynamics.com"}),
        ),
        addon(
            "addons.newrelic",
            json!({"account": "1234567"}),
            json!({"account": "7654321"}),
        ),
        addon(
            "addons.office365",
            json!({"domain": "coverage.onmicrosoft.com", "connection": "office365-conn"}),
            json!({"domain": "other.onmicrosoft.com", "connection": "other-conn"}),
        ),
        addon(
            "addons.rms",
            json!({"url": "https://rms.example.com"}),
            json!({"url": "https://rms2.example.com"}),
        ),
        addon(
            "addons.salesforce",
            json!({"entityId": "https://coverage.my.salesforce.com"}),
            json!({"entityId": "https://other.my.salesforce.com"}),
        ),
        addon(
            "addons.salesforceApi",
            json!({"clientId": "3MVG9-coverage", "principal": "user@example.com", "communityName": "coverage", "communityUrlSection": "members"}),
            json!({"clientId": "3MVG9-other", "principal": "other@example.com", "communityName": "other", "communityUrlSection": "partners"}),
        ),
        addon(
            "addons.salesforceSandboxApi",
            json!({"clientId": "3MVG9-sandbox", "principal": "user@example.com", "communityName": "coverage", "communityUrlSection": "members"}),
            json!({"clientId": "3MVG9-sandbox2", "principal": "other@example.com", "communityName": "other", "communityUrlSection": "partners"}),
        ),
        addon(
            "addons.samlp",
            json!({
                "audience": "urn:coverage:sp", "recipient": "https://sp.example.com/acs", "destination": "https://sp.example.com/acs",
                "issuer": "urn:coverage:idp", "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
                "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                "createUpnClaim": false, "digestAlgorithm": "sha256", "signatureAlgorithm": "rsa-sha256",
                "includeAttributeNameFormat": false, "lifetimeInSeconds": 3600,
                "logout": {"callback": "https://sp.example.com/logout", "sloEnabled": true},
                "mapIdentities": false, "mapUnknownClaimsAsIs": true,
                "mappings": {"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"},
                "nameIdentifierFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                "nameIdentifierProbes": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"],
                "passthroughClaimsWithNoMapping": false, "signResponse": true,
                "signingCert": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
                "typedAttributes": false
            }),
            json!({
                "audience": "urn:coverage:sp2", "recipient": "https://sp.example.com/acs2", "destination": "https://sp.example.com/acs2",
                "issuer": "urn:coverage:idp2", "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
                "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
                "createUpnClaim": true, "digestAlgorithm": "sha1", "signatureAlgorithm": "rsa-sha1",
                "includeAttributeNameFormat": true, "lifetimeInSeconds": 7200,
                "logout": {"callback": "https://sp.example.com/logout2", "sloEnabled": false},
                "mapIdentities": true, "mapUnknownClaimsAsIs": false,
                "mappings": {"name": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"},
                "nameIdentifierFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
                "nameIdentifierProbes": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"],
                "passthroughClaimsWithNoMapping": true, "signResponse": false,
                "signingCert": "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----",
                "typedAttributes": true
            }),
        ),
        addon(
            "addons.samlp.flexibleMappings",
            json!({"flexibleMappings": "{\"email\":[\"email\",\"mail\"]}"}),
            json!({"flexibleMappings": "{ \"name\": [\"name\"], \"email\": [\"mail\"] }"}),
        ),
        addon(
            "addons.sapApi",
            json!({"clientId": "sap-client", "usernameAttribute": "email", "tokenEndpointUrl": "https://sap.example.com/oauth2/api/v1/token", "scope": "use:sap", "servicePassword": "sap-password-1", "nameIdentifierFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"}),
            json!({"clientId": "sap-client-2", "usernameAttribute": "name", "tokenEndpointUrl": "https://sap2.example.com/oauth2/api/v1/token", "scope": "use:sap2", "servicePassword": "sap-password-2", "nameIdentifierFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"}),
        ),
        addon(
            "addons.sentry",
            json!({"orgSlug": "coverage", "baseUrl": "https://sentry.example.com"}),
            json!({"orgSlug": "other", "baseUrl": "https://sentry2.example.com"}),
        ),
        addon(
            "addons.sharepoint",
            json!({"url": "https://coverage.sharepoint.com", "externalUrls": ["https://external.example.com"]}),
            json!({"url": "https://other.sharepoint.com", "externalUrls": ["https://external.example.com", "https://external2.example.com"]}),
        ),
        addon(
            "addons.slack",
            json!({"team": "coverage-team"}),
            json!({"team": "other-team"}),
        ),
        addon(
            "addons.springcm",
            json!({"acsUrl": "https://na11.springcm.com/atlas/sso/SSOEndpoint.ashx"}),
            json!({"acsUrl": "https://na21.springcm.com/atlas/sso/SSOEndpoint.ashx"}),
        ),
        addon(
            "addons.ssoIntegration",
            json!({"name": "coverage-integration", "version": "1.0.0"}),
            json!({"name": "other-integration", "version": "2.0.0"}),
        ),
        addon(
            "addons.wams",
            json!({"masterKey": "wams-master-key-1"}),
            json!({"masterKey": "wams-master-key-2"}),
        ),
        sample(
            CLIENT,
            "addons.wsfed",
            json!({"wsfed": {}}),
            json!({"wsfed": {}, "box": {}}),
        ),
        addon(
            "addons.zendesk",
            json!({"accountName": "coverage"}),
            json!({"accountName": "other"}),
        ),
        addon(
            "addons.zoom",
            json!({"account": "coverage"}),
            json!({"account": "other"}),
        ),
    ]
}
