//! The store contract: every test runs against SQLite (in memory and on disk) and against
//! PostgreSQL. PostgreSQL comes from `SLUICE_TEST_DATABASE_URL` (`cargo xtask test` starts
//! the machine's server and sets it); without it the PostgreSQL half is skipped, unless
//! `SLUICE_REQUIRE_POSTGRES=1` (as in `cargo xtask test`), where that is a failure.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use backend::store::{
    AuditRecord, CoordActionRow, CoordJobQuery, CoordJobRow, DeliveryRow, GroupRow, InstanceQuery,
    InstanceRow, Kind, ListQuery, NewUserRow, NodeRow, PgStore, PolicyRow, RunningTask, Save,
    Sealed, SealedRow, SqliteStore, Store, StoreError, UserChange,
};
use shared::api::Role;
use shared::coord::Coordinator;
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
        let created = store.create(&Workflow::new("a"), at(1_000)).await.unwrap();
        assert_eq!(created.revision, 1, "{kind}");
        let mut def = created.definition.clone();
        def.name = "renamed".into();
        let updated = store
            .update(created.id, Some(1), &def, at(2_000))
            .await
            .unwrap();
        assert_eq!(
            (updated.revision, updated.updated_at_ms),
            (2, 2_000),
            "{kind}"
        );
        assert_eq!(
            store.get::<Workflow>(created.id).await.unwrap().definition,
            def,
            "{kind}"
        );
        store.create(&Workflow::new("b"), at(1_500)).await.unwrap();
        let all = ListQuery {
            limit: 10,
            ..ListQuery::default()
        };
        let list = store.list_definitions(Kind::Workflow, &all).await.unwrap();
        let names: Vec<&str> = list.items.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(
            names,
            ["renamed", "b"],
            "{kind}: most recently changed first"
        );
        assert_eq!(list.total, 2, "{kind}");
    })
    .await;
}

#[tokio::test]
async fn lists_page_and_filter_by_name() {
    each_store(|store, kind| async move {
        for (i, name) in ["alpha", "Beta_1", "beta%2", "gamma", "BETA_3"]
            .iter()
            .enumerate()
        {
            store
                .create(&Workflow::new(*name), at(i as i64))
                .await
                .unwrap();
        }
        let page = |q: Option<&str>, limit, offset| {
            let store = store.clone();
            let query = ListQuery {
                name_contains: q.map(str::to_owned),
                limit,
                offset,
            };
            async move {
                let page = store
                    .list_definitions(Kind::Workflow, &query)
                    .await
                    .unwrap();
                let names: Vec<String> = page.items.into_iter().map(|i| i.name).collect();
                (names, page.total)
            }
        };
        assert_eq!(
            page(None, 2, 0).await,
            (vec!["BETA_3".into(), "gamma".into()], 5),
            "{kind}"
        );
        assert_eq!(page(None, 2, 4).await, (vec!["alpha".into()], 5), "{kind}");
        assert_eq!(page(None, 2, 9).await, (vec![], 5), "{kind}");
        // Case-insensitive, and `_` and `%` are the characters themselves, not wildcards.
        assert_eq!(page(Some("beta"), 10, 0).await.1, 3, "{kind}");
        assert_eq!(
            page(Some("a_"), 10, 0).await,
            (vec!["BETA_3".into(), "Beta_1".into()], 2),
            "{kind}"
        );
        assert_eq!(
            page(Some("%"), 10, 0).await,
            (vec!["beta%2".into()], 1),
            "{kind}"
        );
        assert_eq!(page(Some("zeta"), 10, 0).await, (vec![], 0), "{kind}");
    })
    .await;
}

#[tokio::test]
async fn coordinators_have_their_own_names_and_versions() {
    each_store(|store, kind| async move {
        let c = Coordinator::new("daily", "${app}", "2026-01-01T00:00Z", "2027-01-01T00:00Z");
        let wf = store.create(&Workflow::new("daily"), at(1)).await.unwrap();
        let created = store.create(&c, at(2)).await.unwrap();
        assert_eq!(created.revision, 1, "{kind}: a workflow's name does not clash");
        let mut hourly = c.clone();
        hourly.frequency = "${coord:hours(1)}".into();
        store.update(created.id, Some(1), &hourly, at(3)).await.unwrap();
        let found = store.find::<Coordinator>("daily").await.unwrap();
        assert_eq!((found.id, found.revision), (created.id, 2), "{kind}");
        assert_eq!(found.definition, hourly, "{kind}");
        let (_, v1) = store.version::<Coordinator>(created.id, 1).await.unwrap();
        assert_eq!(v1, c, "{kind}");
        assert_eq!(store.list_versions(Kind::Coordinator, created.id).await.unwrap().len(), 2, "{kind}");
        store.publish(Kind::Coordinator, created.id, 1).await.unwrap();
        assert_eq!(store.get::<Coordinator>(created.id).await.unwrap().published_version, Some(1), "{kind}");
        // The workflow of that name is untouched, and each kind lists only its own.
        assert_eq!(store.get::<Workflow>(wf.id).await.unwrap().revision, 1, "{kind}");
        let query = ListQuery { limit: 10, ..ListQuery::default() };
        let coords = store.list_definitions(Kind::Coordinator, &query).await.unwrap();
        assert_eq!((coords.total, coords.items[0].size), (1, 0), "{kind}");
        let dup = store.create(&c, at(4)).await;
        assert!(matches!(dup, Err(StoreError::Conflict(ref m)) if m.contains("coordinator named 'daily'")), "{kind}: {dup:?}");
        assert!(matches!(store.find::<Coordinator>("nope").await, Err(StoreError::NotFound)), "{kind}");
    })
    .await;
}

#[tokio::test]
async fn stale_revisions_and_duplicate_names_conflict_and_missing_is_not_found() {
    each_store(|store, kind| async move {
        let a = store.create(&Workflow::new("a"), at(1)).await.unwrap();
        store.create(&Workflow::new("b"), at(1)).await.unwrap();
        let dup = store.create(&Workflow::new("a"), at(1)).await;
        assert!(matches!(dup, Err(StoreError::Conflict(ref m)) if m.contains("'a' already exists")), "{kind}: {dup:?}");
        store.update(a.id, Some(1), &Workflow::new("a"), at(2)).await.unwrap();
        let stale = store.update(a.id, Some(1), &Workflow::new("a"), at(3)).await;
        assert!(matches!(stale, Err(StoreError::Conflict(ref m)) if m.contains("revision 2 is current")), "{kind}: {stale:?}");
        let rename = store.update(a.id, None, &Workflow::new("b"), at(3)).await;
        assert!(matches!(rename, Err(StoreError::Conflict(_))), "{kind}: {rename:?}");
        assert!(matches!(store.update(99, None, &Workflow::new("z"), at(3)).await, Err(StoreError::NotFound)), "{kind}");
        assert!(matches!(store.get::<Workflow>(99).await, Err(StoreError::NotFound)), "{kind}");
    })
    .await;
}

#[tokio::test]
async fn concurrent_saves_from_one_revision_let_exactly_one_win() {
    each_store(|store, kind| async move {
        let w = store.create(&Workflow::new("race"), at(1)).await.unwrap();
        let saves = (0..8).map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut def = Workflow::new("race");
                def.job_properties.push(JobProperty {
                    name: "writer".into(),
                    value: i.to_string(),
                });
                store.update(w.id, Some(1), &def, at(2 + i)).await
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
            store.get::<Workflow>(w.id).await.unwrap().revision,
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
        let w = store.create(&Workflow::new("v"), at(10)).await.unwrap();
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
        store.update(w.id, Some(1), &two, save).await.unwrap();
        store
            .update(w.id, Some(2), &Workflow::new("v"), at(30))
            .await
            .unwrap();

        let versions = store.list_versions(Kind::Workflow, w.id).await.unwrap();
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
        let (info, def) = store.version::<Workflow>(w.id, 2).await.unwrap();
        assert_eq!((info.version, def), (2, two.clone()), "{kind}");

        // A failed (stale) save makes no version.
        assert!(
            store
                .update(w.id, Some(1), &Workflow::new("v"), at(40))
                .await
                .is_err()
        );
        assert_eq!(
            store
                .list_versions(Kind::Workflow, w.id)
                .await
                .unwrap()
                .len(),
            3,
            "{kind}"
        );

        store.publish(Kind::Workflow, w.id, 2).await.unwrap();
        assert_eq!(
            store.get::<Workflow>(w.id).await.unwrap().published_version,
            Some(2),
            "{kind}"
        );
        // Drafts saved later do not move what is published.
        store
            .update(w.id, None, &Workflow::new("v"), at(50))
            .await
            .unwrap();
        assert_eq!(
            store.get::<Workflow>(w.id).await.unwrap().published_version,
            Some(2),
            "{kind}"
        );

        assert!(
            matches!(
                store.publish(Kind::Workflow, w.id, 99).await,
                Err(StoreError::NotFound)
            ),
            "{kind}"
        );
        assert!(
            matches!(
                store.version::<Workflow>(w.id, 99).await,
                Err(StoreError::NotFound)
            ),
            "{kind}"
        );
        assert!(
            matches!(
                store.list_versions(Kind::Workflow, 999).await,
                Err(StoreError::NotFound)
            ),
            "{kind}"
        );
    })
    .await;
}

fn new_user(name: &str, role: Role) -> NewUserRow<'_> {
    NewUserRow {
        name,
        password_hash: "$argon2id$stand-in",
        role,
        must_change_password: false,
        now_ms: 1_000,
    }
}

#[tokio::test]
async fn users_are_unique_and_the_last_admin_stays() {
    each_store(|store, kind| async move {
        assert!(
            store
                .create_first_user(new_user("root", Role::Admin))
                .await
                .unwrap(),
            "{kind}"
        );
        // Only into an empty table.
        assert!(
            !store
                .create_first_user(new_user("other", Role::Admin))
                .await
                .unwrap()
        );
        let viewer = store
            .create_user(new_user("vic", Role::Viewer))
            .await
            .unwrap();
        assert_eq!(viewer.role, Role::Viewer);
        assert!(matches!(
            store.create_user(new_user("vic", Role::Editor)).await,
            Err(StoreError::Conflict(m)) if m.contains("user named 'vic'")
        ));
        let names: Vec<_> = store
            .list_users()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.name)
            .collect();
        assert_eq!(names, ["root", "vic"], "{kind}");

        let change = UserChange {
            role: Some(Role::Editor),
            ..UserChange::default()
        };
        let vic = store.update_user("vic", change).await.unwrap();
        assert_eq!(
            (vic.role, vic.password_hash.as_str()),
            (Role::Editor, "$argon2id$stand-in")
        );
        let demote = UserChange {
            role: Some(Role::Viewer),
            ..UserChange::default()
        };
        assert!(matches!(
            store.update_user("root", demote).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store.delete_user("root").await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store.delete_user("ghost").await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.update_user("ghost", demote).await,
            Err(StoreError::NotFound)
        ));
        // With a second admin, the first may go.
        let promote = UserChange {
            role: Some(Role::Admin),
            ..UserChange::default()
        };
        store.update_user("vic", promote).await.unwrap();
        store.delete_user("root").await.unwrap();
        assert!(
            matches!(store.find_user("root").await, Err(StoreError::NotFound)),
            "{kind}"
        );
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_end_with_a_new_password_or_the_user() {
    each_store(|store, kind| async move {
        let u = store
            .create_user(new_user("sam", Role::Editor))
            .await
            .unwrap();
        store
            .create_session("h1", u.id, 1_000, 5_000)
            .await
            .unwrap();
        store
            .create_session("h2", u.id, 1_000, 5_000)
            .await
            .unwrap();
        let (found, expires) = store.session_user("h1", 4_999).await.unwrap().unwrap();
        assert_eq!((found.name.as_str(), expires), ("sam", 5_000), "{kind}");
        assert_eq!(
            store.session_user("h1", 5_000).await.unwrap(),
            None,
            "expired"
        );
        store.extend_session("h1", 9_000).await.unwrap();
        assert!(store.session_user("h1", 5_000).await.unwrap().is_some());
        store.delete_expired_sessions(6_000).await.unwrap();
        assert!(
            store.session_user("h2", 0).await.unwrap().is_none(),
            "deleted"
        );
        store.delete_session("h1").await.unwrap();
        assert!(store.session_user("h1", 0).await.unwrap().is_none());

        store
            .create_session("h3", u.id, 1_000, 5_000)
            .await
            .unwrap();
        let change = UserChange {
            password_hash: Some("$argon2id$new"),
            must_change_password: Some(true),
            ..UserChange::default()
        };
        let changed = store.update_user("sam", change).await.unwrap();
        assert!(changed.must_change_password);
        assert!(
            store.session_user("h3", 0).await.unwrap().is_none(),
            "{kind}: new password"
        );

        // The session that changed the password may go on; the others end with it.
        store
            .create_session("h5", u.id, 1_000, 5_000)
            .await
            .unwrap();
        store
            .create_session("h6", u.id, 1_000, 5_000)
            .await
            .unwrap();
        let change = UserChange {
            password_hash: Some("$argon2id$newer"),
            keep_session: Some("h5"),
            ..UserChange::default()
        };
        store.update_user("sam", change).await.unwrap();
        assert!(
            store.session_user("h5", 0).await.unwrap().is_some(),
            "{kind}: kept"
        );
        assert!(
            store.session_user("h6", 0).await.unwrap().is_none(),
            "{kind}: ended"
        );

        store
            .create_session("h4", u.id, 1_000, 5_000)
            .await
            .unwrap();
        store
            .create_user(new_user("boss", Role::Admin))
            .await
            .unwrap();
        store.delete_user("sam").await.unwrap();
        assert!(
            store.session_user("h4", 0).await.unwrap().is_none(),
            "{kind}: user gone"
        );
    })
    .await;
}

#[tokio::test]
async fn tokens_are_found_by_digest_until_revoked() {
    each_store(|store, kind| async move {
        let a = store
            .create_user(new_user("ann", Role::Operator))
            .await
            .unwrap();
        let b = store
            .create_user(new_user("ben", Role::Viewer))
            .await
            .unwrap();
        let t = store
            .create_token(a.id, "ci", "d1", Role::Editor, 7)
            .await
            .unwrap();
        assert_eq!(
            (t.owner.as_str(), t.role, t.created_at_ms),
            ("ann", Role::Editor, 7)
        );
        store
            .create_token(b.id, "mine", "d2", Role::Viewer, 8)
            .await
            .unwrap();
        let (owner, token) = store.token_user("d1").await.unwrap().unwrap();
        assert_eq!(
            (owner.name.as_str(), token.id, token.role),
            ("ann", t.id, Role::Editor)
        );
        assert_eq!(
            store.list_tokens(Some(a.id)).await.unwrap().len(),
            1,
            "{kind}"
        );
        assert_eq!(store.list_tokens(None).await.unwrap().len(), 2);
        // Only the owner (or anyone, with None) may revoke.
        assert!(matches!(
            store.revoke_token(t.id, Some(b.id), 9).await,
            Err(StoreError::NotFound)
        ));
        let revoked = store.revoke_token(t.id, Some(a.id), 9).await.unwrap();
        assert_eq!(revoked.revoked_at_ms, Some(9));
        assert_eq!(
            store
                .revoke_token(t.id, None, 99)
                .await
                .unwrap()
                .revoked_at_ms,
            Some(9)
        );
        assert!(store.token_user("d1").await.unwrap().is_none(), "{kind}");
        assert!(store.token_user("nope").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_pages_newest_first() {
    each_store(|store, kind| async move {
        for i in 0..5_i64 {
            let target = format!("/api/v1/workflows/{i}");
            store
                .append_audit(AuditRecord {
                    at_ms: 1_000 + i,
                    actor: (i % 2 == 0).then_some("ann"),
                    via: "token",
                    action: "PUT /api/v1/workflows/{id}",
                    target: &target,
                    status: 200,
                    remote: Some("127.0.0.1"),
                })
                .await
                .unwrap();
        }
        let page = store.list_audit(None, 2).await.unwrap();
        assert_eq!(
            page.iter().map(|r| r.at_ms).collect::<Vec<_>>(),
            [1_004, 1_003],
            "{kind}"
        );
        assert_eq!(page[1].actor, None);
        assert_eq!(page[0].remote.as_deref(), Some("127.0.0.1"));
        let rest = store.list_audit(Some(page[1].id), 10).await.unwrap();
        assert_eq!(
            rest.iter().map(|r| r.at_ms).collect::<Vec<_>>(),
            [1_002, 1_001, 1_000]
        );
        assert_eq!(rest[0].target, "/api/v1/workflows/2");
    })
    .await;
}

#[tokio::test]
async fn alert_channels_keep_their_sealed_secret_and_their_delivery_log() {
    each_store(|store, kind| async move {
        let channel = |name: &str, secret: Option<&str>| SealedRow {
            id: 0,
            name: name.into(),
            kind: "webhook".into(),
            settings: r#"{"url":"http://127.0.0.1:9/hook"}"#.into(),
            secret: secret.map(Into::into),
            created_at_ms: 1_000,
            updated_at_ms: 1_000,
        };
        let ops = store
            .create_sealed(Sealed::Channels, &channel("ops", Some("v1.sealed")))
            .await
            .unwrap();
        let dev = store
            .create_sealed(Sealed::Channels, &channel("dev", None))
            .await
            .unwrap();
        assert!(
            matches!(
                store
                    .create_sealed(Sealed::Channels, &channel("ops", None))
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "{kind}: names are unique"
        );
        let names: Vec<String> = store
            .list_sealed(Sealed::Channels)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["dev", "ops"], "{kind}: by name");

        // Renamed without a new secret: the sealed one stays.
        let mut renamed = channel("ops-hook", None);
        renamed.id = ops;
        renamed.updated_at_ms = 2_000;
        store
            .update_sealed(Sealed::Channels, &renamed)
            .await
            .unwrap();
        let got = store
            .get_sealed(Sealed::Channels, ops)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.name, "ops-hook");
        assert_eq!(got.secret.as_deref(), Some("v1.sealed"), "{kind}");
        assert_eq!((got.created_at_ms, got.updated_at_ms), (1_000, 2_000));
        renamed.id = 999;
        assert!(matches!(
            store.update_sealed(Sealed::Channels, &renamed).await,
            Err(StoreError::NotFound)
        ));

        for (i, channel_id) in [ops, dev, ops].into_iter().enumerate() {
            let i = i as i64;
            store
                .append_delivery(&DeliveryRow {
                    id: 0,
                    channel_id,
                    channel: String::new(),
                    alert: format!(r#"{{"n":{i}}}"#),
                    attempt: i + 1,
                    status: (i != 1).then_some(500),
                    detail: "answered 500".into(),
                    delivered: i == 2,
                    at_ms: 3_000 + i,
                })
                .await
                .unwrap();
        }
        let all = store.list_deliveries(None, 10).await.unwrap();
        assert_eq!(
            all.iter().map(|d| d.at_ms).collect::<Vec<_>>(),
            [3_002, 3_001, 3_000],
            "{kind}: newest first"
        );
        assert_eq!(all[0].channel, "ops-hook");
        assert!(all[0].delivered && !all[1].delivered);
        assert_eq!(all[1].status, None);
        let of_ops = store.list_deliveries(Some(ops), 1).await.unwrap();
        assert_eq!(of_ops.len(), 1);
        assert_eq!(of_ops[0].alert, r#"{"n":2}"#);

        store.delete_sealed(Sealed::Channels, ops).await.unwrap();
        assert!(
            store
                .get_sealed(Sealed::Channels, ops)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store.list_deliveries(None, 10).await.unwrap().len(),
            1,
            "{kind}: its log goes with it"
        );
        assert!(matches!(
            store.delete_sealed(Sealed::Channels, ops).await,
            Err(StoreError::NotFound)
        ));

        // Datasources are a table of their own: the same names do not clash.
        let ds = store
            .create_sealed(Sealed::Datasources, &channel("dev", Some("v1.pw")))
            .await
            .unwrap();
        let listed = store.list_sealed(Sealed::Datasources).await.unwrap();
        assert_eq!(listed.len(), 1, "{kind}");
        assert_eq!(listed[0].id, ds);
        assert_eq!(listed[0].secret.as_deref(), Some("v1.pw"));
        assert_eq!(store.list_sealed(Sealed::Channels).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn alert_groups_policies_claims_and_the_runs_the_alert_loop_reads() {
    each_store(|store, kind| async move {
        let group = |name: &str, channels: &str| GroupRow {
            id: 0,
            name: name.into(),
            channels: channels.into(),
            created_at_ms: 5,
            updated_at_ms: 5,
        };
        let ops = store.create_group(&group("ops", "[1,2]")).await.unwrap();
        let dup = store.create_group(&group("ops", "[]")).await;
        assert!(
            matches!(dup, Err(StoreError::Conflict(_))),
            "{kind}: {dup:?}"
        );
        store
            .update_group(&GroupRow {
                id: ops,
                ..group("ops-renamed", "[2]")
            })
            .await
            .unwrap();
        let read = store.get_group(ops).await.unwrap().unwrap();
        assert_eq!(
            (read.name.as_str(), read.channels.as_str()),
            ("ops-renamed", "[2]")
        );
        assert_eq!(read.created_at_ms, 5);
        store.create_group(&group("dev", "[]")).await.unwrap();
        let names: Vec<String> = store
            .list_groups()
            .await
            .unwrap()
            .into_iter()
            .map(|g| g.name)
            .collect();
        assert_eq!(names, ["dev", "ops-renamed"], "{kind}: by name");
        store.delete_group(ops).await.unwrap();
        assert!(matches!(
            store.delete_group(ops).await,
            Err(StoreError::NotFound)
        ));

        let policy = |settings: &str, at: i64| PolicyRow {
            target: "workflow:1".into(),
            settings: settings.into(),
            updated_by: "ada".into(),
            updated_at_ms: at,
        };
        assert_eq!(store.get_policy("workflow:1").await.unwrap(), None);
        store.put_policy(&policy("{}", 1)).await.unwrap();
        store
            .put_policy(&policy(r#"{"notify":"always"}"#, 2))
            .await
            .unwrap();
        assert_eq!(
            store.get_policy("workflow:1").await.unwrap(),
            Some(policy(r#"{"notify":"always"}"#, 2)),
            "{kind}: replaced"
        );
        assert_eq!(store.list_policies().await.unwrap().len(), 1);

        assert!(store.claim_alert("end:1:0", 10).await.unwrap());
        assert!(
            !store.claim_alert("end:1:0", 11).await.unwrap(),
            "{kind}: once"
        );
        assert!(store.claim_alert("end:1:1", 12).await.unwrap());

        // Ended lately or running, top-level only, with their coordinator action.
        let mut rows = Vec::new();
        for (name, status, ended) in [
            ("old", "FAILED", Some(100)),
            ("new", "FAILED", Some(5_000)),
            ("live", "RUNNING", None),
            ("waiting", "PREP", None),
        ] {
            let id = store
                .create_instance(&instance_row(name, None, 10))
                .await
                .unwrap();
            rows.push(InstanceRow {
                id,
                status: status.into(),
                started_at_ms: Some(50),
                ended_at_ms: ended,
                ..instance_row(name, None, 10)
            });
        }
        let mut child = instance_row("child", None, 10);
        child.parent_id = Some(rows[2].id);
        child.parent_node = Some("sub".into());
        let child_id = store.create_instance(&child).await.unwrap();
        rows.push(InstanceRow {
            id: child_id,
            status: "FAILED".into(),
            ended_at_ms: Some(6_000),
            ..child
        });
        let mut task = node_row(rows[2].id, "work", "RUNNING");
        task.started_at_ms = Some(60);
        task.attempts = 2;
        store
            .write_run(&rows, &[task, node_row(rows[2].id, "done", "OK")])
            .await
            .unwrap();
        let seen: Vec<String> = store
            .alert_subjects(1_000, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|s| format!("{} {} {:?}", s.name, s.status, s.ended_at_ms))
            .collect();
        assert_eq!(
            seen,
            ["new FAILED Some(5000)", "live RUNNING None"],
            "{kind}"
        );
        let tasks = store.running_tasks(100).await.unwrap();
        assert_eq!(
            tasks,
            [RunningTask {
                instance_id: rows[2].id,
                node: "work".into(),
                attempts: 2,
                started_at_ms: 60,
            }],
            "{kind}"
        );
    })
    .await;
}

fn instance_row(name: &str, workflow_id: Option<i64>, created_ms: i64) -> InstanceRow {
    InstanceRow {
        workflow_id,
        workflow_version: workflow_id.map(|_| 1),
        name: name.to_owned(),
        definition: "{}".to_owned(),
        conf: r#"{"a":"1"}"#.to_owned(),
        created_by: "tester".to_owned(),
        status: "PREP".to_owned(),
        created_at_ms: created_ms,
        updated_at_ms: created_ms,
        ..InstanceRow::default()
    }
}

fn node_row(instance_id: i64, node: &str, status: &str) -> NodeRow {
    NodeRow {
        instance_id,
        node: node.to_owned(),
        status: status.to_owned(),
        attempts: 1,
        ..NodeRow::default()
    }
}

#[tokio::test]
async fn instances_are_written_in_batches_read_back_listed_and_restarted() {
    each_store(|store, kind| async move {
        let wf = store
            .create_definition(
                Kind::Workflow,
                backend::store::DefinitionRow {
                    name: "w",
                    json: "{}",
                    size: 0,
                },
                at(1),
            )
            .await
            .unwrap()
            .id;
        let first = store
            .create_instance(&instance_row("w", Some(wf), 10))
            .await
            .unwrap();
        let second = store
            .create_instance(&instance_row("w", Some(wf), 20))
            .await
            .unwrap();
        let other = store
            .create_instance(&instance_row("adhoc", None, 30))
            .await
            .unwrap();
        let mut running = instance_row("w", Some(wf), 10);
        running.id = first;
        running.status = "RUNNING".to_owned();
        running.started_at_ms = Some(11);
        running.updated_at_ms = 11;
        // More rows than one statement carries, and one written twice in the batch's
        // history: the second write wins.
        let mut nodes: Vec<NodeRow> = (0..1200)
            .map(|i| node_row(first, &format!("n{i}"), "OK"))
            .collect();
        nodes[0].mark = Some("replay".to_owned());
        nodes[1].data = Some(r#"{"k":"v"}"#.to_owned());
        store.write_run(&[running.clone()], &nodes).await.unwrap();
        let mut again = node_row(first, "n2", "ERROR");
        again.error_code = Some("EXIT_CODE".to_owned());
        again.attempts = 2;
        store.write_run(&[], &[again]).await.unwrap();

        let (row, read) = store.get_instance(first).await.unwrap();
        assert_eq!(row.status, "RUNNING", "{kind}");
        assert_eq!(row.started_at_ms, Some(11), "{kind}");
        assert_eq!(row.conf, r#"{"a":"1"}"#, "{kind}: fixed at creation");
        assert_eq!(read.len(), 1200, "{kind}");
        let by = |name: &str| read.iter().find(|n| n.node == name).unwrap().clone();
        assert_eq!(by("n0").mark.as_deref(), Some("replay"), "{kind}");
        assert_eq!(by("n1").data.as_deref(), Some(r#"{"k":"v"}"#), "{kind}");
        assert_eq!(by("n2").status, "ERROR", "{kind}");
        assert_eq!(by("n2").attempts, 2, "{kind}");

        let active: Vec<i64> = store
            .active_instances()
            .await
            .unwrap()
            .iter()
            .map(|(r, _)| r.id)
            .collect();
        assert_eq!(active, [first, second, other], "{kind}: PREP and RUNNING");

        let (page, total) = store
            .list_instances(&InstanceQuery {
                workflow_id: Some(wf),
                status: None,
                since: None,
                until: None,
                limit: 1,
                offset: 0,
            })
            .await
            .unwrap();
        assert_eq!(total, 2, "{kind}");
        assert_eq!(page[0].id, second, "{kind}: newest first");
        let (page, total) = store
            .list_instances(&InstanceQuery {
                workflow_id: None,
                status: Some("RUNNING".to_owned()),
                since: None,
                until: None,
                limit: 10,
                offset: 0,
            })
            .await
            .unwrap();
        assert_eq!((page.len(), total), (1, 1), "{kind}");

        // A rerun replaces every node row and may change the properties.
        let mut restarted = running.clone();
        restarted.status = "PREP".to_owned();
        restarted.run = 1;
        restarted.conf = r#"{"a":"2"}"#.to_owned();
        restarted.started_at_ms = None;
        store
            .restart_instance(&restarted, &[by("n0")])
            .await
            .unwrap();
        let (row, read) = store.get_instance(first).await.unwrap();
        assert_eq!((row.run, row.conf.as_str()), (1, r#"{"a":"2"}"#), "{kind}");
        assert_eq!(row.started_at_ms, None, "{kind}");
        assert_eq!(read.len(), 1, "{kind}: only the kept node");
        assert_eq!(read[0].mark.as_deref(), Some("replay"), "{kind}");
        let mut missing = restarted.clone();
        missing.id = 99_999;
        assert!(
            matches!(
                store.restart_instance(&missing, &[]).await,
                Err(StoreError::NotFound)
            ),
            "{kind}"
        );
    })
    .await;
}

fn coord_job(created_ms: i64) -> CoordJobRow {
    CoordJobRow {
        name: "hourly".to_owned(),
        definition: "{}".to_owned(),
        included: "[]".to_owned(),
        conf: "{}".to_owned(),
        created_by: "tester".to_owned(),
        status: "PREP".to_owned(),
        next_materialized_ms: Some(1_000),
        end_ms: 100_000,
        concurrency: 1,
        created_at_ms: created_ms,
        updated_at_ms: created_ms,
        ..CoordJobRow::default()
    }
}

fn coord_action(job_id: i64, number: i64, status: &str) -> CoordActionRow {
    CoordActionRow {
        job_id,
        number,
        nominal_ms: number * 3_600_000,
        created_ms: 5,
        status: status.to_owned(),
        inputs: r#"{"in":["file:///d"]}"#.to_owned(),
        outputs: "{}".to_owned(),
        configuration: "{}".to_owned(),
        updated_ms: 5,
        ..CoordActionRow::default()
    }
}

#[tokio::test]
async fn coordinator_jobs_keep_one_action_per_nominal_time_and_one_instance_per_try() {
    each_store(|store, kind| async move {
        let first = store.create_coord_job(&coord_job(10)).await.unwrap();
        let backfill = CoordJobRow {
            kind: "backfill".to_owned(),
            planned: Some(3),
            ..coord_job(20)
        };
        let second = store.create_coord_job(&backfill).await.unwrap();
        let read = store.get_coord_job(second).await.unwrap().0;
        assert_eq!(
            (read.kind.as_str(), read.planned),
            ("backfill", Some(3)),
            "{kind}"
        );
        let mut job = coord_job(10);
        job.id = first;
        job.status = "RUNNING".to_owned();
        job.last_action_number = 2;
        job.next_materialized_ms = None;
        job.pause_ms = Some(50_000);
        let mut submitted = coord_action(first, 2, "SUBMITTED");
        submitted.tries = 1;
        submitted.rerun_failed = true;
        store
            .write_coord(
                &job,
                &[
                    coord_action(first, 1, "WAITING"),
                    submitted,
                    coord_action(first, 3, "WAITING"),
                ],
                &[],
            )
            .await
            .unwrap();
        // Written again (a retry after a crash): the same rows, not new ones.
        let mut again = coord_action(first, 1, "READY");
        again.missing = None;
        store.write_coord(&job, &[again], &[3]).await.unwrap();
        let (row, actions) = store.get_coord_job(first).await.unwrap();
        assert_eq!(row.status, "RUNNING", "{kind}");
        assert_eq!(row.next_materialized_ms, None, "{kind}");
        assert_eq!(row.pause_ms, Some(50_000), "{kind}");
        let numbers: Vec<(i64, &str)> = actions
            .iter()
            .map(|a| (a.number, a.status.as_str()))
            .collect();
        assert_eq!(
            numbers,
            [(1, "READY"), (2, "SUBMITTED")],
            "{kind}: 3 taken back"
        );
        assert!(actions[1].rerun_failed && actions[1].tries == 1, "{kind}");

        // Another action at a nominal time already taken is refused by the database.
        let mut clash = coord_action(first, 9, "WAITING");
        clash.nominal_ms = actions[0].nominal_ms;
        assert!(
            store.write_coord(&job, &[clash], &[]).await.is_err(),
            "{kind}"
        );

        let active: Vec<i64> = store
            .active_coord_jobs()
            .await
            .unwrap()
            .iter()
            .map(|(j, _)| j.id)
            .collect();
        assert_eq!(active, [first, second], "{kind}");
        let (page, total) = store
            .list_coord_jobs(&CoordJobQuery {
                coordinator_id: None,
                status: Some("RUNNING".to_owned()),
                since: None,
                until: None,
                limit: 10,
                offset: 0,
            })
            .await
            .unwrap();
        assert_eq!((page.len(), total, page[0].id), (1, 1, first), "{kind}");

        // One workflow instance per action try.
        assert_eq!(
            store.coord_instance(first, 2, 1).await.unwrap(),
            None,
            "{kind}"
        );
        let mut instance = instance_row("wf", None, 30);
        instance.coord = Some((first, 2, 1));
        let id = store.create_instance(&instance).await.unwrap();
        assert_eq!(
            store.coord_instance(first, 2, 1).await.unwrap(),
            Some(id),
            "{kind}"
        );
        assert_eq!(
            store.get_instance(id).await.unwrap().0.coord,
            Some((first, 2, 1)),
            "{kind}"
        );
        assert!(
            store.create_instance(&instance).await.is_err(),
            "{kind}: the same try twice"
        );
        instance.coord = Some((first, 2, 2));
        assert!(
            store.create_instance(&instance).await.is_ok(),
            "{kind}: the next try"
        );
    })
    .await;
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Leases: a server holds what it made and renews it; what is nobody's or whose lease ran
/// out is taken whole (a job with its workflows, an instance with its sub-workflows), and
/// two servers taking at once never take the same.
#[tokio::test]
async fn leases_keep_work_with_one_server_and_hand_it_over_whole() {
    each_store(|store, kind| async move {
        const LEASE: i64 = 20_000;
        // Made before any server named itself: nobody's.
        let loose = store
            .create_instance(&instance_row("loose", None, 1))
            .await
            .unwrap();
        store.set_owner("a", LEASE);
        let root = store
            .create_instance(&instance_row("root", None, 2))
            .await
            .unwrap();
        let child = store
            .create_instance(&InstanceRow {
                parent_id: Some(root),
                parent_node: Some("sub".to_owned()),
                ..instance_row("child", None, 3)
            })
            .await
            .unwrap();
        let job = store.create_coord_job(&coord_job(4)).await.unwrap();
        let run = store
            .create_instance(&InstanceRow {
                coord: Some((job, 1, 1)),
                ..instance_row("hourly", None, 5)
            })
            .await
            .unwrap();
        let mut ended = instance_row("ended", None, 6);
        ended.id = store.create_instance(&ended).await.unwrap();
        ended.status = "SUCCEEDED".to_owned();
        store.write_run(&[ended], &[]).await.unwrap();

        let now = now_ms();
        let a = store.heartbeat("a", now, LEASE).await.unwrap();
        assert_eq!(a.coord_jobs, [job], "{kind}");
        assert_eq!(
            a.instances,
            [loose, root, child, run],
            "{kind}: its own and the loose one"
        );
        let b = store.heartbeat("b", now, LEASE).await.unwrap();
        assert_eq!(b, Default::default(), "{kind}: a's leases hold");

        // a stops beating; once its leases run out b takes everything, families whole.
        let later = now + LEASE + 1;
        let b = store.heartbeat("b", later, LEASE).await.unwrap();
        assert_eq!(b.coord_jobs, [job], "{kind}");
        assert_eq!(b.instances, [loose, root, child, run], "{kind}");
        let a = store.heartbeat("a", later, LEASE).await.unwrap();
        assert_eq!(a, Default::default(), "{kind}: a holds nothing any more");

        // Two servers taking at once take different families.
        let mut free = Vec::new();
        for n in 0..40 {
            free.push(
                store
                    .create_instance(&instance_row("f", None, 10 + n))
                    .await
                    .unwrap(),
            );
        }
        store.set_owner("nobody-beats", 0);
        let far = later + 10 * LEASE;
        let (c, d) = tokio::join!(
            store.heartbeat("c", far, LEASE),
            store.heartbeat("d", far, LEASE)
        );
        let (c, d) = (c.unwrap(), d.unwrap());
        let mut all: Vec<i64> = c.instances.iter().chain(&d.instances).copied().collect();
        all.sort_unstable();
        let before = all.len();
        all.dedup();
        assert_eq!(before, all.len(), "{kind}: taken twice: {c:?} {d:?}");
        for id in free.iter().chain([loose, root, child, run].iter()) {
            assert!(all.contains(id), "{kind}: {id} left");
        }
    })
    .await;
}
