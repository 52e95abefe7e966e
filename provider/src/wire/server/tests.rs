use super::*;

#[test]
fn a_urn_yields_its_name_and_unqualified_type() {
    let urn = "urn:pulumi:dev::proj::auth0:index/client:Client::my-app";
    assert_eq!(
        parse_urn(urn),
        Some(("my-app".into(), "auth0:index/client:Client".into()))
    );
}

#[test]
fn a_child_urn_takes_the_last_dollar_segment_as_its_type() {
    let urn = "urn:pulumi:dev::proj::my:comp:Comp$auth0:index/clientGrant:ClientGrant::grant";
    assert_eq!(
        parse_urn(urn),
        Some(("grant".into(), "auth0:index/clientGrant:ClientGrant".into()))
    );
}

#[test]
fn a_name_containing_double_colons_is_kept_whole() {
    let urn = "urn:pulumi:dev::proj::auth0:index/client:Client::a::b";
    assert_eq!(parse_urn(urn).map(|(n, _)| n), Some("a::b".into()));
}

#[test]
fn malformed_urns_are_not_parsed() {
    for urn in [
        "",
        "urn:pulumi:dev::proj",
        "urn:other:dev::p::t::n",
        "urn:pulumi:dev::p::::n",
    ] {
        assert_eq!(parse_urn(urn), None, "{urn}");
    }
}

#[test]
fn names_and_types_sent_by_the_engine_win_over_the_urn() {
    let urn = "urn:pulumi:dev::proj::auth0:index/client:Client::from-urn";
    let (name, ty) = name_and_type(urn, "given".into(), String::new()).unwrap();
    assert_eq!(
        (name.as_str(), ty.as_str()),
        ("given", "auth0:index/client:Client")
    );
}

#[test]
fn an_empty_name_with_a_bad_urn_is_an_invalid_argument_naming_the_urn() {
    let status = name_and_type("garbage", String::new(), String::new()).unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("\"garbage\""));
}

#[test]
fn a_zero_or_invalid_timeout_means_none() {
    assert_eq!(timeout(0.0), None);
    assert_eq!(timeout(-3.0), None);
    assert_eq!(timeout(f64::NAN), None);
    assert_eq!(timeout(f64::INFINITY), None);
    assert_eq!(timeout(90.5), Some(Duration::from_millis(90_500)));
}

#[test]
fn deprecated_config_variables_are_keyed_by_their_short_name() {
    let vars = [("auth0:config:domain".to_string(), "t.example".to_string())]
        .into_iter()
        .collect();
    assert_eq!(
        config_from_variables(vars),
        [("domain".to_string(), Value::from("t.example"))].into()
    );
}
