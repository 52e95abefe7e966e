//! Go names that would clash: a package is one namespace, so an object type `X` any of whose
//! names (`X`, `XArgs`, `XInput`, `XOutput`, `XArray`, ...) a resource or function also declares
//! (`ResourceServerScope`, or `GetResourceServerScope`, the resource's getter) is renamed
//! `XType`, as Pulumi's Go codegen does.

use crate::model::Package;
use std::collections::BTreeSet;

pub(super) fn resolve(pkg: &Package) -> Package {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for r in pkg.resources.iter().chain(std::iter::once(&pkg.provider)) {
        let n = &r.name;
        let lower = crate::names::camel_case(n);
        for s in [
            n.clone(),
            format!("New{n}"),
            format!("Get{n}"),
            format!("{n}Args"),
            format!("{n}State"),
            format!("{n}Input"),
            format!("{n}Output"),
            format!("{lower}Args"),
            format!("{lower}State"),
        ] {
            taken.insert(s);
        }
    }
    for f in &pkg.functions {
        let n = &f.go_name;
        for suffix in ["", "Args", "Result", "Output", "OutputArgs", "ResultOutput"] {
            taken.insert(format!("{n}{suffix}"));
        }
    }
    pkg.renaming_objects(|o| {
        let x = &o.name;
        let declared = [
            "",
            "Input",
            "Args",
            "Output",
            "Ptr",
            "PtrInput",
            "PtrOutput",
            "Array",
            "ArrayInput",
            "ArrayOutput",
            "Map",
            "MapInput",
            "MapOutput",
        ]
        .map(|s| format!("{x}{s}"));
        let ptr_type = format!("{}PtrType", crate::names::camel_case(x));
        let clashes = declared
            .iter()
            .chain(std::iter::once(&ptr_type))
            .any(|n| taken.contains(n));
        clashes.then(|| format!("{x}Type"))
    })
}
