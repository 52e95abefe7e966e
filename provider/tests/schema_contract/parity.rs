//! Valid against the metaschema, and a drop-in for the official resources, types and functions.

use super::*;

#[test]
fn schema_validates_against_the_pulumi_metaschema() {
    let metaschema = fixture("pulumi-package-metaschema.json");
    let validator = jsonschema::draft202012::new(&metaschema)
        .unwrap_or_else(|e| panic!("the metaschema fixture does not compile: {e}"));
    let schema = ours();
    let differences = validator
        .iter_errors(&schema)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    assert_no_differences("schema.json against the Pulumi metaschema", differences);
}

#[test]
fn every_official_resource_input_exists_with_the_same_type_shape() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for token in RESOURCES {
        compare_properties(
            &format!("{} input", short(token)),
            object(
                &official,
                &format!("/resources/{}/inputProperties", seg(token)),
            ),
            object(&ours, &format!("/resources/{}/inputProperties", seg(token))),
            &mut differences,
        );
    }
    assert_no_differences("resource inputs", differences);
}

#[test]
fn every_official_resource_output_exists_with_the_same_type_shape() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for token in RESOURCES {
        compare_properties(
            &format!("{} output", short(token)),
            object(&official, &format!("/resources/{}/properties", seg(token))),
            object(&ours, &format!("/resources/{}/properties", seg(token))),
            &mut differences,
        );
    }
    assert_no_differences("resource outputs", differences);
}

#[test]
fn state_inputs_list_exactly_the_outputs_of_each_resource() {
    let schema = ours();
    let mut differences = Vec::new();
    for token in RESOURCES {
        let outputs = object(&schema, &format!("/resources/{}/properties", seg(token)));
        let state = object(
            &schema,
            &format!("/resources/{}/stateInputs/properties", seg(token)),
        );
        if names(outputs) != names(state) {
            differences.push(format!(
                "{}: outputs {:?} but state inputs {:?}",
                short(token),
                names(outputs),
                names(state)
            ));
        }
        compare_properties(
            &format!("{} state input", short(token)),
            outputs,
            state,
            &mut differences,
        );
    }
    assert_no_differences("state inputs", differences);
}

#[test]
fn required_and_required_inputs_lists_equal_the_official_ones() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for token in RESOURCES {
        for list in ["required", "requiredInputs"] {
            let theirs = string_list(resource(&official, token).get(list));
            let mine = string_list(resource(&ours, token).get(list));
            if theirs != mine {
                differences.push(format!(
                    "{} {list}: official {theirs:?} but schema.json has {mine:?}",
                    short(token)
                ));
            }
        }
    }
    assert_no_differences("required lists", differences);
}

#[test]
fn every_type_the_official_resources_reference_exists_with_the_same_properties_and_required() {
    let (official, ours) = (official(), ours());
    let wanted = referenced_types(&official);
    assert!(
        wanted.len() > 50,
        "the fixture should reference the Client, ResourceServer and ClientGrant types"
    );
    let mut differences = Vec::new();
    for token in &wanted {
        let pointer = format!("/types/{}", seg(token));
        let theirs = official
            .pointer(&pointer)
            .expect("fixture is self-consistent");
        let Some(mine) = ours.pointer(&pointer) else {
            differences.push(format!("type {token} is missing"));
            continue;
        };
        if mine.get("type") != theirs.get("type") {
            differences.push(format!(
                "type {token}: official type {} but schema.json has {}",
                theirs["type"],
                mine.get("type").unwrap_or(&Value::Null)
            ));
        }
        let empty = Map::new();
        let their_props = theirs
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let my_props = mine
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        compare_properties(
            &format!("type {} property", short(token)),
            their_props,
            my_props,
            &mut differences,
        );
        for extra in names(my_props).difference(&names(their_props)) {
            differences.push(format!(
                "type {} has property `{extra}` that the official type lacks",
                short(token)
            ));
        }
        let (theirs_req, mine_req) = (
            string_list(theirs.get("required")),
            string_list(mine.get("required")),
        );
        if theirs_req != mine_req {
            differences.push(format!(
                "type {} required: official {theirs_req:?} but schema.json has {mine_req:?}",
                short(token)
            ));
        }
        if theirs.pointer("/language/nodejs/requiredOutputs")
            != mine.pointer("/language/nodejs/requiredOutputs")
        {
            differences.push(format!(
                "type {} language.nodejs.requiredOutputs differs from the official one",
                short(token)
            ));
        }
    }
    assert_no_differences("referenced object types", differences);
}

#[test]
fn every_type_referenced_anywhere_is_defined_and_every_defined_type_is_used() {
    let schema = ours();
    let mut refs = BTreeSet::new();
    collect_type_refs(&schema, &mut refs);
    let defined = names(object(&schema, "/types"));
    let mut differences: Vec<String> = refs
        .difference(&defined)
        .map(|t| format!("{t} is referenced but not defined"))
        .collect();
    differences.extend(
        defined
            .difference(&referenced_types(&schema))
            .map(|t| format!("{t} is defined but no resource uses it")),
    );
    assert_no_differences("type references", differences);
}

#[test]
fn functions_are_exactly_the_official_ones_with_the_same_inputs_and_outputs() {
    let (official, ours) = (official(), ours());
    assert_eq!(
        names(object(&ours, "/functions")),
        FUNCTIONS
            .iter()
            .map(|t| t.to_string())
            .collect::<BTreeSet<_>>()
    );
    let mut differences = Vec::new();
    for token in FUNCTIONS {
        for part in ["inputs", "outputs"] {
            let theirs = &function(&official, token)[part];
            let mine = &function(&ours, token)[part];
            let label = format!("{} {part}", short(token));
            compare_properties(
                &label,
                theirs["properties"].as_object().unwrap(),
                mine["properties"].as_object().unwrap(),
                &mut differences,
            );
            for name in names(mine["properties"].as_object().unwrap()) {
                if theirs["properties"].get(&name).is_none() {
                    differences.push(format!("{label} `{name}` is not official"));
                }
            }
            if string_list(theirs.get("required")) != string_list(mine.get("required")) {
                differences.push(format!(
                    "{label} required: official {:?}, schema.json {:?}",
                    string_list(theirs.get("required")),
                    string_list(mine.get("required"))
                ));
            }
        }
        if description(&Value::Object(function(&ours, token).clone()))
            .trim()
            .is_empty()
        {
            differences.push(format!("{} has no description", short(token)));
        }
    }
    assert_no_differences("functions", differences);
}
