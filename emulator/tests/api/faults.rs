//! Rate limits, injected faults and latency, and request stats.

use super::*;

#[tokio::test]
async fn the_rate_limit_answers_429_with_headers_once_the_burst_is_spent() {
    let emu = start().await;
    let t = management_token(&emu).await;
    emu.set_rate_limit(RateLimit::Bucket {
        burst: 2,
        per_second: 0.5,
    });
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let res = http()
            .get(format!("{}/api/v2/clients", emu.base_url()))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
        assert_eq!(res.headers()["x-ratelimit-limit"], "2");
        last = Some(res);
    }
    assert_eq!(statuses, vec![200, 200, 429]);
    assert_eq!(emu.stats().rate_limited, 1, "one 429, counted");
    assert_eq!(emu.stats().management_total, 3);
    let res = last.unwrap();
    assert_eq!(res.headers()["x-ratelimit-remaining"], "0");
    let reset: u64 = res.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(reset > now && reset <= now + 5, "reset {reset} now {now}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"})
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn an_error_before_processing_changes_nothing_and_one_after_commit_keeps_the_change() {
    let emu = start().await;
    let t = management_token(&emu).await;
    emu.set_faults(FaultConfig {
        error_before: 1.0,
        ..FaultConfig::default()
    });
    let (s, _) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "before"})),
    )
    .await;
    assert_eq!(s, 503);
    emu.set_faults(FaultConfig {
        error_after: 1.0,
        error_status: 500,
        ..FaultConfig::default()
    });
    let (s, _) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "after"})),
    )
    .await;
    assert_eq!(s, 500);
    emu.set_faults(FaultConfig::default());
    let (_, list) = call(&emu, &t, "GET", "/api/v2/clients", None).await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"after"), "{names:?}");
    assert!(!names.contains(&"before"), "{names:?}");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_gives_the_client_a_transport_error() {
    let emu = start().await;
    let t = management_token(&emu).await;
    emu.set_faults(FaultConfig {
        drop_after: 1.0,
        ..FaultConfig::default()
    });
    let res = http()
        .post(format!("{}/api/v2/clients", emu.base_url()))
        .bearer_auth(&t)
        .json(&json!({"name": "dropped"}))
        .send()
        .await;
    assert!(
        res.is_err(),
        "expected a transport error, got {:?}",
        res.map(|r| r.status())
    );
    emu.set_faults(FaultConfig::default());
    let (_, list) = call(&emu, &t, "GET", "/api/v2/clients", None).await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "dropped"));
    emu.shutdown().await;
}

#[tokio::test]
async fn seeded_faults_repeat_across_runs() {
    async fn run() -> Vec<u16> {
        let emu = start().await;
        let t = management_token(&emu).await;
        emu.set_faults(FaultConfig {
            seed: 7,
            error_before: 0.5,
            ..FaultConfig::default()
        });
        let mut out = Vec::new();
        for _ in 0..16 {
            out.push(call(&emu, &t, "GET", "/api/v2/clients", None).await.0);
        }
        emu.shutdown().await;
        out
    }
    let a = run().await;
    assert_eq!(a, run().await);
    assert!(a.contains(&503) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn added_latency_delays_responses() {
    let emu = start().await;
    let t = management_token(&emu).await;
    emu.set_faults(FaultConfig {
        latency: Duration::from_millis(150),
        ..FaultConfig::default()
    });
    let started = std::time::Instant::now();
    call(&emu, &t, "GET", "/api/v2/clients", None).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    emu.shutdown().await;
}

#[tokio::test]
async fn answer_latency_commits_the_change_before_the_slow_answer_and_keeps_it_if_the_caller_leaves(
) {
    let emu = start().await;
    let t = management_token(&emu).await;
    emu.set_faults(FaultConfig {
        answer_latency: Duration::from_secs(5),
        ..FaultConfig::default()
    });
    let gave_up = http()
        .post(format!("{}/api/v2/clients", emu.base_url()))
        .bearer_auth(&t)
        .json(&json!({"name": "answered-late"}))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(gave_up.is_err(), "the answer came before 300 ms");
    emu.set_faults(FaultConfig::default());
    let (status, clients) = call(&emu, &t, "GET", "/api/v2/clients", None).await;
    assert_eq!(status, 200);
    let named = clients
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == "answered-late")
        .count();
    assert_eq!(named, 1, "the create was committed before its answer");
    emu.shutdown().await;
}

#[tokio::test]
async fn stats_count_management_routes_and_tokens_separately() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let (_, c) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "s"})),
    )
    .await;
    let id = c["client_id"].as_str().unwrap();
    call(&emu, &t, "GET", &format!("/api/v2/clients/{id}"), None).await;
    call(&emu, &t, "GET", &format!("/api/v2/clients/{id}"), None).await;
    let stats = emu.stats();
    assert_eq!(stats.count("GET /api/v2/clients/{id}"), 2);
    assert_eq!(stats.count("POST /api/v2/clients"), 1);
    assert_eq!(stats.management_total, 3);
    assert_eq!(stats.token, 1);
    let over_http: Value = http()
        .get(format!("{}/emulator/stats", emu.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http["routes"]["GET /api/v2/clients/{id}"], 2);
    assert_eq!(over_http["managementTotal"], 3);
    let res = http()
        .post(format!("{}/emulator/stats/reset", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(emu.stats().management_total, 0);
    emu.shutdown().await;
}

#[tokio::test]
async fn the_rate_limit_can_be_replaced_over_http_and_a_bad_one_is_refused() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let put = |body: Value| {
        http()
            .put(format!("{}/emulator/rate-limit", emu.base_url()))
            .json(&body)
            .send()
    };
    assert_eq!(
        put(json!({"rateLimit": "1:0.01"})).await.unwrap().status(),
        204
    );
    let (first, _) = call(&emu, &t, "GET", "/api/v2/clients", None).await;
    let (second, _) = call(&emu, &t, "GET", "/api/v2/clients", None).await;
    assert_eq!(
        (first, second),
        (200, 429),
        "burst 1: the second request is refused"
    );

    assert_eq!(
        put(json!({"rateLimit": "off"})).await.unwrap().status(),
        204
    );
    for _ in 0..5 {
        assert_eq!(call(&emu, &t, "GET", "/api/v2/clients", None).await.0, 200);
    }
    for bad in [json!({"rateLimit": "fast"}), json!({"preset": "free"})] {
        let res = put(bad.clone()).await.unwrap();
        assert_eq!(res.status(), 400, "{bad}");
        let body: Value = res.json().await.unwrap();
        assert!(
            body["message"].as_str().unwrap().contains("rateLimit")
                || body["message"].as_str().unwrap().contains("fast"),
            "{body}"
        );
    }
    emu.shutdown().await;
}
