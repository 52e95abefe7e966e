// The AI service-to-service example in Go: a machine-to-machine client, the API it calls (with an
// identifier of its own, not the tenant's Management API identifier) and the grant of read:data
// and write:data between them.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	auth0 "github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0"
)

const apiIdentifier = "https://ai-service.example.com/"

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		client, err := auth0.NewClient(ctx, "service-client", &auth0.ClientArgs{
			Name:           pulumi.String("Service Client"),
			AppType:        pulumi.String("non_interactive"),
			GrantTypes:     pulumi.StringArray{pulumi.String("client_credentials")},
			ClientMetadata: pulumi.StringMap{"audience": pulumi.String(apiIdentifier)},
		})
		if err != nil {
			return err
		}

		api, err := auth0.NewResourceServer(ctx, "service-api", &auth0.ResourceServerArgs{
			Name:       pulumi.String("AI Service API"),
			Identifier: pulumi.String(apiIdentifier),
			Scopes: auth0.ResourceServerScopeTypeArray{
				auth0.ResourceServerScopeTypeArgs{Value: pulumi.String("read:data"), Description: pulumi.String("Read data")},
				auth0.ResourceServerScopeTypeArgs{Value: pulumi.String("write:data"), Description: pulumi.String("Write data")},
			},
		})
		if err != nil {
			return err
		}

		grant, err := auth0.NewClientGrant(ctx, "client-grant", &auth0.ClientGrantArgs{
			ClientId: client.ClientId,
			Audience: api.Identifier,
			Scopes:   pulumi.StringArray{pulumi.String("read:data"), pulumi.String("write:data")},
		})
		if err != nil {
			return err
		}

		ctx.Export("serviceClientId", client.ClientId)
		ctx.Export("serviceClientSecret", client.ClientSecret)
		ctx.Export("serviceApiId", api.Identifier)
		ctx.Export("clientGrantId", grant.ID())
		return nil
	})
}
