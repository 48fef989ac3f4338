//! The app manifest names every command, so Tauri generates an `allow-<command>` permission
//! for each and grants none by default: the main window's capability lists the ones it may
//! call; the login window has no capability at all.

const COMMANDS: &[&str] = &[
    "list_providers",
    "get_provider",
    "list_templates",
    "check_provider",
    "add_provider",
    "update_provider",
    "duplicate_provider",
    "reorder_providers",
    "remove_provider",
    "export_provider",
    "import_providers",
    "sign_in",
    "cancel_sign_in",
    "submit_redirect_url",
    "device_sign_in",
    "device_open_page",
    "client_credentials",
    "refresh",
    "revoke",
    "sign_out",
    "introspect",
    "userinfo",
    "reveal_token",
    "copy_token",
    "copy_resource_headers",
    "call_resource",
    "get_trace",
    "export_har",
    "get_settings",
    "set_settings",
    "grant_texts",
    "exchange",
    "assertion_preview",
    "jwt_bearer",
    "password_grant",
    "end_session",
    "lab_plan",
    "check_lab_plan",
    "save_lab_plan",
    "run_lab",
    "last_lab_run",
    "export_lab_run",
    "audit_plan",
    "audit_provider",
    "export_audit",
    "lab_case_report",
    "project_view",
    "open_project",
    "open_project_file",
    "use_environment",
    "add_identity",
    "remove_identity",
    "named_secrets",
    "set_named_secret",
    "remove_named_secret",
    "allow_project",
    "deny_project",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS))
            // The Windows executable's icon (its resource file), from the shared icon set.
            .windows_attributes(
                tauri_build::WindowsAttributes::new().window_icon_path("../icons/icon.ico"),
            ),
    )
    .expect("tauri build script");
}
