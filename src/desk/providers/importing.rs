//! Importing providers: an OAuth Desk export, or the OAuth 2.0 settings of a Postman, Insomnia
//! or Bruno collection. One call reads, checks and reports; with `save`, every provider is
//! saved together — client secrets to the vault, settings to the config — or none is.

use oauth_desk_core::provider::ProviderRef;
use serde::Serialize;

use super::changes::Change;
use super::error::Internal;
use super::{Desk, DeskError};
use crate::import::{self, ImportFile, ImportFormat, ImportNote};
use crate::store::config::import_provider;
use crate::store::vault::VaultError;
use oauth_desk_core::provider::{Provider, ProviderName};
use oauth_desk_core::secret::Secret;

/// What an import asks for besides the files.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub format: ImportFormat,
    /// The tool's environment file, for the collection's `{{variables}}`.
    pub env: Option<ImportFile>,
    /// An OAuth Desk export imported under another name.
    pub rename: Option<String>,
    /// Save the providers; without it, only report what would be imported.
    pub save: bool,
}

/// What an import found, and did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    pub format: ImportFormat,
    pub collection: Option<String>,
    pub providers: Vec<ImportedProvider>,
    /// Every setting that could not be mapped, and why.
    pub notes: Vec<ImportNote>,
    /// The providers were saved (false for a preview).
    pub saved: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportedProvider {
    pub name: String,
    /// Where its settings were found.
    pub source: String,
    /// "authorization code" or "client credentials".
    pub grant: String,
    pub token_url: String,
    pub has_client_secret: bool,
    /// Its client authentication needs a secret the import did not bring (exports carry none).
    pub needs_client_secret: bool,
}

impl ImportedProvider {
    fn of(provider: &Provider, source: &str) -> ImportedProvider {
        ImportedProvider {
            name: provider.name.to_string(),
            source: source.to_owned(),
            grant: if provider.endpoints.authorization.is_some() {
                "authorization code".into()
            } else {
                "client credentials".into()
            },
            token_url: provider
                .endpoints
                .token
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            has_client_secret: provider.has_client_secret,
            needs_client_secret: provider.auth_method.needs_secret() && !provider.has_client_secret,
        }
    }
}

impl Desk {
    /// Reads the file or Bruno collection folder at `path` (a folder's links out of it are not
    /// followed; see `import::folder`) and imports it as [`Desk::import`] does; the links not
    /// followed are in the report's notes.
    pub async fn import_path(
        &self,
        path: &std::path::Path,
        options: ImportOptions,
    ) -> Result<ImportReport, DeskError> {
        let read = import::read_path(path).map_err(import::ImportError::from)?;
        let mut report = self.import(read.files, options).await?;
        report.notes.splice(0..0, read.notes);
        Ok(report)
    }

    /// Reads `files` (one export or collection file, or a Bruno collection's files) and, with
    /// `options.save`, adds one provider per distinct configuration found.
    pub async fn import(
        &self,
        files: Vec<ImportFile>,
        options: ImportOptions,
    ) -> Result<ImportReport, DeskError> {
        let parsed = import::parse(&files, options.format, options.env.as_ref())?;
        let format = parsed.format.unwrap_or(options.format);
        if format == ImportFormat::OauthDesk {
            return self.import_export(&files, &options).await;
        }
        let mut notes = parsed.notes;
        let mut taken: Vec<String> = self
            .providers()?
            .iter()
            .map(|p| p.name.to_string())
            .collect();
        let mut ready: Vec<(Provider, Option<Secret>, String)> = Vec::new();
        for found in parsed.found {
            let name = unique_name(&found.spec.name, &taken);
            let built = name.parse::<ProviderName>().and_then(|n| {
                oauth_desk_core::provider::build::build(
                    n,
                    &found.spec,
                    None,
                    oauth_desk_core::provider::build::Held::secret(found.client_secret.is_some()),
                )
            });
            match built {
                Ok(provider) => {
                    taken.push(name);
                    ready.push((provider, found.client_secret, found.source));
                }
                Err(e) => notes.push(ImportNote {
                    source: found.source,
                    setting: "settings".into(),
                    reason: format!("{e}: not imported"),
                }),
            }
        }
        let mut providers: Vec<ImportedProvider> = ready
            .iter()
            .map(|(p, _, source)| ImportedProvider::of(p, source))
            .collect();
        if options.save && !ready.is_empty() {
            let names = self.save_all(ready).await?;
            for (provider, name) in providers.iter_mut().zip(names) {
                provider.name = name;
            }
        }
        Ok(ImportReport {
            format,
            collection: parsed.collection,
            providers,
            notes,
            saved: options.save,
        })
    }

    async fn import_export(
        &self,
        files: &[ImportFile],
        options: &ImportOptions,
    ) -> Result<ImportReport, DeskError> {
        let file = files.first().ok_or(import::ImportError::Empty)?;
        let rename = options
            .rename
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let rename = rename.map(str::parse).transpose()?;
        let provider = import_provider(&file.path, &file.text, rename)?;
        if let Some(plan) = &provider.lab_plan {
            oauth_desk_core::lab::Plan::parse(plan).map_err(|e| {
                crate::store::config::ConfigError::Import {
                    path: file.path.clone(),
                    message: format!("its consent test plan: {e}"),
                }
            })?;
        }
        let imported = ImportedProvider::of(&provider, &file.path);
        if options.save {
            let saved = provider.clone();
            self.config.update(move |config| config.add(saved))?;
            self.publish(Change::Providers {
                provider: Some(ProviderRef::local(provider.name.clone()).slot_key()),
            })
            .await;
        }
        Ok(ImportReport {
            format: ImportFormat::OauthDesk,
            collection: None,
            providers: vec![imported],
            notes: vec![],
            saved: options.save,
        })
    }

    /// Saves every provider or none, holding the config lock throughout: names are checked
    /// again against the config and the vault (renumbered when another process took one
    /// meanwhile), secrets go only to vault entries this import creates, then the settings in
    /// one write; a failed write takes out exactly the entries it made. The names saved.
    async fn save_all(
        &self,
        ready: Vec<(Provider, Option<Secret>, String)>,
    ) -> Result<Vec<String>, DeskError> {
        let (config, vault) = (self.config.clone(), self.vault.clone());
        let names = tokio::task::spawn_blocking(move || -> Result<Vec<String>, DeskError> {
            let _lock = config.lock()?;
            let mut current = config.load()?;
            let mut vault = vault
                .lock()
                .map_err(|_| DeskError::from(Internal::VaultLockPoisoned))?;
            let mut taken: Vec<String> = current
                .providers
                .iter()
                .map(|p| p.name.to_string())
                .chain(vault.read()?.providers.into_keys())
                .collect();
            let mut secrets = Vec::new();
            let mut names = Vec::new();
            for (mut provider, secret, _) in ready {
                let name = unique_name(provider.name.as_str(), &taken);
                provider.name = name.parse()?;
                taken.push(name.clone());
                if let Some(secret) = secret {
                    secrets.push((name.clone(), secret));
                }
                names.push(name);
                current.add(provider)?;
            }
            let created: Vec<String> = secrets.iter().map(|(n, _)| n.clone()).collect();
            if !secrets.is_empty() {
                vault.update(|data| {
                    for (name, secret) in secrets {
                        data.provider_mut(&name).client_secret = Some(secret);
                    }
                    Ok::<_, VaultError>(())
                })?;
            }
            if let Err(e) = config.save(&current) {
                let _ = vault.update(|data| {
                    for name in &created {
                        data.providers.remove(name);
                    }
                    Ok::<_, VaultError>(())
                });
                return Err(e.into());
            }
            Ok(names)
        })
        .await
        .map_err(Internal::Task)??;
        self.publish(Change::Providers { provider: None }).await;
        Ok(names)
    }
}

/// `name`, or `name-2`, `name-3`, … when it is taken.
fn unique_name(name: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == name) {
        return name.to_owned();
    }
    (2..)
        .map(|n| format!("{name}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::unique_name;

    #[test]
    fn taken_names_get_a_number() {
        let taken = vec!["shop".to_owned(), "shop-2".to_owned()];
        assert_eq!(unique_name("shop", &taken), "shop-3");
        assert_eq!(unique_name("other", &taken), "other");
    }
}
