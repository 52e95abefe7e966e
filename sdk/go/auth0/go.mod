module github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0

go 1.22

require (
	github.com/blang/semver v3.5.1+incompatible
	github.com/pulumi/pulumi/sdk/v3 v3.260.0
)
