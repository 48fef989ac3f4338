//! Importing providers: an OAuth Desk export, or the OAuth 2.0 settings of a Postman, Insomnia
//! or Bruno collection. One call reads, checks and reports; with `save`, every provider is
//! saved together — client secrets to the vault, settings to the config — or none is.

use serde::Serialize;

use super::changes::Change;
use super::{Desk, DeskError};
use crate::import::{self, ImportFile, ImportFormat, ImportNote};
use crate::provider::{Provider, ProviderName};
use crate::secret::Secret;
use crate::store::config::{ConfigError, import_provider};
use crate::store::vault::VaultError;

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
                crate::provider::build::build(
                    n,
                    &found.spec,
                    None,
                    crate::provider::build::Held::secret(found.client_secret.is_some()),
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
        let providers = ready
            .iter()
            .map(|(p, _, source)| ImportedProvider::of(p, source))
            .collect();
        if options.save && !ready.is_empty() {
            self.save_all(ready).await?;
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
        let imported = ImportedProvider::of(&provider, &file.path);
        if options.save {
            let saved = provider.clone();
            self.config.update(move |config| config.add(saved))?;
            self.publish(Change::Providers {
                provider: Some(provider.name.to_string()),
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

    /// Saves every provider or none: secrets first, then the settings in one config write; a
    /// failed config write takes the secrets back out.
    async fn save_all(
        &self,
        ready: Vec<(Provider, Option<Secret>, String)>,
    ) -> Result<(), DeskError> {
        let secrets: Vec<(String, Secret)> = ready
            .iter()
            .filter_map(|(p, s, _)| s.clone().map(|s| (p.name.to_string(), s)))
            .collect();
        let names: Vec<String> = secrets.iter().map(|(n, _)| n.clone()).collect();
        if !secrets.is_empty() {
            self.with_vault(move |vault| {
                vault.update(|data| {
                    for (name, secret) in secrets {
                        data.provider_mut(&name).client_secret = Some(secret);
                    }
                    Ok::<_, VaultError>(())
                })
            })
            .await?;
        }
        let providers: Vec<Provider> = ready.into_iter().map(|(p, _, _)| p).collect();
        let saved = self.config.update(move |config| {
            for provider in providers {
                config.add(provider)?;
            }
            Ok::<_, ConfigError>(())
        });
        if let Err(e) = saved {
            let _ = self
                .with_vault(move |vault| {
                    vault.update(|data| {
                        for name in &names {
                            data.providers.remove(name);
                        }
                        Ok::<_, VaultError>(())
                    })
                })
                .await;
            return Err(e.into());
        }
        self.publish(Change::Providers { provider: None }).await;
        Ok(())
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
