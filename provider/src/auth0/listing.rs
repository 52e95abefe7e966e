//! Following a Management API listing page by page (`page`, `per_page`, `include_totals`),
//! only as far as the caller needs, and never past a fixed number of pages.

use std::time::Instant;

use reqwest::Method;
use serde_json::Value as Json;

use super::{ApiError, ApiRequest, Auth0Client};

/// Auth0's largest page.
pub const PER_PAGE: usize = 100;
/// At most this many pages (100,000 objects) are read for one listing.
pub const MAX_PAGES: usize = 1000;

/// One page's items and whether more pages follow. Auth0 answers `{"<key>": [...], "total": N,
/// "start": S, "limit": L}` with include_totals, a bare array without.
pub fn page_items(body: &Json, key: &str, page: usize) -> (Vec<Json>, bool) {
    let (items, total) = match body {
        Json::Array(items) => (items.clone(), None),
        other => (
            other
                .get(key)
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default(),
            other.get("total").and_then(Json::as_u64),
        ),
    };
    let seen = page * PER_PAGE + items.len();
    let more = match total {
        Some(total) => (seen as u64) < total && !items.is_empty(),
        None => items.len() == PER_PAGE,
    };
    (items, more)
}

impl Auth0Client {
    /// Reads the listing at `path` with `query`, handing each page's items to `keep` until it
    /// returns false or the listing ends. Returns the number of requests made.
    pub async fn list(
        &self,
        path: &str,
        query: &[(String, String)],
        key: &str,
        deadline: Option<Instant>,
        mut keep: impl FnMut(Vec<Json>) -> bool + Send,
    ) -> Result<usize, ApiError> {
        for page in 0..MAX_PAGES {
            let mut req = ApiRequest::new(Method::GET, path)
                .query("page", page.to_string())
                .query("per_page", PER_PAGE.to_string())
                .query("include_totals", "true")
                .deadline(deadline);
            for (name, value) in query {
                req = req.query(name.clone(), value.clone());
            }
            let body = self.send(req).await?.body;
            let (items, more) = page_items(&body, key, page);
            if !keep(items) || !more {
                return Ok(page + 1);
            }
        }
        Ok(MAX_PAGES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn totals_decide_whether_another_page_follows() {
        let full: Vec<Json> = (0..PER_PAGE).map(|i| json!({ "i": i })).collect();
        let body = json!({"clients": full, "total": 150, "start": 0, "limit": 100});
        let (items, more) = page_items(&body, "clients", 0);
        assert_eq!((items.len(), more), (100, true));
        let body = json!({"clients": [{"i": 100}], "total": 101});
        assert_eq!(page_items(&body, "clients", 1).1, false);
        assert_eq!(
            page_items(&json!({"clients": [], "total": 500}), "clients", 3).1,
            false
        );
    }

    #[test]
    fn a_bare_array_page_continues_only_when_full() {
        let full: Vec<Json> = (0..PER_PAGE).map(|i| json!(i)).collect();
        assert!(page_items(&Json::Array(full), "clients", 0).1);
        assert!(!page_items(&json!([1, 2]), "clients", 0).1);
    }
}
