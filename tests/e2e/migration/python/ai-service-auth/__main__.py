# The brief's ai_service_auth.py as it must be written for the official pulumi-auth0 v3 SDK, so that
# a stack can start on the official provider: v3 has no ResourceServer `scopes` input and no
# ClientGrant `scope` alias, so the API is declared without inline scopes and the grant uses
# `scopes`; the API has an identifier of its own (the tenant's Management API identifier is taken).
import pulumi
import pulumi_auth0 as auth0

api_identifier = 'https://ai-service.example.com/'

client = auth0.Client('service-client',
    name='Service Client',
    app_type='non_interactive',
    grant_types=['client_credentials'],
    client_metadata={
        'audience': api_identifier
    }
)

api = auth0.ResourceServer('service-api',
    name='AI Service API',
    identifier=api_identifier,
)

client_grant = auth0.ClientGrant('client-grant',
    audience=api.identifier,
    client_id=client.client_id,
    scopes=["read:data", "write:data"]
)

pulumi.export('service_client_id', client.client_id)
pulumi.export('service_api_id', api.identifier)
