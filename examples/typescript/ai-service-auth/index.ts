// The AI service-to-service example in TypeScript: a machine-to-machine client, the API it calls
// (with an identifier of its own, not the tenant's Management API identifier) and the grant of
// read:data and write:data between them.
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
    scopes: [
        { value: "read:data", description: "Read data" },
        { value: "write:data", description: "Write data" },
    ],
});

const grant = new auth0.ClientGrant("client-grant", {
    clientId: client.clientId,
    audience: api.identifier,
    scopes: ["read:data", "write:data"],
});

export const serviceClientId = client.clientId;
export const serviceClientSecret = client.clientSecret;
export const serviceApiId = api.identifier;
export const clientGrantId = grant.id;
