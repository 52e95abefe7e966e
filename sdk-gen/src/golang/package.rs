//! The package-level Go files: config getters, init.go, doc.go, the version file and go.mod.

use super::{comment, env_or_default, lit, scalar, Go, HEADER};
use crate::render::Text;
use crate::Options;

impl Go<'_> {
    pub(super) fn config(&self) -> String {
        let mut t = Text::new();
        t.push(HEADER);
        t.line("package config");
        t.blank();
        t.line("import (");
        t.line("\t\"github.com/pulumi/pulumi/sdk/v3/go/pulumi\"");
        t.line("\t\"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config\"");
        t.line(&format!(
            "\t{}",
            lit(&format!("{}/internal", self.pkg.go_import_path))
        ));
        t.line(")");
        t.blank();
        t.line("var (");
        t.line("\t_ = internal.GetEnvOrDefault");
        t.line("\t_ *pulumi.Context");
        t.line("\t_ = config.Try");
        t.line(")");
        t.blank();
        for p in &self.pkg.config {
            let (try_fn, plain, family) = match scalar(&p.ty, self.pkg) {
                Some(("Bool", _)) => ("TryBool", "bool", "Bool"),
                Some(("Int", _)) => ("TryInt", "int", "Int"),
                Some(("Float64", _)) => ("TryFloat64", "float64", "Float64"),
                Some(_) | None => ("Try", "string", "String"),
            };
            comment(&mut t, "", &p.description, p.deprecation.as_deref());
            t.line(&format!(
                "func Get{}(ctx *pulumi.Context) {plain} {{",
                p.go_name()
            ));
            t.line(&format!(
                "\tv, err := config.{try_fn}(ctx, {})",
                lit(&format!("{}:{}", self.pkg.name, p.name))
            ));
            t.line("\tif err == nil {");
            t.line("\t\treturn v");
            t.line("\t}");
            t.line(&format!("\tvar value {plain}"));
            if p.default.is_some() || !p.default_env.is_empty() {
                t.line(&format!(
                    "\tif d := {}; d != nil {{",
                    env_or_default(p, family)
                ));
                t.line(&format!("\t\tvalue = d.({plain})"));
                t.line("\t}");
            }
            t.line("\treturn value");
            t.line("}");
            t.blank();
        }
        t.finish_trimmed()
    }

    pub(super) fn init(&self) -> String {
        let mut t = Text::new();
        self.imports(&mut t, &["fmt", "github.com/blang/semver"]);
        t.line("// module rebuilds resources of this package from their URN (stack references, imports).");
        t.line("type module struct {");
        t.line("\tversion semver.Version");
        t.line("}");
        t.blank();
        t.line("func (m *module) Version() semver.Version {");
        t.line("\treturn m.version");
        t.line("}");
        t.blank();
        t.line("func (m *module) Construct(ctx *pulumi.Context, name, typ, urn string) (r pulumi.Resource, err error) {");
        t.line("\tswitch typ {");
        for r in &self.pkg.resources {
            t.line(&format!("\tcase {}:", lit(&r.token)));
            t.line(&format!("\t\tr = &{}{{}}", r.name));
        }
        t.line("\tdefault:");
        t.line("\t\treturn nil, fmt.Errorf(\"unknown resource type: %s\", typ)");
        t.line("\t}");
        t.blank();
        t.line("\terr = ctx.RegisterResource(typ, name, nil, r, pulumi.URN_(urn))");
        t.line("\treturn");
        t.line("}");
        t.blank();
        t.line("type pkg struct {");
        t.line("\tversion semver.Version");
        t.line("}");
        t.blank();
        t.line("func (p *pkg) Version() semver.Version {");
        t.line("\treturn p.version");
        t.line("}");
        t.blank();
        t.line("func (p *pkg) ConstructProvider(ctx *pulumi.Context, name, typ, urn string) (pulumi.ProviderResource, error) {");
        t.line(&format!("\tif typ != {} {{", lit(&self.pkg.provider.token)));
        t.line("\t\treturn nil, fmt.Errorf(\"unknown provider type: %s\", typ)");
        t.line("\t}");
        t.blank();
        t.line("\tr := &Provider{}");
        t.line("\terr := ctx.RegisterResource(typ, name, nil, r, pulumi.URN_(urn))");
        t.line("\treturn r, err");
        t.line("}");
        t.blank();
        t.line("func init() {");
        t.line("\tversion, err := internal.PkgVersion()");
        t.line("\tif err != nil {");
        t.line("\t\tversion = semver.Version{Major: 1}");
        t.line("\t}");
        t.line(&format!(
            "\tpulumi.RegisterResourceModule({}, \"index\", &module{{version}})",
            lit(&self.pkg.name)
        ));
        t.line(&format!(
            "\tpulumi.RegisterResourcePackage({}, &pkg{{version}})",
            lit(&self.pkg.name)
        ));
        t.line("}");
        t.finish_trimmed()
    }

    pub(super) fn doc(&self) -> String {
        let mut t = Text::new();
        t.push(HEADER);
        comment(
            &mut t,
            "",
            &format!(
                "Package {} is the Go SDK for the {} Pulumi provider.\n\n{}",
                self.pkg.go_package(),
                self.pkg.display_name,
                self.pkg.description.trim()
            ),
            None,
        );
        t.line(&format!("package {}", self.pkg.go_package()));
        t.finish_trimmed()
    }

    pub(super) fn version_file(&self) -> String {
        let url = self.pkg.plugin_download_url.clone().unwrap_or_default();
        format!(
            "{HEADER}package internal\n\nconst version = {}\n\nconst pluginDownloadURL = {}\n",
            lit(&self.pkg.version),
            lit(&url)
        )
    }

    pub(super) fn go_mod(&self, opts: &Options) -> String {
        format!(
            "module {}\n\ngo 1.22\n\nrequire (\n\tgithub.com/blang/semver v3.5.1+incompatible\n\tgithub.com/pulumi/pulumi/sdk/v3 v{}\n)\n",
            self.pkg.go_import_path, opts.pulumi_version
        )
    }
}
