// The generated TypeScript SDK (sdk/nodejs) in the real @pulumi/pulumi runtime, with mocks, no engine.
// Run with `make sdk-test-nodejs`: tsc (strict) compiles the SDK and this file, then `node --test` runs it.

import * as pulumi from "@pulumi/pulumi";
import { test } from "node:test";
import * as assert from "node:assert/strict";

const DOMAIN = "tenant.example.auth0.com";
const registered: pulumi.runtime.MockResourceArgs[] = [];

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
            return args.inputs;
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
