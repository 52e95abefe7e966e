"""The program `make bench` runs through the real CLI with each provider: `bench:groups` groups of
an API, a machine-to-machine client and a grant between them, and `bench:clients` more clients
alone. It is written against the official SDK's API, so the same text runs with either SDK."""

import pulumi
import pulumi_auth0 as auth0

config = pulumi.Config("bench")
groups = config.get_int("groups") or 0
clients = config.get_int("clients") or 0

for i in range(groups):
    api = auth0.ResourceServer(
        f"api-{i}",
        name=f"Bench API {i}",
        identifier=f"https://api-{i}.bench.example.com/",
        signing_alg="RS256",
        token_lifetime=3600,
    )
    client = auth0.Client(
        f"client-{i}",
        name=f"Bench client {i}",
        app_type="non_interactive",
        grant_types=["client_credentials"],
    )
    auth0.ClientGrant(f"grant-{i}", client_id=client.client_id, audience=api.identifier, scopes=[])

for i in range(clients):
    auth0.Client(
        f"service-{i}",
        name=f"Bench service {i}",
        app_type="non_interactive",
        grant_types=["client_credentials"],
    )
