# The corrected ai_service_auth.py: the API gets an identifier of its own instead of the tenant's
# Management API identifier (https://{YOUR_AUTH0_DOMAIN}/api/v2/), which Auth0 refuses with 409.
# The client asks for tokens for this API, and the grant lets it have read:data and write:data.
import pulumi
import pulumi_auth0 as auth0

api_identifier = 'https://ai-service.example.com/'

# Creating an Auth0 client for the consuming service.
client = auth0.Client('service-client',
    name='Service Client',
    app_type='non_interactive',
    grant_types=['client_credentials'],
    client_metadata={
        'audience': api_identifier
    }
)

# Creating an Auth0 resource server (API) that will validate the tokens.
api = auth0.ResourceServer('service-api',
    name='AI Service API',
    identifier=api_identifier,
    scopes=[{
        'description': 'Read data',
        'value': 'read:data'
    }, {
        'description': 'Write data',
        'value': 'write:data'
    }]
)

# Letting the client get tokens for the API with both scopes.
client_grant = auth0.ClientGrant('client-grant',
    audience=api.identifier,
    client_id=client.client_id,
    scope=["read:data", "write:data"]
)

pulumi.export('service_client_id', client.client_id)
pulumi.export('service_client_secret', client.client_secret)
pulumi.export('service_api_id', api.identifier)
