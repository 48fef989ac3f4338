//! `provider add | list | show | remove | export | import | set-secret | templates`.

use std::io::Read;

use std::path::Path;

use oauth_desk::{ClientSecrets, Desk, DeskError, ImportFile, ImportOptions, ProviderSpec, Secret};

use super::{Failure, failure, read_secret_stdin, usage};
use crate::args::{AddArgs, ProviderCommand};
use crate::render;

pub async fn run(desk: &Desk, cmd: ProviderCommand) -> Result<(), Failure> {
    match cmd {
        ProviderCommand::Add(args) => add(desk, *args).await,
        ProviderCommand::List { json } => list(desk, json),
        ProviderCommand::Show { name, json } => {
            let provider = desk.provider(&name)?;
            let keys = desk.security_view(&name).await?;
            if json {
                println!("{}", render::provider_json(&provider, &keys));
            } else {
                print!("{}", render::provider(&provider));
                print!("{}", render::provider_keys(&keys));
            }
            Ok(())
        }
        ProviderCommand::Remove { name } => {
            desk.remove_provider(&name).await?;
            println!("Removed provider {name} with its tokens and client secret.");
            Ok(())
        }
        ProviderCommand::Export { name, output } => {
            let text = desk.export_provider(&name)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .map_err(|e| failure(format!("could not write {}: {e}", path.display())))?;
                    eprintln!("Exported {name} to {} (no secrets).", path.display());
                }
                None => print!("{text}"),
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
            let thumbprint = desk.set_client_certificate(&name, pair).await?;
            println!(
                "Stored the client certificate of {name} in the vault (x5t#S256 {thumbprint})."
            );
            Ok(())
        }
        ProviderCommand::SetSecret { name } => {
            let secret = read_secret_stdin()?;
            desk.set_client_secret(&name, secret).await?;
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
    let secret = if args.client_secret_stdin {
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
    let client_certificate = client_certificate(&args)?;
    let authorization_details = args
        .authorization_details
        .as_deref()
        .map(text_or_file)
        .transpose()?;
    if args.issuer.is_none() && args.token_url.is_none() && args.template.is_none() {
        return Err(usage(
            "give --issuer URL (discovery), --authorize-url URL --token-url URL, or --template NAME",
        ));
    }
    let spec = ProviderSpec {
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
        client_id: args.client_id,
        auth_method: args.auth_method,
        scope: args.scope,
        redirect_uri: args.redirect_uri,
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
    };
    let secrets = ClientSecrets {
        client_secret: secret,
        private_key,
        client_certificate,
    };
    let provider = desk.add_provider(spec, secrets).await?;
    if let Some(t) = provider
        .template
        .as_deref()
        .and_then(oauth_desk::provider::templates::find)
    {
        eprintln!("{} quirks: {}", t.title, t.quirks);
    }
    println!("Added provider {}.", provider.name);
    print!("{}", render::provider(&provider));
    Ok(())
}

fn list(desk: &Desk, json: bool) -> Result<(), Failure> {
    let providers = desk.providers()?;
    if json {
        println!("{}", render::json(&providers));
    } else if providers.is_empty() {
        println!(
            "No providers yet. Add one with `oauth-desk provider add NAME --issuer URL --client-id ID`."
        );
    } else {
        for p in providers {
            let place = p
                .issuer
                .as_ref()
                .map(ToString::to_string)
                .or(p.endpoints.token.as_ref().map(|u| u.to_string()))
                .unwrap_or_default();
            println!("{:<20} {:<24} {place}", p.name.as_str(), p.client_id);
        }
    }
    Ok(())
}

/// The files of FILE: stdin (`-`), one file, or a Bruno collection folder's `.bru` files and
/// `bruno.json`.
fn read_files(file: &str) -> Result<Vec<ImportFile>, Failure> {
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map_err(|e| failure(format!("could not read {}: {e}", path.display())))
    };
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| failure(format!("could not read stdin: {e}")))?;
        return Ok(vec![ImportFile {
            path: "stdin".into(),
            text,
        }]);
    }
    let path = Path::new(file);
    if !path.is_dir() {
        return Ok(vec![ImportFile {
            path: file.to_owned(),
            text: read(path)?,
        }]);
    }
    let mut files = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| failure(format!("could not read {}: {e}", dir.display())))?;
        for entry in entries.flatten() {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if p.is_dir() && !name.starts_with('.') && name != "node_modules" {
                dirs.push(p);
            } else if name.ends_with(".bru") || name == "bruno.json" {
                files.push(ImportFile {
                    path: p.display().to_string(),
                    text: read(&p)?,
                });
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if files.is_empty() {
        return Err(failure(format!(
            "{file} is a folder without a Bruno collection (no bruno.json or .bru file)"
        )));
    }
    Ok(files)
}

async fn import(
    desk: &Desk,
    file: &str,
    options: ImportOptions,
    env: Option<&Path>,
) -> Result<(), Failure> {
    let files = read_files(file)?;
    let env = match env {
        Some(path) => Some(ImportFile {
            path: path.display().to_string(),
            text: std::fs::read_to_string(path)
                .map_err(|e| failure(format!("could not read {}: {e}", path.display())))?,
        }),
        None => None,
    };
    let report = desk.import(files, ImportOptions { env, ..options }).await?;
    print!("{}", render::import_report(&report));
    if report.providers.is_empty() {
        return Err(failure(format!("nothing was imported from {file}")));
    }
    Ok(())
}
