// The generated Go SDK (sdk/go/auth0) in the real Pulumi Go runtime, with mocks, no engine.
// Run with `make sdk-test-go`.
package sdktest

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	auth0 "github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0"
	"github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0/config"
)

const domain = "tenant.example.auth0.com"

// recordingMocks keeps every registration and answers like a provider, with computed outputs filled in.
type recordingMocks struct {
	mu         sync.Mutex
	registered []pulumi.MockResourceArgs
}

func (m *recordingMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.registered = append(m.registered, args)
	m.mu.Unlock()
	state := args.Inputs.Copy()
	if args.TypeToken == "auth0:index/client:Client" {
		if _, ok := state["clientId"]; !ok {
			state["clientId"] = resource.NewStringProperty("cid-" + args.Name)
		}
		state["clientSecret"] = resource.NewStringProperty("not-a-real-secret")
	}
	if args.ID != "" {
		state["name"] = resource.NewStringProperty("existing")
		state["clientId"] = resource.NewStringProperty(args.ID)
		return args.ID, state, nil
	}
	return args.Name + "-id", state, nil
}

func (m *recordingMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

func (m *recordingMocks) only(t *testing.T, typ, name string) pulumi.MockResourceArgs {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	var found []pulumi.MockResourceArgs
	for _, r := range m.registered {
		if r.TypeToken == typ && r.Name == name {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s named %s, got %d", typ, name, len(found))
	}
	return found[0]
}

func run(t *testing.T, program pulumi.RunFunc) *recordingMocks {
	t.Helper()
	mocks := &recordingMocks{}
	if err := pulumi.RunErr(program, pulumi.WithMocks("sdk-test", "test", mocks)); err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return mocks
}

func TestServiceAuthProgramRegistersClientApiAndGrantWithWireNames(t *testing.T) {
	mocks := run(t, func(ctx *pulumi.Context) error {
		client, err := auth0.NewClient(ctx, "service-client", &auth0.ClientArgs{
			Name:           pulumi.StringPtr("Service Client"),
			AppType:        pulumi.StringPtr("non_interactive"),
			GrantTypes:     pulumi.StringArray{pulumi.String("client_credentials")},
			ClientMetadata: pulumi.StringMap{"audience": pulumi.String("https://" + domain + "/api/v2/")},
		})
		if err != nil {
			return err
		}
		api, err := auth0.NewResourceServer(ctx, "service-api", &auth0.ResourceServerArgs{
			Identifier: pulumi.String("https://" + domain + "/api/v2/"),
			Scopes: auth0.ResourceServerScopeTypeArray{
				auth0.ResourceServerScopeTypeArgs{Description: pulumi.StringPtr("Read data"), Value: pulumi.String("read:data")},
				auth0.ResourceServerScopeTypeArgs{Description: pulumi.StringPtr("Write data"), Value: pulumi.String("write:data")},
			},
		})
		if err != nil {
			return err
		}
		_, err = auth0.NewClientGrant(ctx, "client-grant", &auth0.ClientGrantArgs{
			Audience: api.Identifier,
			ClientId: client.ClientId,
			Scope:    pulumi.StringArray{pulumi.String("read:data"), pulumi.String("write:data")},
		})
		return err
	})

	c := mocks.only(t, "auth0:index/client:Client", "service-client").Inputs.Mappable()
	if c["name"] != "Service Client" || c["appType"] != "non_interactive" || c["description"] != "Managed by Pulumi" {
		t.Errorf("client inputs: %v", c)
	}
	if md, _ := c["clientMetadata"].(map[string]interface{}); md["audience"] != "https://"+domain+"/api/v2/" {
		t.Errorf("clientMetadata: %v", c["clientMetadata"])
	}
	a := mocks.only(t, "auth0:index/resourceServer:ResourceServer", "service-api").Inputs.Mappable()
	scopes, _ := a["scopes"].([]interface{})
	if len(scopes) != 2 || scopes[0].(map[string]interface{})["value"] != "read:data" || scopes[1].(map[string]interface{})["description"] != "Write data" {
		t.Errorf("scopes: %v", a["scopes"])
	}
	g := mocks.only(t, "auth0:index/clientGrant:ClientGrant", "client-grant").Inputs.Mappable()
	if g["audience"] != "https://"+domain+"/api/v2/" || g["clientId"] != "cid-service-client" {
		t.Errorf("grant inputs: %v", g)
	}
	if got := g["scope"].([]interface{}); len(got) != 2 || got[0] != "read:data" {
		t.Errorf("grant scope: %v", g["scope"])
	}
}

func TestOutputsAreTypedAndGetReadsAnExistingClient(t *testing.T) {
	var lifetime int
	var firstScope string
	var importedName, importedID string
	mocks := run(t, func(ctx *pulumi.Context) error {
		api, err := auth0.NewResourceServer(ctx, "typed-api", &auth0.ResourceServerArgs{
			Identifier:    pulumi.String("https://typed.example.com/"),
			TokenLifetime: pulumi.IntPtr(3600),
			Scopes:        auth0.ResourceServerScopeTypeArray{auth0.ResourceServerScopeTypeArgs{Value: pulumi.String("read:data")}},
		})
		if err != nil {
			return err
		}
		api.TokenLifetime.ApplyT(func(v int) int { lifetime = v; return v })
		api.Scopes.Index(pulumi.Int(0)).Value().ApplyT(func(v string) string { firstScope = v; return v })
		existing, err := auth0.GetClient(ctx, "imported", pulumi.ID("abc123"), nil)
		if err != nil {
			return err
		}
		existing.Name.ApplyT(func(v string) string { importedName = v; return v })
		existing.ClientId.ApplyT(func(v string) string { importedID = v; return v })
		return nil
	})
	if lifetime != 3600 || firstScope != "read:data" {
		t.Errorf("typed outputs: lifetime=%d firstScope=%q", lifetime, firstScope)
	}
	if importedName != "existing" || importedID != "abc123" {
		t.Errorf("get: name=%q clientId=%q", importedName, importedID)
	}
	if got := mocks.only(t, "auth0:index/client:Client", "imported").ID; got != "abc123" {
		t.Errorf("get read id %q", got)
	}
}

func TestAMissingRequiredInputFailsNamingIt(t *testing.T) {
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := auth0.NewClientGrant(ctx, "no-audience", &auth0.ClientGrantArgs{ClientId: pulumi.StringPtr("abc")})
		return err
	}, pulumi.WithMocks("sdk-test", "test", &recordingMocks{}))
	if err == nil || !strings.Contains(err.Error(), "Audience") {
		t.Fatalf("want an error naming Audience, got %v", err)
	}
}

func TestProviderSendsNonStringConfigAsJSON(t *testing.T) {
	mocks := run(t, func(ctx *pulumi.Context) error {
		_, err := auth0.NewProvider(ctx, "p", &auth0.ProviderArgs{
			Domain:               pulumi.StringPtr(domain),
			Debug:                pulumi.BoolPtr(true),
			RateLimitWaitSeconds: pulumi.IntPtr(30),
		})
		return err
	})
	p := mocks.only(t, "pulumi:providers:auth0", "p").Inputs.Mappable()
	if p["domain"] != domain || p["debug"] != "true" || p["rateLimitWaitSeconds"] != "30" {
		t.Errorf("provider inputs: %v", p)
	}
}

func TestConfigFallsBackToEnvironmentVariablesAndDefaults(t *testing.T) {
	t.Setenv("AUTH0_DOMAIN", "from-env.example.com")
	t.Setenv("AUTH0_DEBUG", "true")
	var gotDomain string
	var gotDebug bool
	var gotWait int
	run(t, func(ctx *pulumi.Context) error {
		gotDomain = config.GetDomain(ctx)
		gotDebug = config.GetDebug(ctx)
		gotWait = config.GetRateLimitWaitSeconds(ctx)
		return nil
	})
	if gotDomain != "from-env.example.com" || !gotDebug || gotWait != 300 {
		t.Errorf("config: domain=%q debug=%v rateLimitWaitSeconds=%d", gotDomain, gotDebug, gotWait)
	}
}
