//! One TypeScript module per resource: the class with its constructor, get, isInstance and the Args and State interfaces.

use super::{default_expr, imports, in_elem, jsdoc, lit, out_elem};
use crate::model::{Package, Property, Resource, TypeRef};
use crate::render::Text;

pub(super) fn resource(pkg: &Package, r: &Resource) -> String {
    let mut t = Text::new();
    imports(&mut t, pkg, "./");
    let name = &r.name;
    jsdoc(&mut t, "", &r.description, r.deprecation.as_deref());
    let base = if r.is_provider {
        "pulumi.ProviderResource"
    } else {
        "pulumi.CustomResource"
    };
    t.line(&format!("export class {name} extends {base} {{"));
    let type_token = if r.is_provider {
        pkg.name.clone()
    } else {
        r.token.clone()
    };
    if !r.is_provider {
        jsdoc(
            &mut t,
            "    ",
            &format!("Get an existing {name} resource's state with the given name, ID, and optional extra\nproperties used to qualify the lookup.\n\n@param name The _unique_ name of the resulting resource.\n@param id The _unique_ provider ID of the resource to lookup.\n@param state Any extra arguments used during the lookup.\n@param opts Optional settings to control the behavior of the CustomResource."),
            None,
        );
        t.line(&format!(
            "    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: {name}State, opts?: pulumi.CustomResourceOptions): {name} {{"
        ));
        t.line(&format!(
            "        return new {name}(name, <any>state, {{ ...opts, id: id }});"
        ));
        t.line("    }");
        t.blank();
    }
    t.line("    /** @internal */");
    t.line(&format!(
        "    public static readonly __pulumiType = {};",
        lit(&type_token)
    ));
    t.blank();
    jsdoc(&mut t, "    ", &format!("Returns true if the given object is an instance of {name}. This is designed to work even\nwhen multiple copies of the Pulumi SDK have been loaded into the same process."), None);
    t.line(&format!(
        "    public static isInstance(obj: any): obj is {name} {{"
    ));
    t.line("        if (obj === undefined || obj === null) {");
    t.line("            return false;");
    t.line("        }");
    if r.is_provider {
        t.line(&format!(
            "        return obj['__pulumiType'] === \"pulumi:providers:\" + {name}.__pulumiType;"
        ));
    } else {
        t.line(&format!(
            "        return obj['__pulumiType'] === {name}.__pulumiType;"
        ));
    }
    t.line("    }");
    t.blank();
    for p in &r.outputs {
        if r.is_provider && p.ty != TypeRef::String {
            continue;
        }
        jsdoc(&mut t, "    ", &p.description, p.deprecation.as_deref());
        let ty = out_elem(&p.ty, "outputs.");
        let ty = if p.required {
            ty
        } else {
            format!("{ty} | undefined")
        };
        t.line(&format!(
            "    declare public readonly {}: pulumi.Output<{ty}>;",
            p.name
        ));
    }
    t.blank();
    let args_opt = if r.inputs.iter().any(|p| p.required) {
        ""
    } else {
        "?"
    };
    let opts_ty = if r.is_provider {
        "pulumi.ResourceOptions"
    } else {
        "pulumi.CustomResourceOptions"
    };
    jsdoc(
        &mut t,
        "    ",
        &format!("Create a {name} resource with the given unique name, arguments, and options.\n\n@param name The _unique_ name of the resource.\n@param args The arguments to use to populate this resource's properties.\n@param opts A bag of options that control this resource's behavior."),
        None,
    );
    if r.is_provider {
        t.line(&format!(
            "    constructor(name: string, args{args_opt}: {name}Args, opts?: {opts_ty}) {{"
        ));
        t.line("        let resourceInputs: pulumi.Inputs = {};");
        t.line("        opts = opts || {};");
        t.line("        {");
        input_assignments(&mut t, r);
        t.line("        }");
    } else {
        t.line(&format!(
            "    constructor(name: string, args{args_opt}: {name}Args, opts?: {opts_ty})"
        ));
        t.line(&format!("    constructor(name: string, argsOrState?: {name}Args | {name}State, opts?: {opts_ty}) {{"));
        t.line("        let resourceInputs: pulumi.Inputs = {};");
        t.line("        opts = opts || {};");
        t.line("        if (opts.id) {");
        t.line(&format!(
            "            const state = argsOrState as {name}State | undefined;"
        ));
        for p in &r.state {
            t.line(&format!(
                "            resourceInputs[{}] = state?.{};",
                lit(&p.name),
                p.name
            ));
        }
        t.line("        } else {");
        input_assignments(&mut t, r);
        t.line("        }");
    }
    t.line("        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);");
    let secrets = r.secret_outputs();
    if !secrets.is_empty() {
        let list: Vec<String> = secrets.iter().map(|s| lit(s)).collect();
        t.line(&format!(
            "        const secretOpts = {{ additionalSecretOutputs: [{}] }};",
            list.join(", ")
        ));
        t.line("        opts = pulumi.mergeOptions(opts, secretOpts);");
    }
    t.line(&format!(
        "        super({name}.__pulumiType, name, resourceInputs, opts);"
    ));
    t.line("    }");
    t.line("}");
    t.blank();
    args_interface(
        &mut t,
        &format!("{name}Args"),
        &format!("The set of arguments for constructing a {name} resource."),
        &r.inputs,
        false,
    );
    if !r.is_provider {
        args_interface(
            &mut t,
            &format!("{name}State"),
            &format!("Input properties used for looking up and filtering {name} resources."),
            &r.state,
            true,
        );
    }
    t.finish_trimmed()
}

fn input_assignments(t: &mut Text, r: &Resource) {
    let is_provider = r.is_provider;
    if !is_provider {
        t.line(&format!(
            "            const args = argsOrState as {}Args | undefined;",
            r.name
        ));
    }
    for p in &r.inputs {
        if p.required {
            t.line(&format!(
                "            if (args?.{} === undefined && !opts.urn) {{",
                p.name
            ));
            t.line(&format!(
                "                throw new Error(\"Missing required property '{}'\");",
                p.name
            ));
            t.line("            }");
        }
        let mut value = format!("args?.{}", p.name);
        if let Some(d) = default_expr(p) {
            value = format!("({value} ?? {d})");
        }
        if is_provider && !matches!(p.ty, TypeRef::String | TypeRef::Enum(_)) {
            value = format!("pulumi.output({value}).apply(JSON.stringify)");
        }
        if p.secret {
            value = format!(
                "(args?.{n} !== undefined ? pulumi.secret({value}) : undefined)",
                n = p.name
            );
        }
        t.line(&format!(
            "            resourceInputs[{}] = {value};",
            lit(&p.name)
        ));
    }
    if !is_provider {
        for p in r.output_only() {
            t.line(&format!(
                "            resourceInputs[{}] = undefined /*out*/;",
                lit(&p.name)
            ));
        }
    }
}

fn args_interface(t: &mut Text, name: &str, doc: &str, props: &[Property], all_optional: bool) {
    jsdoc(t, "", doc, None);
    t.line(&format!("export interface {name} {{"));
    for p in props {
        jsdoc(t, "    ", &p.description, p.deprecation.as_deref());
        let opt = if p.required && !all_optional { "" } else { "?" };
        t.line(&format!(
            "    {}{opt}: pulumi.Input<{}>;",
            p.name,
            in_elem(&p.ty, "inputs.")
        ));
    }
    t.line("}");
    t.blank();
}
