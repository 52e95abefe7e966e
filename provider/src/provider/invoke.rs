//! Invoke: a function's inputs checked against the schema (failures go back as Check failures,
//! asking Auth0 nothing), then its lookup, with the inputs echoed as the official functions do.

use super::Auth0Provider;
use crate::check::Checker;
use crate::error::Error;
use crate::functions;
use crate::rpc::{InvokeRequest, InvokeResponse, Result};
use crate::schema;
use crate::value::PropertyMap;

impl Auth0Provider {
    /// Invoke: the function's inputs checked against the schema, then its lookup.
    pub(super) async fn run_function(&self, req: InvokeRequest) -> Result<InvokeResponse> {
        let function = functions::lookup(&req.token).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "unknown function {:?}; this provider offers {}",
                req.token,
                functions::labels()
            ))
        })?;
        let package = schema::package();
        let spec = package
            .function(&req.token)
            .ok_or_else(|| Error::Internal(format!("schema.json has no function {}", req.token)))?;
        let label = function.def().label;
        let mut checker = Checker::new(package, label, &[]);
        checker.check_map(&req.args, &spec.inputs, &spec.required_inputs, "");
        function.check(&req.args, &mut checker);
        if !checker.failures.is_empty() {
            return Ok(InvokeResponse {
                outputs: PropertyMap::new(),
                failures: checker.failures,
            });
        }
        let client = self.client()?;
        let lookup = functions::Lookup {
            client: &client,
            deadline: None,
            package,
        };
        let mut outputs = function.invoke(&lookup, &req.args).await?;
        // What the program passed in comes back as given (the official functions echo inputs).
        for (name, value) in &req.args {
            if spec.outputs.contains_key(name) && !value.is_null() {
                outputs.entry(name.clone()).or_insert_with(|| value.clone());
            }
        }
        Ok(InvokeResponse {
            outputs,
            failures: Vec::new(),
        })
    }
}
