//! `make bench`: what "tiny and instant" means, measured in one run on this machine.
//!
//! - the plugin binary's size;
//! - start-up: spawn to port announced on stdout (the engine waits for this), median of runs;
//! - resident memory after start-up and a GetSchema;
//! - each resource operation against the in-process emulator: median latency and the number
//!   of Auth0 requests it made.
//!
//! Medians, because these machines are shared and noisy. Run with `--release`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use auth0_emulator::{Emulator, EmulatorConfig};
use pulumi_auth0_provider::provider::Auth0Provider;
use pulumi_auth0_provider::rpc::*;
use pulumi_auth0_provider::value::{PropertyMap, Value};
use serde_json::json;

const RUNS: usize = 30;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{} µs", d.as_micros())
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1000.0)
    }
}

fn props(json: serde_json::Value) -> PropertyMap {
    match Value::from_json(&json) {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

fn plugin_path() -> std::path::PathBuf {
    std::env::var_os("BENCH_PLUGIN")
        .map(Into::into)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().expect("current exe");
            // target/<profile>/examples/bench → target/<profile>/pulumi-resource-auth0
            exe.parent()
                .and_then(|p| p.parent())
                .expect("target dir")
                .join("pulumi-resource-auth0")
        })
}

fn rss_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn bench_startup() {
    let plugin = plugin_path();
    let size = std::fs::metadata(&plugin)
        .unwrap_or_else(|e| panic!("{}: {e}; run `make release` first", plugin.display()))
        .len();
    println!(
        "plugin binary               {:.2} MiB  ({})",
        size as f64 / 1_048_576.0,
        plugin.display()
    );

    let mut samples = Vec::with_capacity(RUNS);
    let mut memory = None;
    for run in 0..RUNS {
        let started = Instant::now();
        // An engine address nobody listens on: the plugin connects to it lazily, for logs only.
        let mut child = Command::new(&plugin)
            .arg("127.0.0.1:9")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("plugin starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("port line");
        samples.push(started.elapsed());
        let port: u16 = line.trim().parse().expect("first line is the port");
        if run == 0 {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async {
                use pulumi_auth0_provider::wire::proto::pulumirpc as pb;
                let mut rpc = pb::resource_provider_client::ResourceProviderClient::connect(
                    format!("http://127.0.0.1:{port}"),
                )
                .await
                .expect("connect");
                rpc.get_schema(pb::GetSchemaRequest::default())
                    .await
                    .expect("schema");
            });
            memory = rss_kib(child.id());
        }
        unsafe {
            libc_kill(child.id() as i32, 2);
        }
        child.wait().expect("plugin exits");
    }
    println!(
        "start-up to port announced  median {} over {RUNS} runs",
        ms(median(samples))
    );
    if let Some((rss, hwm)) = memory {
        println!(
            "memory after GetSchema      {:.1} MiB resident, peak {:.1} MiB",
            rss as f64 / 1024.0,
            hwm as f64 / 1024.0
        );
    }
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, signal: i32) -> i32;
}

async fn bench_operations() {
    let emulator = Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator");
    let provider = Auth0Provider::with_env(Box::new(|_| None));
    let mut args =
        props(json!({"domain": emulator.base_url(), "clientId": emulator.bootstrap_client_id()}));
    args.insert(
        "clientSecret".into(),
        Value::from(emulator.bootstrap_client_secret()).into_secret(),
    );
    provider
        .configure(ConfigureRequest { args })
        .await
        .expect("configure");

    let token = "auth0:index/client:Client";
    let mut timings: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    let mut requests: std::collections::BTreeMap<&str, u64> = Default::default();
    let mut time = |op: &'static str, d: Duration, reqs: u64| {
        timings.entry(op).or_default().push(d);
        *requests.entry(op).or_default() = reqs;
    };
    // Warm the token cache so the first Create doesn't pay for /oauth/token.
    provider
        .read(ReadRequest {
            id: "warm-up".into(),
            type_token: token.into(),
            ..Default::default()
        })
        .await
        .unwrap();

    for i in 0..RUNS {
        let news = props(
            json!({"name": format!("bench-{i}"), "appType": "non_interactive", "grantTypes": ["client_credentials"]}),
        );
        let started = Instant::now();
        let checked = provider
            .check(CheckRequest {
                type_token: token.into(),
                name: "bench".into(),
                news,
                ..Default::default()
            })
            .await
            .unwrap()
            .inputs;
        time("Check", started.elapsed(), 0);

        emulator.reset_stats();
        let started = Instant::now();
        let created = provider
            .create(CreateRequest {
                type_token: token.into(),
                properties: checked.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        time(
            "Create",
            started.elapsed(),
            emulator.stats().management_total,
        );

        let started = Instant::now();
        let diff = provider
            .diff(DiffRequest {
                type_token: token.into(),
                id: created.id.clone(),
                olds: created.properties.clone(),
                news: checked.clone(),
                old_inputs: checked.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(diff.changes, Changes::None);
        time("Diff", started.elapsed(), 0);

        let mut renamed = checked.clone();
        renamed.insert("name".into(), Value::from(format!("bench-{i}-renamed")));
        emulator.reset_stats();
        let started = Instant::now();
        let updated = provider
            .update(UpdateRequest {
                type_token: token.into(),
                id: created.id.clone(),
                olds: created.properties,
                news: renamed.clone(),
                old_inputs: checked,
                ..Default::default()
            })
            .await
            .unwrap();
        time(
            "Update",
            started.elapsed(),
            emulator.stats().management_total,
        );

        emulator.reset_stats();
        let started = Instant::now();
        provider
            .read(ReadRequest {
                type_token: token.into(),
                id: created.id.clone(),
                properties: updated.properties,
                inputs: renamed,
                ..Default::default()
            })
            .await
            .unwrap();
        time("Read", started.elapsed(), emulator.stats().management_total);

        emulator.reset_stats();
        let started = Instant::now();
        provider
            .delete(DeleteRequest {
                type_token: token.into(),
                id: created.id,
                ..Default::default()
            })
            .await
            .unwrap();
        time(
            "Delete",
            started.elapsed(),
            emulator.stats().management_total,
        );
    }
    println!("Client operations against the in-process emulator (median of {RUNS}, Auth0 requests per operation):");
    for op in ["Check", "Diff", "Create", "Read", "Update", "Delete"] {
        println!(
            "  {op:<7} {:>10}   {} request(s)",
            ms(median(timings[op].clone())),
            requests[op]
        );
    }
    emulator.shutdown().await;
}

fn main() {
    bench_startup();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(bench_operations());
}
