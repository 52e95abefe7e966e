# A richer program for the migration test, written for the official pulumi-auth0 v3 SDK: nested
# client settings (JWT, refresh tokens, mobile, native social login, OIDC logout), metadata, an API
# with HS256 signing and a secret signing key from config, subject-type authorization, and grants
# for both subject types.
import pulumi
import pulumi_auth0 as auth0

config = pulumi.Config()

api = auth0.ResourceServer('orders-api',
    name='Orders API',
    identifier='https://orders.example.com/',
    signing_alg='HS256',
    signing_secret=config.require_secret('ordersSigningSecret'),
    token_lifetime=7200,
    token_lifetime_for_web=3600,
    allow_offline_access=True,
    skip_consent_for_verifiable_first_party_clients=True,
    subject_type_authorization={
        'user': {'policy': 'require_client_grant'},
        'client': {'policy': 'require_client_grant'},
    },
)

web = auth0.Client('orders-web',
    name='Orders Web',
    description='The orders dashboard',
    app_type='regular_web',
    callbacks=['https://orders.example.com/callback'],
    allowed_logout_urls=['https://orders.example.com/'],
    web_origins=['https://orders.example.com'],
    grant_types=['authorization_code', 'refresh_token'],
    oidc_conformant=True,
    client_metadata={
        'team': 'orders',
        'tier': 'gold',
    },
    jwt_configuration={
        'alg': 'RS256',
        'lifetime_in_seconds': 3600,
    },
    refresh_token={
        'rotation_type': 'rotating',
        'expiration_type': 'expiring',
        'leeway': 15,
        'token_lifetime': 86400,
        'idle_token_lifetime': 43200,
        'infinite_token_lifetime': False,
        'infinite_idle_token_lifetime': False,
    },
    mobile={
        'android': {
            'app_package_name': 'com.example.orders',
            'sha256_cert_fingerprints': ['DE:AD:BE:EF'],
        },
        'ios': {
            'team_id': 'ABCDE12345',
            'app_bundle_identifier': 'com.example.orders',
        },
    },
    native_social_login={
        'apple': {'enabled': True},
        'facebook': {'enabled': False},
    },
    oidc_logout={
        'backchannel_logout_urls': ['https://orders.example.com/logout/backchannel'],
    },
)

worker = auth0.Client('orders-worker',
    name='Orders Worker',
    app_type='non_interactive',
    grant_types=['client_credentials'],
    client_metadata={'team': 'orders'},
)

worker_grant = auth0.ClientGrant('orders-worker-grant',
    client_id=worker.client_id,
    audience=api.identifier,
    scopes=['read:orders', 'write:orders'],
    subject_type='client',
)

web_user_grant = auth0.ClientGrant('orders-web-user-grant',
    client_id=web.client_id,
    audience=api.identifier,
    scopes=['read:orders'],
    subject_type='user',
)

pulumi.export('web_client_id', web.client_id)
pulumi.export('worker_client_id', worker.client_id)
pulumi.export('api_identifier', api.identifier)
