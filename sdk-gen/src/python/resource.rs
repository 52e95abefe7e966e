//! One module per resource: `XArgs`, `_XState` and the resource class with its overloads, get and outputs.

use super::types::input_class;
use super::{default_expr, docstring, getter, imports, kwarg_type, lit, ordered, out_type, triple};
use crate::model::{Package, Property, Resource, TypeRef};
use crate::render::Text;

pub(super) fn resource_module(pkg: &Package, r: &Resource) -> String {
    let mut t = Text::new();
    imports(&mut t, false);
    t.line("from . import outputs");
    if !pkg.enums.is_empty() {
        t.line("from ._enums import *");
    }
    t.line("from ._inputs import *");
    t.blank();
    let name = &r.name;
    let args = format!("{name}Args");
    t.line(&format!("__all__ = ['{args}', '{name}']"));
    t.blank();
    input_class(
        &mut t,
        &args,
        &format!("The set of arguments for constructing a {name} resource."),
        &r.inputs,
        false,
        true,
    );
    if !r.is_provider {
        input_class(
            &mut t,
            &format!("_{name}State"),
            &format!("Input properties used for looking up and filtering {name} resources."),
            &r.state,
            true,
            false,
        );
    }
    let base = if r.is_provider {
        "pulumi.ProviderResource"
    } else {
        "pulumi.CustomResource"
    };
    if let Some(msg) = &r.deprecation {
        t.line(&format!(
            "warnings.warn({}, DeprecationWarning)",
            triple(msg)
        ));
        t.blank();
    }
    t.line(&format!("class {name}({base}):"));
    let inputs = ordered(&r.inputs, true);
    let kw_doc = {
        let mut d = r.description.trim().to_string();
        d.push_str("\n\n:param str resource_name: The name of the resource.\n:param pulumi.ResourceOptions opts: Options for the resource.");
        for p in &inputs {
            if !p.description.trim().is_empty() {
                d.push_str(&format!(
                    "\n:param {}: {}",
                    p.python_name,
                    p.description.trim()
                ));
            }
        }
        d.trim().to_string()
    };
    // Overload 1: keyword arguments.
    t.line("    @overload");
    keyword_signature(&mut t, "__init__", &inputs);
    docstring(&mut t, "        ", &kw_doc);
    t.line("        ...");
    // Overload 2: an args object.
    let args_optional = !r.inputs.iter().any(|p| p.required);
    t.line("    @overload");
    t.line("    def __init__(__self__,");
    t.line("                 resource_name: str,");
    if args_optional {
        t.line(&format!("                 args: Optional[{args}] = None,"));
    } else {
        t.line(&format!("                 args: {args},"));
    }
    t.line("                 opts: Optional[pulumi.ResourceOptions] = None):");
    docstring(
        &mut t,
        "        ",
        format!(
            "{}\n\n:param str resource_name: The name of the resource.\n:param {args} args: The arguments to use to populate this resource's properties.\n:param pulumi.ResourceOptions opts: Options for the resource.",
            r.description.trim()
        )
        .trim(),
    );
    t.line("        ...");
    t.line("    def __init__(__self__, resource_name: str, *args, **kwargs):");
    t.line(&format!(
        "        resource_args, opts = _utilities.get_resource_args_opts({args}, pulumi.ResourceOptions, *args, **kwargs)"
    ));
    t.line("        if resource_args is not None:");
    t.line("            __self__._internal_init(resource_name, opts, **resource_args.__dict__)");
    t.line("        else:");
    t.line("            __self__._internal_init(resource_name, *args, **kwargs)");
    t.blank();
    // The one place that builds the property bag.
    keyword_signature(&mut t, "_internal_init", &inputs);
    t.line("        opts = pulumi.ResourceOptions.merge(_utilities.get_resource_opts_defaults(), opts)");
    t.line("        if not isinstance(opts, pulumi.ResourceOptions):");
    t.line(
        "            raise TypeError('Expected resource options to be a ResourceOptions instance')",
    );
    t.line("        if opts.id is None:");
    t.line("            if __props__ is not None:");
    t.line("                raise TypeError('__props__ is only valid when passed in combination with a valid opts.id to get an existing resource')");
    t.line(&format!("            __props__ = {args}.__new__({args})"));
    t.blank();
    for p in &inputs {
        let n = &p.python_name;
        if let Some(e) = default_expr(p) {
            t.line(&format!("            if {n} is None:"));
            t.line(&format!("                {n} = {e}"));
        }
        if p.required {
            t.line(&format!("            if {n} is None and not opts.urn:"));
            t.line(&format!(
                "                raise TypeError(\"Missing required property '{n}'\")"
            ));
        }
        let mut value = n.clone();
        if r.is_provider && !matches!(p.ty, TypeRef::String | TypeRef::Enum(_)) {
            // The engine hands provider config to the plugin as strings; non-strings go as JSON.
            value = format!("pulumi.Output.from_input({value}).apply(pulumi.runtime.to_json)");
        }
        if p.secret {
            value = format!("pulumi.Output.secret({value})");
        }
        if value == *n {
            t.line(&format!("            __props__.__dict__[{}] = {n}", lit(n)));
        } else {
            t.line(&format!(
                "            __props__.__dict__[{}] = None if {n} is None else {value}",
                lit(n)
            ));
        }
    }
    if !r.is_provider {
        for p in r.output_only() {
            t.line(&format!(
                "            __props__.__dict__[{}] = None",
                lit(&p.python_name)
            ));
        }
    }
    let secrets = r.secret_outputs();
    if !secrets.is_empty() {
        let list: Vec<String> = secrets.iter().map(|s| lit(s)).collect();
        t.line(&format!(
            "        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=[{}])",
            list.join(", ")
        ));
        t.line("        opts = pulumi.ResourceOptions.merge(opts, secret_opts)");
    }
    let first_arg = if r.is_provider {
        lit(&pkg.name)
    } else {
        lit(&r.token)
    };
    t.line(&format!("        super({name}, __self__).__init__("));
    t.line(&format!("            {first_arg},"));
    t.line("            resource_name,");
    t.line("            __props__,");
    t.line("            opts)");
    t.blank();
    if !r.is_provider {
        t.line("    @staticmethod");
        t.line("    def get(resource_name: str,");
        t.line("            id: pulumi.Input[str],");
        if r.state.is_empty() {
            t.line(&format!(
                "            opts: Optional[pulumi.ResourceOptions] = None) -> '{name}':"
            ));
        } else {
            t.line("            opts: Optional[pulumi.ResourceOptions] = None,");
            for (i, p) in r.state.iter().enumerate() {
                let end = if i + 1 == r.state.len() {
                    format!(") -> '{name}':")
                } else {
                    ",".to_string()
                };
                t.line(&format!(
                    "            {}: {} = None{end}",
                    p.python_name,
                    kwarg_type(p)
                ));
            }
        }
        let mut d = format!(
            "Get an existing {name} resource's state with the given name, id, and optional extra\nproperties used to qualify the lookup.\n\n:param str resource_name: The unique name of the resulting resource.\n:param pulumi.Input[str] id: The unique provider ID of the resource to lookup.\n:param pulumi.ResourceOptions opts: Options for the resource."
        );
        for p in &r.state {
            if !p.description.trim().is_empty() {
                d.push_str(&format!(
                    "\n:param {}: {}",
                    p.python_name,
                    p.description.trim()
                ));
            }
        }
        docstring(&mut t, "        ", &d);
        t.line("        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))");
        t.blank();
        t.line(&format!(
            "        __props__ = _{name}State.__new__(_{name}State)"
        ));
        t.blank();
        for p in &r.state {
            t.line(&format!(
                "        __props__.__dict__[{}] = {}",
                lit(&p.python_name),
                p.python_name
            ));
        }
        t.line(&format!(
            "        return {name}(resource_name, opts=opts, __props__=__props__)"
        ));
        t.blank();
    }
    for p in &r.outputs {
        // A provider's outputs reach the program as strings only.
        if r.is_provider && !matches!(p.ty, TypeRef::String) {
            continue;
        }
        getter(
            &mut t,
            p,
            &format!("pulumi.Output[{}]", out_type(pkg, p, true)),
        );
        t.blank();
    }
    t.finish_trimmed()
}

/// `def <method>(__self__, resource_name, opts, <every input> = None, __props__=None):`.
fn keyword_signature(t: &mut Text, method: &str, inputs: &[&Property]) {
    t.line(&format!("    def {method}(__self__,"));
    t.line("                 resource_name: str,");
    t.line("                 opts: Optional[pulumi.ResourceOptions] = None,");
    for p in inputs {
        t.line(&format!(
            "                 {}: {} = None,",
            p.python_name,
            kwarg_type(p)
        ));
    }
    t.line("                 __props__=None):");
}
