use super::*;

fn passphrase(p: &str) -> KeySource {
    KeySource::Passphrase(Secret::new(p))
}

fn vault_with_secret(dir: &std::path::Path) -> Vault {
    let mut vault = Vault::new(&Paths::in_dir(dir), passphrase("correct horse"));
    vault
        .update(|data| {
            data.provider_mut("p").client_secret = Some(Secret::new("TOP-SECRET-VALUE"));
            Ok::<_, VaultError>(())
        })
        .unwrap();
    vault
}

#[test]
fn round_trip_and_no_plaintext_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    vault_with_secret(dir.path());
    let bytes = std::fs::read(dir.path().join("vault.bin")).unwrap();
    assert!(
        !bytes.windows(16).any(|w| w == b"TOP-SECRET-VALUE"),
        "the secret must never be on disk in plain text"
    );
    // A new process (new Vault) with the same passphrase reads it back.
    let mut again = Vault::new(&Paths::in_dir(dir.path()), passphrase("correct horse"));
    let data = again.read().unwrap();
    assert_eq!(
        data.provider("p")
            .unwrap()
            .client_secret
            .as_ref()
            .unwrap()
            .expose(),
        "TOP-SECRET-VALUE"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("vault.bin"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn a_wrong_passphrase_is_reported_and_nothing_is_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    vault_with_secret(dir.path());
    let before = std::fs::read(dir.path().join("vault.bin")).unwrap();
    let mut wrong = Vault::new(&Paths::in_dir(dir.path()), passphrase("wrong"));
    let err = wrong.update(|_| Ok::<_, VaultError>(())).unwrap_err();
    assert!(matches!(err, VaultError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("OAUTH_DESK_PASSPHRASE"));
    assert_eq!(
        std::fs::read(dir.path().join("vault.bin")).unwrap(),
        before,
        "a failed open never rewrites the vault"
    );
}

#[test]
fn tampering_anywhere_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    vault_with_secret(dir.path());
    let path = dir.path().join("vault.bin");
    let original = std::fs::read(&path).unwrap();
    // Every byte of the header and the body is covered: flip each in turn.
    for i in (0..original.len()).step_by(3) {
        let mut bytes = original.clone();
        bytes[i] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        let mut vault = Vault::new(&Paths::in_dir(dir.path()), passphrase("correct horse"));
        assert!(
            vault.read().is_err(),
            "a flipped bit at offset {i} went unnoticed"
        );
    }
    for len in [0, 3, 21, 40, original.len() - 1] {
        std::fs::write(&path, &original[..len]).unwrap();
        let mut vault = Vault::new(&Paths::in_dir(dir.path()), passphrase("correct horse"));
        assert!(
            vault.read().is_err(),
            "a vault truncated to {len} bytes went unnoticed"
        );
    }
}

#[test]
fn a_passphrase_vault_asks_for_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    vault_with_secret(dir.path());
    let mut vault = Vault::new(&Paths::in_dir(dir.path()), KeySource::Keyring);
    let err = vault.read().unwrap_err();
    assert!(matches!(err, VaultError::PassphraseNeeded { .. }), "{err}");
}

#[test]
fn a_missing_vault_is_empty_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::new(&Paths::in_dir(dir.path()), KeySource::Keyring);
    assert!(vault.read().unwrap().providers.is_empty());
    assert!(!dir.path().join("vault.bin").exists());
}

#[test]
fn a_cached_read_sees_every_change_made_by_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let mut mine = vault_with_secret(dir.path());
    assert!(mine.read().unwrap().provider("p").is_some());
    // "Another process": a second Vault on the same files.
    let mut other = Vault::new(&Paths::in_dir(dir.path()), passphrase("correct horse"));
    for i in 0..20 {
        other
            .update(|data| {
                data.provider_mut("p").client_secret = Some(Secret::new(format!("secret-{i}")));
                Ok::<_, VaultError>(())
            })
            .unwrap();
        let seen = mine.read().unwrap();
        assert_eq!(
            seen.provider("p")
                .unwrap()
                .client_secret
                .as_ref()
                .unwrap()
                .expose(),
            format!("secret-{i}"),
            "a replaced vault file is read again, never served from a stale cache"
        );
    }
}

#[test]
fn a_tampered_file_is_not_served_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = vault_with_secret(dir.path());
    vault.read().unwrap();
    let path = dir.path().join("vault.bin");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    assert!(
        vault.read().is_err(),
        "the cache is keyed to the file version it came from"
    );
}

#[test]
fn an_unchanged_read_answers_only_for_the_file_it_decrypted() {
    let dir = tempfile::tempdir().unwrap();
    let mut reader = Vault::new(&Paths::in_dir(dir.path()), passphrase("correct horse"));
    assert!(
        reader.read_unchanged().is_none(),
        "no vault yet: the full read decides"
    );
    let mut writer = vault_with_secret(dir.path());
    let mut reader = Vault::new(&Paths::in_dir(dir.path()), passphrase("correct horse"));
    assert!(
        reader.read_unchanged().is_none(),
        "nothing decrypted yet to answer with"
    );
    reader.read().unwrap();
    assert!(
        writer.read_unchanged().is_some(),
        "the writer knows what it wrote"
    );
    let secret = |data: &VaultData| {
        data.provider("p")
            .unwrap()
            .client_secret
            .as_ref()
            .unwrap()
            .expose()
            .to_owned()
    };
    let same = reader.read_unchanged().expect("unchanged").unwrap();
    assert_eq!(secret(&same), "TOP-SECRET-VALUE");
    writer
        .update(|data| {
            data.provider_mut("p").client_secret = Some(Secret::new("rotated"));
            Ok::<_, VaultError>(())
        })
        .unwrap();
    assert!(
        reader.read_unchanged().is_none(),
        "another process's change needs the full read"
    );
    assert_eq!(secret(&reader.read().unwrap()), "rotated");
    assert_eq!(
        secret(&reader.read_unchanged().expect("unchanged again").unwrap()),
        "rotated"
    );
}
