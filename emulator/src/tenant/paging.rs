//! List parameters and the two ways Auth0 pages a listing: offset pages and checkpoints.

use serde_json::{json, Map, Value};

use crate::error::ApiError;

/// Parsed list parameters shared by the three list endpoints.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub pairs: Vec<(String, String)>,
}

impl ListQuery {
    pub fn parse(raw: Option<&str>) -> ListQuery {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        ListQuery { pairs }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, also as `name[]`, split on commas.
    pub fn all(&self, name: &str) -> Vec<String> {
        let bracketed = format!("{name}[]");
        self.pairs
            .iter()
            .filter(|(k, _)| k == name || *k == bracketed)
            .flat_map(|(_, v)| v.split(',').map(str::to_string).collect::<Vec<_>>())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub(super) fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(ApiError::query(format!(
                "'Expected type boolean but found type string' on property {name} (got \"{other}\")."
            ))),
        }
    }

    fn number(&self, name: &str, min: u64, max: u64) -> Result<Option<u64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => {
                let n: u64 = raw.parse().map_err(|_| {
                    ApiError::query(format!(
                        "'Expected type integer but found type string' on property {name} (got \"{raw}\")."
                    ))
                })?;
                if n < min {
                    return Err(ApiError::query(format!(
                        "'Value {n} is less than minimum {min}' on property {name}."
                    )));
                }
                if n > max {
                    return Err(ApiError::query(format!(
                        "'Value {n} is greater than maximum {max}' on property {name}."
                    )));
                }
                Ok(Some(n))
            }
        }
    }
}

/// What to return from a list: offset pages (optionally with totals) or a checkpoint page.
pub(super) fn paginate(
    items: Vec<Value>,
    ids: Vec<String>,
    q: &ListQuery,
    collection: &str,
    totals_shape: TotalsShape,
) -> Result<Value, ApiError> {
    if let Some(take) = q.number("take", 1, 100)? {
        // Checkpoint paging: `from` is the id of the first item to return.
        let start = match q.get("from").filter(|f| !f.is_empty()) {
            None => 0,
            Some(from) => ids.iter().position(|id| id == from).unwrap_or(items.len()),
        };
        let end = (start + take as usize).min(items.len());
        let mut body = Map::new();
        body.insert(
            collection.to_string(),
            Value::Array(items[start..end].to_vec()),
        );
        if end < items.len() {
            body.insert("next".to_string(), json!(ids[end]));
        }
        return Ok(Value::Object(body));
    }
    let per_page = q.number("per_page", 1, 100)?.unwrap_or(50) as usize;
    let page = q.number("page", 0, u32::MAX as u64)?.unwrap_or(0) as usize;
    let total = items.len();
    let start = page.saturating_mul(per_page).min(total);
    let end = (start + per_page).min(total);
    let slice = items[start..end].to_vec();
    if q.bool("include_totals")? != Some(true) {
        return Ok(Value::Array(slice));
    }
    let mut body = Map::new();
    match totals_shape {
        // As recorded for GET /clients (TestAccDataClients.yaml), including "length":0 and "next":"".
        TotalsShape::Clients => {
            body.insert("start".into(), json!(start));
            body.insert("limit".into(), json!(per_page));
            body.insert("length".into(), json!(0));
            body.insert("total".into(), json!(total));
            body.insert("next".into(), json!(""));
        }
        TotalsShape::Plain => {
            body.insert("total".into(), json!(total));
            body.insert("start".into(), json!(start));
            body.insert("limit".into(), json!(per_page));
        }
    }
    body.insert(collection.to_string(), Value::Array(slice));
    Ok(Value::Object(body))
}

#[derive(Clone, Copy)]
pub(super) enum TotalsShape {
    Clients,
    Plain,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::fixtures::{q, tenant};

    #[test]
    fn offset_paging_with_totals_reports_start_limit_and_total() {
        let mut t = tenant();
        for i in 0..5 {
            t.create_resource_server(&json!({"identifier": format!("https://a{i}/")}))
                .unwrap();
        }
        // 6 with the system API.
        let page = t
            .list_resource_servers(&q("page=1&per_page=4&include_totals=true"))
            .unwrap();
        assert_eq!(page["total"], 6);
        assert_eq!(page["start"], 4);
        assert_eq!(page["limit"], 4);
        assert_eq!(page["resource_servers"].as_array().unwrap().len(), 2);
        let bare = t.list_resource_servers(&q("page=0&per_page=2")).unwrap();
        assert_eq!(bare.as_array().unwrap().len(), 2);
    }

    #[test]
    fn checkpoint_paging_walks_every_item_once() {
        let mut t = tenant();
        for i in 0..5 {
            t.create_client(&json!({"name": format!("c{i}")})).unwrap();
        }
        let mut seen = Vec::new();
        let mut from = String::new();
        for _ in 0..10 {
            let page = t.list_clients(&q(&format!("take=2&from={from}"))).unwrap();
            for c in page["clients"].as_array().unwrap() {
                seen.push(c["client_id"].as_str().unwrap().to_string());
            }
            match page.get("next").and_then(Value::as_str) {
                Some(next) => from = next.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), 6);
        seen.dedup();
        assert_eq!(seen.len(), 6);
    }

    #[test]
    fn per_page_above_one_hundred_is_a_query_error() {
        let t = tenant();
        let err = t.list_clients(&q("per_page=101")).unwrap_err();
        assert_eq!(err.status, 400);
    }
}
