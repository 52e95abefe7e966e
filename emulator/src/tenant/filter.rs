//! The one filter every listing applies before paging: each query parameter a collection supports
//! becomes a condition on one field of the stored objects.

use indexmap::IndexMap;
use serde_json::Value;

use super::paging::{paginate, ListQuery, TotalsShape};
use super::Object;
use crate::error::ApiError;

enum Condition<'q> {
    /// The string field is one of these; a missing field reads as "".
    OneOf(&'static str, Vec<String>),
    /// The string field is exactly this.
    Equals(&'static str, &'q str),
    /// The boolean field is this; a missing field reads as false.
    Flag(&'static str, bool),
}

/// The conditions a listing's query asks for; a parameter the query leaves out adds none.
#[derive(Default)]
pub(super) struct Filter<'q> {
    conditions: Vec<Condition<'q>>,
}

impl<'q> Filter<'q> {
    pub(super) fn new() -> Filter<'q> {
        Filter::default()
    }

    pub(super) fn one_of(mut self, field: &'static str, values: Vec<String>) -> Filter<'q> {
        if !values.is_empty() {
            self.conditions.push(Condition::OneOf(field, values));
        }
        self
    }

    pub(super) fn equals(mut self, field: &'static str, value: Option<&'q str>) -> Filter<'q> {
        if let Some(value) = value {
            self.conditions.push(Condition::Equals(field, value));
        }
        self
    }

    pub(super) fn flag(mut self, field: &'static str, value: Option<bool>) -> Filter<'q> {
        if let Some(value) = value {
            self.conditions.push(Condition::Flag(field, value));
        }
        self
    }

    fn keeps(&self, object: &Object) -> bool {
        self.conditions.iter().all(|c| match c {
            Condition::OneOf(field, values) => {
                let v = object.get(*field).and_then(Value::as_str).unwrap_or("");
                values.iter().any(|x| x == v)
            }
            Condition::Equals(field, value) => {
                object.get(*field).and_then(Value::as_str) == Some(*value)
            }
            Condition::Flag(field, value) => {
                object.get(*field).and_then(Value::as_bool).unwrap_or(false) == *value
            }
        })
    }

    /// The page of the kept `objects` that `q` asks for, in insertion order.
    pub(super) fn page(
        &self,
        objects: &IndexMap<String, Object>,
        q: &ListQuery,
        collection: &str,
        totals: TotalsShape,
    ) -> Result<Value, ApiError> {
        let (ids, items) = objects
            .iter()
            .filter(|(_, o)| self.keeps(o))
            .map(|(id, o)| (id.clone(), Value::Object(o.clone())))
            .unzip();
        paginate(items, ids, q, collection, totals)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::tenant::fixtures::{q, tenant};

    #[test]
    fn clients_filter_by_app_type() {
        let mut t = tenant();
        t.create_client(&json!({"name": "spa", "app_type": "spa"}))
            .unwrap();
        let list = t.list_clients(&q("app_type=spa")).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        let list = t.list_clients(&q("app_type=spa,non_interactive")).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 2);
    }

    #[test]
    fn grants_filter_by_audience_and_client() {
        let mut t = tenant();
        t.create_resource_server(&json!({"identifier": "https://a/"}))
            .unwrap();
        let c = t.create_client(&json!({"name": "c"})).unwrap();
        t.create_client_grant(&json!({"client_id": c["client_id"], "audience": "https://a/"}))
            .unwrap();
        let list = t
            .list_client_grants(&q("audience=https%3A%2F%2Fa%2F"))
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        let list = t
            .list_client_grants(&q(&format!(
                "client_id={}",
                c["client_id"].as_str().unwrap()
            )))
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
    }
}
