//! Auth0 emulator library.
