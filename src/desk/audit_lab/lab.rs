//! The consent lab: each case of a plan is a sign-in with a fresh session (or a device or
//! client-credentials grant), one at a time and cancellable, judged against its expectations.
//! A case's tokens never replace the provider's own: they are looked at (ID token, checks,
//! userinfo), then revoked when the server can — or kept in memory for inspection. Runs are
//! kept (no token values) and compared with the previous ones.

use oauth_desk_core::provider::{Scope, Slot};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::changes::{Change, LabProgress};
use super::session::{DeviceHost, SignInHost};
use super::signin::{Destination, SignInRequest};
use super::target::Target;
use super::tokens::revoke_all;
use super::{Desk, DeskError, Explained};
use crate::callback::CallbackError;
use crate::clock::now;
use crate::flow::endpoints::{self, UserInfo};
use crate::login::LoginError;
use oauth_desk_core::lab::judge::{Observed, judge};
use oauth_desk_core::lab::{
    Case, CaseGrant, CaseResult, Disposal, LabError, LabRun, Plan, Verdict, compare, history,
};
use oauth_desk_core::provider::{Endpoint, ProviderRef};
use oauth_desk_core::report::Report;
use oauth_desk_core::token::TokenSet;

/// What a lab run is asked to do.
#[derive(Debug, Clone, Default)]
pub struct LabRequest {
    /// The plan's TOML; `None` runs the plan kept with the provider.
    pub plan: Option<String>,
    /// Run only the case of this name.
    pub only: Option<String>,
    /// Keep each case's tokens in memory for inspection instead of revoking them.
    pub keep_tokens: bool,
    /// Keep the given plan with the provider (once it has been read without error).
    pub save_plan: bool,
}

/// A front end running a plan: it shows each case's sign-in page or device code, and may
/// follow the progress (also published on the change stream).
pub trait LabHost: SignInHost + DeviceHost {
    fn case_started(&self, _case: &Case, _index: usize, _total: usize) {}
    fn case_finished(&self, _result: &CaseResult) {}
}

/// The kept plan, or the example to start from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LabPlanView {
    pub text: String,
    /// False when `text` is the example (nothing kept yet).
    pub kept: bool,
}

/// Runs in progress (their cancel flags) and tokens kept for inspection.
#[derive(Default)]
pub(in crate::desk) struct Labs {
    running: Mutex<HashMap<Slot, Arc<AtomicBool>>>,
    kept: Mutex<HashMap<(Slot, String), TokenSet>>,
}

impl Labs {
    fn start(&self, provider: &Slot) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut running) = self.running.lock()
            && let Some(old) = running.insert(provider.to_owned(), flag.clone())
        {
            old.store(true, Ordering::SeqCst);
        }
        flag
    }

    fn finish(&self, provider: &Slot, flag: &Arc<AtomicBool>) {
        if let Ok(mut running) = self.running.lock()
            && running.get(provider).is_some_and(|f| Arc::ptr_eq(f, flag))
        {
            running.remove(provider);
        }
    }

    /// Stops the provider's run after its current case; whether one was running.
    pub(in crate::desk) fn cancel(&self, provider: &Slot) -> bool {
        self.running
            .lock()
            .ok()
            .and_then(|r| r.get(provider).map(|f| f.store(true, Ordering::SeqCst)))
            .is_some()
    }

    fn keep(&self, provider: &Slot, case: &str, tokens: TokenSet) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert((provider.to_owned(), case.to_owned()), tokens);
        }
    }

    /// Drops the provider's kept tokens: only the last run's are kept, and none of a removed
    /// provider's.
    pub(in crate::desk) fn forget(&self, provider: &Slot) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.retain(|(p, _), _| p != provider);
        }
    }

    fn kept(&self, provider: &Slot, case: &str) -> Option<TokenSet> {
        self.kept
            .lock()
            .ok()?
            .get(&(provider.to_owned(), case.to_owned()))
            .cloned()
    }
}

impl Desk {
    /// The plan kept with the provider, or the example when none is.
    pub async fn lab_plan(&self, reference: &ProviderRef) -> Result<LabPlanView, DeskError> {
        Ok(match self.target(reference).await?.provider.lab_plan {
            Some(text) => LabPlanView { text, kept: true },
            None => LabPlanView {
                text: oauth_desk_core::lab::EXAMPLE_PLAN.to_owned(),
                kept: false,
            },
        })
    }

    /// Keeps `plan` with the provider after reading it (errors name the line); `None` forgets
    /// the kept plan.
    pub async fn save_lab_plan(
        &self,
        reference: &ProviderRef,
        plan: Option<String>,
    ) -> Result<Option<Plan>, DeskError> {
        let parsed = plan.as_deref().map(Plan::parse).transpose()?;
        self.refuse_project_edit(reference, "its consent test plan")?;
        self.config.update(|config| {
            config.get_mut(reference.name.as_str())?.lab_plan = plan;
            Ok::<_, crate::store::config::ConfigError>(())
        })?;
        self.publish(Change::Providers {
            provider: Some(reference.default_identity().slot_key()),
        })
        .await;
        Ok(parsed)
    }

    /// The provider's kept runs, oldest first (the last 20).
    pub async fn lab_runs(&self, reference: &ProviderRef) -> Result<Vec<LabRun>, DeskError> {
        self.target(reference).await?;
        Ok(history::load(&self.lab_history_path(&reference.slot_key())))
    }

    /// Runs a consent test plan (or one case of it) against provider `name`: see the module.
    /// Cancelled by [`Desk::cancel_sign_in`]: the case in progress ends, the rest are skipped.
    pub async fn run_lab(
        &self,
        reference: &ProviderRef,
        request: LabRequest,
        host: &impl LabHost,
    ) -> Result<LabRun, DeskError> {
        let target = self.target(reference).await?;
        let slot = target.slot_key();
        let name = &slot;
        let text = match (&request.plan, &target.provider.lab_plan) {
            (Some(text), _) | (None, Some(text)) => text.clone(),
            (None, None) => return Err(LabError::NoPlan(reference.to_string()).into()),
        };
        let plan = Plan::parse(&text)?;
        let cases: Vec<&Case> = match &request.only {
            Some(only) => vec![
                plan.case(only)
                    .ok_or_else(|| LabError::UnknownCase(only.clone()))?,
            ],
            None => plan.cases.iter().collect(),
        };
        if request.save_plan && request.plan.is_some() {
            self.save_lab_plan(reference, Some(text)).await?;
        }
        let cancel = self.labs.start(name);
        self.labs.forget(name);
        let started_at = now();
        let total = cases.len();
        let mut results = Vec::with_capacity(total);
        for (index, case) in cases.into_iter().enumerate() {
            let result = if cancel.load(Ordering::SeqCst) {
                CaseResult::skipped(&case.name, case.grant, &case.scope, now())
            } else {
                host.case_started(case, index, total);
                self.publish_lab(
                    name,
                    LabProgress::CaseStarted {
                        case: case.name.clone(),
                        index,
                        total,
                    },
                );
                let result = self.run_case(&target, case, &request, host).await;
                result.unwrap_or_else(|| {
                    cancel.store(true, Ordering::SeqCst);
                    CaseResult::skipped(&case.name, case.grant, &case.scope, now())
                })
            };
            host.case_finished(&result);
            self.publish_lab(
                name,
                LabProgress::CaseFinished {
                    result: Box::new(result.clone()),
                },
            );
            results.push(result);
        }
        self.labs.finish(name, &cancel);
        let mut run = LabRun {
            provider: reference.typed(),
            started_at,
            finished_at: now(),
            cancelled: cancel.load(Ordering::SeqCst),
            cases: results,
            differences: Vec::new(),
            compared_with: None,
        };
        let path = self.lab_history_path(name);
        let past = history::load(&path);
        (run.differences, run.compared_with) = compare::differences(&past, &run);
        if let Err(e) = history::append(&path, &run) {
            tracing::warn!("could not keep the lab run of {name}: {e}");
        }
        self.publish_lab(
            name,
            LabProgress::Finished {
                passed: run.passed(),
            },
        );
        Ok(run)
    }

    /// The provider's last kept run, if any.
    pub async fn last_lab_run(&self, reference: &ProviderRef) -> Result<Option<LabRun>, DeskError> {
        Ok(self.lab_runs(reference).await?.pop())
    }

    /// A kept run (the one started at `started_at`) in an export format.
    pub async fn export_lab_run(
        &self,
        reference: &ProviderRef,
        started_at: i64,
        format: oauth_desk_core::lab::LabFormat,
    ) -> Result<String, DeskError> {
        let run = self
            .lab_runs(reference)
            .await?
            .into_iter()
            .rev()
            .find(|r| r.started_at == started_at)
            .ok_or(LabError::UnknownRun(started_at))?;
        Ok(run.export(format))
    }

    /// What a case's kept tokens look like (decoded, checked): `show` for a lab case.
    pub async fn lab_case_report(
        &self,
        reference: &ProviderRef,
        case: &str,
    ) -> Result<Report, DeskError> {
        let context = self.client(reference).await?;
        let tokens = self
            .labs
            .kept(&context.target.slot_key(), case)
            .ok_or_else(|| LabError::NotKept(case.to_owned()))?;
        Ok(self
            .report_of(&context.target, Some(&tokens), context.client.secret())
            .await)
    }

    /// One case: its grant, what it produced, its tokens disposed of, the verdict. `None`
    /// when the person cancelled it.
    async fn run_case(
        &self,
        run_target: &Target,
        case: &Case,
        request: &LabRequest,
        host: &impl LabHost,
    ) -> Option<CaseResult> {
        let clock = Instant::now();
        let mut result = CaseResult::skipped(&case.name, case.grant, &case.scope, now());
        result.failures.clear();
        result.requested = case.scopes();
        result.identity = case.identity.clone();
        let target = match self.case_target(run_target, case).await {
            Ok(target) => target,
            Err(e) => {
                result.failures = vec![Explained::from(&e).message];
                result.result = Verdict::Fail;
                return Some(result);
            }
        };
        let target = &target;
        let scope = Scope::new(case.scope.clone());
        let obtained = match case.grant {
            CaseGrant::Code => {
                let sign_in = SignInRequest {
                    scope: Some(scope.clone()),
                    params: case.sign_in_params(),
                    fresh: true,
                    ..SignInRequest::default()
                };
                self.code_grant(target, sign_in, host, Destination::Lab)
                    .await
            }
            CaseGrant::Device => {
                self.device_grant(target, Some(&scope), host, Destination::Lab)
                    .await
            }
            CaseGrant::ClientCredentials => {
                self.client_credentials_grant(target, Some(&scope), Destination::Lab)
                    .await
            }
        };
        let mut failure = None;
        match obtained {
            Err(DeskError::Login(LoginError::Callback(CallbackError::Cancelled))) => return None,
            Err(e) => match e.oauth_error() {
                Some(oauth) => {
                    result.error = Some(oauth.error.clone());
                    result.error_description = oauth.error_description.clone();
                }
                None => failure = Some(Explained::from(&e).message),
            },
            Ok(tokens) => {
                self.observe(target, &tokens, &mut result).await;
                (result.tokens, result.tokens_note) = self
                    .dispose(run_target, target, case, tokens, request)
                    .await;
            }
        }
        if result.granted.is_empty() {
            result.not_granted = result.requested.clone();
        }
        let observed = Observed {
            granted: &result.granted,
            claims: &result.claims,
            error: result
                .error
                .as_deref()
                .map(|e| (e, result.error_description.as_deref())),
            failure: failure.as_deref(),
            checks: &result.checks,
        };
        result.failures = judge(case, &observed)
            .iter()
            .map(ToString::to_string)
            .collect();
        result.result = if result.failures.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        result.duration_ms = u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX);
        Some(result)
    }

    /// Records what the case's tokens say: scopes, the ID token's claims and checks, and the
    /// userinfo response for grants that sign a person in.
    async fn observe(&self, target: &Target, tokens: &TokenSet, result: &mut CaseResult) {
        let provider = &target.provider;
        let context = self.client_of(target.clone()).await.ok();
        let dpop = context.as_ref().and_then(|c| c.client.dpop.clone());
        let client_secret = context.as_ref().and_then(|c| c.client.secret().cloned());
        let report = self
            .report_of(target, Some(tokens), client_secret.as_ref())
            .await;
        let scopes = tokens.scopes();
        result.granted = scopes.granted;
        result.not_granted = scopes.not_granted;
        result.extra_granted = scopes.extra_granted;
        if let Some(id) = report.id_token {
            result.id_token_claims = id.claims.unwrap_or_default();
            result.checks = id.checks;
        }
        let person = result.grant != CaseGrant::ClientCredentials;
        if let (true, Some(endpoint)) = (person, provider.endpoint(Endpoint::Userinfo)) {
            let presenter = crate::flow::resource::Presenter {
                token: &tokens.access_token,
                token_type: &tokens.token_type,
                dpop: dpop.as_ref(),
            };
            match endpoints::userinfo(&self.http, endpoint, &presenter).await {
                Ok(UserInfo::Claims(claims)) => result.userinfo = Some(claims),
                Ok(UserInfo::Jwt(jwt)) => match oauth_desk_core::jwt::decode(&jwt) {
                    Ok(decoded) => result.userinfo = Some(decoded.claims),
                    Err(e) => {
                        result.userinfo_error = Some(format!(
                            "the signed or encrypted userinfo response could not be read: {e}"
                        ))
                    }
                },
                Err(e) => result.userinfo_error = Some(e.to_string()),
            }
        }
        let mut claims: BTreeSet<String> = result.id_token_claims.keys().cloned().collect();
        claims.extend(result.userinfo.iter().flat_map(|u| u.keys().cloned()));
        result.claims = claims.into_iter().collect();
    }

    /// Revokes the case's tokens (refresh first, RFC 7009 §2.1), or keeps them when asked.
    async fn dispose(
        &self,
        run_target: &Target,
        target: &Target,
        case: &Case,
        tokens: TokenSet,
        request: &LabRequest,
    ) -> (Disposal, Option<String>) {
        if request.keep_tokens {
            self.labs.keep(&run_target.slot_key(), &case.name, tokens);
            return (Disposal::Kept, None);
        }
        let Some(endpoint) = target.provider.endpoint(Endpoint::Revocation).cloned() else {
            return (Disposal::NotRevocable, None);
        };
        let revoked = async {
            let client = self.client_of(target.clone()).await?.client;
            Ok::<_, DeskError>(revoke_all(&client, &self.http, &endpoint, &tokens).await?)
        }
        .await;
        match revoked {
            Ok(_) => (Disposal::Revoked, None),
            Err(e) => (
                Disposal::RevocationFailed,
                Some(format!("the case's tokens could not be revoked: {e}")),
            ),
        }
    }

    fn publish_lab(&self, name: &Slot, progress: LabProgress) {
        self.publish_local(Change::Lab {
            provider: name.to_owned(),
            progress,
        });
    }

    pub(in crate::desk) fn lab_history_path(&self, slot: &Slot) -> std::path::PathBuf {
        self.paths.data_dir.join("lab").join(format!("{slot}.json"))
    }

    /// The target a case signs in as: the run's, or the case's own identity of it.
    async fn case_target(&self, run_target: &Target, case: &Case) -> Result<Target, DeskError> {
        match &case.identity {
            None => Ok(run_target.clone()),
            Some(identity) => {
                let reference = run_target.reference.with_identity(Some(identity.parse()?));
                self.target(&reference).await
            }
        }
    }
}
