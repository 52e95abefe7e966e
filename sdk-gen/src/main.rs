//! `sdk-gen --schema schema.json --out sdk [--lang python,nodejs,go] [--pulumi-version X]`
//!
//! Writes each language into `<out>/<lang>`, replacing files sdk-gen owns there and deleting
//! generated files that the schema no longer produces.

use sdk_gen::{generate, load, Language, Options};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: sdk-gen --schema <schema.json> --out <dir> [--lang python,nodejs,go] [--version <v>] [--pulumi-version <v>]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sdk-gen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut schema = None;
    let mut out = None;
    let mut langs: Vec<Language> = Language::ALL.to_vec();
    let mut version = env!("CARGO_PKG_VERSION").to_string();
    let mut pulumi_version = None;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value; {USAGE}"))
        };
        match a.as_str() {
            "--schema" => schema = Some(PathBuf::from(value("--schema")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--version" => version = value("--version")?,
            "--pulumi-version" => pulumi_version = Some(value("--pulumi-version")?),
            "--lang" => {
                langs = value("--lang")?
                    .split(',')
                    .map(|l| Language::parse(l).ok_or_else(|| format!("--lang: \"{l}\" is not a language sdk-gen knows; use python, nodejs or go")))
                    .collect::<Result<_, _>>()?
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument \"{other}\"; {USAGE}")),
        }
    }
    let schema = schema.ok_or_else(|| format!("--schema is required; {USAGE}"))?;
    let out = out.ok_or_else(|| format!("--out is required; {USAGE}"))?;
    let text = std::fs::read_to_string(&schema)
        .map_err(|e| format!("cannot read {}: {e}", schema.display()))?;
    let pkg = load(&text, &version).map_err(|e| e.to_string())?;
    let opts = Options {
        version,
        pulumi_version: match pulumi_version {
            Some(v) => v,
            None if langs.contains(&Language::Go) => {
                return Err(format!("--pulumi-version is required for the Go module's requirement (the Makefile passes PULUMI_VERSION); {USAGE}"))
            }
            None => String::new(),
        },
    };
    for lang in langs {
        let files = generate(&pkg, lang, &opts).map_err(|e| e.to_string())?;
        write_tree(&out.join(lang.dir()), &files.files)
            .map_err(|e| format!("writing {}: {e}", lang.dir()))?;
    }
    Ok(())
}

/// Write `files` under `dir`, removing any other file there except dependency lock files and
/// installed packages, which are not generated.
fn write_tree(
    dir: &Path,
    files: &std::collections::BTreeMap<String, String>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut existing = Vec::new();
    list(dir, dir, &mut existing)?;
    for rel in existing {
        if !files.contains_key(&rel) {
            std::fs::remove_file(dir.join(&rel))?;
        }
    }
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            std::fs::write(&path, content)?;
        }
    }
    Ok(())
}

const KEPT: &[&str] = &[
    "node_modules",
    "__pycache__",
    "go.sum",
    "bin",
    "build",
    ".egg-info",
];

fn list(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if KEPT.iter().any(|k| name == *k || name.ends_with(k)) {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            list(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}
