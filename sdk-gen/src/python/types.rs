//! `_inputs.py`, `outputs.py` and `_enums.py`: the input and output classes of every object type and enum.

use super::{
    default_expr, docstring, functions, getter, imports, in_elem, in_type, lit, ordered, out_type,
    value_lit, HEADER,
};
use crate::model::{EnumType, ObjectType, Package, Property, TypeRef};
use crate::render::Text;

/// An `@pulumi.input_type` class: a resource's Args or State, or a nested object's Args.
pub(super) fn input_class(
    t: &mut Text,
    class: &str,
    doc: &str,
    props: &[Property],
    all_optional: bool,
    apply_defaults: bool,
) {
    t.line("@pulumi.input_type");
    t.line(&format!("class {class}:"));
    let ps = ordered(props, all_optional);
    init_signature(t, &ps, |p| {
        (in_type(p, all_optional), p.required && !all_optional)
    });
    let mut d = String::from(doc.trim());
    d.push('\n');
    for p in &ps {
        if !p.description.trim().is_empty() {
            d.push_str(&format!(
                "\n:param {} {}: {}",
                in_type(p, true)
                    .replace("pulumi.Input[Optional[", "pulumi.Input[")
                    .replacen("]]", "]", 1),
                p.python_name,
                p.description.trim()
            ));
        }
    }
    docstring(t, "        ", &d);
    for p in &ps {
        let n = &p.python_name;
        if apply_defaults {
            if let Some(e) = default_expr(p) {
                t.line(&format!("        if {n} is None:"));
                t.line(&format!("            {n} = {e}"));
            }
        }
        set_attribute(t, n, p.required && !all_optional);
    }
    if ps.is_empty() {
        t.line("        pass");
    }
    for p in &ps {
        let n = &p.python_name;
        let ty = in_type(p, all_optional);
        t.blank();
        getter(t, p, &ty);
        t.blank();
        t.line(&format!("    @{n}.setter"));
        t.line(&format!("    def {n}(self, value: {ty}):"));
        t.line(&format!("        pulumi.set(self, {}, value)", lit(n)));
    }
    t.blank();
    t.blank();
}

/// `def __init__(__self__, *, name: type[ = None], …):`, keyword-only; `param` gives each
/// property's type and whether it is required (no `= None`).
fn init_signature(t: &mut Text, ps: &[&Property], param: impl Fn(&Property) -> (String, bool)) {
    if ps.is_empty() {
        t.line("    def __init__(__self__):");
        return;
    }
    t.line("    def __init__(__self__, *,");
    for (i, p) in ps.iter().enumerate() {
        let end = if i + 1 == ps.len() { "):" } else { "," };
        let (ty, required) = param(p);
        let default = if required { "" } else { " = None" };
        t.line(&format!(
            "                 {}: {ty}{default}{end}",
            p.python_name
        ));
    }
}

/// `pulumi.set(__self__, "name", name)` in an `__init__`; an optional value only when given.
fn set_attribute(t: &mut Text, name: &str, required: bool) {
    if required {
        t.line(&format!(
            "        pulumi.set(__self__, {}, {name})",
            lit(name)
        ));
    } else {
        t.line(&format!("        if {name} is not None:"));
        t.line(&format!(
            "            pulumi.set(__self__, {}, {name})",
            lit(name)
        ));
    }
}

fn typed_dict(t: &mut Text, o: &ObjectType) {
    t.line(&format!("class {}ArgsDict(TypedDict):", o.name));
    docstring(t, "    ", &o.description);
    if o.properties.is_empty() {
        t.line("    pass");
    }
    for p in ordered(&o.properties, false) {
        let e = in_elem(&p.ty, true);
        if p.required {
            t.line(&format!("    {}: pulumi.Input[{e}]", p.python_name));
        } else {
            t.line(&format!(
                "    {}: NotRequired[pulumi.Input[Optional[{e}]]]",
                p.python_name
            ));
        }
        docstring(t, "    ", &p.description);
    }
    t.blank();
    t.blank();
}

pub(super) fn inputs(pkg: &Package) -> String {
    let mut t = Text::new();
    imports(&mut t, true);
    if !pkg.enums.is_empty() {
        t.line("from ._enums import *");
    }
    t.blank();
    let objs: Vec<&ObjectType> = pkg.objects.iter().filter(|o| o.is_input).collect();
    let mut all = Vec::new();
    for o in &objs {
        all.push(format!("'{}Args'", o.name));
        all.push(format!("'{}ArgsDict'", o.name));
    }
    t.line(&format!("__all__ = [{}]", all.join(", ")));
    t.blank();
    t.line("MYPY = False");
    t.blank();
    for o in objs {
        t.line("if not MYPY:");
        let mut inner = Text::new();
        typed_dict(&mut inner, o);
        for l in inner.finish().trim_end().lines() {
            if l.is_empty() {
                t.line("");
            } else {
                t.line(&format!("    {l}"));
            }
        }
        t.line("elif False:");
        t.line(&format!(
            "    {}ArgsDict: TypeAlias = Mapping[str, Any]",
            o.name
        ));
        t.blank();
        input_class(
            &mut t,
            &format!("{}Args", o.name),
            &o.description,
            &o.properties,
            false,
            true,
        );
    }
    t.finish_trimmed()
}

pub(super) fn outputs(pkg: &Package) -> String {
    let mut t = Text::new();
    imports(&mut t, false);
    if !pkg.enums.is_empty() {
        t.line("from ._enums import *");
    }
    t.line("from . import outputs");
    t.blank();
    let objs: Vec<&ObjectType> = pkg.objects.iter().filter(|o| o.is_output).collect();
    let all: Vec<String> = objs
        .iter()
        .map(|o| format!("'{}'", functions::output_class(pkg, &o.name)))
        .collect();
    t.line(&format!("__all__ = [{}]", all.join(", ")));
    t.blank();
    for o in objs {
        t.line("@pulumi.output_type");
        t.line(&format!(
            "class {}(dict):",
            functions::output_class(pkg, &o.name)
        ));
        docstring(&mut t, "    ", &o.description);
        let ps = ordered(&o.properties, false);
        init_signature(&mut t, &ps, |p| (out_type(pkg, p, false), p.required));
        for p in &ps {
            set_attribute(&mut t, &p.python_name, p.required);
        }
        if ps.is_empty() {
            t.line("        pass");
        }
        for p in &ps {
            t.blank();
            getter(&mut t, p, &out_type(pkg, p, false));
        }
        t.blank();
        t.blank();
    }
    t.finish_trimmed()
}

pub(super) fn enums(pkg: &Package) -> String {
    let mut t = Text::new();
    t.push(HEADER);
    t.line("import builtins as _builtins");
    t.line("from enum import Enum");
    t.blank();
    let all: Vec<String> = pkg.enums.iter().map(|e| format!("'{}'", e.name)).collect();
    t.line(&format!("__all__ = [{}]", all.join(", ")));
    t.blank();
    for e in &pkg.enums {
        enum_class(&mut t, e);
    }
    t.finish_trimmed()
}

fn enum_class(t: &mut Text, e: &EnumType) {
    let base = match e.underlying {
        TypeRef::String => "_builtins.str",
        TypeRef::Integer => "_builtins.int",
        TypeRef::Number => "_builtins.float",
        _ => "_builtins.bool",
    };
    t.blank();
    t.line(&format!("class {}({base}, Enum):", e.name));
    docstring(t, "    ", &e.description);
    for v in &e.values {
        t.line(&format!(
            "    {} = {}",
            crate::names::snake_case(&v.name).to_uppercase(),
            value_lit(&v.value)
        ));
        let mut doc = v.description.clone();
        if let Some(d) = &v.deprecation {
            doc = format!("{doc}\n\nDeprecated: {d}").trim().to_string();
        }
        docstring(t, "    ", &doc);
    }
    t.blank();
}
