//! Golden tests: one small schema per construct under tests/golden/<case>/schema.json, with the
//! expected SDK files per language beside it. `UPDATE_GOLDEN=1 cargo test -p sdk-gen` rewrites them;
//! review the diff before committing. Runtime helper files that never depend on the schema are skipped.

use sdk_gen::{generate, load, Language, Options};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn case_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(case)
}

fn list(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            list(root, &p, out);
        } else {
            out.push(
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

/// Generates every language for `case`, compares with the golden files, and returns the
/// generated files by `<lang>/<path>` for further assertions.
fn golden(case: &str) -> BTreeMap<String, String> {
    let dir = case_dir(case);
    let schema = fs::read_to_string(dir.join("schema.json")).expect("golden schema.json");
    let pkg = load(&schema, "1.2.3").unwrap_or_else(|e| panic!("{case}: {e}"));
    let opts = Options {
        version: "1.2.3".into(),
        pulumi_version: "3.0.0".into(),
    };
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut all = BTreeMap::new();
    let mut problems = Vec::new();
    for lang in Language::ALL {
        let files = generate(&pkg, lang, &opts).unwrap_or_else(|e| panic!("{case}: {e}"));
        let lang_dir = dir.join(lang.dir());
        let compared: BTreeMap<&String, &String> = files
            .files
            .iter()
            .filter(|(p, _)| !files.fixed.contains(p))
            .collect();
        if update {
            let _ = fs::remove_dir_all(&lang_dir);
            for (path, content) in &compared {
                let target = lang_dir.join(path);
                fs::create_dir_all(target.parent().unwrap()).unwrap();
                fs::write(target, content).unwrap();
            }
        }
        let mut on_disk = Vec::new();
        list(&lang_dir, &lang_dir, &mut on_disk);
        for path in &on_disk {
            if !compared.contains_key(path) {
                problems.push(format!(
                    "{}/{path}: golden file is no longer generated",
                    lang.dir()
                ));
            }
        }
        for (path, content) in &compared {
            match fs::read_to_string(lang_dir.join(path)) {
                Err(_) => problems.push(format!(
                    "{}/{path}: generated but has no golden file",
                    lang.dir()
                )),
                Ok(expected) if expected != **content => {
                    let line = expected
                        .lines()
                        .zip(content.lines())
                        .position(|(a, b)| a != b)
                        .map(|i| i + 1)
                        .unwrap_or_else(|| {
                            expected.lines().count().min(content.lines().count()) + 1
                        });
                    problems.push(format!(
                        "{}/{path}: differs from golden, first at line {line}",
                        lang.dir()
                    ));
                }
                Ok(_) => {}
            }
        }
        for (path, content) in files.files {
            all.insert(format!("{}/{path}", lang.dir()), content);
        }
    }
    assert!(
        problems.is_empty(),
        "{case}: generated SDKs differ from tests/golden/{case} (UPDATE_GOLDEN=1 to accept):\n{}",
        problems.join("\n")
    );
    all
}

fn file<'a>(files: &'a BTreeMap<String, String>, path: &str) -> &'a str {
    files.get(path).unwrap_or_else(|| {
        panic!(
            "{path} was not generated; got {:?}",
            files.keys().collect::<Vec<_>>()
        )
    })
}

#[test]
fn maps_become_mappings_of_inputs() {
    let f = golden("maps");
    let py = file(&f, "python/pulumi_widgets/widget.py");
    assert!(py.contains(
        "labels: pulumi.Input[Optional[Mapping[str, pulumi.Input[_builtins.str]]]] = None"
    ));
    assert!(py.contains(
        "limits: pulumi.Input[Optional[Mapping[str, pulumi.Input[_builtins.int]]]] = None"
    ));
    assert!(py.contains("def extra(self) -> pulumi.Output[Optional[Mapping[str, Any]]]:"));
}

#[test]
fn nested_objects_get_args_typed_dicts_and_output_classes() {
    let f = golden("nested_objects");
    let inputs = file(&f, "python/pulumi_widgets/_inputs.py");
    assert!(inputs.contains("class WidgetSettingsArgs:"));
    assert!(inputs.contains("class WidgetSettingsArgsDict(TypedDict):"));
    assert!(
        inputs.contains("size: NotRequired[pulumi.Input[Optional['WidgetSettingsSizeArgsDict']]]")
    );
    assert!(inputs.contains("@pulumi.getter(name=\"colorName\")"));
    let outputs = file(&f, "python/pulumi_widgets/outputs.py");
    assert!(outputs.contains("class WidgetSettingsSize(dict):"));
    let py = file(&f, "python/pulumi_widgets/widget.py");
    assert!(py.contains("raise TypeError(\"Missing required property 'settings'\")"));
}

#[test]
fn arrays_of_objects_are_sequences_of_object_inputs() {
    let f = golden("arrays_of_objects");
    let py = file(&f, "python/pulumi_widgets/widget.py");
    assert!(py.contains(
        "parts: pulumi.Input[Optional[Sequence[pulumi.Input['WidgetPartArgs']]]] = None"
    ));
    assert!(
        py.contains("def parts(self) -> pulumi.Output[Optional[Sequence['outputs.WidgetPart']]]:")
    );
}

#[test]
fn secrets_are_wrapped_and_listed_as_additional_secret_outputs() {
    let f = golden("secrets");
    let py = file(&f, "python/pulumi_widgets/widget.py");
    assert!(py.contains("__props__.__dict__[\"password\"] = None if password is None else pulumi.Output.secret(password)"));
    assert!(py.contains("additional_secret_outputs=[\"password\", \"token\"]"));
}

#[test]
fn defaults_and_environment_variables_fill_unset_inputs_and_config() {
    let f = golden("env_defaults");
    let py = file(&f, "python/pulumi_widgets/widget.py");
    assert!(py.contains("retries = (_utilities.get_env_int(\"WIDGETS_RETRIES\") or 3)"));
    assert!(py.contains("region = \"eu\""));
    let vars = file(&f, "python/pulumi_widgets/config/vars.py");
    assert!(vars.contains("return __config__.get(\"endpoint\") or _utilities.get_env(\"WIDGETS_ENDPOINT\", \"WIDGET_ENDPOINT\")"));
    assert!(vars.contains("return __config__.get_float(\"timeoutSeconds\") or 30"));
    let provider = file(&f, "python/pulumi_widgets/provider.py");
    assert!(provider.contains("pulumi.Output.from_input(verbose).apply(pulumi.runtime.to_json)"));
}

#[test]
fn deprecated_properties_are_documented_and_warn_only_when_read_since_the_provider_warns_when_set()
{
    let f = golden("deprecated");
    let py = file(&f, "python/pulumi_widgets/widget.py");
    assert!(!py.contains("warnings.warn(\"\"\"Use `scopes` instead.\"\"\", DeprecationWarning)"));
    assert!(!py.contains("pulumi.log.warn"));
    assert!(py.contains("@_utilities.deprecated(\"\"\"Use `scopes` instead.\"\"\")"));
}

#[test]
fn enums_become_enum_classes_with_named_members() {
    let f = golden("enums");
    let py = file(&f, "python/pulumi_widgets/_enums.py");
    assert!(py.contains("class Shape(_builtins.str, Enum):"));
    assert!(py.contains("SQUARE_ISH = \"square-ish\""));
    assert!(py.contains("class Priority(_builtins.int, Enum):"));
    assert!(py.contains("HIGH = 10"));
}

#[test]
fn the_real_schema_generates_without_errors() {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.json");
    let text = fs::read_to_string(&schema).expect("schema.json at the workspace root");
    let pkg = load(&text, "0.0.0").unwrap_or_else(|e| panic!("schema.json: {e}"));
    let names: Vec<&str> = pkg.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Client",
            "ClientCredentials",
            "ClientGrant",
            "ResourceServer",
            "ResourceServerScope",
            "ResourceServerScopes"
        ]
    );
    let functions: Vec<(&str, &str)> = pkg
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.go_name.as_str()))
        .collect();
    assert_eq!(
        functions,
        [
            ("getClient", "LookupClient"),
            ("getClientGrants", "GetClientGrants"),
            ("getClients", "GetClients"),
            ("getResourceServer", "LookupResourceServer"),
        ]
    );
    for lang in Language::ALL {
        let opts = Options {
            version: "0.0.0".into(),
            pulumi_version: "3.0.0".into(),
        };
        generate(&pkg, lang, &opts).unwrap_or_else(|e| panic!("{}: {e}", lang.dir()));
    }
}

#[test]
fn typescript_maps_are_index_signatures_of_inputs() {
    let f = golden("maps");
    let ts = file(&f, "nodejs/widget.ts");
    assert!(ts.contains("labels?: pulumi.Input<{[key: string]: pulumi.Input<string>}>;"));
    assert!(ts.contains(
        "declare public readonly extra: pulumi.Output<{[key: string]: any} | undefined>;"
    ));
}

#[test]
fn typescript_nested_objects_live_in_types_input_and_output() {
    let f = golden("nested_objects");
    assert!(file(&f, "nodejs/types/input.ts")
        .contains("size?: pulumi.Input<inputs.WidgetSettingsSize>;"));
    assert!(file(&f, "nodejs/types/output.ts").contains("colorName: string;"));
    assert!(file(&f, "nodejs/widget.ts")
        .contains("throw new Error(\"Missing required property 'settings'\");"));
}

#[test]
fn typescript_arrays_of_objects_are_arrays_of_object_inputs() {
    let f = golden("arrays_of_objects");
    let ts = file(&f, "nodejs/widget.ts");
    assert!(ts.contains("parts?: pulumi.Input<pulumi.Input<inputs.WidgetPart>[]>;"));
    assert!(ts.contains(
        "declare public readonly parts: pulumi.Output<outputs.WidgetPart[] | undefined>;"
    ));
}

#[test]
fn typescript_secrets_are_wrapped_and_listed_as_additional_secret_outputs() {
    let f = golden("secrets");
    let ts = file(&f, "nodejs/widget.ts");
    assert!(ts.contains("additionalSecretOutputs: [\"password\", \"token\"]"));
    assert!(ts.contains("pulumi.secret(args?.password)"));
}

#[test]
fn typescript_defaults_and_environment_variables_fill_unset_inputs_and_config() {
    let f = golden("env_defaults");
    let ts = file(&f, "nodejs/widget.ts");
    assert!(ts.contains("(args?.retries ?? (utilities.getEnvNumber(\"WIDGETS_RETRIES\") ?? 3))"));
    let vars = file(&f, "nodejs/config/vars.ts");
    assert!(vars.contains(
        "__config.getObject<boolean>(\"verbose\") ?? utilities.getEnvBoolean(\"WIDGETS_VERBOSE\")"
    ));
    assert!(file(&f, "nodejs/provider.ts").contains("pulumi.output((args?.verbose ?? utilities.getEnvBoolean(\"WIDGETS_VERBOSE\"))).apply(JSON.stringify)"));
}

#[test]
fn typescript_deprecated_properties_carry_jsdoc_and_leave_the_warning_to_the_provider() {
    let f = golden("deprecated");
    let ts = file(&f, "nodejs/widget.ts");
    assert!(ts.contains("@deprecated Use `scopes` instead."));
    assert!(!ts.contains("pulumi.log.warn"));
}

#[test]
fn typescript_enums_are_const_objects_with_a_union_type() {
    let f = golden("enums");
    let ts = file(&f, "nodejs/types/enums/index.ts");
    assert!(ts.contains("SquareIsh: \"square-ish\","));
    assert!(ts.contains("export type Shape = (typeof Shape)[keyof typeof Shape];"));
    assert!(file(&f, "nodejs/widget.ts").contains("shape?: pulumi.Input<enums.Shape>;"));
}

#[test]
fn go_maps_and_arrays_use_the_sdk_collection_types() {
    let f = golden("maps");
    let go = file(&f, "go/widgets/widget.go");
    assert!(go.contains("Labels pulumi.StringMapInput"));
    assert!(go.contains("Limits pulumi.IntMapInput"));
    assert!(go.contains("Extra pulumi.MapOutput `pulumi:\"extra\"`"));
    let f = golden("arrays_of_objects");
    let go = file(&f, "go/widgets/widget.go");
    assert!(go.contains("Parts WidgetPartArrayInput"));
    assert!(file(&f, "go/widgets/pulumiTypes.go")
        .contains("func (o WidgetPartArrayOutput) Index(i pulumi.IntInput) WidgetPartOutput {"));
}

#[test]
fn go_nested_objects_get_args_input_output_and_pointer_types() {
    let f = golden("nested_objects");
    let types = file(&f, "go/widgets/pulumiTypes.go");
    for decl in [
        "type WidgetSettings struct {",
        "type WidgetSettingsArgs struct {",
        "type WidgetSettingsPtrInput interface {",
        "func (o WidgetSettingsPtrOutput) Size() WidgetSettingsSizePtrOutput {",
        "ColorName pulumi.StringInput `pulumi:\"colorName\"`",
    ] {
        assert!(types.contains(decl), "{decl}");
    }
    let go = file(&f, "go/widgets/widget.go");
    assert!(
        go.contains("return nil, errors.New(\"invalid value for required argument 'Settings'\")")
    );
}

#[test]
fn go_secrets_defaults_and_deprecations() {
    let f = golden("secrets");
    let go = file(&f, "go/widgets/widget.go");
    assert!(go.contains("args.Password = pulumi.ToSecret(args.Password).(pulumi.StringPtrInput)"));
    assert!(go.contains("pulumi.AdditionalSecretOutputs([]string{\"password\", \"token\"})"));
    let f = golden("env_defaults");
    let go = file(&f, "go/widgets/widget.go");
    assert!(go.contains("internal.GetEnvOrDefault(3, internal.ParseEnvInt, \"WIDGETS_RETRIES\")"));
    let config = file(&f, "go/widgets/config/config.go");
    assert!(config
        .contains("internal.GetEnvOrDefault(nil, nil, \"WIDGETS_ENDPOINT\", \"WIDGET_ENDPOINT\")"));
    assert!(config.contains("internal.GetEnvOrDefault(float64(30), internal.ParseEnvFloat)"));
    let f = golden("deprecated");
    let go = file(&f, "go/widgets/widget.go");
    assert!(go.contains("// Deprecated: Use `scopes` instead."));
    assert!(!go.contains("ctx.Log.Warn"));
    let f = golden("enums");
    assert!(
        file(&f, "go/widgets/pulumiEnums.go").contains("ShapeSquareIsh = Shape(\"square-ish\")")
    );
}

#[test]
fn go_generation_fails_clearly_on_a_type_go_cannot_express() {
    let pkg = load(
        r##"{"name": "p", "resources": {"p:index/thing:Thing": {"inputProperties": {
            "grid": {"type": "array", "items": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "string"}}}}}}}}"##,
        "1.0.0",
    )
    .unwrap();
    let opts = Options {
        version: "1.0.0".into(),
        pulumi_version: "3.0.0".into(),
    };
    let e =
        generate(&pkg, Language::Go, &opts).expect_err("arrays of arrays of maps have no Go type");
    assert!(e.0.contains("p:index/thing:Thing.grid"), "{e}");
}

#[test]
fn functions_get_plain_and_output_forms_with_the_official_names() {
    let f = golden("functions");
    let py = file(&f, "python/pulumi_widgets/get_widget.py");
    assert!(py.contains("__all__ = ['GetWidgetResult', 'AwaitableGetWidgetResult', 'get_widget', 'get_widget_output']"));
    assert!(py.contains("def get_widget(widget_id: Optional[_builtins.str] = None,"));
    assert!(py.contains(
        "def get_widget_output(widget_id: pulumi.Input[Optional[_builtins.str]] = None,"
    ));
    assert!(py.contains("__args__[\"widgetId\"] = widget_id"));
    assert!(py.contains("pulumi.runtime.invoke(\"widgets:index/getWidget:getWidget\", __args__, opts=opts, typ=GetWidgetResult).value"));
    assert!(py.contains("pulumi.runtime.invoke_output(\"widgets:index/getWidget:getWidget\", __args__, opts=opts, typ=GetWidgetResult)"));
    assert!(py.contains("def parts(self) -> Sequence['outputs.GetWidgetPartResult']:"));
    let init = file(&f, "python/pulumi_widgets/__init__.py");
    assert!(
        init.contains("from .get_widget import *") && init.contains("from .get_widgets import *")
    );
    let outputs = file(&f, "python/pulumi_widgets/outputs.py");
    assert!(outputs.contains("class GetWidgetPartResult(dict):"));
    // The type Part would make a PartArgs next to the resource's PartArgs: it is PartType in
    // Python and Go; TypeScript keeps types in their own namespace and the schema's name.
    assert!(outputs.contains("class PartType(dict):"));
    assert!(file(&f, "python/pulumi_widgets/_inputs.py").contains("class PartTypeArgs:"));
    assert!(file(&f, "nodejs/types/input.ts").contains("export interface Part {"));

    let ts = file(&f, "nodejs/getWidget.ts");
    assert!(ts.contains("export function getWidget(args: GetWidgetArgs, opts?: pulumi.InvokeOptions): Promise<GetWidgetResult> {"));
    assert!(ts.contains("export function getWidgetOutput(args: GetWidgetOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetWidgetResult> {"));
    assert!(
        ts.contains("return pulumi.runtime.invokeOutput(\"widgets:index/getWidget:getWidget\", {")
    );
    assert!(ts.contains("readonly parts: outputs.GetWidgetPart[];"));
    let ts_list = file(&f, "nodejs/getWidgets.ts");
    assert!(ts_list.contains("export function getWidgets(args?: GetWidgetsArgs"));
    assert!(ts_list.contains("nameFilter?: pulumi.Input<string | undefined>;"));
    assert!(ts_list.contains("colors?: pulumi.Input<pulumi.Input<string>[] | undefined>;"));
    let index = file(&f, "nodejs/index.ts");
    assert!(index.contains("utilities.lazyLoad(exports, [\"getWidget\", \"getWidgetOutput\"], () => require(\"./getWidget\"));"));
    assert!(file(&f, "nodejs/tsconfig.json").contains("\"getWidgets.ts\""));

    // Go: `get` + a resource's name is Lookup (GetWidget is the resource's own getter).
    let go = file(&f, "go/widgets/getWidget.go");
    assert!(go.contains("func LookupWidget(ctx *pulumi.Context, args *LookupWidgetArgs, opts ...pulumi.InvokeOption) (*LookupWidgetResult, error) {"));
    assert!(go.contains("func LookupWidgetOutput(ctx *pulumi.Context, args LookupWidgetOutputArgs, opts ...pulumi.InvokeOption) LookupWidgetResultOutput {"));
    assert!(go.contains("Parts []GetWidgetPart `pulumi:\"parts\"`"));
    assert!(go.contains("func (o LookupWidgetResultOutput) Parts() GetWidgetPartArrayOutput {"));
    assert!(file(&f, "go/widgets/getWidgets.go")
        .contains("func GetWidgets(ctx *pulumi.Context, args *GetWidgetsArgs"));
    let types = file(&f, "go/widgets/pulumiTypes.go");
    assert!(
        types.contains("type PartType struct {")
            && types.contains("type PartTypeArray []PartTypeInput")
    );
    assert!(file(&f, "go/widgets/widget.go").contains("Parts PartTypeArrayOutput"));
}
