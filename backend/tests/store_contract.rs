//! The store contract: every test runs against SQLite (in memory and on disk) and against
//! PostgreSQL. PostgreSQL comes from `SLUICE_TEST_DATABASE_URL` (`cargo xtask test` starts
//! the machine's server and sets it); without it the PostgreSQL half is skipped, unless
//! `SLUICE_REQUIRE_POSTGRES=1` (as in `cargo xtask test`), where that is a failure.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use backend::store::{PgStore, Save, SqliteStore, Store, StoreError};
use shared::workflow::{JobProperty, Workflow};

/// A save by the contract's tester at `ms`.
fn at(ms: i64) -> Save<'static> {
    Save {
        author: Some("tester"),
        comment: "",
        now_ms: ms,
    }
}

/// Runs `check` against a fresh store of every kind.
async fn each_store<F, Fut>(check: F)
where
    F: Fn(Arc<dyn Store>, &'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    check(
        Arc::new(SqliteStore::in_memory().await.unwrap()),
        "sqlite in memory",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = SqliteStore::open(&dir.path().join("sluice.db"))
        .await
        .unwrap();
    check(Arc::new(file), "sqlite file").await;
    match std::env::var("SLUICE_TEST_DATABASE_URL") {
        Ok(url) => {
            static N: AtomicU32 = AtomicU32::new(0);
            let schema = format!(
                "contract_{}_{}_{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_micros()
            );
            let pg = PgStore::connect_in_schema(&url, &schema)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {url}: {e}"));
            check(Arc::new(pg), "postgres").await;
        }
        Err(_) => assert!(
            std::env::var("SLUICE_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "SLUICE_REQUIRE_POSTGRES=1 but SLUICE_TEST_DATABASE_URL is not set"
        ),
    }
}

#[tokio::test]
async fn create_get_update_list() {
    each_store(|store, kind| async move {
        let created = store
            .create_workflow(&Workflow::new("a"), at(1_000))
            .await
            .unwrap();
        assert_eq!(created.revision, 1, "{kind}");
        let mut def = created.definition.clone();
        def.name = "renamed".into();
        let updated = store
            .update_workflow(created.id, Some(1), &def, at(2_000))
            .await
            .unwrap();
        assert_eq!(
            (updated.revision, updated.updated_at_ms),
            (2, 2_000),
            "{kind}"
        );
        assert_eq!(
            store.get_workflow(created.id).await.unwrap().definition,
            def,
            "{kind}"
        );
        store
            .create_workflow(&Workflow::new("b"), at(1_500))
            .await
            .unwrap();
        let list = store.list_workflows().await.unwrap();
        let names: Vec<&str> = list.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(
            names,
            ["renamed", "b"],
            "{kind}: most recently changed first"
        );
    })
    .await;
}

#[tokio::test]
async fn stale_revisions_and_duplicate_names_conflict_and_missing_is_not_found() {
    each_store(|store, kind| async move {
        let a = store.create_workflow(&Workflow::new("a"), at(1)).await.unwrap();
        store.create_workflow(&Workflow::new("b"), at(1)).await.unwrap();
        let dup = store.create_workflow(&Workflow::new("a"), at(1)).await;
        assert!(matches!(dup, Err(StoreError::Conflict(ref m)) if m.contains("'a' already exists")), "{kind}: {dup:?}");
        store.update_workflow(a.id, Some(1), &Workflow::new("a"), at(2)).await.unwrap();
        let stale = store.update_workflow(a.id, Some(1), &Workflow::new("a"), at(3)).await;
        assert!(matches!(stale, Err(StoreError::Conflict(ref m)) if m.contains("revision 2 is current")), "{kind}: {stale:?}");
        let rename = store.update_workflow(a.id, None, &Workflow::new("b"), at(3)).await;
        assert!(matches!(rename, Err(StoreError::Conflict(_))), "{kind}: {rename:?}");
        assert!(matches!(store.update_workflow(99, None, &Workflow::new("z"), at(3)).await, Err(StoreError::NotFound)), "{kind}");
        assert!(matches!(store.get_workflow(99).await, Err(StoreError::NotFound)), "{kind}");
    })
    .await;
}

#[tokio::test]
async fn concurrent_saves_from_one_revision_let_exactly_one_win() {
    each_store(|store, kind| async move {
        let w = store
            .create_workflow(&Workflow::new("race"), at(1))
            .await
            .unwrap();
        let saves = (0..8).map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut def = Workflow::new("race");
                def.job_properties.push(JobProperty {
                    name: "writer".into(),
                    value: i.to_string(),
                });
                store.update_workflow(w.id, Some(1), &def, at(2 + i)).await
            })
        });
        let results: Vec<_> = futures_join(saves).await;
        let won = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Conflict(_))))
            .count();
        assert_eq!((won, conflicts), (1, 7), "{kind}: {results:?}");
        assert_eq!(
            store.get_workflow(w.id).await.unwrap().revision,
            2,
            "{kind}"
        );
    })
    .await;
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn every_save_is_an_immutable_version_and_publishing_picks_one() {
    each_store(|store, kind| async move {
        let w = store
            .create_workflow(&Workflow::new("v"), at(10))
            .await
            .unwrap();
        assert_eq!(w.published_version, None, "{kind}");
        let mut two = Workflow::new("v");
        two.job_properties.push(JobProperty {
            name: "k".into(),
            value: "2".into(),
        });
        let save = Save {
            author: Some("ann"),
            comment: "second",
            now_ms: 20,
        };
        store
            .update_workflow(w.id, Some(1), &two, save)
            .await
            .unwrap();
        store
            .update_workflow(w.id, Some(2), &Workflow::new("v"), at(30))
            .await
            .unwrap();

        let versions = store.list_versions(w.id).await.unwrap();
        let listed: Vec<(i64, Option<&str>, &str, i64)> = versions
            .iter()
            .map(|v| {
                (
                    v.version,
                    v.author.as_deref(),
                    v.comment.as_str(),
                    v.created_at_ms,
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                (3, Some("tester"), "", 30),
                (2, Some("ann"), "second", 20),
                (1, Some("tester"), "", 10)
            ],
            "{kind}"
        );
        let (info, def) = store.get_version(w.id, 2).await.unwrap();
        assert_eq!((info.version, def), (2, two.clone()), "{kind}");

        // A failed (stale) save makes no version.
        assert!(
            store
                .update_workflow(w.id, Some(1), &Workflow::new("v"), at(40))
                .await
                .is_err()
        );
        assert_eq!(store.list_versions(w.id).await.unwrap().len(), 3, "{kind}");

        store.publish(w.id, 2).await.unwrap();
        assert_eq!(
            store.get_workflow(w.id).await.unwrap().published_version,
            Some(2),
            "{kind}"
        );
        // Drafts saved later do not move what is published.
        store
            .update_workflow(w.id, None, &Workflow::new("v"), at(50))
            .await
            .unwrap();
        assert_eq!(
            store.get_workflow(w.id).await.unwrap().published_version,
            Some(2),
            "{kind}"
        );

        assert!(
            matches!(store.publish(w.id, 99).await, Err(StoreError::NotFound)),
            "{kind}"
        );
        assert!(
            matches!(store.get_version(w.id, 99).await, Err(StoreError::NotFound)),
            "{kind}"
        );
        assert!(
            matches!(store.list_versions(999).await, Err(StoreError::NotFound)),
            "{kind}"
        );
    })
    .await;
}
