//! The plugin binary the Pulumi engine launches: everything happens in `wire::serve`.

use std::process::ExitCode;

use pulumi_auth0_provider::provider::Auth0Provider;

fn main() -> ExitCode {
    pulumi_auth0_provider::wire::serve(std::env::args().skip(1), Auth0Provider::new())
}
