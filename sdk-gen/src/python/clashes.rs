//! Python names that would clash: the package imports every resource and function module and
//! `_inputs` into one namespace, so an object type `X` whose `XArgs` (or `XArgsDict`) is also a
//! resource's `XArgs` is renamed `XType` throughout the Python SDK. `outputs` is its own namespace.

use crate::model::Package;
use std::collections::BTreeSet;

pub(super) fn resolve(pkg: &Package) -> Package {
    let mut flat: BTreeSet<String> = BTreeSet::new();
    for r in pkg.resources.iter().chain(std::iter::once(&pkg.provider)) {
        flat.insert(r.name.clone());
        flat.insert(format!("{}Args", r.name));
    }
    for f in &pkg.functions {
        flat.insert(format!("{}Result", f.class_name()));
        flat.insert(format!("Awaitable{}Result", f.class_name()));
    }
    pkg.renaming_objects(|o| {
        let clashes = [format!("{}Args", o.name), format!("{}ArgsDict", o.name)]
            .iter()
            .any(|n| flat.contains(n));
        clashes.then(|| format!("{}Type", o.name))
    })
}
