//! Property and type names per language, derived from the schema's camelCase wire names.

/// Python reserved words; a property with one of these names gets a trailing underscore.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// `tokenLifetimeForWeb` -> `token_lifetime_for_web`, `ClientAddonsSapApi` -> `client_addons_sap_api`.
///
/// An underscore goes before an upper-case letter that follows a lower-case letter or digit,
/// and before the last capital of an acronym that is followed by a lower-case letter
/// (`JSONValue` -> `json_value`).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' || c == '.' || c == ' ' {
            out.push('_');
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let starts_word = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_is_lower);
            if starts_word && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The Python identifier for a wire name.
pub fn python_name(name: &str) -> String {
    let snake = snake_case(name);
    if PYTHON_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// `clientId` -> `ClientId`; separators are dropped and the next letter is capitalised.
pub fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = true;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            upper_next = true;
            continue;
        }
        if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `ClientGrant` -> `clientGrant`.
pub fn camel_case(name: &str) -> String {
    let pascal = pascal_case(name);
    let mut chars = pascal.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Whether `name` can be written as a bare identifier (no quoting) in Python, TypeScript and Go.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_wire_names_become_snake_case_in_python() {
        assert_eq!(python_name("tokenLifetimeForWeb"), "token_lifetime_for_web");
        assert_eq!(python_name("clientId"), "client_id");
        assert_eq!(python_name("office365"), "office365");
        assert_eq!(
            python_name("isTokenEndpointIpHeaderTrusted"),
            "is_token_endpoint_ip_header_trusted"
        );
        assert_eq!(python_name("name"), "name");
    }

    #[test]
    fn acronyms_split_before_the_word_that_follows_them() {
        assert_eq!(snake_case("JSONValue"), "json_value");
        assert_eq!(snake_case("ClientAddonsSapApi"), "client_addons_sap_api");
        assert_eq!(snake_case("jwksURI"), "jwks_uri");
    }

    #[test]
    fn python_keywords_get_a_trailing_underscore() {
        assert_eq!(python_name("from"), "from_");
        assert_eq!(python_name("lambda"), "lambda_");
    }

    #[test]
    fn go_names_are_pascal_case_and_typescript_names_camel_case() {
        assert_eq!(pascal_case("clientId"), "ClientId");
        assert_eq!(pascal_case("client-id"), "ClientId");
        assert_eq!(camel_case("ClientGrant"), "clientGrant");
    }

    #[test]
    fn only_plain_ascii_names_are_identifiers() {
        assert!(is_identifier("clientId"));
        assert!(!is_identifier("client-id"));
        assert!(!is_identifier("1st"));
    }
}
