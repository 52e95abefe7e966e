//! The pulumi-resource-auth0 provider library.
