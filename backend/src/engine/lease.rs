//! Replicas on one PostgreSQL database share the work through leases: each server beats
//! every few seconds, renewing what it holds and taking what is nobody's or whose lease
//! ran out (a dead server's), family by family, with `SKIP LOCKED` so two servers never
//! take the same. What it takes, its engine and scheduler read back as after a restart.
//!
//! A server that cannot renew in time stops itself before its lease can run out: by then
//! another server may take its work, and the same action must never run twice. (This
//! counts on the servers' clocks agreeing to within [`MARGIN`], as NTP keeps them.)

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::runner::EngineHandle;
use super::scheduler::SchedulerHandle;
use crate::store::Store;

/// How long a claim holds without renewal: a dead server's work is taken within this
/// and one [`BEAT`].
pub const LEASE: Duration = Duration::from_secs(20);
/// How often a server renews and looks for free work.
pub const BEAT: Duration = Duration::from_secs(5);
/// How long before its lease ends a server that could not renew stops.
pub const MARGIN: Duration = Duration::from_secs(5);

/// This server's name among the replicas: `SLUICE_SERVER_ID`, else `host:port`. A server
/// that restarts under the same name takes its own work back at once.
pub fn server_id(explicit: Option<&str>, port: u16) -> String {
    if let Some(id) = explicit.map(str::trim).filter(|s| !s.is_empty()) {
        return id.to_owned();
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{host}:{port}")
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Beats until the lease cannot be kept; then says why (the server must stop).
pub async fn keep(
    store: Arc<dyn Store>,
    owner: String,
    engine: EngineHandle,
    scheduler: SchedulerHandle,
) -> String {
    let mut last_ok = Instant::now();
    loop {
        let started = Instant::now();
        let beat = tokio::time::timeout(
            BEAT,
            store.heartbeat(&owner, now_ms(), LEASE.as_millis() as i64),
        )
        .await;
        match beat {
            Ok(Ok(owned)) => {
                last_ok = started;
                let instances: HashSet<i64> = owned.instances.into_iter().collect();
                if let Err(e) = engine.adopt(instances).await {
                    tracing::error!(error = %e, "cannot read back the instances this server took");
                }
                let jobs: HashSet<i64> = owned.coord_jobs.into_iter().collect();
                if let Err(e) = scheduler.adopt(jobs).await {
                    tracing::error!(error = %e, "cannot read back the coordinator jobs this server took");
                }
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot renew this server's lease"),
            Err(_) => tracing::warn!("renewing this server's lease is taking too long"),
        }
        if last_ok.elapsed() >= LEASE - MARGIN {
            return format!(
                "server {owner} could not renew its lease for {} s; it stops so that another \
                 replica can take its work without running anything twice",
                last_ok.elapsed().as_secs()
            );
        }
        tokio::time::sleep(BEAT.saturating_sub(started.elapsed())).await;
    }
}
