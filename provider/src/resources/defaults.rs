//! Auth0's own defaults, one typed table per resource. Two uses derive from it: what a PATCH
//! sends to clear an input Auth0 will not null, and which values an import leaves out of the
//! program. Values are written in Pulumi names; expand renames them for Auth0.

use crate::value::{PropertyMap, Value};

/// A property value written as a Rust constant. Object fields are Pulumi property names.
#[derive(Debug)]
pub enum Lit {
    Bool(bool),
    Int(i64),
    Str(&'static str),
    List(&'static [Lit]),
    Object(&'static [(&'static str, Lit)]),
}

impl Lit {
    pub fn to_value(&self) -> Value {
        match self {
            Lit::Bool(b) => Value::Bool(*b),
            Lit::Int(n) => Value::Number(*n as f64),
            Lit::Str(s) => Value::String((*s).to_string()),
            Lit::List(items) => Value::Array(items.iter().map(Lit::to_value).collect()),
            Lit::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(name, lit)| ((*name).to_string(), lit.to_value()))
                    .collect::<PropertyMap>(),
            ),
        }
    }
}

/// What a default is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Auth0's value for a resource that never set the input: it clears the input, and an
    /// import leaves it out of the program.
    ClearAndImport,
    /// Only what clears the input: "" for strings, as terraform-provider-auth0 clears them, or
    /// an object Auth0 accepts in place of null.
    Clear,
    /// Only recognised on import: an older default, or one Auth0 reports but is cleared otherwise.
    Import,
}

/// One default of one input (an input may have several: Auth0 changed some over time).
#[derive(Debug)]
pub struct Auth0Default {
    pub input: &'static str,
    pub value: Lit,
    pub used: Use,
}

pub const fn default(input: &'static str, value: Lit, used: Use) -> Auth0Default {
    Auth0Default { input, value, used }
}

/// What clears `input` when Auth0 refuses null, if the table says.
pub fn reset_value(table: &[Auth0Default], input: &str) -> Option<Value> {
    table
        .iter()
        .find(|d| d.input == input && d.used != Use::Import)
        .map(|d| d.value.to_value())
}

/// Auth0's defaults of `input` that an import recognises.
pub fn import_values<'a>(
    table: &'a [Auth0Default],
    input: &'a str,
) -> impl Iterator<Item = Value> + 'a {
    table
        .iter()
        .filter(move |d| d.input == input && d.used != Use::Clear)
        .map(|d| d.value.to_value())
}

/// True if `value` is one of Auth0's defaults for `input`, so an import can leave it out.
pub fn is_import_default(table: &[Auth0Default], input: &str, value: &Value) -> bool {
    let json = value.to_json();
    import_values(table, input).any(|default| default.to_json() == json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use Lit::*;

    const TABLE: &[Auth0Default] = &[
        default("tokenLifetime", Int(86400), Use::ClearAndImport),
        default("logoUri", Str(""), Use::Clear),
        default("refresh", Object(&[("leeway", Int(0))]), Use::Import),
        default("refresh", Object(&[("leeway", Int(5))]), Use::Import),
    ];

    #[test]
    fn a_literal_becomes_the_value_it_spells() {
        let lit = Object(&[
            ("enabled", Bool(false)),
            ("urls", List(&[Str("https://a/")])),
            ("seconds", Int(36000)),
        ]);
        assert_eq!(
            lit.to_value(),
            Value::from_json(&json!({"enabled": false, "urls": ["https://a/"], "seconds": 36000}))
        );
    }

    #[test]
    fn only_clearing_defaults_reset_an_input() {
        assert_eq!(
            reset_value(TABLE, "tokenLifetime"),
            Some(Value::Number(86400.0))
        );
        assert_eq!(reset_value(TABLE, "logoUri"), Some(Value::from("")));
        assert_eq!(reset_value(TABLE, "refresh"), None);
        assert_eq!(reset_value(TABLE, "absent"), None);
    }

    #[test]
    fn every_import_default_of_an_input_is_recognised_and_nothing_else() {
        let leeway = |n: i64| Value::from_json(&json!({"leeway": n}));
        assert!(is_import_default(TABLE, "refresh", &leeway(0)));
        assert!(is_import_default(TABLE, "refresh", &leeway(5)));
        assert!(!is_import_default(TABLE, "refresh", &leeway(1)));
        assert!(is_import_default(
            TABLE,
            "tokenLifetime",
            &Value::Number(86400.0)
        ));
        assert!(!is_import_default(TABLE, "logoUri", &Value::from("")));
    }
}
