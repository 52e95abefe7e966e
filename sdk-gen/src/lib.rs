//! sdk-gen: schema.json -> sdk/python, sdk/nodejs, sdk/go.
//!
//! Three stages: [`schema`] parses the raw JSON, [`model::validate`] resolves references and
//! names into the validated [`model::Package`], and one template module per language renders it.

pub mod golang;
pub mod model;
pub mod names;
pub mod nodejs;
pub mod python;
pub mod render;
pub mod schema;

pub use model::{Package, SchemaError};
pub use render::Files;

/// The languages sdk-gen writes, each into `sdk/<dir>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    Nodejs,
    Go,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Python, Language::Nodejs, Language::Go];

    pub fn dir(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Nodejs => "nodejs",
            Language::Go => "go",
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.dir() == s)
    }
}

/// Options that do not come from schema.json.
#[derive(Debug, Clone)]
pub struct Options {
    /// The SDK version: the workspace version.
    pub version: String,
    /// The pinned Pulumi SDK version, for the Go module requirement.
    pub pulumi_version: String,
}

/// Parse and validate schema.json text.
pub fn load(schema_json: &str, version: &str) -> Result<Package, SchemaError> {
    let raw: schema::RawPackage = serde_json::from_str(schema_json).map_err(|e| {
        SchemaError(format!(
            "schema.json does not parse as a Pulumi package schema: {e}; fix the JSON at that line"
        ))
    })?;
    model::validate(&raw, version)
}

/// Render one language. Fails only on constructs that language cannot express.
pub fn generate(pkg: &Package, lang: Language, opts: &Options) -> Result<Files, SchemaError> {
    match lang {
        Language::Python => Ok(python::generate(pkg)),
        Language::Nodejs => Ok(nodejs::generate(pkg)),
        Language::Go => golang::generate(pkg, opts),
    }
}
