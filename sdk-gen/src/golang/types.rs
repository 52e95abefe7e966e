//! pulumiTypes.go and pulumiEnums.go: the input and output types of every object type and enum.

use super::{comment, lower_first, scalar, Go, HEADER};
use crate::model::SchemaError;
use crate::render::Text;

impl Go<'_> {
    pub(super) fn types(&self) -> Result<String, SchemaError> {
        let mut t = Text::new();
        self.imports(&mut t, &["context", "reflect"]);
        t.line("var (");
        t.line("\t_ context.Context");
        t.line("\t_ reflect.Type");
        t.line("\t_ pulumi.Input");
        t.line(")");
        t.blank();
        let mut registrations = Vec::new();
        for o in &self.pkg.objects {
            let x = &o.name;
            comment(&mut t, "", &o.description, None);
            t.line(&format!("type {x} struct {{"));
            for p in &o.properties {
                comment(&mut t, "\t", &p.description, p.deprecation.as_deref());
                t.line(&format!(
                    "\t{} {} `pulumi:\"{}\"`",
                    p.go_name(),
                    self.plain(&p.ty, p.required),
                    p.name
                ));
            }
            t.line("}");
            t.blank();
            // Inputs.
            t.line(&format!(
                "// {x}Input is an input type that accepts {x}Args and {x}Output values."
            ));
            self.iface(&mut t, &format!("{x}Input"), &format!("{x}Output"));
            t.line(&format!("type {x}Args struct {{"));
            for p in &o.properties {
                comment(&mut t, "\t", &p.description, p.deprecation.as_deref());
                let ty = self
                    .input_type(&p.ty, p.required)
                    .map_err(|e| SchemaError(format!("{}.{}: {e}", o.token, p.name)))?;
                t.line(&format!("\t{} {ty} `pulumi:\"{}\"`", p.go_name(), p.name));
            }
            t.line("}");
            t.blank();
            self.element_type(&mut t, &format!("{x}Args"), &format!("(*{x})(nil)"));
            self.to_output(&mut t, &format!("i {x}Args"), &format!("{x}Output"));
            self.method(
                &mut t,
                &format!("i {x}Args"),
                &format!("To{x}PtrOutput"),
                &format!("{x}PtrOutput"),
                &format!("return i.To{x}PtrOutputWithContext(context.Background())"),
            );
            self.method(&mut t, &format!("i {x}Args"), &format!("To{x}PtrOutputWithContext(ctx context.Context)"), &format!("{x}PtrOutput"), &format!("return pulumi.ToOutputWithContext(ctx, i).({x}Output).To{x}PtrOutputWithContext(ctx)"));
            t.line(&format!(
                "// {x}PtrInput accepts {x}Args, {x}Ptr(&{x}Args{{...}}) and {x}PtrOutput values."
            ));
            self.iface(&mut t, &format!("{x}PtrInput"), &format!("{x}PtrOutput"));
            let ptr_type = format!("{}PtrType", lower_first(x));
            t.line(&format!("type {ptr_type} {x}Args"));
            t.blank();
            t.line(&format!("func {x}Ptr(v *{x}Args) {x}PtrInput {{"));
            t.line(&format!("\treturn (*{ptr_type})(v)"));
            t.line("}");
            t.blank();
            self.element_type(&mut t, &format!("*{ptr_type}"), &format!("(**{x})(nil)"));
            self.to_output(&mut t, &format!("i *{ptr_type}"), &format!("{x}PtrOutput"));
            for (kind, go_kind) in [
                ("Array", format!("[]{x}Input")),
                ("Map", format!("map[string]{x}Input")),
            ] {
                let plain = if kind == "Array" {
                    format!("[]{x}")
                } else {
                    format!("map[string]{x}")
                };
                self.iface(
                    &mut t,
                    &format!("{x}{kind}Input"),
                    &format!("{x}{kind}Output"),
                );
                t.line(&format!("type {x}{kind} {go_kind}"));
                t.blank();
                self.element_type(&mut t, &format!("{x}{kind}"), &format!("(*{plain})(nil)"));
                self.to_output(&mut t, &format!("i {x}{kind}"), &format!("{x}{kind}Output"));
            }
            // Outputs.
            t.line(&format!("type {x}Output struct{{ *pulumi.OutputState }}"));
            t.blank();
            self.element_type(&mut t, &format!("{x}Output"), &format!("(*{x})(nil)"));
            self.identity(&mut t, &format!("{x}Output"));
            self.method(
                &mut t,
                &format!("o {x}Output"),
                &format!("To{x}PtrOutput"),
                &format!("{x}PtrOutput"),
                &format!("return o.To{x}PtrOutputWithContext(context.Background())"),
            );
            self.method(&mut t, &format!("o {x}Output"), &format!("To{x}PtrOutputWithContext(ctx context.Context)"), &format!("{x}PtrOutput"), &format!("return o.ApplyTWithContext(ctx, func(_ context.Context, v {x}) *{x} {{\n\t\treturn &v\n\t}}).({x}PtrOutput)"));
            for p in &o.properties {
                let out = self.output_type(&p.ty, p.required);
                comment(&mut t, "", &p.description, p.deprecation.as_deref());
                t.line(&format!("func (o {x}Output) {}() {out} {{", p.go_name()));
                t.line(&format!(
                    "\treturn o.ApplyT(func(v {x}) {} {{ return v.{} }}).({out})",
                    self.plain(&p.ty, p.required),
                    p.go_name()
                ));
                t.line("}");
                t.blank();
            }
            t.line(&format!(
                "type {x}PtrOutput struct{{ *pulumi.OutputState }}"
            ));
            t.blank();
            self.element_type(&mut t, &format!("{x}PtrOutput"), &format!("(**{x})(nil)"));
            self.identity(&mut t, &format!("{x}PtrOutput"));
            t.line(&format!("func (o {x}PtrOutput) Elem() {x}Output {{"));
            t.line(&format!("\treturn o.ApplyT(func(v *{x}) {x} {{"));
            t.line("\t\tif v != nil {");
            t.line("\t\t\treturn *v");
            t.line("\t\t}");
            t.line(&format!("\t\tvar ret {x}"));
            t.line("\t\treturn ret");
            t.line(&format!("\t}}).({x}Output)"));
            t.line("}");
            t.blank();
            for p in &o.properties {
                // Through a pointer, required scalars and objects become optional.
                let (plain, out, take) = if p.required && self.optional_is_pointer(&p.ty) {
                    (
                        self.plain(&p.ty, false),
                        self.output_type(&p.ty, false),
                        format!("&v.{}", p.go_name()),
                    )
                } else {
                    (
                        self.plain(&p.ty, p.required),
                        self.output_type(&p.ty, p.required),
                        format!("v.{}", p.go_name()),
                    )
                };
                comment(&mut t, "", &p.description, p.deprecation.as_deref());
                t.line(&format!("func (o {x}PtrOutput) {}() {out} {{", p.go_name()));
                t.line(&format!("\treturn o.ApplyT(func(v *{x}) {plain} {{"));
                t.line("\t\tif v == nil {");
                t.line("\t\t\treturn nil");
                t.line("\t\t}");
                t.line(&format!("\t\treturn {take}"));
                t.line(&format!("\t}}).({out})"));
                t.line("}");
                t.blank();
            }
            for collection in [GoCollection::ARRAY, GoCollection::MAP] {
                self.collection_output(&mut t, x, &collection);
            }
            registrations.push(format!(
                "\tpulumi.RegisterInputType(reflect.TypeOf((*{x}Input)(nil)).Elem(), {x}Args{{}})"
            ));
            registrations.push(format!("\tpulumi.RegisterInputType(reflect.TypeOf((*{x}PtrInput)(nil)).Elem(), {x}Args{{}})"));
            registrations.push(format!("\tpulumi.RegisterInputType(reflect.TypeOf((*{x}ArrayInput)(nil)).Elem(), {x}Array{{}})"));
            registrations.push(format!("\tpulumi.RegisterInputType(reflect.TypeOf((*{x}MapInput)(nil)).Elem(), {x}Map{{}})"));
            for s in ["", "Ptr", "Array", "Map"] {
                registrations.push(format!("\tpulumi.RegisterOutputType({x}{s}Output{{}})"));
            }
        }
        t.line("func init() {");
        for r in registrations {
            t.line(&r);
        }
        t.line("}");
        Ok(t.finish_trimmed())
    }

    fn iface(&self, t: &mut Text, name: &str, output: &str) {
        t.line(&format!("type {name} interface {{"));
        t.line("\tpulumi.Input");
        t.blank();
        t.line(&format!("\tTo{output}() {output}"));
        t.line(&format!(
            "\tTo{output}WithContext(context.Context) {output}"
        ));
        t.line("}");
        t.blank();
    }

    pub(super) fn element_type(&self, t: &mut Text, recv: &str, nil_ptr: &str) {
        t.line(&format!("func ({recv}) ElementType() reflect.Type {{"));
        t.line(&format!("\treturn reflect.TypeOf({nil_ptr}).Elem()"));
        t.line("}");
        t.blank();
    }

    pub(super) fn to_output(&self, t: &mut Text, recv: &str, output: &str) {
        let var = recv.split(' ').next().unwrap_or("i");
        self.method(
            t,
            recv,
            &format!("To{output}"),
            output,
            &format!("return {var}.To{output}WithContext(context.Background())"),
        );
        self.method(
            t,
            recv,
            &format!("To{output}WithContext(ctx context.Context)"),
            output,
            &format!("return pulumi.ToOutputWithContext(ctx, {var}).({output})"),
        );
    }

    pub(super) fn identity(&self, t: &mut Text, output: &str) {
        self.method(
            t,
            &format!("o {output}"),
            &format!("To{output}"),
            output,
            "return o",
        );
        self.method(
            t,
            &format!("o {output}"),
            &format!("To{output}WithContext(ctx context.Context)"),
            output,
            "return o",
        );
    }

    /// `XArrayOutput` or `XMapOutput`: the output of a list or map of object type `x`, indexed
    /// by position or key.
    fn collection_output(&self, t: &mut Text, x: &str, c: &GoCollection) {
        let output = format!("{x}{}Output", c.kind);
        let go_type = format!("{}{x}", c.go_prefix);
        t.line(&format!("type {output} struct{{ *pulumi.OutputState }}"));
        t.blank();
        self.element_type(t, &output, &format!("(*{go_type})(nil)"));
        self.identity(t, &output);
        t.line(&format!(
            "func (o {output}) {}({} {}) {x}Output {{",
            c.method, c.arg, c.arg_type
        ));
        t.line(&format!(
            "\treturn pulumi.All(o, {}).ApplyT(func(vs []interface{{}}) {x} {{",
            c.arg
        ));
        t.line(&format!(
            "\t\treturn vs[0].({go_type})[vs[1].({})]",
            c.index_type
        ));
        t.line(&format!("\t}}).({x}Output)"));
        t.line("}");
        t.blank();
    }

    fn method(&self, t: &mut Text, recv: &str, sig: &str, ret: &str, body: &str) {
        let sig = if sig.contains('(') {
            sig.to_string()
        } else {
            format!("{sig}()")
        };
        t.line(&format!("func ({recv}) {sig} {ret} {{"));
        t.line(&format!("\t{body}"));
        t.line("}");
        t.blank();
    }

    pub(super) fn enums(&self) -> String {
        let mut t = Text::new();
        t.push(HEADER);
        t.line(&format!("package {}", self.pkg.go_package()));
        t.blank();
        for e in &self.pkg.enums {
            comment(&mut t, "", &e.description, None);
            let (_, plain) = scalar(&e.underlying, self.pkg).expect("enums are scalar");
            t.line(&format!("type {} {plain}", e.name));
            t.blank();
            t.line("const (");
            for v in &e.values {
                comment(&mut t, "\t", &v.description, v.deprecation.as_deref());
                t.line(&format!("\t{}{} = {}({})", e.name, v.name, e.name, v.value));
            }
            t.line(")");
            t.blank();
        }
        t.finish_trimmed()
    }
}

/// What differs between the list and the map output of an object type.
struct GoCollection {
    kind: &'static str,
    go_prefix: &'static str,
    method: &'static str,
    arg: &'static str,
    arg_type: &'static str,
    index_type: &'static str,
}

impl GoCollection {
    const ARRAY: GoCollection = GoCollection {
        kind: "Array",
        go_prefix: "[]",
        method: "Index",
        arg: "i",
        arg_type: "pulumi.IntInput",
        index_type: "int",
    };
    const MAP: GoCollection = GoCollection {
        kind: "Map",
        go_prefix: "map[string]",
        method: "MapIndex",
        arg: "k",
        arg_type: "pulumi.StringInput",
        index_type: "string",
    };
}
