//! `GET /events`: server-sent events of changes, for live updates in the browser.
//!
//! The guard publishes every successful change to a workflow on a broadcast channel; each
//! open stream forwards them as `change` events. A client too slow to keep up gets a
//! `lagged` event (reload what you show) instead of a silent gap. Streams end when the
//! server shuts down, so open browser tabs never hold a graceful shutdown.
//!
//! The workflow engine's changes (an instance's or a node's status) go out as `instance`
//! events, after they are committed.
//!
//! With several replicas on PostgreSQL each replica streams its own changes only.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use shared::api::{ChangeEvent, CoordEvent, InstanceEvent};
use tokio::sync::{broadcast, watch};

use crate::AppState;

/// How many changes a slow stream may fall behind before it is told it lagged.
const BUFFER: usize = 256;

/// The change channel and the shutdown flag that ends every stream.
/// A change of the engine's or the scheduler's.
#[derive(Debug, Clone)]
enum Live {
    Instance(InstanceEvent),
    Coordinator(CoordEvent),
}

#[derive(Clone)]
pub struct Events {
    changes: broadcast::Sender<ChangeEvent>,
    /// The engine's and the scheduler's changes; `None`: they came faster than they could
    /// be passed on.
    instances: broadcast::Sender<Option<Live>>,
    closing: watch::Receiver<bool>,
    /// The sending half when nobody else holds it (a dropped sender reads as shutdown).
    _never_closes: Option<std::sync::Arc<watch::Sender<bool>>>,
}

impl Events {
    pub fn new(closing: watch::Receiver<bool>) -> Self {
        Events {
            changes: broadcast::channel(BUFFER).0,
            instances: broadcast::channel(4 * BUFFER).0,
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

    /// Passes the engine's committed changes on to every open stream, until the engine
    /// stops.
    pub fn follow(&self, engine: &crate::engine::runner::EngineHandle) {
        let mut updates = engine.subscribe();
        let out = self.instances.clone();
        tokio::spawn(async move {
            loop {
                let event = match updates.recv().await {
                    Ok(u) => Some(Live::Instance(InstanceEvent {
                        instance: u.instance,
                        node: u.node,
                        status: u.status,
                        attempt: u.attempt,
                    })),
                    Err(broadcast::error::RecvError::Lagged(_)) => None,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                let _ = out.send(event);
            }
        });
    }

    /// Passes the scheduler's committed changes on, until it stops.
    pub fn follow_scheduler(&self, scheduler: &crate::engine::scheduler::SchedulerHandle) {
        let mut updates = scheduler.subscribe();
        let out = self.instances.clone();
        tokio::spawn(async move {
            loop {
                let event = match updates.recv().await {
                    Ok(u) => Some(Live::Coordinator(CoordEvent {
                        job: u.job,
                        action: u.action.and_then(|a| i64::try_from(a).ok()),
                        status: u.status,
                    })),
                    Err(broadcast::error::RecvError::Lagged(_)) => None,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                let _ = out.send(event);
            }
        });
    }
}

pub(super) async fn stream(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receivers = (
        state.events.changes.subscribe(),
        state.events.instances.subscribe(),
    );
    let closing = state.events.closing.clone();
    let lagged = || Event::default().event("lagged");
    let events = futures_util::stream::unfold(
        (receivers, closing),
        move |((mut changes, mut instances), mut closing)| async move {
            if *closing.borrow() {
                return None;
            }
            let event = tokio::select! {
                received = changes.recv() => match received {
                    Ok(change) => Event::default()
                        .event("change")
                        .json_data(&change)
                        .unwrap_or_else(|_| lagged()),
                    Err(broadcast::error::RecvError::Lagged(_)) => lagged(),
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                received = instances.recv() => match received {
                    Ok(Some(Live::Instance(change))) => Event::default()
                        .event("instance")
                        .json_data(&change)
                        .unwrap_or_else(|_| lagged()),
                    Ok(Some(Live::Coordinator(change))) => Event::default()
                        .event("coordinator")
                        .json_data(&change)
                        .unwrap_or_else(|_| lagged()),
                    Ok(None) | Err(broadcast::error::RecvError::Lagged(_)) => lagged(),
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                // Shutdown, or (the same to a stream) the server dropped the sender.
                _ = closing.changed() => return None,
            };
            Some((Ok(event), ((changes, instances), closing)))
        },
    );
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
