//! `provider add | list | show | remove | unregister | update-registration | export | import |
//! set-secret | templates`.

use std::io::Read;

use std::path::Path;

use oauth_desk::{
    ClientSecrets, Desk, DeskError, ImportFile, ImportOptions, MakeClient, ProviderSpec, Secret,
};

use super::{Failure, at, failure, read_secret_stdin, usage};
use crate::args::{AddArgs, ProviderCommand};
use crate::render;

/// `provider unregister NAME` (RFC 7592 delete).
async fn unregister(desk: &Desk, name: &str) -> Result<(), Failure> {
    desk.unregister_provider(&at(desk, name)?).await?;
    println!("Deleted {name}'s client at the server and removed the provider.");
    Ok(())
}

/// `provider update-registration NAME` (RFC 7592 update).
async fn update_registration(desk: &Desk, name: &str) -> Result<(), Failure> {
    let rotated = desk.update_registration(&at(desk, name)?).await?;
    println!(
        "Updated {name}'s client at the server{}.",
        if rotated {
            "; it gave a new registration access token, kept in the vault"
        } else {
            ""
        }
    );
    Ok(())
}

pub async fn run(desk: &Desk, cmd: ProviderCommand) -> Result<(), Failure> {
    match cmd {
        ProviderCommand::Add(args) => add(desk, *args).await,
        ProviderCommand::List { json, .. } => list(desk, json).await,
        ProviderCommand::Show { name, json, .. } => {
            let reference = at(desk, &name)?;
            let provider = desk.provider(&reference).await?;
            let keys = desk.security_view(&reference).await?;
            if json {
                crate::render::out_line(&render::provider_json(&provider, &keys));
            } else {
                crate::render::out(&render::provider(&provider));
                crate::render::out(&render::provider_keys(&keys));
            }
            Ok(())
        }
        ProviderCommand::Remove { name } => {
            desk.remove_provider(&at(desk, &name)?).await?;
            println!("Removed provider {name} with its tokens and client secret.");
            Ok(())
        }
        ProviderCommand::Unregister { name } => unregister(desk, &name).await,
        ProviderCommand::UpdateRegistration { name } => update_registration(desk, &name).await,
        ProviderCommand::Export { name, output, .. } => {
            let text = desk.export_provider(&at(desk, &name)?).await?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .map_err(|e| failure(format!("could not write {}: {e}", path.display())))?;
                    eprintln!("Exported {name} to {} (no secrets).", path.display());
                }
                None => crate::render::out(&text),
            }
            Ok(())
        }
        ProviderCommand::Import {
            file,
            from,
            env,
            name,
            dry_run,
        } => {
            let options = ImportOptions {
                format: from,
                rename: name,
                save: !dry_run,
                ..ImportOptions::default()
            };
            import(desk, &file, options, env.as_deref()).await
        }
        ProviderCommand::Templates => {
            for t in desk.templates() {
                println!("{:<11} {}", t.name, t.title);
                println!("            {}", t.quirks);
            }
            Ok(())
        }
        ProviderCommand::SetCertificate {
            name,
            client_cert,
            client_key,
        } => {
            let pair = read_certificate(&client_cert, &client_key)?;
            let thumbprint = desk.set_client_certificate(&at(desk, &name)?, pair).await?;
            println!(
                "Stored the client certificate of {name} in the vault (x5t#S256 {thumbprint})."
            );
            Ok(())
        }
        ProviderCommand::SetSecret { name } => {
            let secret = read_secret_stdin()?;
            desk.set_client_secret(&at(desk, &name)?, secret).await?;
            println!("Stored the client secret of {name} in the vault.");
            Ok(())
        }
    }
}

/// `--client-cert` and `--client-key`, read (clap makes them come together).
fn client_certificate(args: &AddArgs) -> Result<Option<(Secret, Secret)>, Failure> {
    match (&args.client_cert, &args.client_key) {
        (Some(cert), Some(key)) => Ok(Some(read_certificate(cert, key)?)),
        _ => Ok(None),
    }
}

/// A client certificate and its key, read from their PEM files.
fn read_certificate(cert: &Path, key: &Path) -> Result<(Secret, Secret), Failure> {
    let read = |path: &Path, what: &str| {
        std::fs::read_to_string(path)
            .map(Secret::new)
            .map_err(|e| failure(format!("could not read the {what} {}: {e}", path.display())))
    };
    Ok((read(cert, "client certificate")?, read(key, "client key")?))
}

/// A value given as text, or as `@FILE`.
fn text_or_file(value: &str) -> Result<String, Failure> {
    match value.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| failure(format!("could not read {path}: {e}"))),
        None => Ok(value.to_owned()),
    }
}

async fn add(desk: &Desk, args: AddArgs) -> Result<(), Failure> {
    check_add(&args)?;
    let secrets = read_client_secrets(&args)?;
    let make = MakeClient {
        register: args.register,
        initial_access_token: if args.registration_token {
            Some(super::read_secret_stdin_as("the initial access token")?)
        } else {
            None
        },
        client_metadata_url: args.client_metadata_url.clone(),
    };
    let from_resource = args.from_resource.clone();
    let spec = spec_of(args)?;
    let provider = desk
        .add_provider(oauth_desk::AddProvider {
            spec,
            secrets,
            make,
            from_resource,
        })
        .await?;
    if let Some(t) = provider
        .template
        .as_deref()
        .and_then(oauth_desk::provider::templates::find)
    {
        eprintln!("{} quirks: {}", t.title, t.quirks);
    }
    println!("Added provider {}.", provider.name);
    crate::render::out(&render::provider(&provider));
    Ok(())
}

/// The flags `provider add` can't take together, or lacks.
fn check_add(args: &AddArgs) -> Result<(), Failure> {
    if args.issuer.is_none()
        && args.token_url.is_none()
        && args.template.is_none()
        && args.from_resource.is_none()
    {
        return Err(usage(
            "give --issuer URL (discovery), --authorize-url URL --token-url URL, --template NAME or --from-resource URL",
        ));
    }
    if args.register && args.client_id.is_some() {
        return Err(usage(
            "give --client-id (a client you have) or --register, not both",
        ));
    }
    Ok(())
}

/// The client secret (stdin), private key and certificate files `provider add` was given.
fn read_client_secrets(args: &AddArgs) -> Result<ClientSecrets, Failure> {
    let client_secret = if args.client_secret_stdin {
        Some(read_secret_stdin()?)
    } else {
        None
    };
    let private_key = match &args.private_key_file {
        Some(path) => Some(Secret::new(std::fs::read_to_string(path).map_err(|e| {
            DeskError::PrivateKeyFile {
                path: path.display().to_string(),
                reason: e.to_string(),
            }
        })?)),
        None => None,
    };
    Ok(ClientSecrets {
        client_secret,
        private_key,
        client_certificate: client_certificate(args)?,
    })
}

/// The settings `provider add` was given, as the engine takes them.
fn spec_of(args: AddArgs) -> Result<ProviderSpec, Failure> {
    let authorization_details = args
        .authorization_details
        .as_deref()
        .map(text_or_file)
        .transpose()?;
    Ok(ProviderSpec {
        name: args.name,
        template: args.template,
        issuer: args.issuer,
        authorization_url: args.authorize_url,
        token_url: args.token_url,
        device_url: args.device_url,
        revocation_url: args.revocation_url,
        introspection_url: args.introspection_url,
        userinfo_url: args.userinfo_url,
        end_session_url: args.end_session_url,
        jwks_url: args.jwks_url,
        client_id: args.client_id.clone().unwrap_or_default(),
        auth_method: args.auth_method,
        scope: args.scope,
        redirect_uri: args.redirect_uri,
        post_logout_redirect_uri: args.post_logout_redirect_uri,
        pkce: args.pkce,
        authorize_method: args.authorize_method,
        params: args.params,
        token_params: args.token_params,
        resources: args.resources,
        callback_timeout_secs: args.callback_timeout,
        no_auto_refresh: args.no_auto_refresh,
        refresh_margin_secs: args.refresh_margin,
        system_browser: args.system_browser,
        allow_http: args.allow_http,
        git_username: args.git_username,
        par_url: args.par_url,
        par: args.par,
        request_object: args.request_object,
        dpop: args.dpop,
        dpop_alg: args.dpop_alg,
        authorization_details,
        assertion_audience: args.assertion_audience,
        resource_metadata: None,
    })
}

/// The providers this folder works with: the project file's (in the current environment)
/// and the config's.
async fn list(desk: &Desk, json: bool) -> Result<(), Failure> {
    let mut rows = Vec::new();
    for reference in desk.references()? {
        let provider = desk.provider(&reference).await?;
        rows.push((reference, provider));
    }
    if json {
        let items: Vec<serde_json::Value> = rows
            .iter()
            .map(|(reference, provider)| render::provider_list_item(reference, provider))
            .collect();
        crate::render::out_line(&render::json(&items));
    } else if rows.is_empty() {
        println!(
            "No providers yet. Add one with `oauth-desk provider add NAME --issuer URL --client-id ID`."
        );
    } else {
        for (reference, p) in rows {
            let place = p
                .issuer
                .as_ref()
                .map(ToString::to_string)
                .or(p.endpoints.token.as_ref().map(|u| u.to_string()))
                .unwrap_or_default();
            let env = reference
                .env()
                .map(|e| format!(" [{e}]"))
                .unwrap_or_default();
            crate::render::out_line(&format!(
                "{:<20} {:<24} {place}{env}",
                reference.name.as_str(),
                p.client_id
            ));
        }
    }
    Ok(())
}

/// What was piped in, for `provider import -`.
fn read_stdin() -> Result<ImportFile, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| failure(format!("could not read stdin: {e}")))?;
    Ok(ImportFile {
        path: "stdin".into(),
        text,
    })
}

async fn import(
    desk: &Desk,
    file: &str,
    options: ImportOptions,
    env: Option<&Path>,
) -> Result<(), Failure> {
    let env = match env {
        Some(path) => Some(ImportFile {
            path: path.display().to_string(),
            text: std::fs::read_to_string(path)
                .map_err(|e| failure(format!("could not read {}: {e}", path.display())))?,
        }),
        None => None,
    };
    let options = ImportOptions { env, ..options };
    // A file or a Bruno collection folder is read by the engine (which keeps to the folder).
    let report = if file == "-" {
        desk.import(vec![read_stdin()?], options).await?
    } else {
        desk.import_path(Path::new(file), options).await?
    };
    crate::render::out(&render::import_report(&report));
    if report.providers.is_empty() {
        return Err(failure(format!("nothing was imported from {file}")));
    }
    Ok(())
}
