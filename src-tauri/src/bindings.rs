//! The UI's TypeScript types, generated from the Rust types that cross the IPC boundary
//! (`ui/src/lib/bindings.ts`). A test fails when the committed file is stale; regenerate with
//! `UPDATE_BINDINGS=1 cargo test -p oauth-desk-app bindings`.

#[cfg(test)]
mod tests {
    use oauth_desk::keeper::KeeperEvent;
    use oauth_desk::report::{
        AccessTokenReport, ClockReport, IdTokenReport, RefreshTokenReport, Report, Status,
    };
    use oauth_desk::token::{DetailsDiff, RefreshFailure, RefreshRecord, ScopeDiff};
    use oauth_desk::trace::{Exchange, Message, Trace};
    use oauth_desk::{
        Advice, AuthMethod, AuthorizeMethod, Change, Check, CheckResult, DeviceCode, Endpoint,
        ErrorKind, Grants, ImportFile, ImportFormat, ImportNote, ImportReport, ImportedProvider,
        PkceMode, ProviderSpec, ProviderView, SignInState, TemplateView, TokenFormat, TokenKind,
    };
    use ts_rs::{Config, TS};

    use crate::commands::grants::{AssertionInput, GrantTexts};
    use crate::error::CommandError;
    use crate::views::{DeviceStart, LabRunView, Settings, ShellEvent};
    use oauth_desk::grant::ExchangeRequest;
    use oauth_desk::lab::{
        Case, CaseGrant, CaseResult, ChecksMode, Disposal, LabFormat, LabRun, Matrix, MatrixRow,
        Plan, ScopeCell, Verdict,
    };
    use oauth_desk::report::FrontChannelReport;
    use oauth_desk::{LabPlanView, LabProgress};
    use oauth_desk::{ResponseMode, ResponseType};

    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/bindings.ts");

    #[expect(
        clippy::too_many_lines,
        reason = "one line per type the UI reads, in one list"
    )]
    fn generate() -> String {
        // JSON numbers: the values (Unix seconds, byte counts) are far below 2^53.
        let cfg = Config::new().with_large_int("number");
        let decls = [
            ProviderSpec::decl(&cfg),
            AuthMethod::decl(&cfg),
            PkceMode::decl(&cfg),
            AuthorizeMethod::decl(&cfg),
            ProviderView::decl(&cfg),
            Grants::decl(&cfg),
            TemplateView::decl(&cfg),
            Report::decl(&cfg),
            Status::decl(&cfg),
            ClockReport::decl(&cfg),
            AccessTokenReport::decl(&cfg),
            RefreshTokenReport::decl(&cfg),
            RefreshRecord::decl(&cfg),
            RefreshFailure::decl(&cfg),
            IdTokenReport::decl(&cfg),
            Check::decl(&cfg),
            CheckResult::decl(&cfg),
            ScopeDiff::decl(&cfg),
            DetailsDiff::decl(&cfg),
            Trace::decl(&cfg),
            Exchange::decl(&cfg),
            Message::decl(&cfg),
            Change::decl(&cfg),
            KeeperEvent::decl(&cfg),
            SignInState::decl(&cfg),
            DeviceCode::decl(&cfg),
            DeviceStart::decl(&cfg),
            ShellEvent::decl(&cfg),
            TokenKind::decl(&cfg),
            TokenFormat::decl(&cfg),
            Settings::decl(&cfg),
            CommandError::decl(&cfg),
            oauth_desk::Explained::decl(&cfg),
            ErrorKind::decl(&cfg),
            Advice::decl(&cfg),
            Endpoint::decl(&cfg),
            ImportFormat::decl(&cfg),
            ImportFile::decl(&cfg),
            ImportNote::decl(&cfg),
            ImportReport::decl(&cfg),
            ImportedProvider::decl(&cfg),
            Plan::decl(&cfg),
            Case::decl(&cfg),
            CaseGrant::decl(&cfg),
            ChecksMode::decl(&cfg),
            LabPlanView::decl(&cfg),
            LabProgress::decl(&cfg),
            LabRun::decl(&cfg),
            LabRunView::decl(&cfg),
            CaseResult::decl(&cfg),
            Verdict::decl(&cfg),
            Disposal::decl(&cfg),
            Matrix::decl(&cfg),
            MatrixRow::decl(&cfg),
            ScopeCell::decl(&cfg),
            LabFormat::decl(&cfg),
            oauth_desk::audit::AuditReport::decl(&cfg),
            oauth_desk::audit::Finding::decl(&cfg),
            oauth_desk::audit::Verdict::decl(&cfg),
            oauth_desk::audit::AuditFormat::decl(&cfg),
            oauth_desk::audit::ActivePlan::decl(&cfg),
            ExchangeRequest::decl(&cfg),
            AssertionInput::decl(&cfg),
            GrantTexts::decl(&cfg),
            FrontChannelReport::decl(&cfg),
            ResponseType::decl(&cfg),
            ResponseMode::decl(&cfg),
            crate::views::SignInOptions::decl(&cfg),
            crate::views::SecretsForm::decl(&cfg),
            oauth_desk::ProviderDraft::decl(&cfg),
            oauth_desk::provider::SpecProblem::decl(&cfg),
            oauth_desk::provider::SpecField::decl(&cfg),
            crate::views::CallInput::decl(&cfg),
            oauth_desk::CallResult::decl(&cfg),
            oauth_desk::ChallengeView::decl(&cfg),
            oauth_desk::Remedy::decl(&cfg),
            oauth_desk::SecurityView::decl(&cfg),
            oauth_desk::provider::SecurityProfile::decl(&cfg),
            oauth_desk::provider::ServerSecurity::decl(&cfg),
            oauth_desk::provider::MtlsAliases::decl(&cfg),
            oauth_desk::ParMode::decl(&cfg),
            oauth_desk::RequestObjectMode::decl(&cfg),
            oauth_desk::AssertionAudience::decl(&cfg),
            oauth_desk::DpopAlg::decl(&cfg),
            oauth_desk::report::Binding::decl(&cfg),
            oauth_desk::ProviderRef::decl(&cfg),
            oauth_desk::provider::ProviderName::decl(&cfg),
            oauth_desk::provider::Slot::decl(&cfg),
            oauth_desk::Scope::decl(&cfg),
            oauth_desk::IdentityName::decl(&cfg),
            oauth_desk::EnvName::decl(&cfg),
            oauth_desk::ProjectPlace::decl(&cfg),
            oauth_desk::DefinedIn::decl(&cfg),
            oauth_desk::IdentityView::decl(&cfg),
            oauth_desk::IdentityOrigin::decl(&cfg),
            oauth_desk::ProjectView::decl(&cfg),
            oauth_desk::ProjectTrustView::decl(&cfg),
            oauth_desk::TrustState::decl(&cfg),
            oauth_desk::Footprint::decl(&cfg),
            oauth_desk::EnvView::decl(&cfg),
            oauth_desk::EnvChoice::decl(&cfg),
            oauth_desk::NamedSecretView::decl(&cfg),
            crate::commands::workspace::NamedSecrets::decl(&cfg),
        ];
        let mut out = String::from(
            "// Generated from the Rust types by src-tauri/src/bindings.rs: do not edit.\n\
             // Regenerate: UPDATE_BINDINGS=1 cargo test -p oauth-desk-app bindings\n\n\
             export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;\n\n",
        );
        for decl in decls {
            out.push_str("export ");
            out.push_str(&decl);
            out.push_str("\n\n");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    #[test]
    fn bindings_are_up_to_date() {
        let fresh = generate();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(PATH, &fresh).expect("write bindings.ts");
            return;
        }
        let committed = std::fs::read_to_string(PATH).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p oauth-desk-app bindings` and commit it"
        );
    }
}

#[cfg(test)]
mod capability {
    /// The build script's app manifest (one permission per command) and the main window's
    /// capability name the same commands: a command added to one and not the other would be
    /// either unreachable or granted without being declared.
    #[test]
    fn the_main_window_is_granted_exactly_the_declared_commands() {
        let dir = env!("CARGO_MANIFEST_DIR");
        let build = std::fs::read_to_string(format!("{dir}/build.rs")).unwrap();
        let list = &build[build.find("COMMANDS").unwrap()..build.find("];").unwrap()];
        let mut declared: Vec<String> = list
            .split('"')
            .skip(1)
            .step_by(2)
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        let capability: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{dir}/capabilities/main-window.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(capability["windows"], serde_json::json!(["main"]));
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| !p.starts_with("core:"))
            .map(str::to_owned)
            .collect();
        declared.sort();
        granted.sort();
        assert_eq!(declared, granted);
        assert!(declared.len() > 20, "parsed {declared:?}");
        // And the commands the app answers (`commands::handler`) are those: a command answered
        // but not declared is refused by the ACL at run time ("not allowed").
        let commands = std::fs::read_to_string(format!("{dir}/src/commands/mod.rs")).unwrap();
        let handler = &commands[commands.find("generate_handler![").unwrap()..];
        let handler = &handler[..handler.find(']').unwrap()];
        let mut answered: Vec<String> = handler
            .split(',')
            .filter_map(|c| c.trim().rsplit("::").next())
            .filter(|c| !c.is_empty() && !c.contains('['))
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        answered.sort();
        assert_eq!(answered, declared, "commands answered vs declared");
    }
}
