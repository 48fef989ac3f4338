//! Configured providers: add (template, discovery, secrets to the vault), edit (with rename),
//! duplicate, reorder, remove, export. Every change goes through the same rules
//! ([`oauth_desk_core::provider::build::build`]) — a provider that could not be added can't be edited
//! into existence either — and is announced on the change stream.

use super::changes::Change;
use super::{ClientSecrets, Desk, DeskError};
use crate::store::config::ConfigError;
use crate::store::config::export_provider;
use crate::store::vault::VaultError;
use oauth_desk_core::provider::Slot;
use oauth_desk_core::provider::build::Held;
use oauth_desk_core::provider::discovery::discover;
use oauth_desk_core::provider::{
    Issuer, Provider, ProviderError, ProviderName, ProviderRef, ProviderSpec, templates,
};
use oauth_desk_core::secret::Secret;
use oauth_desk_core::trace::Recorder;

/// The secrets side of an edit: `None` keeps what the vault holds.
#[derive(Debug, Default)]
pub struct SecretsEdit {
    pub client_secret: Option<Secret>,
    /// Forget the stored client secret (e.g. the client became public).
    pub clear_client_secret: bool,
    pub private_key: Option<Secret>,
    /// A new client certificate (PEM chain) and its key (PEM), for mutual TLS.
    pub client_certificate: Option<(Secret, Secret)>,
    /// Forget the stored client certificate.
    pub clear_client_certificate: bool,
}

impl SecretsEdit {
    /// Whether the edit writes to the vault at all.
    fn touches_vault(&self) -> bool {
        self.client_secret.is_some()
            || self.clear_client_secret
            || self.private_key.is_some()
            || self.client_certificate.is_some()
            || self.clear_client_certificate
    }
}

/// Checks a client certificate and key given together (a wrong file is refused here, not at
/// the first sign-in).
fn checked_certificate(pair: &Option<(Secret, Secret)>) -> Result<(), DeskError> {
    if let Some((certificate, key)) = pair {
        crate::mtls::ClientCertificate::new(certificate.clone(), key.clone())?;
    }
    Ok(())
}

/// A form leaves empty text fields as `""`: they mean "not set" (see
/// [`ProviderSpec::normalise`]).
pub(in crate::desk) fn normalise(spec: &mut ProviderSpec) {
    spec.normalise();
}

impl Desk {
    /// The config's providers (`provider add`), in their order.
    pub fn providers(&self) -> Result<Vec<Provider>, DeskError> {
        Ok(self.config.load()?.providers)
    }

    /// A provider's settings: the config's, or a project's resolved in its environment.
    /// The provider as a front end shows it: for a project file not allowed as it is, a
    /// preview built from the file alone (what sends goes through the trust gate instead).
    pub async fn provider(&self, reference: &ProviderRef) -> Result<Provider, DeskError> {
        if let Some(place) = &reference.project {
            let project = self.projects.load(&place.file)?;
            if !self.is_allowed(&project) {
                return self.project_preview(reference, &project);
            }
        }
        Ok(self.target(reference).await?.provider)
    }

    /// The provider an action that sends something works with: through the trust gate (a
    /// project file allowed as it is), never the preview [`Desk::provider`] may show.
    pub(in crate::desk) async fn provider_to_use(
        &self,
        reference: &ProviderRef,
    ) -> Result<Provider, DeskError> {
        Ok(self.target(reference).await?.provider)
    }

    /// A project's provider as its file describes it, built without asking any server nor
    /// reading a secret: what may be shown of a file not allowed yet.
    pub(in crate::desk) fn project_preview(
        &self,
        reference: &ProviderRef,
        project: &crate::project::Project,
    ) -> Result<Provider, DeskError> {
        let env = project.checked_env(reference.env())?;
        let resolved = project
            .provider(&reference.name, env.as_ref())?
            .ok_or_else(|| crate::store::config::ConfigError::UnknownProvider {
                name: reference.name.to_string(),
                hint: format!(
                    " (the project {} does not define it)",
                    project.file.display()
                ),
            })?;
        let refs = &resolved.secrets;
        let held = oauth_desk_core::provider::build::Held {
            secret: refs.client_secret.is_some(),
            private_key: refs.private_key.is_some(),
            certificate: refs.client_certificate.is_some() && refs.client_key.is_some(),
        };
        let mut spec = resolved.spec.clone();
        normalise(&mut spec);
        if let Some(t) = spec.template.clone() {
            let template = oauth_desk_core::provider::templates::find(&t)
                .ok_or(oauth_desk_core::provider::ProviderError::UnknownTemplate(t))?;
            oauth_desk_core::provider::templates::apply(template, &mut spec);
        }
        Ok(oauth_desk_core::provider::build::preview(
            reference.name.clone(),
            &spec,
            held,
        )?)
    }

    /// A change to a project's provider is made in its file: refused here, naming the line.
    pub(in crate::desk) fn refuse_project_edit(
        &self,
        reference: &ProviderRef,
        what: &str,
    ) -> Result<(), DeskError> {
        let Some(place) = &reference.project else {
            return Ok(());
        };
        let line = self
            .projects
            .load(&place.file)
            .ok()
            .and_then(|p| p.provider_line(&reference.name))
            .unwrap_or(1);
        Err(DeskError::DefinedInProject {
            what: format!("{what} of {}", reference.name),
            file: place.file.display().to_string(),
            line,
        })
    }

    /// The slot keys of a config provider's identities, the default one first.
    fn slots_of(provider: &Provider) -> Vec<Slot> {
        let base = ProviderRef::local(provider.name.clone());
        std::iter::once(base.slot_key())
            .chain(
                provider
                    .identities
                    .iter()
                    .map(|i| base.with_identity(Some(i.name.clone())).slot_key()),
            )
            .collect()
    }

    /// Builds a provider from `spec` (template first, then discovery when there is an issuer)
    /// and saves it; secrets go to the vault, never the config.
    pub(in crate::desk) async fn save_new_provider(
        &self,
        mut spec: ProviderSpec,
        secrets: ClientSecrets,
    ) -> Result<Provider, DeskError> {
        normalise(&mut spec);
        let name: ProviderName = spec.name.parse()?;
        if self.config.load()?.get(&spec.name).is_ok() {
            return Err(ConfigError::Exists(spec.name).into());
        }
        if let Some(t) = &spec.template {
            let template =
                templates::find(t).ok_or_else(|| ProviderError::UnknownTemplate(t.clone()))?;
            if template.needs_issuer && spec.issuer.is_none() && spec.token_url.is_none() {
                return Err(ProviderError::TemplateNeedsIssuer {
                    title: template.title,
                    quirks: template.quirks,
                }
                .into());
            }
            templates::apply(template, &mut spec);
        }
        let recorder = Recorder::new();
        let discovered = match &spec.issuer {
            Some(issuer) => {
                let result =
                    discover(&self.http.recording(&recorder), issuer, spec.allow_http).await;
                self.save_trace_as(
                    &ProviderRef::local(name.clone()).slot_key(),
                    name.as_str(),
                    "discovery",
                    &recorder,
                );
                Some(result?)
            }
            None => None,
        };
        let provider = oauth_desk_core::provider::build::build(
            name,
            &spec,
            discovered,
            Held {
                secret: secrets.client_secret.is_some(),
                private_key: secrets.private_key.is_some(),
                certificate: secrets.client_certificate.is_some(),
            },
        )?;
        if let Some(key) = &secrets.private_key {
            crate::flow::client_auth::signing_key(key)?;
        }
        checked_certificate(&secrets.client_certificate)?;
        let dpop_key = new_dpop_key(&provider, None)?;
        if secrets.client_secret.is_some()
            || secrets.private_key.is_some()
            || secrets.client_certificate.is_some()
            || dpop_key.is_some()
        {
            self.update_client(&spec.name, move |s| {
                s.client_secret = secrets.client_secret;
                s.private_key = secrets.private_key;
                if let Some((certificate, key)) = secrets.client_certificate {
                    s.client_certificate = Some(certificate);
                    s.client_key = Some(key);
                }
                s.dpop_key = dpop_key;
            })
            .await?;
        }
        let saved = provider.clone();
        self.config.update(move |config| config.add(saved))?;
        self.providers_changed(Some(&provider)).await;
        Ok(provider)
    }

    async fn providers_changed(&self, provider: Option<&Provider>) {
        self.publish(Change::Providers {
            provider: provider.map(|p| ProviderRef::local(p.name.clone()).slot_key()),
        })
        .await;
    }

    /// Removes a provider with its secrets, cached keys, trace and lab runs (secrets first: a failure
    /// leaves it configured rather than leaving orphaned secrets).
    pub async fn remove_provider(&self, reference: &ProviderRef) -> Result<(), DeskError> {
        self.refuse_project_edit(reference, "the provider")?;
        let name = reference.name.as_str();
        let provider = self.provider(&reference.default_identity()).await?;
        let key = name.to_owned();
        self.with_vault(move |vault| {
            if !vault.exists() {
                return Ok(());
            }
            vault.update(|data| {
                data.providers.remove(&key);
                Ok::<_, VaultError>(())
            })
        })
        .await?;
        self.config.update(|config| config.remove(name).map(drop))?;
        self.jwks.forget(name);
        for slot in Desk::slots_of(&provider) {
            self.forget_slot_files(&slot);
            let _ = std::fs::remove_file(self.lab_history_path(&slot));
            self.labs.forget(&slot);
        }
        self.providers_changed(None).await;
        Ok(())
    }

    pub async fn set_client_secret(
        &self,
        reference: &ProviderRef,
        secret: Secret,
    ) -> Result<(), DeskError> {
        self.refuse_project_edit(reference, "the client secret")?;
        let name = reference.name.as_str();
        self.provider(&reference.default_identity()).await?;
        self.update_client(name, move |s| s.client_secret = Some(secret))
            .await?;
        self.config.update(|config| {
            config.get_mut(name)?.has_client_secret = true;
            Ok::<_, ConfigError>(())
        })?;
        self.providers_changed(Some(&self.provider(reference).await?))
            .await;
        Ok(())
    }

    /// Stores a client certificate and its key for mutual TLS (checked first); returns the
    /// certificate's `x5t#S256`.
    pub async fn set_client_certificate(
        &self,
        reference: &ProviderRef,
        (certificate, key): (Secret, Secret),
    ) -> Result<String, DeskError> {
        self.refuse_project_edit(reference, "the client certificate")?;
        let name = reference.name.as_str();
        self.provider(&reference.default_identity()).await?;
        let thumbprint =
            crate::mtls::ClientCertificate::new(certificate.clone(), key.clone())?.thumbprint()?;
        self.update_client(name, move |s| {
            s.client_certificate = Some(certificate);
            s.client_key = Some(key);
        })
        .await?;
        self.config.update(|config| {
            config.get_mut(name)?.security.client_certificate = true;
            Ok::<_, ConfigError>(())
        })?;
        self.providers_changed(Some(&self.provider(reference).await?))
            .await;
        Ok(thumbprint)
    }

    /// The provider's settings as a shareable export (no secret; a project's as resolved).
    pub async fn export_provider(&self, reference: &ProviderRef) -> Result<String, DeskError> {
        Ok(export_provider(&self.provider(reference).await?))
    }

    /// Replaces provider `name` with what `spec` describes, keeping its position, its tokens
    /// and (unless `secrets` says otherwise) its client secret. A new issuer is discovered
    /// again; explicit endpoints still win over discovered ones. A rename moves the vault
    /// entry and the trace with it.
    pub async fn update_provider(
        &self,
        reference: &ProviderRef,
        mut spec: ProviderSpec,
        secrets: SecretsEdit,
    ) -> Result<Provider, DeskError> {
        self.refuse_project_edit(reference, "the settings")?;
        let name = reference.name.as_str();
        normalise(&mut spec);
        let old = self.provider(&reference.default_identity()).await?;
        let new_name: ProviderName = spec.name.trim().parse()?;
        let renamed = new_name.as_str() != name;
        if renamed && self.config.load()?.get(new_name.as_str()).is_ok() {
            return Err(ConfigError::Exists(new_name.to_string()).into());
        }
        checked_certificate(&secrets.client_certificate)?;
        let provider = self
            .edited_provider(&old, new_name, &spec, &secrets)
            .await?;
        let old_dpop_key = self.client_secrets_stored(name).await?.dpop_key;
        let dpop_key = new_dpop_key(&provider, old_dpop_key.as_ref())?;
        if let Some(key) = &secrets.private_key {
            crate::flow::client_auth::signing_key(key)?;
        }
        let secrets_touched = renamed || secrets.touches_vault() || dpop_key.is_some();
        let (old_key, new_key) = (name.to_owned(), provider.name.to_string());
        // A rename copies the vault entry first and drops the old one only once the config
        // says so: a failure in between leaves a copy, never a loss.
        if secrets_touched {
            self.store_edited_secrets(&old_key, &new_key, secrets, dpop_key)
                .await?;
        }
        let saved = provider.clone();
        let written = self.config.update(|config| {
            if renamed && config.get(saved.name.as_str()).is_ok() {
                return Err(ConfigError::Exists(saved.name.to_string()));
            }
            *config.get_mut(name)? = saved;
            Ok::<_, ConfigError>(())
        });
        if renamed && secrets_touched {
            // The config decides which copy stays: the new one when it was written.
            let drop_key = if written.is_ok() { old_key } else { new_key };
            self.with_vault(move |vault| {
                vault.update(|data| {
                    data.providers.remove(&drop_key);
                    Ok::<_, crate::store::vault::VaultError>(())
                })
            })
            .await?;
        }
        written?;
        if renamed {
            self.move_slot_files(&old, &provider);
            self.jwks.forget(name);
        }
        self.providers_changed(Some(&provider)).await;
        Ok(provider)
    }

    /// The provider `spec` describes in place of `old`: discovered again when the issuer
    /// changed, and keeping what the form does not edit (lab plan, identities, origin).
    async fn edited_provider(
        &self,
        old: &Provider,
        new_name: ProviderName,
        spec: &ProviderSpec,
        secrets: &SecretsEdit,
    ) -> Result<Provider, DeskError> {
        let name = old.name.as_str();
        let held = Held {
            secret: !secrets.clear_client_secret
                && (secrets.client_secret.is_some() || old.has_client_secret),
            private_key: secrets.private_key.is_some() || old.has_private_key,
            certificate: !secrets.clear_client_certificate
                && (secrets.client_certificate.is_some() || old.security.client_certificate),
        };
        let issuer_changed = spec.issuer.is_some()
            && spec.issuer.as_deref() != old.issuer.as_ref().map(Issuer::as_str);
        let discovered = if issuer_changed {
            let recorder = Recorder::new();
            let issuer = spec.issuer.clone().unwrap_or_default();
            let result = discover(&self.http.recording(&recorder), &issuer, spec.allow_http).await;
            self.save_trace_as(
                &ProviderRef::local(old.name.clone()).slot_key(),
                name,
                "discovery",
                &recorder,
            );
            Some(result?)
        } else {
            None
        };
        let rediscovered = discovered.is_some();
        let mut provider =
            oauth_desk_core::provider::build::build(new_name, spec, discovered, held)?;
        // The form edits neither the lab plan (the Lab tab does) nor identities: they stay.
        provider.lab_plan = old.lab_plan.clone();
        provider.identities = old.identities.clone();
        provider.client_origin = old.client_origin.clone();
        if !rediscovered && spec.issuer.is_some() {
            provider.issuer = old.issuer.clone();
            provider.iss_parameter_supported = old.iss_parameter_supported;
            provider.server_security = old.server_security.clone();
        }
        Ok(provider)
    }

    /// Writes the edited client secrets under `new_key`, starting from `old_key`'s entry.
    async fn store_edited_secrets(
        &self,
        old_key: &str,
        new_key: &str,
        secrets: SecretsEdit,
        dpop_key: Option<Secret>,
    ) -> Result<(), DeskError> {
        let (old_key, new_key) = (old_key.to_owned(), new_key.to_owned());
        self.with_vault(move |vault| {
            vault.update(|data| {
                let mut entry = data.provider(&old_key).cloned().unwrap_or_default();
                if secrets.clear_client_secret {
                    entry.client_secret = None;
                }
                if let Some(s) = secrets.client_secret {
                    entry.client_secret = Some(s);
                }
                if let Some(k) = secrets.private_key {
                    entry.private_key = Some(k);
                }
                if secrets.clear_client_certificate {
                    entry.client_certificate = None;
                    entry.client_key = None;
                }
                if let Some((certificate, key)) = secrets.client_certificate {
                    entry.client_certificate = Some(certificate);
                    entry.client_key = Some(key);
                }
                if let Some(key) = dpop_key {
                    entry.dpop_key = Some(key);
                }
                *data.provider_mut(&new_key) = entry;
                Ok::<_, crate::store::vault::VaultError>(())
            })
        })
        .await?;
        Ok(())
    }

    /// A renamed provider's trace, lab history and login-window profile follow it, slot by
    /// slot. Best effort: a file that is not there has nothing to move.
    fn move_slot_files(&self, old: &Provider, new: &Provider) {
        for (from, to) in Desk::slots_of(old).into_iter().zip(Desk::slots_of(new)) {
            let _ = std::fs::rename(self.trace_path(&from), self.trace_path(&to));
            let _ = std::fs::rename(self.lab_history_path(&from), self.lab_history_path(&to));
            let _ = std::fs::rename(
                self.browser_profile_dir(&from),
                self.browser_profile_dir(&to),
            );
        }
    }

    /// A copy of provider `name` under `new_name`, with its client secret and key but without
    /// tokens (the copy signs in on its own), placed right after the original.
    pub async fn duplicate_provider(
        &self,
        reference: &ProviderRef,
        new_name: &str,
    ) -> Result<Provider, DeskError> {
        self.refuse_project_edit(reference, "a copy")?;
        let name = reference.name.as_str();
        let source = self.provider(&reference.default_identity()).await?;
        let new_name: ProviderName = new_name.trim().parse()?;
        if self.config.load()?.get(new_name.as_str()).is_ok() {
            return Err(ConfigError::Exists(new_name.to_string()).into());
        }
        // The copy has its own DPoP key (made when it is first used): a key is one client's.
        let secrets = self.client_secrets_stored(name).await?;
        if secrets.client_secret.is_some()
            || secrets.private_key.is_some()
            || secrets.client_certificate.is_some()
        {
            let key = new_name.to_string();
            self.update_client(&key, move |s| {
                s.client_secret = secrets.client_secret;
                s.private_key = secrets.private_key;
                s.client_certificate = secrets.client_certificate;
                s.client_key = secrets.client_key;
            })
            .await?;
        }
        let mut copy = source;
        copy.name = new_name;
        // Identities are people signed in to the original: the copy starts with none.
        copy.identities.clear();
        let saved = copy.clone();
        self.config.update(|config| {
            let at = config
                .providers
                .iter()
                .position(|p| p.name.as_str() == name)
                .map_or(config.providers.len(), |i| i + 1);
            if config.get(saved.name.as_str()).is_ok() {
                return Err(ConfigError::Exists(saved.name.to_string()));
            }
            config.providers.insert(at, saved);
            Ok(())
        })?;
        self.providers_changed(Some(&copy)).await;
        Ok(copy)
    }

    /// Puts the providers in the given order; names not listed keep their relative order
    /// after the listed ones. Unknown names are an error (nothing is changed).
    pub async fn reorder_providers(&self, order: &[String]) -> Result<(), DeskError> {
        self.config.update(|config| {
            for name in order {
                config.get(name)?;
            }
            let rank = |p: &Provider| {
                order
                    .iter()
                    .position(|n| n == p.name.as_str())
                    .unwrap_or(usize::MAX)
            };
            config.providers.sort_by_key(rank);
            Ok::<_, ConfigError>(())
        })?;
        self.providers_changed(None).await;
        Ok(())
    }
}

/// The DPoP key `provider` signs with, read once: the stored one when DPoP is on and it has
/// the provider's algorithm, else a new one (`true`: to be stored). `None` when DPoP is off (a
/// key that is no longer used stays stored: turning DPoP on again binds to the same key).
pub(in crate::desk) fn dpop_key_for(
    provider: &Provider,
    stored: Option<&Secret>,
) -> Result<Option<(crate::dpop::DpopKey, bool)>, DeskError> {
    let Some(alg) = provider.security.dpop else {
        return Ok(None);
    };
    match stored.and_then(|s| crate::dpop::DpopKey::from_secret(s).ok()) {
        Some(key) if key.alg() == alg => Ok(Some((key, false))),
        _ => Ok(Some((crate::dpop::DpopKey::generate(alg)?, true))),
    }
}

/// A new DPoP key to store for `provider`, when it needs one (see [`dpop_key_for`]).
fn new_dpop_key(provider: &Provider, stored: Option<&Secret>) -> Result<Option<Secret>, DeskError> {
    Ok(dpop_key_for(provider, stored)?
        .filter(|(_, made)| *made)
        .map(|(key, _)| key.to_secret()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_form_fields_mean_unset() {
        let mut spec = ProviderSpec {
            issuer: Some("  ".into()),
            token_url: Some("https://as.example/token".into()),
            params: vec!["".into(), "prompt=login".into()],
            ..ProviderSpec::default()
        };
        normalise(&mut spec);
        assert_eq!(spec.issuer, None);
        assert_eq!(spec.token_url.as_deref(), Some("https://as.example/token"));
        assert_eq!(spec.params, vec!["prompt=login".to_owned()]);
    }
}
