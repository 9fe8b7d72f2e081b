//! The one implementation of [`super::Store`] that both databases share.

/// The [`Store`] implementation for a store type with a `pool` of the given row type. Both
/// databases run the very same statements ([`sql`]) and map rows the same way; only the
/// sqlx types differ, which is what a macro (rather than generics over `sqlx::Database`,
/// with their bounds) expresses plainly.
macro_rules! sql_store {
    ($store:ty, $db:ty, $row:ty, $skip_locked:literal) => {
        use async_trait::async_trait;
        use sqlx::Row;

        use shared::api::Role;

        use super::{
            ActionTally, AlertSubject, AuditRecord, AuditRow, CoordActionRow, CoordJobQuery,
            CoordJobRow, DefinitionRow, DeliveryRow, GroupRow, InstanceItem, InstanceQuery,
            InstanceRow, Kind, ListItem, ListQuery, NewUserRow, NodeRow, Owned, Page, PolicyRow,
            RunningTask, Save, Sealed, SealedRow, Store, Stored, TokenRow, UserChange, UserRow,
            VersionInfo, sql,
        };

        impl $store {
            /// The owner new and revived work gets, and its lease's end; none for a
            /// server without replicas.
            fn claimed(&self) -> (Option<String>, Option<i64>) {
                let claim = self.claim.read().expect("the claim lock is never poisoned");
                match claim.as_ref() {
                    Some((owner, lease_ms)) => {
                        let now = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.as_millis() as i64);
                        (Some(owner.clone()), Some(now + lease_ms))
                    }
                    None => (None, None),
                }
            }
        }

        fn stored(row: &$row) -> Result<Stored<String>, StoreError> {
            Ok(Stored {
                id: row.try_get("id")?,
                revision: row.try_get("revision")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
                definition: row.try_get("definition")?,
                published_version: row.try_get("published_version")?,
            })
        }

        fn statements(kind: Kind) -> &'static sql::DefinitionSql {
            match kind {
                Kind::Workflow => &sql::WORKFLOWS,
                Kind::Coordinator => &sql::COORDINATORS,
            }
        }

        /// The version a save makes: the definition's new revision, as saved.
        async fn insert_version(
            tx: &mut sqlx::Transaction<'_, $db>,
            kind: Kind,
            saved: &Stored<String>,
            size: i64,
            save: Save<'_>,
        ) -> Result<(), StoreError> {
            sqlx::query(statements(kind).insert_version)
                .bind(saved.id)
                .bind(saved.revision)
                .bind(&saved.definition)
                .bind(size)
                .bind(save.author)
                .bind(save.comment)
                .bind(save.now_ms)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        fn version_info(row: &$row) -> Result<VersionInfo, StoreError> {
            Ok(VersionInfo {
                version: row.try_get("version")?,
                size: row.try_get("size")?,
                author: row.try_get("author")?,
                comment: row.try_get("comment")?,
                created_at_ms: row.try_get("created_at_ms")?,
            })
        }

        fn user(row: &$row) -> Result<UserRow, StoreError> {
            Ok(UserRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                password_hash: row.try_get("password_hash")?,
                role: super::role(row.try_get("role")?)?,
                must_change_password: row.try_get("must_change_password")?,
                created_at_ms: row.try_get("created_at_ms")?,
            })
        }

        fn token(row: &$row) -> Result<TokenRow, StoreError> {
            Ok(TokenRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                owner: row.try_get("owner")?,
                role: super::role(row.try_get("role")?)?,
                created_at_ms: row.try_get("created_at_ms")?,
                revoked_at_ms: row.try_get("revoked_at_ms")?,
            })
        }

        fn instance_row(row: &$row) -> Result<InstanceRow, StoreError> {
            Ok(InstanceRow {
                id: row.try_get("id")?,
                workflow_id: row.try_get("workflow_id")?,
                workflow_version: row.try_get("workflow_version")?,
                name: row.try_get("name")?,
                definition: row.try_get("definition")?,
                conf: row.try_get("conf")?,
                created_by: row.try_get("created_by")?,
                status: row.try_get("status")?,
                run: row.try_get("run")?,
                parent_id: row.try_get("parent_id")?,
                parent_node: row.try_get("parent_node")?,
                priority: row.try_get("priority")?,
                error_code: row.try_get("error_code")?,
                error_message: row.try_get("error_message")?,
                last_error_node: row.try_get("last_error_node")?,
                kill_pending: row.try_get("kill_pending")?,
                created_at_ms: row.try_get("created_at_ms")?,
                started_at_ms: row.try_get("started_at_ms")?,
                ended_at_ms: row.try_get("ended_at_ms")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
                coord: match (
                    row.try_get::<Option<i64>, _>("coord_job_id")?,
                    row.try_get::<Option<i64>, _>("coord_action")?,
                    row.try_get::<Option<i64>, _>("coord_try")?,
                ) {
                    (Some(j), Some(a), Some(t)) => Some((j, a, t)),
                    _ => None,
                },
            })
        }

        fn instance_item(row: &$row) -> Result<InstanceItem, StoreError> {
            Ok(InstanceItem {
                id: row.try_get("id")?,
                workflow_id: row.try_get("workflow_id")?,
                workflow_version: row.try_get("workflow_version")?,
                name: row.try_get("name")?,
                status: row.try_get("status")?,
                run: row.try_get("run")?,
                created_by: row.try_get("created_by")?,
                created_at_ms: row.try_get("created_at_ms")?,
                started_at_ms: row.try_get("started_at_ms")?,
                ended_at_ms: row.try_get("ended_at_ms")?,
                error_code: row.try_get("error_code")?,
                error_message: row.try_get("error_message")?,
            })
        }

        fn audit_row(row: &$row) -> Result<AuditRow, StoreError> {
            Ok(AuditRow {
                id: row.try_get("id")?,
                at_ms: row.try_get("at_ms")?,
                actor: row.try_get("actor")?,
                via: row.try_get("via")?,
                action: row.try_get("action")?,
                target: row.try_get("target")?,
                status: row.try_get("status")?,
                remote: row.try_get("remote")?,
            })
        }

        fn sealed_row(row: &$row) -> Result<SealedRow, StoreError> {
            Ok(SealedRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                kind: row.try_get("kind")?,
                settings: row.try_get("settings")?,
                secret: row.try_get("secret")?,
                created_at_ms: row.try_get("created_at_ms")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
            })
        }

        fn sealed_sql(table: Sealed) -> &'static sql::SealedSql {
            match table {
                Sealed::Channels => &sql::CHANNELS,
                Sealed::Datasources => &sql::DATASOURCES,
            }
        }

        fn delivery_row(row: &$row) -> Result<DeliveryRow, StoreError> {
            Ok(DeliveryRow {
                id: row.try_get("id")?,
                channel_id: row.try_get("channel_id")?,
                channel: row.try_get("channel")?,
                alert: row.try_get("alert")?,
                attempt: row.try_get("attempt")?,
                status: row.try_get("status")?,
                detail: row.try_get("detail")?,
                delivered: row.try_get("delivered")?,
                at_ms: row.try_get("at_ms")?,
            })
        }

        fn group_row(row: &$row) -> Result<GroupRow, StoreError> {
            Ok(GroupRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                channels: row.try_get("channels")?,
                created_at_ms: row.try_get("created_at_ms")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
            })
        }

        fn policy_row(row: &$row) -> Result<PolicyRow, StoreError> {
            Ok(PolicyRow {
                target: row.try_get("target")?,
                settings: row.try_get("settings")?,
                updated_by: row.try_get("updated_by")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
            })
        }

        fn alert_subject(row: &$row) -> Result<AlertSubject, StoreError> {
            Ok(AlertSubject {
                id: row.try_get("id")?,
                workflow_id: row.try_get("workflow_id")?,
                name: row.try_get("name")?,
                status: row.try_get("status")?,
                run: row.try_get("run")?,
                coordinator_id: row.try_get("coordinator_id")?,
                coord_job_id: row.try_get("coord_job_id")?,
                coord_action: row.try_get("coord_action")?,
                nominal_ms: row.try_get("nominal_ms")?,
                created_at_ms: row.try_get("created_at_ms")?,
                started_at_ms: row.try_get("started_at_ms")?,
                ended_at_ms: row.try_get("ended_at_ms")?,
                error_code: row.try_get("error_code")?,
                error_message: row.try_get("error_message")?,
                last_error_node: row.try_get("last_error_node")?,
            })
        }

        fn coord_job_row(row: &$row) -> Result<CoordJobRow, StoreError> {
            Ok(CoordJobRow {
                id: row.try_get("id")?,
                coordinator_id: row.try_get("coordinator_id")?,
                coordinator_version: row.try_get("coordinator_version")?,
                name: row.try_get("name")?,
                definition: row.try_get("definition")?,
                included: row.try_get("included")?,
                conf: row.try_get("conf")?,
                created_by: row.try_get("created_by")?,
                status: row.try_get("status")?,
                last_action_number: row.try_get("last_action_number")?,
                next_materialized_ms: row.try_get("next_materialized_ms")?,
                end_ms: row.try_get("end_ms")?,
                pause_ms: row.try_get("pause_ms")?,
                concurrency: row.try_get("concurrency")?,
                error_code: row.try_get("error_code")?,
                error_message: row.try_get("error_message")?,
                created_at_ms: row.try_get("created_at_ms")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
                kind: row.try_get("kind")?,
                planned: row.try_get("planned")?,
            })
        }

        fn coord_action_row(row: &$row) -> Result<CoordActionRow, StoreError> {
            Ok(CoordActionRow {
                job_id: row.try_get("job_id")?,
                number: row.try_get("number")?,
                nominal_ms: row.try_get("nominal_ms")?,
                created_ms: row.try_get("created_ms")?,
                status: row.try_get("status")?,
                inputs: row.try_get("inputs")?,
                outputs: row.try_get("outputs")?,
                configuration: row.try_get("configuration")?,
                missing: row.try_get("missing")?,
                instance_id: row.try_get("instance_id")?,
                rerun_failed: row.try_get::<i64, _>("rerun_failed")? != 0,
                tries: row.try_get("tries")?,
                error_code: row.try_get("error_code")?,
                error_message: row.try_get("error_message")?,
                updated_ms: row.try_get("updated_ms")?,
            })
        }

        fn node_row(row: &$row) -> Result<NodeRow, StoreError> {
            Ok(NodeRow {
                instance_id: row.try_get("instance_id")?,
                node: row.try_get("node")?,
                status: row.try_get("status")?,
                attempts: row.try_get("attempts")?,
                arrivals: row.try_get("arrivals")?,
                transition: row.try_get("transition")?,
                exit_code: row.try_get("exit_code")?,
                error_code: row.try_get("error_code")?,
                error_message: row.try_get("error_message")?,
                data: row.try_get("data")?,
                external_id: row.try_get("external_id")?,
                ready_at_ms: row.try_get("ready_at_ms")?,
                started_at_ms: row.try_get("started_at_ms")?,
                ended_at_ms: row.try_get("ended_at_ms")?,
                retry_at_ms: row.try_get("retry_at_ms")?,
                seq: row.try_get("seq")?,
                mark: row.try_get("mark")?,
            })
        }

        /// Rows per upsert statement: 17 parameters each stays far below either
        /// database's limit on parameters.
        const NODES_PER_STATEMENT: usize = 500;

        /// Writes node rows with as few statements as the parameter limit allows.
        async fn upsert_nodes(
            tx: &mut sqlx::Transaction<'_, $db>,
            nodes: &[NodeRow],
        ) -> Result<(), StoreError> {
            for chunk in nodes.chunks(NODES_PER_STATEMENT) {
                let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO instance_nodes (");
                q.push(sql::NODE_COLUMNS).push(") ");
                q.push_values(chunk, |mut b, n| {
                    b.push_bind(n.instance_id)
                        .push_bind(&n.node)
                        .push_bind(&n.status)
                        .push_bind(n.attempts)
                        .push_bind(n.arrivals)
                        .push_bind(&n.transition)
                        .push_bind(n.exit_code)
                        .push_bind(&n.error_code)
                        .push_bind(&n.error_message)
                        .push_bind(&n.data)
                        .push_bind(&n.external_id)
                        .push_bind(n.ready_at_ms)
                        .push_bind(n.started_at_ms)
                        .push_bind(n.ended_at_ms)
                        .push_bind(n.retry_at_ms)
                        .push_bind(n.seq)
                        .push_bind(&n.mark);
                });
                q.push(sql::UPSERT_NODES_TAIL);
                q.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        impl $store {
            /// A page of rows filtered by owner, status and creation time, and how many
            /// match in all: both statements take `$1` the owner, `$2` the status, `$3` and
            /// `$4` the first and the first excluded creation time in ms (NULL: any), the
            /// list also `$5` limit and `$6` offset.
            async fn filtered_page(
                &self,
                (list, count): (&'static str, &'static str),
                owner: Option<i64>,
                status: &Option<String>,
                (since, until): (Option<i64>, Option<i64>),
                (limit, offset): (i64, i64),
            ) -> Result<(Vec<$row>, i64), StoreError> {
                let rows = sqlx::query(list)
                    .bind(owner)
                    .bind(status)
                    .bind(since)
                    .bind(until)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let total: i64 = sqlx::query(count)
                    .bind(owner)
                    .bind(status)
                    .bind(since)
                    .bind(until)
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("n")?;
                Ok((rows, total))
            }

            async fn coord_actions(&self, job: i64) -> Result<Vec<CoordActionRow>, StoreError> {
                let rows = sqlx::query(sql::COORD_ACTIONS)
                    .bind(job)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(coord_action_row).collect()
            }

            async fn instance_nodes(&self, id: i64) -> Result<Vec<NodeRow>, StoreError> {
                let rows = sqlx::query(sql::INSTANCE_NODES)
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(node_row).collect()
            }

            async fn token_by_id(
                &self,
                id: i64,
                user_id: Option<i64>,
            ) -> Result<TokenRow, StoreError> {
                let row = sqlx::query(sql::GET_TOKEN)
                    .bind(id)
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                token(&row)
            }

            /// Why a guarded user change found no row: no such user, or the last admin.
            async fn missing_or_last_admin(&self, name: &str) -> StoreError {
                match sqlx::query(sql::USER_EXISTS)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await
                {
                    Ok(Some(_)) => super::last_admin(name),
                    Ok(None) => StoreError::NotFound,
                    Err(e) => e.into(),
                }
            }
        }

        #[async_trait]
        impl Store for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn list_definitions(
                &self,
                kind: Kind,
                query: &ListQuery,
            ) -> Result<Page, StoreError> {
                let sql = statements(kind);
                let pattern = query.pattern();
                let rows = sqlx::query(sql.list)
                    .bind(&pattern)
                    .bind(query.limit)
                    .bind(query.offset)
                    .fetch_all(&self.pool)
                    .await?;
                let total: i64 = sqlx::query(sql.count)
                    .bind(&pattern)
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("n")?;
                let items = rows
                    .iter()
                    .map(|row| {
                        Ok(ListItem {
                            id: row.try_get("id")?,
                            name: row.try_get("name")?,
                            size: row.try_get("size")?,
                            revision: row.try_get("revision")?,
                            updated_at_ms: row.try_get("updated_at_ms")?,
                            published_version: row.try_get("published_version")?,
                        })
                    })
                    .collect::<Result<_, StoreError>>()?;
                Ok(Page { items, total })
            }

            async fn create_definition(
                &self,
                kind: Kind,
                new: DefinitionRow<'_>,
                save: Save<'_>,
            ) -> Result<Stored<String>, StoreError> {
                let mut tx = self.pool.begin().await?;
                let row = sqlx::query(statements(kind).create)
                    .bind(new.name)
                    .bind(new.json)
                    .bind(new.size)
                    .bind(save.now_ms)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| super::name_taken(e, kind.noun(), new.name))?;
                let created = stored(&row)?;
                insert_version(&mut tx, kind, &created, new.size, save).await?;
                tx.commit().await?;
                Ok(created)
            }

            async fn get_definition(
                &self,
                kind: Kind,
                id: i64,
            ) -> Result<Stored<String>, StoreError> {
                let row = sqlx::query(statements(kind).get)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                stored(&row)
            }

            async fn find_definition(
                &self,
                kind: Kind,
                name: &str,
            ) -> Result<Stored<String>, StoreError> {
                let row = sqlx::query(statements(kind).find)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                stored(&row)
            }

            async fn update_definition(
                &self,
                kind: Kind,
                id: i64,
                expected_revision: Option<i64>,
                new: DefinitionRow<'_>,
                save: Save<'_>,
            ) -> Result<Stored<String>, StoreError> {
                // The UPDATE comes first, so the transaction takes the write lock at once
                // (SQLite) and no reader-turned-writer can deadlock with another save.
                let mut tx = self.pool.begin().await?;
                let row = sqlx::query(statements(kind).update)
                    .bind(id)
                    .bind(expected_revision)
                    .bind(new.name)
                    .bind(new.json)
                    .bind(new.size)
                    .bind(save.now_ms)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| super::name_taken(e, kind.noun(), new.name))?;
                let Some(row) = row else {
                    drop(tx);
                    return Err(super::stale_revision(
                        kind,
                        self.get_definition(kind, id).await?.revision,
                        expected_revision,
                    ));
                };
                let updated = stored(&row)?;
                insert_version(&mut tx, kind, &updated, new.size, save).await?;
                tx.commit().await?;
                Ok(updated)
            }

            async fn list_versions(
                &self,
                kind: Kind,
                id: i64,
            ) -> Result<Vec<VersionInfo>, StoreError> {
                // A definition always has a version, so none means no such definition.
                let rows = sqlx::query(statements(kind).list_versions)
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                if rows.is_empty() {
                    return Err(StoreError::NotFound);
                }
                rows.iter().map(version_info).collect()
            }

            async fn get_version(
                &self,
                kind: Kind,
                id: i64,
                version: i64,
            ) -> Result<(VersionInfo, String), StoreError> {
                let row = sqlx::query(statements(kind).get_version)
                    .bind(id)
                    .bind(version)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                Ok((version_info(&row)?, row.try_get("definition")?))
            }

            async fn publish(&self, kind: Kind, id: i64, version: i64) -> Result<(), StoreError> {
                sqlx::query(statements(kind).publish)
                    .bind(id)
                    .bind(version)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(drop)
                    .ok_or(StoreError::NotFound)
            }

            async fn create_user(&self, new: NewUserRow<'_>) -> Result<UserRow, StoreError> {
                let row = sqlx::query(sql::CREATE_USER)
                    .bind(new.name)
                    .bind(new.password_hash)
                    .bind(new.role.as_str())
                    .bind(new.must_change_password)
                    .bind(new.now_ms)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| super::name_taken(e, "user", new.name))?;
                user(&row)
            }

            async fn create_first_user(&self, new: NewUserRow<'_>) -> Result<bool, StoreError> {
                let inserted = sqlx::query(sql::CREATE_FIRST_USER)
                    .bind(new.name)
                    .bind(new.password_hash)
                    .bind(new.role.as_str())
                    .bind(new.must_change_password)
                    .bind(new.now_ms)
                    .fetch_optional(&self.pool)
                    .await;
                match inserted {
                    Ok(row) => Ok(row.is_some()),
                    // Another replica created it between our check and our insert.
                    Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Ok(false),
                    Err(e) => Err(e.into()),
                }
            }

            async fn find_user(&self, name: &str) -> Result<UserRow, StoreError> {
                let row = sqlx::query(sql::FIND_USER)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                user(&row)
            }

            async fn list_users(&self) -> Result<Vec<UserRow>, StoreError> {
                let rows = sqlx::query(sql::LIST_USERS).fetch_all(&self.pool).await?;
                rows.iter().map(user).collect()
            }

            async fn update_user(
                &self,
                name: &str,
                change: UserChange<'_>,
            ) -> Result<UserRow, StoreError> {
                let mut tx = self.pool.begin().await?;
                let row = sqlx::query(sql::UPDATE_USER)
                    .bind(name)
                    .bind(change.password_hash)
                    .bind(change.role.map(Role::as_str))
                    .bind(change.must_change_password)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(row) = row else {
                    drop(tx);
                    return Err(self.missing_or_last_admin(name).await);
                };
                let updated = user(&row)?;
                if change.password_hash.is_some() {
                    sqlx::query(sql::DELETE_USER_SESSIONS)
                        .bind(updated.id)
                        .bind(change.keep_session)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(updated)
            }

            async fn delete_user(&self, name: &str) -> Result<(), StoreError> {
                let deleted = sqlx::query(sql::DELETE_USER)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?;
                match deleted {
                    Some(_) => Ok(()),
                    None => Err(self.missing_or_last_admin(name).await),
                }
            }

            async fn create_session(
                &self,
                token_hash: &str,
                user_id: i64,
                now_ms: i64,
                expires_at_ms: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::CREATE_SESSION)
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(now_ms)
                    .bind(expires_at_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session_user(
                &self,
                token_hash: &str,
                now_ms: i64,
            ) -> Result<Option<(UserRow, i64)>, StoreError> {
                let row = sqlx::query(sql::SESSION_USER)
                    .bind(token_hash)
                    .bind(now_ms)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|row| Ok((user(&row)?, row.try_get("expires_at_ms")?)))
                    .transpose()
            }

            async fn extend_session(
                &self,
                token_hash: &str,
                expires_at_ms: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::EXTEND_SESSION)
                    .bind(token_hash)
                    .bind(expires_at_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query(sql::DELETE_SESSION)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_expired_sessions(&self, now_ms: i64) -> Result<(), StoreError> {
                sqlx::query(sql::DELETE_EXPIRED_SESSIONS)
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_token(
                &self,
                user_id: i64,
                name: &str,
                token_hash: &str,
                role: Role,
                now_ms: i64,
            ) -> Result<TokenRow, StoreError> {
                let id: i64 = sqlx::query(sql::CREATE_TOKEN)
                    .bind(user_id)
                    .bind(name)
                    .bind(token_hash)
                    .bind(role.as_str())
                    .bind(now_ms)
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("id")?;
                self.token_by_id(id, None).await
            }

            async fn list_tokens(&self, user_id: Option<i64>) -> Result<Vec<TokenRow>, StoreError> {
                let rows = sqlx::query(sql::LIST_TOKENS)
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(token).collect()
            }

            async fn revoke_token(
                &self,
                id: i64,
                user_id: Option<i64>,
                now_ms: i64,
            ) -> Result<TokenRow, StoreError> {
                sqlx::query(sql::REVOKE_TOKEN)
                    .bind(id)
                    .bind(user_id)
                    .bind(now_ms)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                self.token_by_id(id, user_id).await
            }

            async fn token_user(
                &self,
                token_hash: &str,
            ) -> Result<Option<(UserRow, TokenRow)>, StoreError> {
                let row = sqlx::query(sql::TOKEN_USER)
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|row| {
                    let owner = user(&row)?;
                    let token = TokenRow {
                        id: row.try_get("token_id")?,
                        name: row.try_get("token_name")?,
                        owner: owner.name.clone(),
                        role: super::role(row.try_get("token_role")?)?,
                        created_at_ms: row.try_get("token_created_at_ms")?,
                        revoked_at_ms: None,
                    };
                    Ok((owner, token))
                })
                .transpose()
            }

            async fn create_instance(&self, row: &InstanceRow) -> Result<i64, StoreError> {
                let id: i64 = sqlx::query(sql::CREATE_INSTANCE)
                    .bind(row.workflow_id)
                    .bind(row.workflow_version)
                    .bind(&row.name)
                    .bind(&row.definition)
                    .bind(&row.conf)
                    .bind(&row.created_by)
                    .bind(&row.status)
                    .bind(row.run)
                    .bind(row.parent_id)
                    .bind(&row.parent_node)
                    .bind(row.priority)
                    .bind(row.created_at_ms)
                    .bind(row.coord.map(|c| c.0))
                    .bind(row.coord.map(|c| c.1))
                    .bind(row.coord.map(|c| c.2))
                    .bind(self.claimed().0)
                    .bind(self.claimed().1)
                    .bind(row.coord.map(|c| format!("c:{}", c.0)))
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("id")?;
                Ok(id)
            }

            async fn write_run(
                &self,
                instances: &[InstanceRow],
                nodes: &[NodeRow],
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                for i in instances {
                    sqlx::query(sql::UPDATE_INSTANCE)
                        .bind(i.id)
                        .bind(&i.status)
                        .bind(i.run)
                        .bind(&i.error_code)
                        .bind(&i.error_message)
                        .bind(&i.last_error_node)
                        .bind(&i.kill_pending)
                        .bind(i.started_at_ms)
                        .bind(i.ended_at_ms)
                        .bind(i.updated_at_ms)
                        .execute(&mut *tx)
                        .await?;
                }
                upsert_nodes(&mut tx, nodes).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn restart_instance(
                &self,
                row: &InstanceRow,
                nodes: &[NodeRow],
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                let changed = sqlx::query(sql::RESTART_INSTANCE)
                    .bind(row.id)
                    .bind(&row.status)
                    .bind(row.run)
                    .bind(&row.error_code)
                    .bind(&row.error_message)
                    .bind(&row.last_error_node)
                    .bind(&row.kill_pending)
                    .bind(row.started_at_ms)
                    .bind(row.ended_at_ms)
                    .bind(row.updated_at_ms)
                    .bind(&row.conf)
                    .bind(&row.definition)
                    .bind(row.workflow_version)
                    .bind(self.claimed().0)
                    .bind(self.claimed().1)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                sqlx::query(sql::DELETE_INSTANCE_NODES)
                    .bind(row.id)
                    .execute(&mut *tx)
                    .await?;
                upsert_nodes(&mut tx, nodes).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_coord_job(&self, row: &CoordJobRow) -> Result<i64, StoreError> {
                let id: i64 = sqlx::query(sql::CREATE_COORD_JOB)
                    .bind(row.coordinator_id)
                    .bind(row.coordinator_version)
                    .bind(&row.name)
                    .bind(&row.definition)
                    .bind(&row.included)
                    .bind(&row.conf)
                    .bind(&row.created_by)
                    .bind(&row.status)
                    .bind(row.last_action_number)
                    .bind(row.next_materialized_ms)
                    .bind(row.end_ms)
                    .bind(row.pause_ms)
                    .bind(row.concurrency)
                    .bind(row.created_at_ms)
                    .bind(&row.kind)
                    .bind(row.planned)
                    .bind(self.claimed().0)
                    .bind(self.claimed().1)
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("id")?;
                Ok(id)
            }

            async fn write_coord(
                &self,
                job: &CoordJobRow,
                actions: &[CoordActionRow],
                deleted: &[i64],
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(sql::UPDATE_COORD_JOB)
                    .bind(job.id)
                    .bind(&job.status)
                    .bind(job.last_action_number)
                    .bind(job.next_materialized_ms)
                    .bind(job.end_ms)
                    .bind(job.pause_ms)
                    .bind(job.concurrency)
                    .bind(&job.error_code)
                    .bind(&job.error_message)
                    .bind(job.updated_at_ms)
                    .bind(self.claimed().0)
                    .bind(self.claimed().1)
                    .execute(&mut *tx)
                    .await?;
                for number in deleted {
                    sqlx::query(sql::DELETE_COORD_ACTION)
                        .bind(job.id)
                        .bind(number)
                        .execute(&mut *tx)
                        .await?;
                }
                for chunk in actions.chunks(NODES_PER_STATEMENT) {
                    let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO coord_actions (");
                    q.push(sql::COORD_ACTION_COLUMNS).push(") ");
                    q.push_values(chunk, |mut b, a| {
                        b.push_bind(a.job_id)
                            .push_bind(a.number)
                            .push_bind(a.nominal_ms)
                            .push_bind(a.created_ms)
                            .push_bind(&a.status)
                            .push_bind(&a.inputs)
                            .push_bind(&a.outputs)
                            .push_bind(&a.configuration)
                            .push_bind(&a.missing)
                            .push_bind(a.instance_id)
                            .push_bind(i64::from(a.rerun_failed))
                            .push_bind(a.tries)
                            .push_bind(&a.error_code)
                            .push_bind(&a.error_message)
                            .push_bind(a.updated_ms);
                    });
                    q.push(sql::UPSERT_COORD_ACTIONS_TAIL);
                    q.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            fn set_owner(&self, owner: &str, lease_ms: i64) {
                *self
                    .claim
                    .write()
                    .expect("the claim lock is never poisoned") =
                    Some((owner.to_owned(), lease_ms));
            }

            async fn heartbeat(
                &self,
                owner: &str,
                now_ms: i64,
                lease_ms: i64,
            ) -> Result<Owned, StoreError> {
                let until = now_ms + lease_ms;
                let locked = usize::from($skip_locked);
                let mut tx = self.pool.begin().await?;
                for renew in [sql::RENEW_COORD_JOBS, sql::RENEW_INSTANCES] {
                    sqlx::query(renew)
                        .bind(owner)
                        .bind(until)
                        .execute(&mut *tx)
                        .await?;
                }
                let jobs: Vec<i64> = sqlx::query_scalar(sql::FREE_COORD_JOBS[locked])
                    .bind(now_ms)
                    .fetch_all(&mut *tx)
                    .await?;
                for job in jobs {
                    sqlx::query(sql::TAKE_COORD_JOB)
                        .bind(owner)
                        .bind(until)
                        .bind(job)
                        .execute(&mut *tx)
                        .await?;
                    // Its actions' workflows: the family has no head row of its own.
                    sqlx::query(sql::TAKE_FAMILY)
                        .bind(owner)
                        .bind(until)
                        .bind(0_i64)
                        .bind(format!("c:{job}"))
                        .execute(&mut *tx)
                        .await?;
                }
                let roots: Vec<i64> = sqlx::query_scalar(sql::FREE_ROOT_INSTANCES[locked])
                    .bind(now_ms)
                    .fetch_all(&mut *tx)
                    .await?;
                for root in roots {
                    sqlx::query(sql::TAKE_FAMILY)
                        .bind(owner)
                        .bind(until)
                        .bind(root)
                        .bind(format!("i:{root}"))
                        .execute(&mut *tx)
                        .await?;
                }
                let coord_jobs = sqlx::query_scalar(sql::OWNED_COORD_JOBS)
                    .bind(owner)
                    .fetch_all(&mut *tx)
                    .await?;
                let instances = sqlx::query_scalar(sql::OWNED_INSTANCES)
                    .bind(owner)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Owned {
                    coord_jobs,
                    instances,
                })
            }

            async fn active_coord_jobs(
                &self,
            ) -> Result<Vec<(CoordJobRow, Vec<CoordActionRow>)>, StoreError> {
                let rows = sqlx::query(sql::ACTIVE_COORD_JOBS)
                    .fetch_all(&self.pool)
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in &rows {
                    let job = coord_job_row(row)?;
                    let actions = self.coord_actions(job.id).await?;
                    out.push((job, actions));
                }
                Ok(out)
            }

            async fn get_coord_job(
                &self,
                id: i64,
            ) -> Result<(CoordJobRow, Vec<CoordActionRow>), StoreError> {
                let row = sqlx::query(sql::GET_COORD_JOB)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                Ok((coord_job_row(&row)?, self.coord_actions(id).await?))
            }

            async fn list_coord_jobs(
                &self,
                query: &CoordJobQuery,
            ) -> Result<(Vec<CoordJobRow>, i64), StoreError> {
                let (rows, total) = self
                    .filtered_page(
                        (sql::LIST_COORD_JOBS, sql::COUNT_COORD_JOBS),
                        query.coordinator_id,
                        &query.status,
                        (query.since, query.until),
                        (query.limit, query.offset),
                    )
                    .await?;
                let items = rows
                    .iter()
                    .map(coord_job_row)
                    .collect::<Result<_, StoreError>>()?;
                Ok((items, total))
            }

            async fn coord_instance(
                &self,
                job: i64,
                action: i64,
                try_: i64,
            ) -> Result<Option<i64>, StoreError> {
                Ok(sqlx::query(sql::COORD_INSTANCE)
                    .bind(job)
                    .bind(action)
                    .bind(try_)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|row| row.try_get("id"))
                    .transpose()?)
            }

            async fn active_instances(
                &self,
            ) -> Result<Vec<(InstanceRow, Vec<NodeRow>)>, StoreError> {
                let rows = sqlx::query(sql::ACTIVE_INSTANCES)
                    .fetch_all(&self.pool)
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in &rows {
                    let instance = instance_row(row)?;
                    let nodes = self.instance_nodes(instance.id).await?;
                    out.push((instance, nodes));
                }
                Ok(out)
            }

            async fn get_instance(
                &self,
                id: i64,
            ) -> Result<(InstanceRow, Vec<NodeRow>), StoreError> {
                let row = sqlx::query(sql::GET_INSTANCE)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                Ok((instance_row(&row)?, self.instance_nodes(id).await?))
            }

            async fn coord_action_tally(
                &self,
                jobs: &[i64],
            ) -> Result<Vec<ActionTally>, StoreError> {
                if jobs.is_empty() {
                    return Ok(Vec::new());
                }
                let marks: Vec<String> = (1..=jobs.len()).map(|i| format!("${i}")).collect();
                let text = format!(
                    "{}({}){}",
                    sql::ACTION_TALLY.0,
                    marks.join(", "),
                    sql::ACTION_TALLY.1
                );
                // Only numbered placeholders are spliced in; the ids are bound.
                let mut query = sqlx::query(sqlx::AssertSqlSafe(text));
                for job in jobs {
                    query = query.bind(*job);
                }
                let rows = query.fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|row| {
                        Ok(ActionTally {
                            job_id: row.try_get("job_id")?,
                            status: row.try_get("status")?,
                            count: row.try_get("n")?,
                            last_nominal_ms: row.try_get("last_ms")?,
                        })
                    })
                    .collect()
            }

            async fn list_instances(
                &self,
                query: &InstanceQuery,
            ) -> Result<(Vec<InstanceItem>, i64), StoreError> {
                let (rows, total) = self
                    .filtered_page(
                        (sql::LIST_INSTANCES, sql::COUNT_INSTANCES),
                        query.workflow_id,
                        &query.status,
                        (query.since, query.until),
                        (query.limit, query.offset),
                    )
                    .await?;
                let items = rows
                    .iter()
                    .map(instance_item)
                    .collect::<Result<_, StoreError>>()?;
                Ok((items, total))
            }

            async fn append_audit(&self, record: AuditRecord<'_>) -> Result<(), StoreError> {
                sqlx::query(sql::APPEND_AUDIT)
                    .bind(record.at_ms)
                    .bind(record.actor)
                    .bind(record.via)
                    .bind(record.action)
                    .bind(record.target)
                    .bind(i64::from(record.status))
                    .bind(record.remote)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_sealed(&self, table: Sealed, c: &SealedRow) -> Result<i64, StoreError> {
                let row = sqlx::query(sealed_sql(table).create)
                    .bind(&c.name)
                    .bind(&c.kind)
                    .bind(&c.settings)
                    .bind(&c.secret)
                    .bind(c.created_at_ms)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| super::name_taken(e, table.what(), &c.name))?;
                Ok(row.try_get("id")?)
            }

            async fn update_sealed(&self, table: Sealed, c: &SealedRow) -> Result<(), StoreError> {
                let done = sqlx::query(sealed_sql(table).update)
                    .bind(c.id)
                    .bind(&c.name)
                    .bind(&c.settings)
                    .bind(&c.secret)
                    .bind(c.updated_at_ms)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| super::name_taken(e, table.what(), &c.name))?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn delete_sealed(&self, table: Sealed, id: i64) -> Result<(), StoreError> {
                let done = sqlx::query(sealed_sql(table).delete)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn list_sealed(&self, table: Sealed) -> Result<Vec<SealedRow>, StoreError> {
                let rows = sqlx::query(sealed_sql(table).list)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(sealed_row).collect()
            }

            async fn get_sealed(
                &self,
                table: Sealed,
                id: i64,
            ) -> Result<Option<SealedRow>, StoreError> {
                let row = sqlx::query(sealed_sql(table).get)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(sealed_row).transpose()
            }

            async fn append_delivery(&self, d: &DeliveryRow) -> Result<(), StoreError> {
                sqlx::query(sql::APPEND_DELIVERY)
                    .bind(d.channel_id)
                    .bind(&d.alert)
                    .bind(d.attempt)
                    .bind(d.status)
                    .bind(&d.detail)
                    .bind(d.delivered)
                    .bind(d.at_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list_deliveries(
                &self,
                channel_id: Option<i64>,
                limit: i64,
            ) -> Result<Vec<DeliveryRow>, StoreError> {
                let rows = sqlx::query(sql::LIST_DELIVERIES)
                    .bind(channel_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(delivery_row).collect()
            }

            async fn create_group(&self, g: &GroupRow) -> Result<i64, StoreError> {
                let row = sqlx::query(sql::CREATE_GROUP)
                    .bind(&g.name)
                    .bind(&g.channels)
                    .bind(g.created_at_ms)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| super::name_taken(e, "group", &g.name))?;
                Ok(row.try_get("id")?)
            }

            async fn update_group(&self, g: &GroupRow) -> Result<(), StoreError> {
                let done = sqlx::query(sql::UPDATE_GROUP)
                    .bind(g.id)
                    .bind(&g.name)
                    .bind(&g.channels)
                    .bind(g.updated_at_ms)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| super::name_taken(e, "group", &g.name))?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn delete_group(&self, id: i64) -> Result<(), StoreError> {
                let done = sqlx::query(sql::DELETE_GROUP)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn list_groups(&self) -> Result<Vec<GroupRow>, StoreError> {
                let rows = sqlx::query(sql::LIST_GROUPS).fetch_all(&self.pool).await?;
                rows.iter().map(group_row).collect()
            }

            async fn get_group(&self, id: i64) -> Result<Option<GroupRow>, StoreError> {
                let row = sqlx::query(sql::GET_GROUP)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(group_row).transpose()
            }

            async fn get_policy(&self, target: &str) -> Result<Option<PolicyRow>, StoreError> {
                let row = sqlx::query(sql::GET_POLICY)
                    .bind(target)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(policy_row).transpose()
            }

            async fn put_policy(&self, p: &PolicyRow) -> Result<(), StoreError> {
                sqlx::query(sql::PUT_POLICY)
                    .bind(&p.target)
                    .bind(&p.settings)
                    .bind(&p.updated_by)
                    .bind(p.updated_at_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list_policies(&self) -> Result<Vec<PolicyRow>, StoreError> {
                let rows = sqlx::query(sql::LIST_POLICIES)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(policy_row).collect()
            }

            async fn claim_alert(&self, key: &str, at_ms: i64) -> Result<bool, StoreError> {
                let done = sqlx::query(sql::CLAIM_ALERT)
                    .bind(key)
                    .bind(at_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn alert_subjects(
                &self,
                ended_since_ms: i64,
                limit: i64,
            ) -> Result<Vec<AlertSubject>, StoreError> {
                let rows = sqlx::query(sql::ALERT_SUBJECTS)
                    .bind(ended_since_ms)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(alert_subject).collect()
            }

            async fn running_tasks(&self, limit: i64) -> Result<Vec<RunningTask>, StoreError> {
                let rows = sqlx::query(sql::RUNNING_TASKS)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok(RunningTask {
                            instance_id: row.try_get("instance_id")?,
                            node: row.try_get("node")?,
                            attempts: row.try_get("attempts")?,
                            started_at_ms: row.try_get("started_at_ms")?,
                        })
                    })
                    .collect()
            }

            async fn instance_time(&self, id: i64) -> Result<i64, StoreError> {
                let row = sqlx::query(sql::INSTANCE_TIME)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                Ok(row.try_get("t")?)
            }

            async fn period_runs(
                &self,
                workflow: &str,
                from_ms: i64,
                to_ms: i64,
            ) -> Result<Option<Vec<super::PeriodRun>>, StoreError> {
                let Some(id) = sqlx::query(sql::WORKFLOW_ID_BY_NAME)
                    .bind(workflow)
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                let id: i64 = id.try_get("id")?;
                let rows = sqlx::query(sql::PERIOD_RUNS)
                    .bind(id)
                    .bind(from_ms)
                    .bind(to_ms)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok(super::PeriodRun {
                            id: row.try_get("id")?,
                            status: row.try_get("status")?,
                            time_ms: row.try_get("t")?,
                        })
                    })
                    .collect::<Result<Vec<_>, StoreError>>()
                    .map(Some)
            }

            async fn list_audit(
                &self,
                before: Option<i64>,
                limit: i64,
            ) -> Result<Vec<AuditRow>, StoreError> {
                let rows = sqlx::query(sql::LIST_AUDIT)
                    .bind(before)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(audit_row).collect()
            }

            async fn list_audit_of(
                &self,
                path: &str,
                limit: i64,
            ) -> Result<Vec<AuditRow>, StoreError> {
                let rows = sqlx::query(sql::LIST_AUDIT_OF)
                    .bind(path)
                    .bind(format!("{path}/%"))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(audit_row).collect()
            }
        }
    };
}
pub(crate) use sql_store;
