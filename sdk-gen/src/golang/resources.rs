//! One Go file per resource: NewX/GetX, the State and Args types, defaults and the X input/output types.

use super::{comment, env_or_default, lit, lower_first, scalar, Go};
use crate::model::{Property, Resource, SchemaError, TypeRef};
use crate::render::Text;

impl Go<'_> {
    pub(super) fn resource(&self, r: &Resource) -> Result<String, SchemaError> {
        let mut t = Text::new();
        let mut extra = vec!["context", "reflect"];
        let json_encoded = |p: &Property| scalar(&p.ty, self.pkg).map(|s| s.0) != Some("String");
        if r.is_provider && r.inputs.iter().any(json_encoded) {
            extra.push("encoding/json");
        }
        if r.inputs.iter().any(|p| p.required) {
            extra.push("errors");
        }
        extra.sort();
        self.imports(&mut t, &extra);
        let name = &r.name;
        comment(&mut t, "", &r.description, r.deprecation.as_deref());
        t.line(&format!("type {name} struct {{"));
        t.line(if r.is_provider {
            "\tpulumi.ProviderResourceState"
        } else {
            "\tpulumi.CustomResourceState"
        });
        for p in &r.outputs {
            if r.is_provider && p.ty != TypeRef::String {
                continue;
            }
            t.blank();
            comment(&mut t, "\t", &p.description, p.deprecation.as_deref());
            t.line(&format!(
                "\t{} {} `pulumi:\"{}\"`",
                p.go_name(),
                self.output_type(&p.ty, p.required),
                p.name
            ));
        }
        t.line("}");
        t.blank();
        // Constructor.
        t.line(&format!("// New{name} registers a new resource with the given unique name, arguments, and options."));
        t.line(&format!(
            "func New{name}(ctx *pulumi.Context, name string, args *{name}Args, opts ...pulumi.ResourceOption) (*{name}, error) {{"
        ));
        let any_required = r.inputs.iter().any(|p| p.required);
        t.line("\tif args == nil {");
        if any_required {
            t.line("\t\treturn nil, errors.New(\"missing one or more required arguments\")");
        } else {
            t.line(&format!("\t\targs = &{name}Args{{}}"));
        }
        t.line("\t}");
        t.blank();
        for p in &r.inputs {
            let g = p.go_name();
            if p.required {
                t.line(&format!("\tif args.{g} == nil {{"));
                t.line(&format!(
                    "\t\treturn nil, errors.New(\"invalid value for required argument '{g}'\")"
                ));
                t.line("\t}");
            }
            if let Some(set) = self.default_assignment(p, &format!("args.{g}")) {
                t.line(&format!("\tif args.{g} == nil {{"));
                t.push(&set);
                t.line("\t}");
            }
            if p.secret {
                let ty = self.input_type(&p.ty, p.required).map_err(SchemaError)?;
                t.line(&format!("\tif args.{g} != nil {{"));
                t.line(&format!("\t\targs.{g} = pulumi.ToSecret(args.{g}).({ty})"));
                t.line("\t}");
            }
        }
        let secrets = r.secret_outputs();
        if !secrets.is_empty() {
            let list: Vec<String> = secrets.iter().map(|s| lit(s)).collect();
            t.line(&format!(
                "\tsecrets := pulumi.AdditionalSecretOutputs([]string{{{}}})",
                list.join(", ")
            ));
            t.line("\topts = append(opts, secrets)");
        }
        t.line("\topts = internal.PkgResourceDefaultOpts(opts)");
        t.line(&format!("\tvar resource {name}"));
        if r.is_provider {
            // The engine hands provider config to the plugin as strings; non-strings go as JSON.
            t.line("\tprops := pulumi.Map{}");
            for p in &r.inputs {
                let g = p.go_name();
                t.line(&format!("\tif args.{g} != nil {{"));
                if matches!(p.ty, TypeRef::String | TypeRef::Enum(_))
                    && scalar(&p.ty, self.pkg).map(|s| s.0) == Some("String")
                {
                    t.line(&format!("\t\tprops[{}] = args.{g}", lit(&p.name)));
                } else {
                    t.line(&format!(
                        "\t\tprops[{}] = pulumi.ToOutput(args.{g}).ApplyT(func(v interface{{}}) (string, error) {{",
                        lit(&p.name)
                    ));
                    t.line("\t\t\tb, err := json.Marshal(v)");
                    t.line("\t\t\treturn string(b), err");
                    t.line("\t\t})");
                }
                t.line("\t}");
            }
            t.line(&format!(
                "\terr := ctx.RegisterResource({}, name, props, &resource, opts...)",
                lit(&format!("pulumi:providers:{}", self.pkg.name))
            ));
        } else {
            t.line(&format!(
                "\terr := ctx.RegisterResource({}, name, args, &resource, opts...)",
                lit(&r.token)
            ));
        }
        return_resource(&mut t);
        if !r.is_provider {
            t.line(&format!("// Get{name} gets an existing {name} resource's state with the given name, ID, and optional"));
            t.line("// state properties that are used to uniquely qualify the lookup (nil if not required).");
            t.line(&format!(
                "func Get{name}(ctx *pulumi.Context, name string, id pulumi.IDInput, state *{name}State, opts ...pulumi.ResourceOption) (*{name}, error) {{"
            ));
            t.line(&format!("\tvar resource {name}"));
            t.line(&format!(
                "\terr := ctx.ReadResource({}, name, id, state, &resource, opts...)",
                lit(&r.token)
            ));
            return_resource(&mut t);
            self.args_pair(
                &mut t,
                &format!("{name}State"),
                &format!("Input properties used for looking up and filtering {name} resources."),
                &r.state,
                true,
            )?;
        }
        self.args_pair(
            &mut t,
            &format!("{name}Args"),
            &format!("The set of arguments for constructing a {name} resource."),
            &r.inputs,
            false,
        )?;
        // The resource as an input and output, for passing resources around.
        t.line(&format!("type {name}Input interface {{"));
        t.line("\tpulumi.Input");
        t.blank();
        t.line(&format!("\tTo{name}Output() {name}Output"));
        t.line(&format!(
            "\tTo{name}OutputWithContext(ctx context.Context) {name}Output"
        ));
        t.line("}");
        t.blank();
        let nil_ptr = format!("(**{name})(nil)");
        self.element_type(&mut t, &format!("*{name}"), &nil_ptr);
        self.to_output(&mut t, &format!("i *{name}"), &format!("{name}Output"));
        t.line(&format!(
            "type {name}Output struct{{ *pulumi.OutputState }}"
        ));
        t.blank();
        self.element_type(&mut t, &format!("{name}Output"), &nil_ptr);
        t.line(&format!(
            "func (o {name}Output) To{name}Output() {name}Output {{ return o }}"
        ));
        t.blank();
        t.line(&format!("func (o {name}Output) To{name}OutputWithContext(ctx context.Context) {name}Output {{ return o }}"));
        t.blank();
        for p in &r.outputs {
            if r.is_provider && p.ty != TypeRef::String {
                continue;
            }
            let out = self.output_type(&p.ty, p.required);
            comment(&mut t, "", &p.description, p.deprecation.as_deref());
            t.line(&format!("func (o {name}Output) {}() {out} {{", p.go_name()));
            t.line(&format!(
                "\treturn o.ApplyT(func(v *{name}) {out} {{ return v.{} }}).({out})",
                p.go_name()
            ));
            t.line("}");
            t.blank();
        }
        t.line("func init() {");
        t.line(&format!(
            "\tpulumi.RegisterInputType(reflect.TypeOf((*{name}Input)(nil)).Elem(), &{name}{{}})"
        ));
        t.line(&format!("\tpulumi.RegisterOutputType({name}Output{{}})"));
        t.line("}");
        Ok(t.finish_trimmed())
    }

    /// Code that fills `target` from the schema default or environment; None if neither.
    fn default_assignment(&self, p: &Property, target: &str) -> Option<String> {
        if p.default.is_none() && p.default_env.is_empty() {
            return None;
        }
        let (family, plain) = scalar(&p.ty, self.pkg)?;
        let lookup = env_or_default(p, family);
        let wrapper = if p.required {
            format!("pulumi.{family}")
        } else {
            format!("pulumi.{family}Ptr")
        };
        Some(format!(
            "\t\tif d := {lookup}; d != nil {{\n\t\t\t{target} = {wrapper}(d.({plain}))\n\t\t}}\n"
        ))
    }

    /// The unexported plain struct and the exported Args struct of Input fields.
    fn args_pair(
        &self,
        t: &mut Text,
        name: &str,
        doc: &str,
        props: &[Property],
        all_optional: bool,
    ) -> Result<(), SchemaError> {
        let plain = lower_first(name);
        t.line(&format!("type {plain} struct {{"));
        for p in props {
            comment(t, "\t", &p.description, p.deprecation.as_deref());
            let req = p.required && !all_optional;
            t.line(&format!(
                "\t{} {} `pulumi:\"{}\"`",
                p.go_name(),
                self.plain(&p.ty, req),
                p.name
            ));
        }
        t.line("}");
        t.blank();
        t.line(&format!("// {doc}"));
        t.line(&format!("type {name} struct {{"));
        for p in props {
            comment(t, "\t", &p.description, p.deprecation.as_deref());
            let req = p.required && !all_optional;
            t.line(&format!(
                "\t{} {}",
                p.go_name(),
                self.input_type(&p.ty, req).map_err(SchemaError)?
            ));
        }
        t.line("}");
        t.blank();
        t.line(&format!("func ({name}) ElementType() reflect.Type {{"));
        t.line(&format!("\treturn reflect.TypeOf((*{plain})(nil)).Elem()"));
        t.line("}");
        t.blank();
        Ok(())
    }
}

/// The end of NewX and GetX: the registered or read resource, or the engine's error.
fn return_resource(t: &mut Text) {
    t.line("\tif err != nil {");
    t.line("\t\treturn nil, err");
    t.line("\t}");
    t.line("\treturn &resource, nil");
    t.line("}");
    t.blank();
}
