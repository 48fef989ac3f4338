//! The main window's web view, told it shows one local app rather than the web (issue 24's
//! memory work; measured in `benches/app.sh`, the README has the figures): WebKitGTK's cache
//! model for a document viewer (no memory cache of pages and resources it would never reload
//! from the network), no page cache (there is no back/forward between pages), and memory
//! pressure settings that make the web process release caches and collect garbage once it
//! passes a modest size instead of a share of the machine's memory. Other systems' web views
//! have no such knobs: there these do nothing.

/// Creates the main window (`create: false` in tauri.conf.json) after the web process's memory
/// settings, which WebKit reads when it starts one, and gives its view the settings above.
pub fn create_main_window(app: &tauri::AppHandle) -> tauri::Result<tauri::WebviewWindow> {
    before_first_webview();
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let window = tauri::WebviewWindowBuilder::from_config(app, &config)?.build()?;
    main_view(&window);
    Ok(window)
}

/// Before the first web view exists (WebKit reads the pressure settings when it starts a web
/// process): the main window is created after this (`create: false` in tauri.conf.json).
#[cfg(target_os = "linux")]
fn before_first_webview() {
    let mut settings = webkit2gtk::MemoryPressureSettings::new();
    // MiB. WebKit starts releasing memory at a third of it and works harder past half; it
    // never kills the process (no kill threshold).
    settings.set_memory_limit(MEMORY_LIMIT_MIB);
    webkit2gtk::WebsiteDataManager::set_memory_pressure_settings(&mut settings);
}

/// The web process's memory limit for WebKit's pressure handling, MiB.
#[cfg(target_os = "linux")]
const MEMORY_LIMIT_MIB: u32 = 256;

/// The main window's view: a document viewer's caches, no page cache.
#[cfg(target_os = "linux")]
fn main_view(window: &tauri::WebviewWindow) {
    let result = window.with_webview(|view| {
        use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
        let view = view.inner();
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_page_cache(false);
        }
    });
    if let Err(e) = result {
        tracing::debug!("web view settings not applied: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
fn before_first_webview() {}

#[cfg(not(target_os = "linux"))]
fn main_view(_window: &tauri::WebviewWindow) {}
