//! Small browser helpers that are not components.

use wasm_bindgen::{JsCast, JsValue};

/// Offers `contents` as a file download named `file_name`.
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), String> {
    let fail = |e: JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_owned())?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).map_err(fail)?;
    Ok(())
}

/// Listens to the server's event stream for events named `event` (`change`, `instance`,
/// `coordinator`) until dropped. The browser's EventSource reconnects by itself after a
/// network failure.
pub struct EventStream {
    source: web_sys::EventSource,
    _listener: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl EventStream {
    pub fn open<T: serde::de::DeserializeOwned + 'static>(
        event: &str,
        mut on_event: impl FnMut(T) + 'static,
    ) -> Option<Self> {
        let source = web_sys::EventSource::new("/api/v1/events").ok()?;
        let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |ev: web_sys::MessageEvent| {
                if let Some(data) = ev
                    .data()
                    .as_string()
                    .and_then(|text| serde_json::from_str(&text).ok())
                {
                    on_event(data);
                }
            },
        );
        source
            .add_event_listener_with_callback(event, listener.as_ref().unchecked_ref())
            .ok()?;
        Some(EventStream {
            source,
            _listener: listener,
        })
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Milliseconds since the epoch as `2026-11-21 10:05:03` UTC; empty for none.
pub fn time(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::<chrono::Utc>::from_timestamp_millis)
        .map(|t| format!("{} {}", day(&t), clock(&t, true)))
        .unwrap_or_default()
}

// Written by hand rather than with chrono's `format`: its strftime interpreter costs the
// app tens of kilobytes for three fixed layouts.

/// `2026-11-21`.
pub fn day(t: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day())
}

/// `10:05`, or `10:05:03` with `seconds`.
pub fn clock(t: &chrono::DateTime<chrono::Utc>, seconds: bool) -> String {
    use chrono::Timelike;
    if seconds {
        format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    } else {
        format!("{:02}:{:02}", t.hour(), t.minute())
    }
}

/// The browser's local storage, where the editor keeps drafts and the UI its settings.
/// Absent (private windows, disabled storage) means nothing is kept, never an error.
pub mod storage {
    fn store() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn get(key: &str) -> Option<String> {
        store()?.get_item(key).ok()?
    }

    /// Returns whether it was kept (storage can be full or off).
    pub fn set(key: &str, value: &str) -> bool {
        store().is_some_and(|s| s.set_item(key, value).is_ok())
    }

    pub fn remove(key: &str) {
        if let Some(s) = store() {
            let _ = s.remove_item(key);
        }
    }
}

/// Whether a keyboard or clipboard event is aimed at a text field, where keys and the
/// clipboard belong to the text, not to the canvas.
pub fn in_text_field(target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
}
