"""A service that calls an API with the client-credentials grant, written the way programs for
the official pulumi-auth0 v3 are: scopes and credentials as resources of their own."""

import pulumi
import pulumi_auth0 as auth0

API_IDENTIFIER = "https://toolkit.example.com/"

service = auth0.Client(
    "service",
    name="Toolkit Service",
    app_type="non_interactive",
    grant_types=["client_credentials"],
)

api = auth0.ResourceServer(
    "api",
    name="Toolkit API",
    identifier=API_IDENTIFIER,
    signing_alg="RS256",
)

# The API's scopes, owned here rather than on the ResourceServer (whose `scopes` stays unset).
api_scopes = auth0.ResourceServerScopes(
    "api-scopes",
    resource_server_identifier=api.identifier,
    scopes=[
        auth0.ResourceServerScopesScopeArgs(name="read:data", description="Read data"),
        auth0.ResourceServerScopesScopeArgs(name="write:data", description="Write data"),
    ],
)

grant = auth0.ClientGrant(
    "service-grant",
    client_id=service.client_id,
    audience=api.identifier,
    scopes=["read:data", "write:data"],
    opts=pulumi.ResourceOptions(depends_on=[api_scopes]),
)

credentials = auth0.ClientCredentials(
    "service-credentials",
    client_id=service.client_id,
    authentication_method="client_secret_post",
)

# The official way to read a client's secret (pulumi-auth0#314): look the client up.
looked_up = auth0.get_client_output(client_id=credentials.client_id)

pulumi.export("client_id", service.client_id)
pulumi.export("client_secret", looked_up.client_secret)
pulumi.export("token_endpoint_auth_method", looked_up.token_endpoint_auth_method)
pulumi.export("api_identifier", api.identifier)
pulumi.export("grant_id", grant.id)
