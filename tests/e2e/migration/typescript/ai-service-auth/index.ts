// examples/typescript/ai-service-auth as it must be written for the official @pulumi/auth0 v3 SDK:
// no inline API scopes (v3 moved them to ResourceServerScopes) and no client secret output
// (v3 moved it to ClientCredentials).
import * as auth0 from "@pulumi/auth0";

const apiIdentifier = "https://ai-service.example.com/";

const client = new auth0.Client("service-client", {
    name: "Service Client",
    appType: "non_interactive",
    grantTypes: ["client_credentials"],
    clientMetadata: { audience: apiIdentifier },
});

const api = new auth0.ResourceServer("service-api", {
    name: "AI Service API",
    identifier: apiIdentifier,
});

const grant = new auth0.ClientGrant("client-grant", {
    clientId: client.clientId,
    audience: api.identifier,
    scopes: ["read:data", "write:data"],
});

export const serviceClientId = client.clientId;
export const serviceApiId = api.identifier;
export const clientGrantId = grant.id;
