//! Integration tests of the engine and the CLI against real servers: the test OP
//! (`oidc-provider`), mock servers for faults a real server won't produce, a real Secret
//! Service for the vault.
#![allow(
    clippy::too_many_lines,
    reason = "a scenario reads top to bottom as a user meets it: the length rule is the engine's"
)]

mod harness;
mod keys;

mod architecture;
mod audit;
mod changes;
mod code_flow;
mod device;
mod discovery;
mod editing;
mod errors;
mod front_channel;
mod grants;
mod handover;
mod hostile;
mod id_tokens;
mod imports;
mod keeper;
mod keyring;
mod lab;
mod more_grants;
mod protected;
mod providers;
mod quirks;
mod resources;
mod rotation;
mod trust;
mod windows;
mod workspaces;
