//! The layer in front of every Management API route: request counts, the rate limit, injected
//! faults, query checks and bearer-token authentication.

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{lock, ConnKill, Shared};
use crate::error::ApiError;
use crate::limits::RateDecision;

fn rate_headers(res: &mut Response, d: &RateDecision) {
    let h = res.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(d.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(d.remaining));
    h.insert("x-ratelimit-reset", HeaderValue::from(d.reset));
}

fn injected_error(status: u16, when: &str) -> Response {
    ApiError::new(
        status,
        format!("Injected fault ({when}); the emulator was asked to fail this request"),
        None,
    )
    .into_response()
}

async fn drop_connection(req_kill: Option<ConnKill>) -> Response {
    if let Some(kill) = req_kill {
        kill.0.notify_one();
        // The connection task drops this request's future; nothing is ever answered.
        std::future::pending::<()>().await;
    }
    // Without a connection handle (never the case when served by the emulator), answer a 5xx.
    injected_error(503, "dropped connection")
}

pub(super) async fn management_layer(
    State(app): State<Shared>,
    matched: Option<MatchedPath>,
    mut req: Request,
    next: Next,
) -> Response {
    let route = format!(
        "{} {}",
        req.method(),
        matched.as_ref().map(|m| m.as_str()).unwrap_or("?")
    );
    {
        let mut c = lock(&app.counters);
        *c.routes.entry(route).or_insert(0) += 1;
        c.management_total += 1;
    }
    let decision = lock(&app.bucket).take();
    if let Some(d) = decision.filter(|d| !d.allowed) {
        lock(&app.counters).rate_limited += 1;
        let mut res = ApiError::too_many_requests().into_response();
        rate_headers(&mut res, &d);
        return res;
    }
    let (plan, latency, answer_latency, error_status) = {
        let mut f = lock(&app.faults);
        (
            f.plan(),
            f.config.latency,
            f.config.answer_latency,
            f.config.error_status,
        )
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let kill = req.extensions().get::<ConnKill>().cloned();
    if plan.drop_before {
        return drop_connection(kill).await;
    }
    let mut res = if plan.error_before {
        injected_error(error_status, "before processing")
    } else {
        let query_ok = crate::schema::check_query(
            req.method().as_str(),
            matched.as_ref().map(|m| m.as_str()).unwrap_or(""),
            req.uri().query(),
        );
        match app
            .verify_bearer(req.headers())
            .and_then(|i| query_ok.map(|_| i))
        {
            Err(e) => e.into_response(),
            Ok(info) => {
                req.extensions_mut().insert(info);
                let res = next.run(req).await;
                if !answer_latency.is_zero() {
                    tokio::time::sleep(answer_latency).await;
                }
                if plan.drop_after {
                    return drop_connection(kill).await;
                }
                if plan.error_after {
                    injected_error(error_status, "after commit")
                } else {
                    res
                }
            }
        }
    };
    if let Some(d) = decision {
        rate_headers(&mut res, &d);
    }
    res
}
