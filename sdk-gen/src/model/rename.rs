//! Renaming object types after validation, for a language whose names for a type would clash
//! with the names it gives a resource or a function.

use super::{ObjectType, Package, Property, TypeRef};
use std::collections::BTreeMap;

impl Package {
    /// A copy with every object type `new_name` answers for renamed, references included.
    pub fn renaming_objects(&self, new_name: impl Fn(&ObjectType) -> Option<String>) -> Package {
        let renames: BTreeMap<String, String> = self
            .objects
            .iter()
            .filter_map(|o| new_name(o).map(|n| (o.name.clone(), n)))
            .collect();
        let mut pkg = self.clone();
        if renames.is_empty() {
            return pkg;
        }
        let props = |ps: &mut Vec<Property>| {
            for p in ps {
                rename(&mut p.ty, &renames);
            }
        };
        props(&mut pkg.config);
        for r in std::iter::once(&mut pkg.provider).chain(pkg.resources.iter_mut()) {
            props(&mut r.inputs);
            props(&mut r.outputs);
            props(&mut r.state);
        }
        for f in &mut pkg.functions {
            props(&mut f.inputs);
            props(&mut f.outputs);
        }
        for o in &mut pkg.objects {
            if let Some(n) = renames.get(&o.name) {
                o.name = n.clone();
            }
            props(&mut o.properties);
        }
        pkg.objects.sort_by(|a, b| a.name.cmp(&b.name));
        pkg
    }
}

fn rename(ty: &mut TypeRef, renames: &BTreeMap<String, String>) {
    match ty {
        TypeRef::Object(n) => {
            if let Some(new) = renames.get(n) {
                *n = new.clone();
            }
        }
        TypeRef::Array(t) | TypeRef::Map(t) => rename(t, renames),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::load;
    use crate::model::TypeRef;

    #[test]
    fn renaming_an_object_renames_every_reference_to_it() {
        let pkg = load(
            r##"{"name": "p", "resources": {
                    "p:index/api:Api": {"inputProperties": {"scopes": {"type": "array", "items": {"$ref": "#/types/p:index/Scope:Scope"}}},
                                        "properties": {"scopes": {"type": "object", "additionalProperties": {"$ref": "#/types/p:index/Scope:Scope"}}}}},
                 "types": {"p:index/Scope:Scope": {"type": "object", "properties": {"value": {"type": "string"}}}}}"##,
            "1.0.0",
        )
        .unwrap();
        let renamed =
            pkg.renaming_objects(|o| (o.name == "Scope").then(|| "ScopeType".to_string()));
        assert_eq!(renamed.objects[0].name, "ScopeType");
        let api = &renamed.resources[0];
        assert_eq!(
            api.inputs[0].ty,
            TypeRef::Array(Box::new(TypeRef::Object("ScopeType".into())))
        );
        assert_eq!(
            api.outputs[0].ty,
            TypeRef::Map(Box::new(TypeRef::Object("ScopeType".into())))
        );
        // The original is untouched.
        assert_eq!(pkg.objects[0].name, "Scope");
    }
}
