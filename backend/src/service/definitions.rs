//! What workflows and coordinators share: a name space, versions, publishing, limits, and
//! a server-side validation with every save. One generic implementation, so the two kinds
//! cannot drift apart in how they are saved, restored or paged.

use shared::api::{Page, Record, Saved, Summary, ValidationReport, VersionRecord, VersionSummary};
use shared::coord::Coordinator;
use shared::workflow::Workflow;

use super::{MAX_EDGES, MAX_NAME_LEN, MAX_NODES, ServiceError, now_ms, rfc3339};
use crate::AppState;
use crate::store::{Definition, ListQuery, Save, StoreError, Stored, VersionInfo};

/// The service's side of a definition kind: how it starts, its limits, its checks.
pub trait Versioned: Definition + Clone {
    /// The structural difference of two versions.
    type Diff: serde::Serialize + Send;

    /// A new, empty definition; `now_ms` for kinds whose defaults depend on the date.
    fn empty(name: &str, now_ms: i64) -> Self;
    /// Refuses definitions too large (or unnamed) to be worth storing.
    fn check_limits(&self) -> Result<(), ServiceError>;
    /// What Oozie would say at submit time; `user` submits.
    fn validation(&self, user: &str) -> ValidationReport;
    fn diff(before: &Self, after: &Self) -> Self::Diff;
    /// The files of its Oozie application directory: the definition's XML, then
    /// job.properties. Refused with the issues when Oozie would reject the XML.
    fn app_files(&self) -> Result<[(&'static str, String); 2], ServiceError>;
    /// Files the app needs beside those two (a Python task's script), by path in the app.
    fn extra_files(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

impl Versioned for Workflow {
    type Diff = shared::workflow::diff::WorkflowDiff;

    fn empty(name: &str, _now_ms: i64) -> Self {
        Workflow::new_drawing(name)
    }

    fn check_limits(&self) -> Result<(), ServiceError> {
        check_name(&self.name, "workflow")?;
        if self.nodes.len() > MAX_NODES || self.edges.len() > MAX_EDGES {
            return Err(ServiceError::BadInput(format!(
                "a workflow has at most {MAX_NODES} nodes and {MAX_EDGES} edges \
                 (this one has {} and {})",
                self.nodes.len(),
                self.edges.len()
            )));
        }
        Ok(())
    }

    fn validation(&self, _user: &str) -> ValidationReport {
        ValidationReport::of(self)
    }

    fn diff(before: &Self, after: &Self) -> Self::Diff {
        shared::workflow::diff::diff(before, after)
    }

    fn app_files(&self) -> Result<[(&'static str, String); 2], ServiceError> {
        let xml = shared::oozie::to_workflow_xml(self).map_err(|err| {
            let message = err.to_string();
            let shared::oozie::ExportError::Invalid(issues) = err;
            ServiceError::Invalid { message, issues }
        })?;
        Ok([
            ("workflow.xml", xml),
            ("job.properties", shared::oozie::to_job_properties(self)),
        ])
    }

    fn extra_files(&self) -> Vec<(String, String)> {
        shared::oozie::extra_files(self)
    }
}

/// Datasets, events, parameters and properties of one coordinator: far above real ones
/// (Oozie's own XML limit holds a few hundred), low enough that resolving stays instant.
pub const MAX_COORDINATOR_PARTS: usize = 5_000;

impl Versioned for Coordinator {
    type Diff = shared::coord::diff::CoordinatorDiff;

    /// Daily at midnight UTC from the next midnight, for a year: where Hue's editor starts.
    /// The workflow to run is left for the user to choose (validation says so).
    fn empty(name: &str, now_ms: i64) -> Self {
        const DAY_MS: i64 = 86_400_000;
        let start = (now_ms.div_euclid(DAY_MS) + 1) * DAY_MS;
        let end = start + 365 * DAY_MS;
        let minute = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .unwrap_or_default()
                .format("%Y-%m-%dT%H:%MZ")
                .to_string()
        };
        Coordinator::new(name, "", &minute(start), &minute(end))
    }

    fn check_limits(&self) -> Result<(), ServiceError> {
        check_name(&self.name, "coordinator")?;
        let parts = self.datasets.len()
            + self.inputs.len()
            + self.outputs.len()
            + self.parameters.len()
            + self.configuration.len()
            + self.job_properties.len()
            + self.input_logic.len();
        if parts > MAX_COORDINATOR_PARTS {
            return Err(ServiceError::BadInput(format!(
                "a coordinator has at most {MAX_COORDINATOR_PARTS} datasets, events, \
                 parameters and properties together (this one has {parts})"
            )));
        }
        Ok(())
    }

    fn validation(&self, user: &str) -> ValidationReport {
        ValidationReport::of_coordinator(self, user)
    }

    fn diff(before: &Self, after: &Self) -> Self::Diff {
        shared::coord::diff::diff(before, after)
    }

    /// Checked with the coordinator's own job.properties, submitted as `sluice`: a
    /// coordinator that cannot be submitted is not exported, as with workflows.
    fn app_files(&self) -> Result<[(&'static str, String); 2], ServiceError> {
        let report = self.validation("sluice");
        if !report.valid {
            return Err(ServiceError::Invalid {
                message: format!(
                    "Oozie would reject this coordinator: {}",
                    report
                        .issues
                        .first()
                        .map_or("", |issue| issue.message.as_str())
                ),
                issues: report.issues,
            });
        }
        Ok([
            (
                "coordinator.xml",
                shared::coord::xml::to_coordinator_xml(self),
            ),
            ("job.properties", self.to_job_properties()),
        ])
    }
}

fn check_name(name: &str, noun: &str) -> Result<(), ServiceError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::BadInput(format!("a {noun} needs a name")));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(ServiceError::BadInput(format!(
            "a {noun} name has at most {MAX_NAME_LEN} characters"
        )));
    }
    Ok(())
}

/// A definition that is not stored, checked as Oozie would at submit time.
pub fn validate<T: Versioned>(
    definition: &T,
    user: &str,
) -> Result<ValidationReport, ServiceError> {
    definition.check_limits()?;
    Ok(definition.validation(user))
}

pub async fn list<T: Versioned>(
    state: &AppState,
    name_contains: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Page<Summary>, ServiceError> {
    let (limit, offset) = super::page_bounds(limit, offset)?;
    let name_contains = name_contains.filter(|q| !q.trim().is_empty());
    if name_contains
        .as_ref()
        .is_some_and(|q| q.chars().count() > MAX_NAME_LEN)
    {
        return Err(ServiceError::BadInput(format!(
            "a name filter has at most {MAX_NAME_LEN} characters"
        )));
    }
    let query = ListQuery {
        name_contains,
        limit,
        offset,
    };
    let page = state
        .store
        .list_definitions(T::KIND, &query)
        .await
        .map_err(missing::<T>)?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|w| Summary {
                id: w.id,
                name: w.name,
                size: usize::try_from(w.size).unwrap_or_default(),
                revision: w.revision,
                published_version: w.published_version,
                updated_at: rfc3339(w.updated_at_ms),
            })
            .collect(),
        total: page.total,
        offset,
        limit,
    })
}

pub async fn create<T: Versioned>(
    state: &AppState,
    name: &str,
    author: &str,
) -> Result<Record<T>, ServiceError> {
    let now = now_ms();
    let definition = T::empty(name.trim(), now);
    definition.check_limits()?;
    let save = Save {
        author: Some(author),
        comment: "created",
        now_ms: now,
    };
    Ok(record(
        state
            .store
            .create(&definition, save)
            .await
            .map_err(missing::<T>)?,
    ))
}

pub async fn get<T: Versioned>(state: &AppState, id: i64) -> Result<Record<T>, ServiceError> {
    Ok(record(
        state.store.get::<T>(id).await.map_err(missing::<T>)?,
    ))
}

pub async fn save<T: Versioned>(
    state: &AppState,
    id: i64,
    revision: Option<i64>,
    definition: T,
    comment: Option<&str>,
    author: &str,
) -> Result<Saved<T>, ServiceError> {
    definition.check_limits()?;
    let comment = check_comment(comment.unwrap_or_default())?;
    let save = Save {
        author: Some(author),
        comment,
        now_ms: now_ms(),
    };
    let stored = state
        .store
        .update(id, revision, &definition, save)
        .await
        .map_err(missing::<T>)?;
    let validation = stored.definition.validation(author);
    Ok(Saved {
        record: record(stored),
        validation,
    })
}

/// Saves `definition` as a new version of the definition of its name, or creates it: what
/// an import or `sluice workflow put` does. Says whether it created.
pub async fn upsert<T: Versioned>(
    state: &AppState,
    definition: &T,
    comment: &str,
    author: &str,
) -> Result<(Saved<T>, bool), ServiceError> {
    definition.check_limits()?;
    let comment = check_comment(comment)?;
    let save = Save {
        author: Some(author),
        comment,
        now_ms: now_ms(),
    };
    let (stored, created) = match state.store.find::<T>(definition.name()).await {
        Ok(existing) => (
            state
                .store
                .update(existing.id, None, definition, save)
                .await
                .map_err(missing::<T>)?,
            false,
        ),
        Err(StoreError::NotFound) => (
            state
                .store
                .create(definition, save)
                .await
                .map_err(missing::<T>)?,
            true,
        ),
        Err(err) => return Err(missing::<T>(err)),
    };
    let validation = stored.definition.validation(author);
    Ok((
        Saved {
            record: record(stored),
            validation,
        },
        created,
    ))
}

/// The versions, newest first.
pub async fn versions<T: Versioned>(
    state: &AppState,
    id: i64,
) -> Result<Vec<VersionSummary>, ServiceError> {
    Ok(state
        .store
        .list_versions(T::KIND, id)
        .await
        .map_err(missing::<T>)?
        .into_iter()
        .map(version_summary)
        .collect())
}

pub async fn version<T: Versioned>(
    state: &AppState,
    id: i64,
    version: i64,
) -> Result<VersionRecord<T>, ServiceError> {
    let (info, definition) = state
        .store
        .version::<T>(id, version)
        .await
        .map_err(missing::<T>)?;
    Ok(VersionRecord {
        summary: version_summary(info),
        definition,
    })
}

/// Saves an old version's definition as the newest version (nothing is rewritten: the
/// history keeps every version, and says where this one came from).
pub async fn restore<T: Versioned>(
    state: &AppState,
    id: i64,
    version: i64,
    revision: Option<i64>,
    author: &str,
) -> Result<Saved<T>, ServiceError> {
    let (_, definition) = state
        .store
        .version::<T>(id, version)
        .await
        .map_err(missing::<T>)?;
    let comment = format!("restored version {version}");
    save(state, id, revision, definition, Some(&comment), author).await
}

/// What changed from version `from` to version `to`.
pub async fn diff<T: Versioned>(
    state: &AppState,
    id: i64,
    from: i64,
    to: i64,
) -> Result<T::Diff, ServiceError> {
    let (_, before) = state
        .store
        .version::<T>(id, from)
        .await
        .map_err(missing::<T>)?;
    let (_, after) = state
        .store
        .version::<T>(id, to)
        .await
        .map_err(missing::<T>)?;
    Ok(T::diff(&before, &after))
}

/// Makes a version the one the scheduler runs; later saves do not change it.
pub async fn publish<T: Versioned>(
    state: &AppState,
    id: i64,
    version: i64,
) -> Result<Record<T>, ServiceError> {
    state
        .store
        .publish(T::KIND, id, version)
        .await
        .map_err(missing::<T>)?;
    get(state, id).await
}

/// Version comments are for people: a line or a short paragraph.
const MAX_COMMENT_LEN: usize = 2000;

fn check_comment(comment: &str) -> Result<&str, ServiceError> {
    if comment.chars().count() > MAX_COMMENT_LEN {
        return Err(ServiceError::BadInput(format!(
            "a version comment has at most {MAX_COMMENT_LEN} characters"
        )));
    }
    Ok(comment.trim())
}

fn version_summary(v: VersionInfo) -> VersionSummary {
    VersionSummary {
        version: v.version,
        size: usize::try_from(v.size).unwrap_or_default(),
        author: v.author,
        comment: v.comment,
        created_at: rfc3339(v.created_at_ms),
    }
}

/// A store error, with "not found" naming the kind that was looked for.
fn missing<T: Definition>(err: StoreError) -> ServiceError {
    match err {
        StoreError::NotFound => ServiceError::NotFound(T::KIND.noun().to_owned()),
        other => other.into(),
    }
}

pub(super) fn record<T>(stored: Stored<T>) -> Record<T> {
    Record {
        id: stored.id,
        revision: stored.revision,
        updated_at: rfc3339(stored.updated_at_ms),
        definition: stored.definition,
        published_version: stored.published_version,
    }
}
