//! `GET /events`: server-sent events of changes, for live updates in the browser.
//!
//! The guard publishes every successful change to a workflow on a broadcast channel; each
//! open stream forwards them as `change` events. A client too slow to keep up gets a
//! `lagged` event (reload what you show) instead of a silent gap. Streams end when the
//! server shuts down, so open browser tabs never hold a graceful shutdown.
//!
//! With several replicas on PostgreSQL each replica streams its own changes only.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use shared::api::ChangeEvent;
use tokio::sync::{broadcast, watch};

use crate::AppState;

/// How many changes a slow stream may fall behind before it is told it lagged.
const BUFFER: usize = 256;

/// The change channel and the shutdown flag that ends every stream.
#[derive(Clone)]
pub struct Events {
    changes: broadcast::Sender<ChangeEvent>,
    closing: watch::Receiver<bool>,
    /// The sending half when nobody else holds it (a dropped sender reads as shutdown).
    _never_closes: Option<std::sync::Arc<watch::Sender<bool>>>,
}

impl Events {
    pub fn new(closing: watch::Receiver<bool>) -> Self {
        Events {
            changes: broadcast::channel(BUFFER).0,
            closing,
            _never_closes: None,
        }
    }

    /// Streams that end only when their client goes (router tests).
    pub fn endless() -> Self {
        let (sender, closing) = watch::channel(false);
        Events {
            _never_closes: Some(std::sync::Arc::new(sender)),
            ..Self::new(closing)
        }
    }

    /// Tells every open stream; nobody listening is fine.
    pub fn publish(&self, event: ChangeEvent) {
        let _ = self.changes.send(event);
    }
}

pub(super) async fn stream(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.events.changes.subscribe();
    let closing = state.events.closing.clone();
    let events = futures_util::stream::unfold(
        (receiver, closing),
        |(mut receiver, mut closing)| async move {
            if *closing.borrow() {
                return None;
            }
            let event = tokio::select! {
                received = receiver.recv() => match received {
                    Ok(change) => Event::default()
                        .event("change")
                        .json_data(&change)
                        .unwrap_or_else(|_| Event::default().event("lagged")),
                    Err(broadcast::error::RecvError::Lagged(_)) => Event::default().event("lagged"),
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                // Shutdown, or (the same to a stream) the server dropped the sender.
                _ = closing.changed() => return None,
            };
            Some((Ok(event), (receiver, closing)))
        },
    );
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
