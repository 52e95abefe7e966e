//! Python functions: one module per function (`get_client.py`) with the result class, its
//! awaitable twin, `get_client(...)` (plain values, awaitable result) and `get_client_output(...)`
//! (inputs, `pulumi.Output` result).

use super::{docstring, getter_decorator, in_elem, lit, out_type, triple, HEADER};
use crate::model::{Function, Package, Property, TypeRef};
use crate::render::Text;

/// The class name of an object type in outputs.py: types a function reaches end in `Result`
/// (`GetClientMobileResult`), as in the Terraform-bridged official SDKs.
pub(super) fn output_class(pkg: &Package, name: &str) -> String {
    match pkg.object(name) {
        Some(o) if o.in_function => format!("{name}Result"),
        _ => name.to_string(),
    }
}

/// Each function's module: (module name, text).
pub(super) fn modules(pkg: &Package) -> Vec<(String, String)> {
    pkg.functions
        .iter()
        .map(|f| (f.python_name(), module(pkg, f)))
        .collect()
}

/// The Python class a result value must be, for the type check in the result's constructor.
fn runtime_class(ty: &TypeRef) -> Option<&'static str> {
    match ty {
        TypeRef::String => Some("str"),
        TypeRef::Boolean => Some("bool"),
        TypeRef::Array(_) => Some("list"),
        TypeRef::Map(_) | TypeRef::Object(_) => Some("dict"),
        // Numbers arrive as float or int, enums and Any as anything.
        _ => None,
    }
}

fn module(pkg: &Package, f: &Function) -> String {
    let result = format!("{}Result", f.class_name());
    let awaitable = format!("Awaitable{result}");
    let plain = f.python_name();
    let output = format!("{plain}_output");
    let mut t = Text::new();
    t.push(HEADER);
    t.line("import builtins as _builtins");
    t.line("import warnings");
    t.line("import pulumi");
    t.line("import pulumi.runtime");
    t.line("from typing import Any, Mapping, Optional, Sequence, Union");
    t.line("from . import _utilities");
    t.line("from . import outputs");
    t.blank();
    t.line(&format!(
        "__all__ = ['{result}', '{awaitable}', '{plain}', '{output}']"
    ));
    t.blank();
    result_class(&mut t, pkg, f, &result);
    t.blank();
    t.line(&format!("class {awaitable}({result}):"));
    t.line("    # A result that `await` can also take, for programs written with asyncio.");
    t.line("    def __await__(self):");
    t.line("        if False:");
    t.line("            yield self");
    t.line(&format!("        return {result}("));
    keyword_list(&mut t, "            ", &f.outputs, ")", |p| {
        format!("self.{}", p.python_name)
    });
    t.blank();
    t.blank();

    let doc = function_doc(f);
    // The plain form: values in, an awaitable result out.
    def(
        &mut t,
        &plain,
        &f.inputs,
        |ty| format!("Optional[{}]", plain_arg(ty)),
        "Optional[pulumi.InvokeOptions]",
        &awaitable,
    );
    docstring(&mut t, "    ", &doc);
    warn_deprecated(&mut t, f);
    args_dict(&mut t, &f.inputs);
    t.line("    opts = pulumi.InvokeOptions.merge(_utilities.get_invoke_opts_defaults(), opts)");
    t.line(&format!(
        "    __ret__ = pulumi.runtime.invoke({}, __args__, opts=opts, typ={result}).value",
        lit(&f.token)
    ));
    t.blank();
    t.line(&format!("    return {awaitable}("));
    keyword_list(&mut t, "        ", &f.outputs, ")", |p| {
        format!("pulumi.get(__ret__, {})", lit(&p.python_name))
    });
    t.blank();
    t.blank();
    // The output form: inputs in, an Output of the result out.
    def(
        &mut t,
        &output,
        &f.inputs,
        |ty| format!("pulumi.Input[Optional[{}]]", in_elem(ty, false)),
        "Optional[Union[pulumi.InvokeOptions, pulumi.InvokeOutputOptions]]",
        &format!("pulumi.Output[{result}]"),
    );
    docstring(&mut t, "    ", &doc);
    warn_deprecated(&mut t, f);
    args_dict(&mut t, &f.inputs);
    t.line(
        "    opts = pulumi.InvokeOutputOptions.merge(_utilities.get_invoke_opts_defaults(), opts)",
    );
    t.line(&format!(
        "    __ret__ = pulumi.runtime.invoke_output({}, __args__, opts=opts, typ={result})",
        lit(&f.token)
    ));
    t.line(&format!(
        "    return __ret__.apply(lambda __response__: {result}("
    ));
    keyword_list(&mut t, "        ", &f.outputs, "))", |p| {
        format!("pulumi.get(__response__, {})", lit(&p.python_name))
    });
    t.finish_trimmed()
}

fn result_class(t: &mut Text, pkg: &Package, f: &Function, result: &str) {
    t.line("@pulumi.output_type");
    t.line(&format!("class {result}:"));
    docstring(t, "    ", &format!("The values {} returns.", f.name));
    let params: Vec<String> = f
        .outputs
        .iter()
        .map(|p| format!("{}=None", p.python_name))
        .collect();
    if params.is_empty() {
        t.line("    def __init__(__self__):");
        t.line("        pass");
    } else {
        t.line(&format!(
            "    def __init__(__self__, {}):",
            params.join(", ")
        ));
    }
    for p in &f.outputs {
        let n = &p.python_name;
        if let Some(class) = runtime_class(&p.ty) {
            t.line(&format!("        if {n} and not isinstance({n}, {class}):"));
            t.line(&format!(
                "            raise TypeError(\"Expected argument '{n}' to be a {class}\")"
            ));
        }
        t.line(&format!("        pulumi.set(__self__, {}, {n})", lit(n)));
    }
    for p in &f.outputs {
        t.blank();
        t.line("    @_builtins.property");
        t.line(&format!("    {}", getter_decorator(p)));
        if let Some(msg) = &p.deprecation {
            t.line(&format!("    @_utilities.deprecated({})", triple(msg)));
        }
        t.line(&format!(
            "    def {}(self) -> {}:",
            p.python_name,
            out_type(pkg, p, true)
        ));
        docstring(t, "        ", &p.description);
        t.line(&format!(
            "        return pulumi.get(self, {})",
            lit(&p.python_name)
        ));
    }
    t.blank();
}

/// `name=value,` lines, the last one ending in `close`.
fn keyword_list(
    t: &mut Text,
    indent: &str,
    props: &[Property],
    close: &str,
    value: impl Fn(&Property) -> String,
) {
    if props.is_empty() {
        t.line(&format!("{indent}{close}"));
        return;
    }
    for (i, p) in props.iter().enumerate() {
        let end = if i + 1 == props.len() { close } else { "," };
        t.line(&format!("{indent}{}={}{end}", p.python_name, value(p)));
    }
}

/// `def name(a: T = None, ..., opts: O = None) -> R:`, one parameter a line.
fn def(
    t: &mut Text,
    name: &str,
    inputs: &[Property],
    arg_type: impl Fn(&TypeRef) -> String,
    opts_type: &str,
    returns: &str,
) {
    let mut params: Vec<String> = inputs
        .iter()
        .map(|p| format!("{}: {} = None", p.python_name, arg_type(&p.ty)))
        .collect();
    params.push(format!("opts: {opts_type} = None"));
    let pad = " ".repeat(name.len() + 5);
    for (i, p) in params.iter().enumerate() {
        let lead = if i == 0 {
            format!("def {name}(")
        } else {
            pad.clone()
        };
        let end = if i + 1 == params.len() {
            format!(") -> {returns}:")
        } else {
            ",".to_string()
        };
        t.line(&format!("{lead}{p}{end}"));
    }
}

/// A plain (not Input) value type: `Sequence[_builtins.str]`.
fn plain_arg(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Array(t) => format!("Sequence[{}]", plain_arg(t)),
        TypeRef::Map(t) => format!("Mapping[str, {}]", plain_arg(t)),
        other => in_elem(other, false),
    }
}

fn args_dict(t: &mut Text, inputs: &[Property]) {
    t.line("    __args__ = dict()");
    for p in inputs {
        t.line(&format!(
            "    __args__[{}] = {}",
            lit(&p.name),
            p.python_name
        ));
    }
}

fn warn_deprecated(t: &mut Text, f: &Function) {
    if let Some(msg) = &f.deprecation {
        t.line(&format!(
            "    pulumi.log.warn({})",
            triple(&format!("{} is deprecated: {msg}", f.python_name()))
        ));
    }
}

fn function_doc(f: &Function) -> String {
    let mut d = f.description.trim().to_string();
    let params: Vec<String> = f
        .inputs
        .iter()
        .filter(|p| !p.description.trim().is_empty())
        .map(|p| {
            format!(
                ":param {} {}: {}",
                plain_arg(&p.ty),
                p.python_name,
                p.description.trim()
            )
        })
        .collect();
    if !params.is_empty() {
        d.push_str("\n\n");
        d.push_str(&params.join("\n"));
    }
    d.trim().to_string()
}
