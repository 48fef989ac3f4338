//! A bare Tauri 2 window (a one-line page from a custom scheme, no plugins, no engine, no IPC
//! commands), built from the same Tauri as the app: the baseline the app's memory and launch
//! time are compared with (benches/app.sh).

use std::time::{SystemTime, UNIX_EPOCH};

use tauri::http::Response;
use tauri::webview::PageLoadEvent;
use tauri::{WebviewUrl, WebviewWindowBuilder};

fn main() {
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .register_uri_scheme_protocol("bare", |_, _| {
            Response::builder()
                .header("content-type", "text/html")
                .body(b"<!doctype html><title>bare</title><p>bare</p>".to_vec())
                .expect("a response")
        })
        .on_page_load(|_, payload| {
            if payload.event() == PageLoadEvent::Finished {
                let ms = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis());
                eprintln!("startup: page loaded at {ms}");
            }
        })
        .setup(|app| {
            WebviewWindowBuilder::new(
                app,
                "main",
                WebviewUrl::CustomProtocol("bare://localhost/".parse().expect("a URL")),
            )
            .title("bare")
            .inner_size(1280.0, 800.0)
            .build()?;
            Ok(())
        })
        .run(context)
        .expect("the bare window runs");
}
