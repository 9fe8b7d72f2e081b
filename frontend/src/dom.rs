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

/// Listens to the server's event stream for `change` events until dropped. The browser's
/// EventSource reconnects by itself after a network failure.
pub struct ChangeStream {
    source: web_sys::EventSource,
    _listener: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl ChangeStream {
    pub fn open(mut on_change: impl FnMut(shared::api::ChangeEvent) + 'static) -> Option<Self> {
        let source = web_sys::EventSource::new("/api/v1/events").ok()?;
        let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |ev: web_sys::MessageEvent| {
                if let Some(change) = ev
                    .data()
                    .as_string()
                    .and_then(|text| serde_json::from_str(&text).ok())
                {
                    on_change(change);
                }
            },
        );
        source
            .add_event_listener_with_callback("change", listener.as_ref().unchecked_ref())
            .ok()?;
        Some(ChangeStream {
            source,
            _listener: listener,
        })
    }
}

impl Drop for ChangeStream {
    fn drop(&mut self) {
        self.source.close();
    }
}
