//! A provider's past runs, newest last, in one private JSON file per provider; the last
//! [`KEPT_RUNS`] are kept. Runs hold no token values.

use std::path::Path;

use super::run::LabRun;
use crate::store::atomic::write_atomic;
use crate::store::paths::Paths;

pub const KEPT_RUNS: usize = 20;

/// The runs kept at `path`; none when there is no file (or it can't be read: history is a
/// convenience, never a reason for a run to fail).
pub fn load(path: &Path) -> Vec<LabRun> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!("ignoring the lab history {}: {e}", path.display());
            Vec::new()
        }),
        Err(_) => Vec::new(),
    }
}

/// Adds `run`, dropping the oldest beyond [`KEPT_RUNS`].
pub fn append(path: &Path, run: &LabRun) -> std::io::Result<()> {
    let mut runs = load(path);
    runs.push(run.clone());
    let excess = runs.len().saturating_sub(KEPT_RUNS);
    runs.drain(..excess);
    if let Some(dir) = path.parent() {
        Paths::ensure_private_dir(dir).map_err(std::io::Error::other)?;
    }
    write_atomic(path, &serde_json::to_vec_pretty(&runs)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_runs_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab").join("op.json");
        for i in 0..(KEPT_RUNS as i64 + 3) {
            let run = LabRun {
                provider: "op".into(),
                started_at: i,
                finished_at: i,
                cancelled: false,
                cases: vec![],
                differences: vec![],
                compared_with: None,
            };
            append(&path, &run).unwrap();
        }
        let runs = load(&path);
        assert_eq!(runs.len(), KEPT_RUNS);
        assert_eq!(runs[0].started_at, 3);
        assert_eq!(runs.last().unwrap().started_at, KEPT_RUNS as i64 + 2);
    }
}
