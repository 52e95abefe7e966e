//! Throughput of the emulator on loopback, in memory, rate limiting off: GET /api/v2/clients/{id}
//! and POST /api/v2/clients, each bounded in requests and time, median of several runs.
//!
//! Run: `cargo run --release -p auth0-emulator --example loadgen -- [REQUESTS] [CONCURRENCY] [RUNS] [MAX_SECONDS]`
//! (defaults 20000 32 3 20). The load generator shares the machine with the emulator.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use auth0_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone, Copy)]
enum Load {
    Get,
    Post,
}

struct Outcome {
    done: usize,
    errors: usize,
    elapsed: Duration,
}

/// How much load to send: at most `requests`, from `concurrency` tasks, for at most `max`.
#[derive(Clone, Copy)]
struct Bounds {
    requests: usize,
    concurrency: usize,
    max: Duration,
}

async fn run(
    emu: &Emulator,
    http: &reqwest::Client,
    token: &str,
    client_id: &str,
    load: Load,
    bounds: Bounds,
) -> Outcome {
    let Bounds {
        requests,
        concurrency,
        max,
    } = bounds;
    let issued = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let issued = issued.clone();
        let errors = errors.clone();
        let http = http.clone();
        let token = token.to_string();
        let get_url = format!("{}/api/v2/clients/{client_id}", emu.base_url());
        let post_url = format!("{}/api/v2/clients", emu.base_url());
        workers.push(tokio::spawn(async move {
            loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if n >= requests || started.elapsed() > max {
                    break;
                }
                let req = match load {
                    Load::Get => http.get(&get_url),
                    Load::Post => http
                        .post(&post_url)
                        .json(&json!({"name": format!("load-{n}")})),
                };
                match req.bearer_auth(&token).send().await {
                    Ok(res) if res.status().is_success() => {
                        let _ = res.bytes().await;
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    let elapsed = started.elapsed();
    Outcome {
        done: issued.load(Ordering::Relaxed).min(requests),
        errors: errors.load(Ordering::Relaxed),
        elapsed,
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().map_err(|_| format!("argument \"{a}\" is not a whole number; usage: loadgen [REQUESTS] [CONCURRENCY] [RUNS] [MAX_SECONDS]")))
        .collect::<Result<_, _>>()?;
    let requests = args.first().copied().unwrap_or(20_000);
    let concurrency = args.get(1).copied().unwrap_or(32).max(1);
    let runs = args.get(2).copied().unwrap_or(3).max(1);
    let max = Duration::from_secs(args.get(3).copied().unwrap_or(20) as u64);

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(10))
        .build()?;
    let mut results: Vec<(&str, Vec<f64>)> = vec![
        ("GET /api/v2/clients/{id}", vec![]),
        ("POST /api/v2/clients", vec![]),
    ];
    for run_no in 1..=runs {
        // A fresh emulator per run, so POST runs start from the same state.
        let emu = Emulator::start(EmulatorConfig::default()).await?;
        let token: Value = http
            .post(format!("{}/oauth/token", emu.base_url()))
            .json(&json!({
                "grant_type": "client_credentials",
                "client_id": emu.bootstrap_client_id(),
                "client_secret": emu.bootstrap_client_secret(),
                "audience": emu.management_audience(),
            }))
            .send()
            .await?
            .json()
            .await?;
        let token = token["access_token"]
            .as_str()
            .ok_or("no access token")?
            .to_string();
        let client: Value = http
            .post(format!("{}/api/v2/clients", emu.base_url()))
            .bearer_auth(&token)
            .json(&json!({"name": "target"}))
            .send()
            .await?
            .json()
            .await?;
        let client_id = client["client_id"]
            .as_str()
            .ok_or("no client_id")?
            .to_string();
        for (i, load) in [Load::Get, Load::Post].into_iter().enumerate() {
            let bounds = Bounds {
                requests,
                concurrency,
                max,
            };
            let o = run(&emu, &http, &token, &client_id, load, bounds).await;
            let rate = o.done as f64 / o.elapsed.as_secs_f64();
            println!(
                "run {run_no}: {:<26} {:>6} requests in {:>6.2} s = {:>8.0} req/s ({} errors)",
                results[i].0,
                o.done,
                o.elapsed.as_secs_f64(),
                rate,
                o.errors
            );
            results[i].1.push(rate);
        }
        emu.shutdown().await;
    }
    for (name, rates) in results {
        println!(
            "median {name:<26} {:>8.0} req/s over {runs} runs (concurrency {concurrency})",
            median(rates)
        );
    }
    Ok(())
}
