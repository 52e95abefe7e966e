//! Compiles ../proto into Rust (messages, ResourceProvider server and client, Engine client).
//! protox parses the .proto files in-process, so no system `protoc` is needed.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read when the build script runs, not baked in when it compiles: a shared target/ may
    // build this package from more than one checkout.
    let proto_root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../proto");
    let files = [
        "pulumi/provider.proto",
        "pulumi/plugin.proto",
        "pulumi/alias.proto",
        "pulumi/engine.proto",
        "google/rpc/status.proto",
    ];
    for file in &files {
        println!("cargo:rerun-if-changed={}", proto_root.join(file).display());
    }
    let descriptors = protox::compile(files, [&proto_root])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(descriptors)?;
    Ok(())
}
