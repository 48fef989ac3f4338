//! OAuth Desk's engine: providers, flows, token parsing, storage. GUI-free; the CLI and the
//! desktop shell are thin layers over it.

pub mod callback;
pub mod flow;
pub mod http;
pub mod jwt;
pub mod provider;
pub mod redact;
pub mod secret;
pub mod store;
pub mod token;
