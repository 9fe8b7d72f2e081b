//! HTTP clients for what the server calls out to (webhooks, the CLI's server). reqwest's
//! rustls needs a process-wide crypto provider before any client is built; it is ring,
//! the one the SMTP client already uses, installed once here.

use std::sync::Once;

static PROVIDER: Once = Once::new();

/// A client builder with the crypto provider in place: every reqwest client in this crate
/// starts here.
pub fn builder() -> reqwest::ClientBuilder {
    PROVIDER.call_once(|| {
        // Already installed (by an embedding program, say) is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
}

/// A client with reqwest's defaults.
pub fn client() -> reqwest::Client {
    builder()
        .build()
        .expect("a default client builds once TLS has its provider")
}
