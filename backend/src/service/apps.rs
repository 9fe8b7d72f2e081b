//! Oozie application directories in and out: export of a definition as its files or one
//! zip, and import of a single XML file or a zip of app directories, with a report of what
//! became of every file.
//!
//! Import reads what an Oozie app directory holds: `*.xml` whose root is a workflow or a
//! coordinator becomes a definition, with the `job.properties` beside it (for
//! `workflow-X.xml` or `coordinator-X.xml`, `job-X.properties` when there is one, as in
//! Oozie's own examples); dataset files a coordinator `<include>`s are inlined into it.
//! Everything else (bundles, scripts, jars) is listed as skipped with the reason, never
//! silently dropped. A definition whose name is already stored becomes its next version, so
//! importing the same app again is an update with history, not a copy.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};

use shared::api::{ImportReport, ImportedDefinition, SkippedFile};
use shared::coord::Coordinator;
use shared::coord::xml::from_coordinator_xml;
use shared::oozie::{ImportError, from_workflow_xml, parse_job_properties};
use shared::workflow::Workflow;

use super::ServiceError;
use super::definitions::{self, Versioned};
use crate::AppState;
use crate::store::StoreError;

/// The most files an archive may hold, and the most bytes they may unpack to: far above
/// any Oozie app (a handful of XML files), far below what would strain the server.
pub const MAX_ENTRIES: usize = 2_000;
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// The largest definition or properties file read: ten times Oozie's own limit on a
/// workflow.xml (100,000 characters).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// How a definition is downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// workflow.xml or coordinator.xml.
    Xml,
    /// job.properties.
    Properties,
    /// Both, in a folder named after the definition.
    Zip,
}

/// A file to download.
#[derive(Debug)]
pub struct Download {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A stored definition's app files: its newest version, or `version`.
pub async fn export<T: Versioned>(
    state: &AppState,
    id: i64,
    version: Option<i64>,
    format: Format,
) -> Result<Download, ServiceError> {
    let definition: T = match version {
        None => definitions::get::<T>(state, id).await?.definition,
        Some(v) => definitions::version::<T>(state, id, v).await?.definition,
    };
    download(&definition, format)
}

pub fn download<T: Versioned>(definition: &T, format: Format) -> Result<Download, ServiceError> {
    definition.check_limits()?;
    let [(xml_name, xml), (props_name, props)] = definition.app_files()?;
    Ok(match format {
        Format::Xml => Download {
            file_name: xml_name.to_owned(),
            content_type: "application/xml; charset=utf-8",
            bytes: xml.into_bytes(),
        },
        Format::Properties => Download {
            file_name: props_name.to_owned(),
            content_type: "text/plain; charset=utf-8",
            bytes: props.into_bytes(),
        },
        Format::Zip => {
            let folder = file_safe(definition.name());
            let extra = definition.extra_files();
            let mut files = vec![
                (format!("{folder}/{xml_name}"), xml.as_bytes()),
                (format!("{folder}/{props_name}"), props.as_bytes()),
            ];
            files.extend(
                extra
                    .iter()
                    .map(|(path, text)| (format!("{folder}/{path}"), text.as_bytes())),
            );
            Download {
                file_name: format!("{folder}.zip"),
                content_type: "application/zip",
                bytes: zip(&files),
            }
        }
    })
}

/// A name as a file or folder name on any system: letters, digits, `.`, `_` and `-`.
pub fn file_safe(name: &str) -> String {
    let safe: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let safe = safe.trim_matches('.');
    if safe.is_empty() {
        "app".to_owned()
    } else {
        safe.to_owned()
    }
}

pub fn zip(files: &[(String, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        writer
            .start_file(name.as_str(), options)
            .and_then(|()| writer.write_all(bytes).map_err(Into::into))
            .expect("writing a zip to memory cannot fail");
    }
    writer
        .finish()
        .expect("writing a zip to memory cannot fail")
        .into_inner()
}

/// Imports a single workflow.xml or coordinator.xml, or a zip of app directories. With
/// `dry_run`, reports what it would do and saves nothing.
pub async fn import(
    state: &AppState,
    body: &[u8],
    file_name: Option<&str>,
    dry_run: bool,
    author: &str,
) -> Result<ImportReport, ServiceError> {
    let plan = read_upload(body, file_name)?;
    let mut report = ImportReport {
        dry_run,
        imported: Vec::new(),
        skipped: plan.skipped,
    };
    for Planned {
        path,
        definition,
        notes,
    } in plan.definitions
    {
        let outcome = match definition {
            Parsed::Workflow(wf) => save(state, *wf, &path, notes, dry_run, author).await,
            Parsed::Coordinator(c) => save(state, *c, &path, notes, dry_run, author).await,
        };
        match outcome {
            Ok(imported) => report.imported.push(imported),
            Err(ServiceError::BadInput(reason) | ServiceError::Conflict(reason)) => {
                report.skipped.push(SkippedFile { path, reason });
            }
            Err(other) => return Err(other),
        }
    }
    Ok(report)
}

/// What an upload holds: its definitions, read and named, and the files skipped. Pure (no
/// store), so it can be fuzzed on its own.
pub fn read_upload(body: &[u8], file_name: Option<&str>) -> Result<Plan, ServiceError> {
    let files = if body.starts_with(b"PK\x03\x04") || body.starts_with(b"PK\x05\x06") {
        unzip(body)?
    } else {
        let name = file_name.unwrap_or("upload.xml");
        if name.contains('/') || name.contains('\\') || name.len() > 255 {
            return Err(ServiceError::BadInput(
                "the file name is a plain name, without folders".to_owned(),
            ));
        }
        vec![Entry {
            path: name.to_owned(),
            bytes: Ok(body.to_vec()),
        }]
    };
    Ok(plan(&files))
}

async fn save<T: Versioned>(
    state: &AppState,
    definition: T,
    path: &str,
    notes: Vec<String>,
    dry_run: bool,
    author: &str,
) -> Result<ImportedDefinition, ServiceError> {
    let (id, version, created, validation) = if dry_run {
        definition.check_limits()?;
        let created = match state.store.find::<T>(definition.name()).await {
            Ok(_) => false,
            Err(StoreError::NotFound) => true,
            Err(err) => return Err(err.into()),
        };
        (None, None, created, definition.validation(author))
    } else {
        let comment = format!("imported from {path}");
        let (saved, created) = definitions::upsert(state, &definition, &comment, author).await?;
        (
            Some(saved.record.id),
            Some(saved.record.revision),
            created,
            saved.validation,
        )
    };
    Ok(ImportedDefinition {
        kind: T::KIND,
        path: path.to_owned(),
        name: definition.name().to_owned(),
        id,
        version,
        created,
        notes,
        validation,
    })
}

/// One file of the upload: its path in the archive, and its bytes or why they were not read.
struct Entry {
    path: String,
    bytes: Result<Vec<u8>, String>,
}

fn unzip(body: &[u8]) -> Result<Vec<Entry>, ServiceError> {
    let bad = |e: zip::result::ZipError| ServiceError::BadInput(format!("not a readable zip: {e}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(body)).map_err(bad)?;
    if archive.len() > MAX_ENTRIES {
        return Err(ServiceError::BadInput(format!(
            "the zip has {} entries; at most {MAX_ENTRIES} are read",
            archive.len()
        )));
    }
    let mut unpacked = 0u64;
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(bad)?;
        if file.is_dir() {
            continue;
        }
        // Paths that climb out of the archive (`../`) or are absolute are refused by name.
        let Some(path) = file.enclosed_name() else {
            entries.push(Entry {
                path: file
                    .name()
                    .map_or_else(|_| "(an unreadable name)".to_owned(), |n| n.into_owned()),
                bytes: Err("an unsafe path (absolute, or leaving the archive)".to_owned()),
            });
            continue;
        };
        let path = path.to_string_lossy().replace('\\', "/");
        if !wanted(&path) {
            entries.push(Entry {
                path,
                bytes: Err(not_a_definition()),
            });
            continue;
        }
        // The size in the header is the archive's word; the reader is capped regardless.
        let mut bytes = Vec::new();
        let read = file
            .by_ref()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ServiceError::BadInput(format!("{path}: cannot unpack: {e}")))?;
        unpacked += read as u64;
        if unpacked > MAX_UNPACKED_BYTES {
            return Err(ServiceError::BadInput(format!(
                "the zip unpacks to more than {MAX_UNPACKED_BYTES} bytes"
            )));
        }
        let bytes = if read as u64 > MAX_FILE_BYTES {
            Err(format!("larger than {MAX_FILE_BYTES} bytes"))
        } else {
            Ok(bytes)
        };
        entries.push(Entry { path, bytes });
    }
    Ok(entries)
}

/// Files an import reads: XML (definitions, included datasets), properties, and Python
/// scripts (a Sluice Python task's, exported beside its workflow).
fn wanted(path: &str) -> bool {
    let name = file_name(path);
    !name.starts_with('.')
        && (name.ends_with(".xml") || name.ends_with(".properties") || name.ends_with(".py"))
}

fn not_a_definition() -> String {
    "not a definition: Sluice stores workflows and coordinators (scripts, jars and other \
     files stay with the app on HDFS)"
        .to_owned()
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

pub enum Parsed {
    Workflow(Box<Workflow>),
    Coordinator(Box<Coordinator>),
}

pub struct Planned {
    pub path: String,
    pub definition: Parsed,
    pub notes: Vec<String>,
}

pub struct Plan {
    pub definitions: Vec<Planned>,
    pub skipped: Vec<SkippedFile>,
}

/// Reads every file into a definition, or says why it is skipped. Pure: the store is only
/// touched afterwards.
fn plan(files: &[Entry]) -> Plan {
    let mut texts: BTreeMap<&str, &str> = BTreeMap::new();
    let mut skipped = Vec::new();
    for entry in files {
        match &entry.bytes {
            Err(reason) => skipped.push(SkippedFile {
                path: entry.path.clone(),
                reason: reason.clone(),
            }),
            Ok(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => {
                    texts.insert(&entry.path, text);
                }
                Err(e) => skipped.push(SkippedFile {
                    path: entry.path.clone(),
                    reason: format!("not UTF-8 text ({e})"),
                }),
            },
        }
    }
    // Files some definition used (properties, included datasets) are not reported again.
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let mut definitions = Vec::new();
    let mut names: BTreeSet<(bool, String)> = BTreeSet::new();
    for (&path, &text) in &texts {
        if !path.ends_with(".xml") {
            continue;
        }
        let dir = folder(path);
        let sibling = |name: &str| {
            let p = if dir.is_empty() {
                name.to_owned()
            } else {
                format!("{dir}/{name}")
            };
            texts.get_key_value(p.as_str()).map(|(k, v)| (*k, *v))
        };
        let mut notes = Vec::new();
        let properties = properties_for(file_name(path))
            .and_then(|name| sibling(&name))
            .or_else(|| sibling("job.properties"));
        if let Some((props_path, _)) = properties {
            notes.push(format!("job properties from {props_path}"));
        }
        let parsed = match root_of(text) {
            Some("workflow-app") => from_workflow_xml(text)
                .map_err(|e| match e {
                    ImportError::Xml(x) => {
                        format!("line {}, column {}: {}", x.line, x.column, x.message)
                    }
                    ImportError::Invalid(issues) => {
                        let first = issues.first().map(|i| format!("{}: {}", i.code, i.message));
                        format!("Oozie rejects this workflow: {}", first.unwrap_or_default())
                    }
                })
                .map(|imported| {
                    let mut wf = imported.workflow;
                    notes.extend(imported.notes);
                    notes.extend(
                        imported
                            .warnings
                            .into_iter()
                            .map(|w| format!("{}: {}", w.code, w.message)),
                    );
                    if let Some((_, props)) = properties {
                        wf.job_properties = parse_job_properties(props);
                    }
                    // A Python task exported by Sluice has its script beside workflow.xml.
                    let scripts = std::cell::RefCell::new(Vec::new());
                    let script = |p: &str| {
                        let (path, text) = sibling(p)?;
                        scripts.borrow_mut().push(path);
                        Some(text.to_owned())
                    };
                    notes.extend(shared::workflow::tasks::restore_all(&mut wf, Some(&script)));
                    used.extend(scripts.into_inner());
                    Parsed::Workflow(Box::new(wf))
                }),
            Some("coordinator-app") => {
                let include = |p: &str| {
                    let found = sibling(file_name(p));
                    found.map(|(_, text)| text.to_owned())
                };
                from_coordinator_xml(text, &include)
                    .map_err(|e| e.to_string())
                    .map(|imported| {
                        let mut c = imported.coordinator;
                        inline_includes(
                            &mut c,
                            imported.included,
                            &mut notes,
                            |p| sibling(file_name(p)).map(|(k, _)| k),
                            &mut used,
                        );
                        if let Some((_, props)) = properties {
                            c.job_properties = parse_job_properties(props);
                        }
                        Parsed::Coordinator(Box::new(c))
                    })
            }
            Some("bundle-app") => Err(
                "an Oozie bundle: Sluice schedules coordinators; import the bundle's \
                 coordinators instead"
                    .to_owned(),
            ),
            Some("datasets") => continue,
            Some(other) => Err(format!(
                "not a workflow or coordinator (the root is <{other}>)"
            )),
            None => Err("not XML with a root element".to_owned()),
        };
        match parsed {
            Err(reason) => skipped.push(SkippedFile {
                path: path.to_owned(),
                reason,
            }),
            Ok(mut definition) => {
                if let Some((props_path, _)) = properties {
                    used.insert(props_path);
                }
                // Two files of one archive with one name would overwrite each other's
                // versions; the later one is named after its file (or its folder, for the
                // usual file names) instead.
                let (is_wf, name) = match &mut definition {
                    Parsed::Workflow(wf) => (true, &mut wf.name),
                    Parsed::Coordinator(c) => (false, &mut c.name),
                };
                if !names.insert((is_wf, name.clone())) {
                    let stem = file_name(path).trim_end_matches(".xml");
                    let by = if matches!(stem, "workflow" | "coordinator") {
                        file_name(dir)
                    } else {
                        stem
                    };
                    let mut renamed = format!("{name}-{}", file_safe(by));
                    let mut n = 1;
                    while names.contains(&(is_wf, renamed.clone())) {
                        n += 1;
                        renamed = format!("{name}-{}-{n}", file_safe(by));
                    }
                    notes.push(format!(
                        "renamed from '{name}' to '{renamed}': another file of this import has that name"
                    ));
                    names.insert((is_wf, renamed.clone()));
                    *name = renamed;
                }
                definitions.push(Planned {
                    path: path.to_owned(),
                    definition,
                    notes,
                });
            }
        }
    }
    let read: BTreeSet<&str> = definitions
        .iter()
        .map(|d| d.path.as_str())
        .chain(skipped.iter().map(|s| s.path.as_str()))
        .collect();
    let mut unused = Vec::new();
    for (&path, &text) in &texts {
        if used.contains(path) || read.contains(path) {
            continue;
        }
        let reason = if path.ends_with(".properties") {
            "properties that no definition in this import uses".to_owned()
        } else if root_of(text) == Some("datasets") {
            "a datasets file no coordinator of this import includes".to_owned()
        } else {
            not_a_definition()
        };
        unused.push(SkippedFile {
            path: path.to_owned(),
            reason,
        });
    }
    skipped.extend(unused);
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Plan {
        definitions,
        skipped,
    }
}

/// Datasets of `<include>`d files become the coordinator's own (its own win on a name
/// clash, as in Oozie), so the stored coordinator stands alone; includes not in the
/// archive stay references, with a note.
fn inline_includes<'a>(
    c: &mut Coordinator,
    included: Vec<shared::coord::DatasetDef>,
    notes: &mut Vec<String>,
    found: impl Fn(&str) -> Option<&'a str>,
    used: &mut BTreeSet<&'a str>,
) {
    let mut kept = Vec::new();
    for include in std::mem::take(&mut c.includes) {
        match found(&include) {
            Some(path) => {
                used.insert(path);
                notes.push(format!(
                    "datasets of <include> {include} inlined from {path}"
                ));
            }
            None => {
                notes.push(format!(
                    "<include> {include} is not in this import: kept as a reference, and its \
                     datasets are unknown to validation"
                ));
                kept.push(include);
            }
        }
    }
    c.includes = kept;
    for d in included {
        if !c.datasets.iter().any(|own| own.name == d.name) {
            c.datasets.push(d);
        }
    }
}

/// `workflow-X.xml` and `coordinator-X.xml` go with `job-X.properties`.
fn properties_for(xml_name: &str) -> Option<String> {
    let stem = xml_name.strip_suffix(".xml")?;
    let suffix = stem
        .strip_prefix("workflow-")
        .or_else(|| stem.strip_prefix("coordinator-"))?;
    Some(format!("job-{suffix}.properties"))
}

/// The local name of the first element, read without parsing the document.
fn root_of(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
        let qname = &rest[..end];
        return Some(qname.rsplit(':').next().unwrap_or(qname));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_skips_declarations_and_comments() {
        assert_eq!(
            root_of("<?xml version='1.0'?>\n<!-- x --><workflow-app xmlns='a'>"),
            Some("workflow-app")
        );
        assert_eq!(root_of("<wf:coordinator-app>"), Some("coordinator-app"));
        assert_eq!(root_of("no xml"), None);
    }

    #[test]
    fn variant_files_pair_with_their_properties() {
        assert_eq!(
            properties_for("coordinator-with-offset.xml").as_deref(),
            Some("job-with-offset.properties")
        );
        assert_eq!(properties_for("workflow.xml"), None);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_safe("my wf/../x"), "my-wf-..-x");
        assert_eq!(file_safe(".."), "app");
        assert_eq!(file_safe("daily_ETL-v2"), "daily_ETL-v2");
    }
}
