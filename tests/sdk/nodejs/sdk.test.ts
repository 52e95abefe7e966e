// The generated TypeScript SDK (sdk/nodejs) in the real @pulumi/pulumi runtime, with mocks, no engine.
// Run with `make sdk-test-nodejs`: tsc (strict) compiles the SDK and this file, then `node --test` runs it.

import * as pulumi from "@pulumi/pulumi";
import { test } from "node:test";
import * as assert from "node:assert/strict";

const DOMAIN = "tenant.example.auth0.com";
const registered: pulumi.runtime.MockResourceArgs[] = [];
const invoked: { token: string; inputs: Record<string, any> }[] = [];
const invokeAnswers: Record<string, (args: Record<string, any>) => Record<string, any>> = {
    "auth0:index/getClient:getClient": (args) => ({
        id: args.clientId ?? "cid-by-name",
        clientId: args.clientId ?? "cid-by-name",
        name: args.name ?? "Service Client",
        appType: "non_interactive",
        clientSecret: "not-a-real-secret",
        mobiles: [{ androids: [{ appPackageName: "com.example", sha256CertFingerprints: ["AB:CD"] }], ios: [] }],
    }),
    "auth0:index/getClients:getClients": (args) => ({
        id: "clients-lookup",
        nameFilter: args.nameFilter,
        clients: [{ clientId: "cid-1", name: "Service Client", clientSecret: "s1" }],
    }),
    "auth0:index/getResourceServer:getResourceServer": (args) => ({
        id: "rs-1",
        identifier: args.identifier ?? "https://api.example.com/",
        tokenLifetime: 86400,
        scopes: [{ name: "read:data", description: "Read data" }],
    }),
    "auth0:index/getClientGrants:getClientGrants": (args) => ({
        id: "grants-lookup",
        clientGrants: [{ id: "cgr-1", clientId: args.clientId ?? "cid-1", audience: "https://api.example.com/", scopes: ["read:data"] }],
    }),
};

pulumi.runtime.setMocks(
    {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
            registered.push(args);
            const state: Record<string, any> = { ...args.inputs };
            if (args.type === "auth0:index/client:Client") {
                state.clientId = state.clientId ?? `cid-${args.name}`;
                state.clientSecret = "not-a-real-secret";
            }
            if (args.id) {
                // A get(): the "provider" reads the existing resource.
                return { id: args.id, state: { ...state, name: "existing", clientId: args.id } };
            }
            return { id: `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            // Invokes: answer like the provider would, in wire names.
            invoked.push({ token: args.token, inputs: { ...args.inputs } });
            const answer = invokeAnswers[args.token];
            return answer ? answer(args.inputs) : {};
        },
    },
    "sdk-test",
    "test",
    false,
);

import * as auth0 from "../../../sdk/nodejs";

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

function registrationsOf(type: string, name?: string): pulumi.runtime.MockResourceArgs[] {
    return registered.filter((r) => r.type === type && (name === undefined || r.name === name));
}

test("the service-auth program registers client, API and grant with the right wire names", async () => {
    // ai_service_auth.py, in TypeScript.
    const client = new auth0.Client("service-client", {
        name: "Service Client",
        appType: "non_interactive",
        grantTypes: ["client_credentials"],
        clientMetadata: { audience: `https://${DOMAIN}/api/v2/` },
    });
    const api = new auth0.ResourceServer("service-api", {
        identifier: `https://${DOMAIN}/api/v2/`,
        scopes: [
            { description: "Read data", value: "read:data" },
            { description: "Write data", value: "write:data" },
        ],
    });
    const grant = new auth0.ClientGrant("client-grant", {
        audience: api.identifier,
        clientId: client.clientId,
        scope: ["read:data", "write:data"],
    });
    await valueOf(grant.id);

    const [c] = registrationsOf("auth0:index/client:Client", "service-client");
    assert.equal(c.inputs.name, "Service Client");
    assert.equal(c.inputs.appType, "non_interactive");
    assert.deepEqual(c.inputs.grantTypes, ["client_credentials"]);
    assert.deepEqual(c.inputs.clientMetadata, { audience: `https://${DOMAIN}/api/v2/` });
    assert.equal(c.inputs.description, "Managed by Pulumi");

    const [a] = registrationsOf("auth0:index/resourceServer:ResourceServer", "service-api");
    assert.deepEqual(a.inputs.scopes, [
        { description: "Read data", value: "read:data" },
        { description: "Write data", value: "write:data" },
    ]);

    const [g] = registrationsOf("auth0:index/clientGrant:ClientGrant", "client-grant");
    assert.deepEqual(g.inputs, {
        audience: `https://${DOMAIN}/api/v2/`,
        clientId: "cid-service-client",
        scope: ["read:data", "write:data"],
    });
});

test("the client-grant program grants scopes on an existing API", async () => {
    const client = new auth0.Client("ai-client", {
        name: "My AI Client App",
        grantTypes: ["client_credentials"],
        appType: "non_interactive",
    });
    const grant = new auth0.ClientGrant("ai-client-grant", {
        clientId: client.clientId,
        audience: "https://myapi.example.com/",
        scopes: ["read:data", "write:data"],
    });
    await valueOf(grant.id);
    const [g] = registrationsOf("auth0:index/clientGrant:ClientGrant", "ai-client-grant");
    assert.deepEqual(g.inputs, {
        audience: "https://myapi.example.com/",
        clientId: "cid-ai-client",
        scopes: ["read:data", "write:data"],
    });
});

test("outputs are typed and nested objects come back as plain objects", async () => {
    const api = new auth0.ResourceServer("typed-api", {
        identifier: "https://typed.example.com/",
        scopes: [{ value: "read:data", description: "Read" }],
        tokenLifetime: 3600,
    });
    const scopes: auth0.types.output.ResourceServerScope[] | undefined = await valueOf(api.scopes);
    assert.deepEqual(scopes, [{ value: "read:data", description: "Read" }]);
    const lifetime: number | undefined = await valueOf(api.tokenLifetime);
    assert.equal(lifetime, 3600);
    assert.ok(auth0.ResourceServer.isInstance(api));
    assert.ok(!auth0.Client.isInstance(api));
});

test("get reads an existing client by id", async () => {
    const existing = auth0.Client.get("imported", "abc123");
    assert.equal(await valueOf(existing.clientId), "abc123");
    assert.equal(await valueOf(existing.name), "existing");
    const [read] = registrationsOf("auth0:index/client:Client", "imported");
    assert.equal(read.id, "abc123");
});

test("a missing required input throws an error naming it", () => {
    assert.throws(
        () => new auth0.ResourceServer("no-identifier", { name: "x" } as any),
        /Missing required property 'identifier'/,
    );
    assert.throws(() => new auth0.ClientGrant("no-audience", {} as any), /Missing required property 'audience'/);
});

test("the provider sends non-string config as JSON", async () => {
    const provider = new auth0.Provider("p", { domain: DOMAIN, debug: true, rateLimitWaitSeconds: 30 });
    await valueOf(provider.id);
    const [p] = registrationsOf("pulumi:providers:auth0", "p");
    assert.equal(p.inputs.domain, DOMAIN);
    assert.equal(p.inputs.debug, "true");
    assert.equal(p.inputs.rateLimitWaitSeconds, "30");
});

test("setting the deprecated scope alias leaves the warning to the provider's Check", async () => {
    const warnings: string[] = [];
    const log = pulumi.log as { warn: (msg: string, ...rest: any[]) => Promise<void> };
    const original = log.warn;
    log.warn = async (msg: string) => {
        warnings.push(msg);
    };
    try {
        const withScope = new auth0.ClientGrant("deprecated-scope", { audience: "https://a/", scope: ["x"] });
        const withScopes = new auth0.ClientGrant("current-scopes", { audience: "https://a/", scopes: ["x"] });
        await Promise.all([valueOf(withScope.id), valueOf(withScopes.id)]);
    } finally {
        log.warn = original;
    }
    assert.deepEqual(warnings, []);
});

// The machine-to-machine toolkit in the official v3 style: scopes in ResourceServerScopes or
// ResourceServerScope, the authentication method in ClientCredentials, lookups with get*.
test("the m2m toolkit program registers the new resources and sends the lookups with wire names", async () => {
    const client = new auth0.Client("m2m-service", {
        name: "Service Client",
        appType: "non_interactive",
        grantTypes: ["client_credentials"],
    });
    const api = new auth0.ResourceServer("m2m-api", { name: "API", identifier: "https://api.example.com/" });
    const scopes = new auth0.ResourceServerScopes("m2m-api-scopes", {
        resourceServerIdentifier: api.identifier,
        scopes: [
            { name: "read:data", description: "Read data" },
            { name: "write:data", description: "Write data" },
        ],
    });
    const admin = new auth0.ResourceServerScope("m2m-api-admin", {
        resourceServerIdentifier: api.identifier,
        scope: "admin:data",
        description: "Administer data",
    });
    const grant = new auth0.ClientGrant(
        "m2m-grant",
        { clientId: client.id, audience: api.identifier, scopes: ["read:data", "write:data"] },
        { dependsOn: [scopes] },
    );
    const credentials = new auth0.ClientCredentials("m2m-credentials", {
        clientId: client.id,
        authenticationMethod: "client_secret_post",
    });
    await Promise.all([scopes.id, admin.id, grant.id, credentials.id].map(valueOf));

    const [s] = registrationsOf("auth0:index/resourceServerScopes:ResourceServerScopes", "m2m-api-scopes");
    assert.deepEqual(s.inputs, {
        resourceServerIdentifier: "https://api.example.com/",
        scopes: [
            { name: "read:data", description: "Read data" },
            { name: "write:data", description: "Write data" },
        ],
    });
    const [one] = registrationsOf("auth0:index/resourceServerScope:ResourceServerScope", "m2m-api-admin");
    assert.deepEqual(one.inputs, {
        resourceServerIdentifier: "https://api.example.com/",
        scope: "admin:data",
        description: "Administer data",
    });
    const [c] = registrationsOf("auth0:index/clientCredentials:ClientCredentials", "m2m-credentials");
    assert.deepEqual(c.inputs, { clientId: "m2m-service-id", authenticationMethod: "client_secret_post" });

    // Plain lookups: a Promise of the typed result.
    const byName: auth0.GetClientResult = await auth0.getClient({ name: "Service Client" });
    assert.equal(byName.clientId, "cid-by-name");
    assert.equal(byName.clientSecret, "not-a-real-secret");
    const mobile: auth0.types.output.GetClientMobile = byName.mobiles[0];
    assert.equal(mobile.androids[0].appPackageName, "com.example");
    const clients: auth0.GetClientsResult = await auth0.getClients({ nameFilter: "Service", appTypes: ["non_interactive"] });
    const first: auth0.types.output.GetClientsClient = clients.clients[0];
    assert.equal(first.clientId, "cid-1");
    const apiRead: auth0.GetResourceServerResult = await auth0.getResourceServer({ identifier: "https://api.example.com/" });
    const scope: auth0.types.output.GetResourceServerScope = apiRead.scopes[0];
    assert.equal(scope.name, "read:data");
    assert.equal(apiRead.tokenLifetime, 86400);
    const grants: auth0.GetClientGrantsResult = await auth0.getClientGrants({ clientId: "cid-1" });
    const g0: auth0.types.output.GetClientGrantsClientGrant = grants.clientGrants[0];
    assert.deepEqual(g0.scopes, ["read:data"]);

    // Output lookups take other resources' outputs.
    const byId = await valueOf(auth0.getClientOutput({ clientId: client.id }));
    assert.equal(byId.clientId, "m2m-service-id");
    const clientsOut = await valueOf(auth0.getClientsOutput({ nameFilter: client.name }));
    assert.equal(clientsOut.clients.length, 1);
    const apiOut = await valueOf(auth0.getResourceServerOutput({ identifier: api.identifier }));
    assert.equal(apiOut.identifier, "https://api.example.com/");
    const grantsOut = await valueOf(auth0.getClientGrantsOutput({ clientId: client.id, audience: api.identifier }));
    assert.equal(grantsOut.clientGrants[0].clientId, "m2m-service-id");

    const sent = (token: string) => invoked.filter((i) => i.token === token).map((i) => i.inputs);
    assert.deepEqual(sent("auth0:index/getClient:getClient"), [{ name: "Service Client" }, { clientId: "m2m-service-id" }]);
    assert.deepEqual(sent("auth0:index/getClients:getClients"), [
        { nameFilter: "Service", appTypes: ["non_interactive"] },
        { nameFilter: "Service Client" },
    ]);
    assert.deepEqual(sent("auth0:index/getResourceServer:getResourceServer"), [
        { identifier: "https://api.example.com/" },
        { identifier: "https://api.example.com/" },
    ]);
    assert.deepEqual(sent("auth0:index/getClientGrants:getClientGrants"), [
        { clientId: "cid-1" },
        { clientId: "m2m-service-id", audience: "https://api.example.com/" },
    ]);
});
