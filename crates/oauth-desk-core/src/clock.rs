//! "Now", in Unix seconds: the one clock every rule reads (expiry, margins, assertions), so a
//! protocol layer never reaches up into the `Desk` for it.

use std::time::{SystemTime, UNIX_EPOCH};

/// Unix seconds now (0 if the system clock is before 1970).
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
