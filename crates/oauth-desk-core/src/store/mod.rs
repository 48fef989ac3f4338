//! Storage: where files live ([`paths`]), how they are written without loss ([`atomic`]), the
//! provider configuration without secrets ([`config`]), the encrypted secret vault ([`vault`])
//! and the keyring that holds its key ([`keyring`]).

pub mod atomic;
pub mod config;
pub mod keyring;
pub mod lock;
pub mod paths;
pub mod vault;
