//! The commands for scripts: `sluice workflow …`, `sluice instance …` and `sluice import`, talking to a running
//! server over its REST API with an API token, exactly as any other client would (so they
//! obey the same roles, limits and audit log).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use shared::api::{
    CreateWorkflow, ErrorBody, ImportReport, Page, Record, SaveWorkflow, Saved, Summary,
    VersionRecord,
};
use shared::oozie::{ImportError, from_workflow_xml, parse_job_properties};
use shared::workflow::Workflow;

use crate::config::{ExportFormat, ServerArgs, WorkflowCommand};

pub(crate) mod coord_jobs;
pub(crate) mod instances;
use crate::service::apps::{MAX_ENTRIES, MAX_FILE_BYTES, zip};

/// Exit statuses: the server refused (1), or nothing could be asked (2).
const REFUSED: u8 = 1;
const UNUSABLE: u8 = 2;

/// Why a command stopped, and with which exit status.
struct Failure {
    status: u8,
    message: String,
}

type Outcome<T> = Result<T, Failure>;

fn unusable(message: impl Into<String>) -> Failure {
    Failure {
        status: UNUSABLE,
        message: message.into(),
    }
}

fn finish(outcome: Outcome<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("sluice: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    fn new(args: &ServerArgs) -> Outcome<Client> {
        let token = args
            .token
            .clone()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                unusable(
                    "an API token is needed: set SLUICE_TOKEN (make one with `sluice token add`)",
                )
            })?;
        let base = args.server.trim_end_matches('/').to_owned();
        if !base.starts_with("http://") {
            return Err(unusable(format!(
                "--server must be an http:// address, not '{base}' (this client speaks plain \
                 HTTP: use it on the server's host or through a tunnel)"
            )));
        }
        let http = crate::outbound::builder()
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .map_err(|e| unusable(format!("cannot make an HTTP client: {e}")))?;
        Ok(Client { http, base, token })
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
    }

    /// Sends, and turns anything but a success into a [`Failure`] with the server's words.
    async fn send(&self, request: RequestBuilder) -> Outcome<Response> {
        let response = request.send().await.map_err(|e| {
            unusable(format!(
                "cannot reach the server at {}: {}",
                self.base,
                root_cause(&e)
            ))
        })?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let message = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => {
                let mut message = format!("{} ({status})", body.message);
                for issue in body.details.unwrap_or_default() {
                    message.push_str(&format!("\n  {}: {}", issue.code, issue.message));
                }
                message
            }
            Err(_) => format!("the server answered {status}"),
        };
        Err(Failure {
            status: if status == StatusCode::UNAUTHORIZED || status.is_server_error() {
                UNUSABLE
            } else {
                REFUSED
            },
            message,
        })
    }

    async fn json<T: DeserializeOwned>(&self, request: RequestBuilder) -> Outcome<T> {
        self.send(request)
            .await?
            .json()
            .await
            .map_err(|e| unusable(format!("the server's answer is not what was expected: {e}")))
    }

    /// The workflow an argument names: an id, or else an exact name.
    async fn workflow_id(&self, which: &str) -> Outcome<i64> {
        self.definition_id("workflow", which).await
    }

    /// The workflow or coordinator (`kind`) an argument names: an id, or else an exact
    /// name.
    async fn definition_id(&self, kind: &str, which: &str) -> Outcome<i64> {
        if let Ok(id) = which.parse() {
            return Ok(id);
        }
        self.find(kind, which).await?.ok_or_else(|| Failure {
            status: REFUSED,
            message: format!("no {kind} is named '{which}'"),
        })
    }

    async fn find(&self, kind: &str, name: &str) -> Outcome<Option<i64>> {
        let page: Page<Summary> = self
            .json(
                self.request(Method::GET, &format!("/{kind}s"))
                    .query(&[("q", name), ("limit", "500")]),
            )
            .await?;
        Ok(page
            .items
            .into_iter()
            .find(|w| w.name == name)
            .map(|w| w.id))
    }
}

/// The width of a table's name column: its longest name, at least its header's.
fn name_width<'a>(names: impl Iterator<Item = &'a str>, header: &str) -> usize {
    names.map(str::len).max().unwrap_or(0).max(header.len())
}

/// Says on stderr when a page holds fewer items than there are.
fn note_more<T>(page: &Page<T>) {
    if page.total > page.items.len() as i64 {
        eprintln!(
            "sluice: {} of {} shown (--limit)",
            page.items.len(),
            page.total
        );
    }
}

/// A value as indented JSON, for `--json`.
fn print_json(out: &mut impl Write, value: &impl serde::Serialize) {
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// The innermost error, which says what actually happened (connection refused…).
fn root_cause(err: &dyn std::error::Error) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

pub(crate) async fn workflow(server: &ServerArgs, command: WorkflowCommand) -> ExitCode {
    let client = match Client::new(server) {
        Ok(client) => client,
        Err(failure) => return finish(Err(failure)),
    };
    finish(match command {
        WorkflowCommand::List { name, limit, json } => list(&client, name, limit, json).await,
        WorkflowCommand::Get { workflow, version } => get(&client, &workflow, version).await,
        WorkflowCommand::Put {
            file,
            comment,
            properties,
        } => put(&client, &file, &comment, properties.as_deref()).await,
        WorkflowCommand::Export {
            workflow,
            format,
            output,
            version,
        } => export(&client, &workflow, format, output, version).await,
        WorkflowCommand::Run {
            workflow,
            version,
            properties,
            params,
            hold,
            wait,
        } => {
            instances::run_workflow(
                &client,
                &workflow,
                version,
                properties.as_deref(),
                &params,
                hold,
                wait,
            )
            .await
        }
    })
}

async fn list(client: &Client, name: Option<String>, limit: i64, json: bool) -> Outcome<()> {
    let mut query = vec![("limit", limit.to_string())];
    if let Some(name) = name {
        query.push(("q", name));
    }
    let page: Page<Summary> = client
        .json(client.request(Method::GET, "/workflows").query(&query))
        .await?;
    let mut out = std::io::stdout().lock();
    if json {
        print_json(&mut out, &page);
        return Ok(());
    }
    let width = name_width(page.items.iter().map(|w| w.name.as_str()), "NAME");
    let _ = writeln!(
        out,
        "{:>6}  {:<width$}  {:>5}  {:>7}  {:>9}  SAVED (UTC)",
        "ID", "NAME", "NODES", "VERSION", "PUBLISHED"
    );
    for w in &page.items {
        let published = w
            .published_version
            .map_or("-".to_owned(), |v| v.to_string());
        let _ = writeln!(
            out,
            "{:>6}  {:<width$}  {:>5}  {:>7}  {:>9}  {}",
            w.id,
            w.name,
            w.size,
            w.revision,
            published,
            w.updated_at.replace('T', " ").trim_end_matches('Z')
        );
    }
    if page.total > page.items.len() as i64 {
        eprintln!(
            "sluice: {} of {} shown (--limit, --name)",
            page.items.len(),
            page.total
        );
    }
    Ok(())
}

async fn get(client: &Client, which: &str, version: Option<i64>) -> Outcome<()> {
    let id = client.workflow_id(which).await?;
    let definition: Workflow = match version {
        None => {
            let record: Record<Workflow> = client
                .json(client.request(Method::GET, &format!("/workflows/{id}")))
                .await?;
            record.definition
        }
        Some(v) => {
            let record: VersionRecord<Workflow> = client
                .json(client.request(Method::GET, &format!("/workflows/{id}/versions/{v}")))
                .await?;
            record.definition
        }
    };
    let json = serde_json::to_string_pretty(&definition).unwrap_or_default();
    let _ = writeln!(std::io::stdout().lock(), "{json}");
    Ok(())
}

async fn put(
    client: &Client,
    file: &Path,
    comment: &str,
    properties: Option<&Path>,
) -> Outcome<()> {
    let text = read_text(file)?;
    let shown = file.display();
    let mut definition: Workflow = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| {
            unusable(format!(
                "{shown}:{}:{}: not a Sluice workflow: {e}",
                e.line(),
                e.column()
            ))
        })?
    } else {
        match from_workflow_xml(&text) {
            Ok(imported) => {
                for note in &imported.notes {
                    eprintln!("{shown}: {note}");
                }
                imported.workflow
            }
            Err(ImportError::Xml(e)) => {
                return Err(unusable(format!(
                    "{shown}:{}:{}: {}",
                    e.line, e.column, e.message
                )));
            }
            Err(err @ ImportError::Invalid(_)) => {
                return Err(unusable(format!("{shown}: {err}")));
            }
        }
    };
    if let Some(path) = properties {
        definition.job_properties = parse_job_properties(&read_text(path)?);
    }
    let (id, created) = match client.find("workflow", &definition.name).await? {
        Some(id) => (id, false),
        None => {
            let record: Record<Workflow> = client
                .json(
                    client
                        .request(Method::POST, "/workflows")
                        .json(&CreateWorkflow {
                            name: definition.name.clone(),
                        }),
                )
                .await?;
            (record.id, true)
        }
    };
    let body = SaveWorkflow {
        revision: None,
        definition,
        comment: Some(comment.to_owned()).filter(|c| !c.is_empty()),
    };
    let saved: Saved<Workflow> = client
        .json(
            client
                .request(Method::PUT, &format!("/workflows/{id}"))
                .json(&body),
        )
        .await?;
    for issue in &saved.validation.issues {
        eprintln!("{shown}: {}: {}", issue.code, issue.message);
    }
    println!(
        "{} workflow '{}' (id {}): version {}{}",
        if created { "created" } else { "saved" },
        saved.record.definition.name,
        saved.record.id,
        saved.record.revision,
        if saved.validation.valid {
            ""
        } else {
            ", with validation errors (not exportable until fixed)"
        }
    );
    Ok(())
}

async fn export(
    client: &Client,
    which: &str,
    format: ExportFormat,
    output: Option<PathBuf>,
    version: Option<i64>,
) -> Outcome<()> {
    let id = client.workflow_id(which).await?;
    let format = match format {
        ExportFormat::Xml => "xml",
        ExportFormat::Properties => "properties",
        ExportFormat::Zip => "zip",
    };
    let mut query = vec![("format", format.to_owned())];
    if let Some(v) = version {
        query.push(("version", v.to_string()));
    }
    let bytes = client
        .send(
            client
                .request(Method::GET, &format!("/workflows/{id}/export"))
                .query(&query),
        )
        .await?
        .bytes()
        .await
        .map_err(|e| unusable(format!("the download broke off: {e}")))?;
    match output {
        Some(path) => std::fs::write(&path, &bytes)
            .map_err(|e| unusable(format!("cannot write {}: {e}", path.display()))),
        None => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .map_err(|e| unusable(format!("cannot write to standard output: {e}"))),
    }
}

/// `sluice import PATH`.
pub(crate) async fn import(
    server: &ServerArgs,
    path: &Path,
    dry_run: bool,
    json: bool,
) -> ExitCode {
    finish(import_path(server, path, dry_run, json).await)
}

async fn import_path(server: &ServerArgs, path: &Path, dry_run: bool, json: bool) -> Outcome<()> {
    let client = Client::new(server)?;
    let mut not_sent = Vec::new();
    let (body, file_name) = if path.is_dir() {
        (pack(path, &mut not_sent)?, None)
    } else {
        let bytes = read_bytes(path, 64 * MAX_FILE_BYTES)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        (bytes, name)
    };
    let mut query = vec![("dry_run", dry_run.to_string())];
    if let Some(name) = file_name {
        query.push(("filename", name));
    }
    let mut report: ImportReport = client
        .json(
            client
                .request(Method::POST, "/import")
                .query(&query)
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(body),
        )
        .await?;
    report.skipped.extend(not_sent);
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = std::io::stdout().lock();
    if json {
        print_json(&mut out, &report);
        return Ok(());
    }
    let verb = |created: bool| match (dry_run, created) {
        (true, true) => "would create",
        (true, false) => "would update",
        (false, true) => "created",
        (false, false) => "updated",
    };
    for item in &report.imported {
        let at = match (item.id, item.version) {
            (Some(id), Some(v)) => format!(" (id {id}, version {v})"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{} {} '{}'{at} from {}",
            verb(item.created),
            item.kind.noun(),
            item.name,
            item.path
        );
        for note in &item.notes {
            let _ = writeln!(out, "    {note}");
        }
        for issue in &item.validation.issues {
            let _ = writeln!(out, "    {}: {}", issue.code, issue.message);
        }
    }
    for skipped in &report.skipped {
        let _ = writeln!(out, "skipped {}: {}", skipped.path, skipped.reason);
    }
    let _ = writeln!(
        out,
        "{} definition(s) {}, {} file(s) skipped",
        report.imported.len(),
        if dry_run { "to import" } else { "imported" },
        report.skipped.len()
    );
    Ok(())
}

/// The definitions and properties under `dir` as one zip, paths relative to `dir`'s
/// parent (so the folder names the app, as in Oozie). Other files (jars, scripts) are not
/// sent: the server would only skip them, and they can be large.
fn pack(dir: &Path, not_sent: &mut Vec<shared::api::SkippedFile>) -> Outcome<Vec<u8>> {
    let root = dir.parent().unwrap_or(dir);
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| unusable(format!("cannot read {}: {e}", folder.display())))?;
        for entry in entries {
            let entry = entry.map_err(|e| unusable(format!("{}: {e}", folder.display())))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry
                .file_type()
                .map_err(|e| unusable(format!("{}: {e}", path.display())))?;
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if name.starts_with('.') || kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                pending.push(path);
            } else if name.ends_with(".xml") || name.ends_with(".properties") {
                files.push((relative, read_bytes(&path, MAX_FILE_BYTES)?));
            } else {
                not_sent.push(shared::api::SkippedFile {
                    path: relative,
                    reason: "not a definition: not sent (scripts, jars and other files stay \
                             with the app on HDFS)"
                        .to_owned(),
                });
            }
            if files.len() > MAX_ENTRIES {
                return Err(unusable(format!(
                    "{} holds more than {MAX_ENTRIES} definition and properties files",
                    dir.display()
                )));
            }
        }
    }
    if files.is_empty() {
        return Err(unusable(format!(
            "{} holds no .xml or .properties files",
            dir.display()
        )));
    }
    files.sort();
    let borrowed: Vec<(String, &[u8])> = files
        .iter()
        .map(|(name, bytes)| (name.clone(), bytes.as_slice()))
        .collect();
    Ok(zip(&borrowed))
}

fn read_bytes(path: &Path, limit: u64) -> Outcome<Vec<u8>> {
    let shown = path.display();
    let meta =
        std::fs::metadata(path).map_err(|e| unusable(format!("cannot read {shown}: {e}")))?;
    if meta.len() > limit {
        return Err(unusable(format!(
            "{shown}: {} bytes; at most {limit} are sent",
            meta.len()
        )));
    }
    std::fs::read(path).map_err(|e| unusable(format!("cannot read {shown}: {e}")))
}

fn read_text(path: &Path) -> Outcome<String> {
    String::from_utf8(read_bytes(path, 16 * MAX_FILE_BYTES)?)
        .map_err(|e| unusable(format!("{}: not UTF-8 text ({e})", path.display())))
}
