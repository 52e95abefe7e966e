// The generated Go SDK (sdk/go/auth0) in the real Pulumi Go runtime, with mocks, no engine.
// Run with `make sdk-test-go`.
package sdktest

import (
	"reflect"
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
	invoked    []pulumi.MockCallArgs
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

// Call answers invokes like the provider would, in wire names, and records what was sent.
func (m *recordingMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invoked = append(m.invoked, args)
	m.mu.Unlock()
	in := args.Args.Mappable()
	str := func(k, def string) string {
		if v, ok := in[k].(string); ok {
			return v
		}
		return def
	}
	var out map[string]interface{}
	switch args.Token {
	case "auth0:index/getClient:getClient":
		out = map[string]interface{}{
			"id": str("clientId", "cid-by-name"), "clientId": str("clientId", "cid-by-name"),
			"name": str("name", "Service Client"), "appType": "non_interactive",
			"mobiles": []interface{}{map[string]interface{}{
				"androids": []interface{}{map[string]interface{}{"appPackageName": "com.example"}},
			}},
		}
	case "auth0:index/getClients:getClients":
		out = map[string]interface{}{
			"id": "clients-lookup", "nameFilter": str("nameFilter", ""),
			"clients": []interface{}{map[string]interface{}{"clientId": "cid-1", "name": "Service Client"}},
		}
	case "auth0:index/getResourceServer:getResourceServer":
		out = map[string]interface{}{
			"id": "rs-1", "identifier": str("identifier", "https://api.example.com/"), "tokenLifetime": 86400,
			"scopes": []interface{}{map[string]interface{}{"name": "read:data", "description": "Read data"}},
		}
	case "auth0:index/getClientGrants:getClientGrants":
		out = map[string]interface{}{
			"id": "grants-lookup",
			"clientGrants": []interface{}{map[string]interface{}{
				"id": "cgr-1", "clientId": str("clientId", "cid-1"), "audience": "https://api.example.com/",
				"scopes": []interface{}{"read:data"},
			}},
		}
	default:
		return resource.PropertyMap{}, nil
	}
	return resource.NewPropertyMapFromMap(out), nil
}

func (m *recordingMocks) invokesOf(token string) []map[string]interface{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	var found []map[string]interface{}
	for _, c := range m.invoked {
		if c.Token == token {
			found = append(found, c.Args.Mappable())
		}
	}
	return found
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

// The machine-to-machine toolkit in the official v3 style: scopes in ResourceServerScopes or
// ResourceServerScope, the authentication method in ClientCredentials, lookups with Lookup*/Get*.
func TestM2MToolkitRegistersTheNewResourcesAndSendsTheLookupsWithWireNames(t *testing.T) {
	var byName *auth0.LookupClientResult
	var clients *auth0.GetClientsResult
	var apiRead *auth0.LookupResourceServerResult
	var grants *auth0.GetClientGrantsResult
	var byIDClientID, firstClientName, firstGrantClient, apiOutIdentifier, firstScopeName string
	mocks := run(t, func(ctx *pulumi.Context) error {
		client, err := auth0.NewClient(ctx, "service", &auth0.ClientArgs{
			Name:       pulumi.StringPtr("Service Client"),
			AppType:    pulumi.StringPtr("non_interactive"),
			GrantTypes: pulumi.StringArray{pulumi.String("client_credentials")},
		})
		if err != nil {
			return err
		}
		api, err := auth0.NewResourceServer(ctx, "api", &auth0.ResourceServerArgs{
			Name:       pulumi.StringPtr("API"),
			Identifier: pulumi.String("https://api.example.com/"),
		})
		if err != nil {
			return err
		}
		scopes, err := auth0.NewResourceServerScopes(ctx, "api-scopes", &auth0.ResourceServerScopesArgs{
			ResourceServerIdentifier: api.Identifier,
			Scopes: auth0.ResourceServerScopesScopeArray{
				auth0.ResourceServerScopesScopeArgs{Name: pulumi.String("read:data"), Description: pulumi.StringPtr("Read data")},
				auth0.ResourceServerScopesScopeArgs{Name: pulumi.String("write:data")},
			},
		})
		if err != nil {
			return err
		}
		if _, err = auth0.NewResourceServerScope(ctx, "api-admin", &auth0.ResourceServerScopeArgs{
			ResourceServerIdentifier: api.Identifier,
			Scope:                    pulumi.String("admin:data"),
			Description:              pulumi.StringPtr("Administer data"),
		}); err != nil {
			return err
		}
		if _, err = auth0.NewClientGrant(ctx, "grant", &auth0.ClientGrantArgs{
			ClientId: client.ID().ToStringOutput(),
			Audience: api.Identifier,
			Scopes:   pulumi.StringArray{pulumi.String("read:data")},
		}, pulumi.DependsOn([]pulumi.Resource{scopes})); err != nil {
			return err
		}
		if _, err = auth0.NewClientCredentials(ctx, "credentials", &auth0.ClientCredentialsArgs{
			ClientId:             client.ID().ToStringOutput(),
			AuthenticationMethod: pulumi.StringPtr("client_secret_post"),
		}); err != nil {
			return err
		}
		// Plain lookups.
		if byName, err = auth0.LookupClient(ctx, &auth0.LookupClientArgs{Name: pulumi.StringRef("Service Client")}); err != nil {
			return err
		}
		if clients, err = auth0.GetClients(ctx, &auth0.GetClientsArgs{NameFilter: pulumi.StringRef("Service"), AppTypes: []string{"non_interactive"}}); err != nil {
			return err
		}
		if apiRead, err = auth0.LookupResourceServer(ctx, &auth0.LookupResourceServerArgs{Identifier: pulumi.StringRef("https://api.example.com/")}); err != nil {
			return err
		}
		if grants, err = auth0.GetClientGrants(ctx, &auth0.GetClientGrantsArgs{ClientId: pulumi.StringRef("cid-1")}); err != nil {
			return err
		}
		// Output lookups take other resources' outputs.
		auth0.LookupClientOutput(ctx, auth0.LookupClientOutputArgs{ClientId: client.ID().ToStringOutput()}).
			ClientId().ApplyT(func(v *string) string { byIDClientID = *v; return *v })
		auth0.GetClientsOutput(ctx, auth0.GetClientsOutputArgs{NameFilter: client.Name}).
			Clients().Index(pulumi.Int(0)).Name().ApplyT(func(v *string) string { firstClientName = *v; return *v })
		auth0.LookupResourceServerOutput(ctx, auth0.LookupResourceServerOutputArgs{Identifier: api.Identifier}).
			ApplyT(func(r auth0.LookupResourceServerResult) string {
				apiOutIdentifier = *r.Identifier
				firstScopeName = r.Scopes[0].Name
				return apiOutIdentifier
			})
		auth0.GetClientGrantsOutput(ctx, auth0.GetClientGrantsOutputArgs{ClientId: client.ID().ToStringOutput(), Audience: api.Identifier}).
			ClientGrants().Index(pulumi.Int(0)).ClientId().ApplyT(func(v string) string { firstGrantClient = v; return v })
		return nil
	})

	s := mocks.only(t, "auth0:index/resourceServerScopes:ResourceServerScopes", "api-scopes").Inputs.Mappable()
	want := map[string]interface{}{
		"resourceServerIdentifier": "https://api.example.com/",
		"scopes": []interface{}{
			map[string]interface{}{"name": "read:data", "description": "Read data"},
			map[string]interface{}{"name": "write:data"},
		},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("ResourceServerScopes inputs: %v", s)
	}
	one := mocks.only(t, "auth0:index/resourceServerScope:ResourceServerScope", "api-admin").Inputs.Mappable()
	if one["scope"] != "admin:data" || one["resourceServerIdentifier"] != "https://api.example.com/" || one["description"] != "Administer data" {
		t.Errorf("ResourceServerScope inputs: %v", one)
	}
	c := mocks.only(t, "auth0:index/clientCredentials:ClientCredentials", "credentials").Inputs.Mappable()
	if !reflect.DeepEqual(c, map[string]interface{}{"clientId": "service-id", "authenticationMethod": "client_secret_post"}) {
		t.Errorf("ClientCredentials inputs: %v", c)
	}

	if byName.ClientId == nil || *byName.ClientId != "cid-by-name" || byName.Mobiles[0].Androids[0].AppPackageName != "com.example" {
		t.Errorf("LookupClient: %+v", byName)
	}
	if clients.Id != "clients-lookup" || clients.Clients[0].ClientId == nil || *clients.Clients[0].ClientId != "cid-1" {
		t.Errorf("GetClients: %+v", clients)
	}
	if apiRead.TokenLifetime != 86400 || apiRead.Scopes[0].Name != "read:data" {
		t.Errorf("LookupResourceServer: %+v", apiRead)
	}
	if grants.ClientGrants[0].Id != "cgr-1" || grants.ClientGrants[0].Scopes[0] != "read:data" {
		t.Errorf("GetClientGrants: %+v", grants)
	}
	if byIDClientID != "service-id" || firstClientName != "Service Client" || firstGrantClient != "service-id" || apiOutIdentifier != "https://api.example.com/" || firstScopeName != "read:data" {
		t.Errorf("output lookups: clientId=%q grant client=%q api=%q scope=%q", byIDClientID, firstGrantClient, apiOutIdentifier, firstScopeName)
	}

	sent := func(token string) []map[string]interface{} { return mocks.invokesOf(token) }
	wantSent := map[string][]map[string]interface{}{
		"auth0:index/getClient:getClient": {{"name": "Service Client"}, {"clientId": "service-id"}},
		"auth0:index/getClients:getClients": {
			{"nameFilter": "Service", "appTypes": []interface{}{"non_interactive"}},
			{"nameFilter": "Service Client"},
		},
		"auth0:index/getResourceServer:getResourceServer": {{"identifier": "https://api.example.com/"}, {"identifier": "https://api.example.com/"}},
		"auth0:index/getClientGrants:getClientGrants":     {{"clientId": "cid-1"}, {"clientId": "service-id", "audience": "https://api.example.com/"}},
	}
	for token, want := range wantSent {
		if got := sent(token); !reflect.DeepEqual(got, want) {
			t.Errorf("%s sent %v, want %v", token, got, want)
		}
	}
}
