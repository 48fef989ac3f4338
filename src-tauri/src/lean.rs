//! What the window costs in memory (issue 24; `benches/app.sh` measures it, the README has the
//! figures). On Linux, WebKitGTK composites the page with OpenGL by default: under software
//! rendering that loads Mesa into the web process and keeps a GL backing store per layer —
//! 80–90 MiB of the web process for a window of forms and tables. The app asks WebKitGTK to
//! paint without accelerated compositing instead (`WEBKIT_DISABLE_COMPOSITING_MODE`, which
//! also keeps it clear of the GPU-driver blank-window bugs WebKitGTK has had). Measured against
//! WebKit's own settings, these were no help and were left out: the document-viewer cache
//! model, no page cache, and memory-pressure limits for the web process.
//!
//! A person who wants compositing back sets `WEBKIT_DISABLE_COMPOSITING_MODE=0` (WebKitGTK
//! reads `0` as "composite"); the app leaves a value it was given alone. The variable is the
//! app's setting, not the user's: the browser and the programs the app starts do not inherit
//! it. Other systems' web views (WebView2, WKWebView) composite on the GPU as the system does:
//! nothing to set there.

/// Called first thing in `main`, before any thread and any web view exist: the variable is
/// read by WebKitGTK when it makes a web view and inherited by its web processes.
#[cfg(target_os = "linux")]
pub fn before_first_webview() {
    const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(DISABLE_COMPOSITING).is_none() {
        // SAFETY: no other thread exists yet (see above), so nothing reads the environment
        // while it changes.
        unsafe { std::env::set_var(DISABLE_COMPOSITING, "1") };
        oauth_desk::keep_from_children(DISABLE_COMPOSITING);
    }
}

#[cfg(not(target_os = "linux"))]
pub fn before_first_webview() {}
