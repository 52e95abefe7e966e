//! Go functions: one file per function (`getClient.go`) with `LookupClient(ctx, args, opts...)`
//! (plain values, through ctx.Invoke) and `LookupClientOutput(ctx, args, opts...)` (inputs,
//! through ctx.InvokeOutput), their Args, OutputArgs, Result and ResultOutput types.

use super::{comment, lit, Go};
use crate::model::{Function, SchemaError};
use crate::render::{Files, Text};

pub(super) fn add_files(g: &Go, files: &mut Files) -> Result<(), SchemaError> {
    let dir = g.pkg.go_package();
    for f in &g.pkg.functions {
        files.add(format!("{dir}/{}.go", f.name), file(g, f)?, false);
    }
    Ok(())
}

fn file(g: &Go, f: &Function) -> Result<String, SchemaError> {
    let at = |p: &str, e: String| SchemaError(format!("functions.{}.{p}: {e}", f.token));
    let mut t = Text::new();
    g.imports(&mut t, &["context", "reflect"]);
    let name = &f.go_name;
    let (args, result) = (format!("{name}Args"), format!("{name}Result"));
    let (output_args, result_output) = (format!("{name}OutputArgs"), format!("{name}ResultOutput"));

    // The plain form.
    comment(&mut t, "", &f.description, f.deprecation.as_deref());
    t.line(&format!(
        "func {name}(ctx *pulumi.Context, args *{args}, opts ...pulumi.InvokeOption) (*{result}, error) {{"
    ));
    t.line("\tif args == nil {");
    t.line(&format!("\t\targs = &{args}{{}}"));
    t.line("\t}");
    t.line("\topts = internal.PkgInvokeDefaultOpts(opts)");
    t.line(&format!("\tvar rv {result}"));
    t.line(&format!(
        "\terr := ctx.Invoke({}, args, &rv, opts...)",
        lit(&f.token)
    ));
    t.line("\tif err != nil {");
    t.line("\t\treturn nil, err");
    t.line("\t}");
    t.line("\treturn &rv, nil");
    t.line("}");
    t.blank();
    t.line(&format!("// {args} are the arguments of {name}."));
    t.line(&format!("type {args} struct {{"));
    for p in &f.inputs {
        comment(&mut t, "\t", &p.description, p.deprecation.as_deref());
        t.line(&format!(
            "\t{} {} `pulumi:\"{}\"`",
            p.go_name(),
            g.plain(&p.ty, p.required),
            p.name
        ));
    }
    t.line("}");
    t.blank();
    t.line(&format!("// {result} holds the values {} returns.", f.name));
    t.line(&format!("type {result} struct {{"));
    for p in &f.outputs {
        comment(&mut t, "\t", &p.description, p.deprecation.as_deref());
        t.line(&format!(
            "\t{} {} `pulumi:\"{}\"`",
            p.go_name(),
            g.plain(&p.ty, p.required),
            p.name
        ));
    }
    t.line("}");
    t.blank();

    // The output form: the arguments may be outputs of other resources, and the result keeps
    // secrets secret.
    comment(&mut t, "", &f.description, f.deprecation.as_deref());
    t.line(&format!(
        "func {name}Output(ctx *pulumi.Context, args {output_args}, opts ...pulumi.InvokeOption) {result_output} {{"
    ));
    t.line("\toptions := pulumi.InvokeOutputOptions{InvokeOptions: internal.PkgInvokeDefaultOpts(opts)}");
    t.line(&format!(
        "\treturn ctx.InvokeOutput({}, args, {result_output}{{}}, options).({result_output})",
        lit(&f.token)
    ));
    t.line("}");
    t.blank();
    t.line(&format!(
        "// {output_args} are the arguments of {name}Output."
    ));
    t.line(&format!("type {output_args} struct {{"));
    for p in &f.inputs {
        comment(&mut t, "\t", &p.description, p.deprecation.as_deref());
        let ty = g
            .input_type(&p.ty, p.required)
            .map_err(|e| at(&format!("inputs.{}", p.name), e))?;
        t.line(&format!("\t{} {ty} `pulumi:\"{}\"`", p.go_name(), p.name));
    }
    t.line("}");
    t.blank();
    g.element_type(&mut t, &output_args, &format!("(*{args})(nil)"));
    t.line(&format!(
        "// {result_output} is the output form of {result}."
    ));
    t.line(&format!(
        "type {result_output} struct{{ *pulumi.OutputState }}"
    ));
    t.blank();
    g.element_type(&mut t, &result_output, &format!("(*{result})(nil)"));
    g.identity(&mut t, &result_output);
    for p in &f.outputs {
        let out = g.output_type(&p.ty, p.required);
        comment(&mut t, "", &p.description, p.deprecation.as_deref());
        t.line(&format!(
            "func (o {result_output}) {}() {out} {{",
            p.go_name()
        ));
        t.line(&format!(
            "\treturn o.ApplyT(func(v {result}) {} {{ return v.{} }}).({out})",
            g.plain(&p.ty, p.required),
            p.go_name()
        ));
        t.line("}");
        t.blank();
    }
    t.line("func init() {");
    t.line(&format!("\tpulumi.RegisterOutputType({result_output}{{}})"));
    t.line("}");
    Ok(t.finish_trimmed())
}
