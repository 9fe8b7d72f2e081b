//! Commands that work on files, without a server: the I/O and exit codes around the pure
//! checks of the shared crate.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use shared::coord::materialize::PREVIEW_JOB_ID;
use shared::coord::resolve::resolve;
use shared::coord::xml::from_coordinator_xml;
use shared::oozie::outline::check_workflow_xml;
use shared::oozie::{
    ExportError, ImportError, from_workflow_xml, parse_job_properties, to_workflow_xml_as,
};
use shared::time::describe::{Lang, describe};
use shared::workflow::{SchemaVersion, Workflow};

use crate::config::Format;

/// The largest file `validate` reads: far above Oozie's own 100,000-character limit (which
/// it reports as E0736), small enough not to be a way to exhaust memory.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Exit status of `sluice validate` when the input cannot be checked at all.
const UNREADABLE: u8 = 2;

/// `sluice validate FILE`: one line per issue on stdout (`CODE: message`), a summary on
/// stderr; 0 valid, 1 invalid, 2 unreadable or not XML.
pub fn validate(file: &Path) -> ExitCode {
    let shown = file.display();
    let text = match read_input(file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let report = match check_workflow_xml(&text) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("{shown}:{}:{}: {}", err.line, err.column, err.message);
            return ExitCode::from(UNREADABLE);
        }
    };
    let mut out = std::io::stdout().lock();
    for issue in &report.issues {
        let _ = writeln!(out, "{}: {}", issue.code, issue.message);
    }
    let name = report.name.as_deref().unwrap_or("?");
    if report.is_valid() {
        eprintln!("{shown}: workflow '{name}' is valid");
        ExitCode::SUCCESS
    } else {
        eprintln!("{shown}: workflow '{name}' is invalid");
        ExitCode::FAILURE
    }
}

/// `sluice convert FILE --to json|oozie`.
pub fn convert(
    file: &Path,
    to: Format,
    schema: Option<&str>,
    properties: Option<&Path>,
) -> ExitCode {
    let shown = file.display();
    let text = match read_input(file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let mut out = std::io::stdout().lock();
    match to {
        Format::Json => {
            let imported = match from_workflow_xml(&text) {
                Ok(imported) => imported,
                Err(ImportError::Xml(err)) => {
                    eprintln!("{shown}:{}:{}: {}", err.line, err.column, err.message);
                    return ExitCode::from(UNREADABLE);
                }
                Err(ImportError::Invalid(issues)) => {
                    for issue in &issues {
                        let _ = writeln!(out, "{}: {}", issue.code, issue.message);
                    }
                    eprintln!("{shown}: Oozie rejects this workflow; nothing converted");
                    return ExitCode::FAILURE;
                }
            };
            let mut wf = imported.workflow;
            if let Some(version) = schema.and_then(SchemaVersion::parse) {
                wf.schema = version;
            }
            if let Some(path) = properties {
                match read_input(path) {
                    Ok(text) => wf.job_properties = parse_job_properties(&text),
                    Err(code) => return code,
                }
            }
            for note in &imported.notes {
                eprintln!("{shown}: {note}");
            }
            let json = serde_json::to_string_pretty(&wf).expect("a model always serializes");
            let _ = writeln!(out, "{json}");
            ExitCode::SUCCESS
        }
        Format::Oozie => {
            let wf: Workflow = match serde_json::from_str(&text) {
                Ok(wf) => wf,
                Err(err) => {
                    eprintln!(
                        "{shown}:{}:{}: not a Sluice workflow: {err}",
                        err.line(),
                        err.column()
                    );
                    return ExitCode::from(UNREADABLE);
                }
            };
            let version = schema.and_then(SchemaVersion::parse).unwrap_or(wf.schema);
            match to_workflow_xml_as(&wf, version) {
                Ok(xml) => {
                    let _ = writeln!(out, "{xml}");
                    // Warnings (orderings the export added, undefined variables) still
                    // matter to whoever converts: they go beside the XML, not into it.
                    for issue in shared::workflow::validate(&wf)
                        .iter()
                        .filter(|i| !i.is_error())
                    {
                        eprintln!("{shown}: {}: {}", issue.code, issue.message);
                    }
                    ExitCode::SUCCESS
                }
                Err(ExportError::Invalid(issues)) => {
                    for issue in &issues {
                        let _ = writeln!(out, "{}: {}", issue.code, issue.message);
                    }
                    eprintln!("{shown}: the workflow has errors; nothing converted");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// The most actions `coord preview` prints: a year of 5-minute actions and then some.
const MAX_PREVIEW: usize = 200_000;

/// `sluice coord preview FILE`: the actions a coordinator materializes, as JSON.
pub fn coord_preview(file: &Path, properties: Option<&Path>, count: usize, user: &str) -> ExitCode {
    let shown = file.display();
    let fail = |message: String| {
        eprintln!("{shown}: {message}");
        ExitCode::from(UNREADABLE)
    };
    let text = match read_input(file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let props: BTreeMap<String, String> = match properties {
        None => BTreeMap::new(),
        Some(path) => match read_input(path) {
            Ok(text) => parse_job_properties(&text)
                .into_iter()
                .map(|p| (p.name, p.value))
                .collect(),
            Err(code) => return code,
        },
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    // Includes name HDFS paths; beside the coordinator, the file of the same name stands in.
    let include = |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        read_limited(&dir.join(name)).ok()
    };
    let imported = match from_coordinator_xml(&text, &include) {
        Ok(imported) => imported,
        Err(err) => return fail(err.to_string()),
    };
    let job = match resolve(&imported.coordinator, &imported.included, &props, user) {
        Ok(job) => job,
        Err(err) => return fail(err.to_string()),
    };
    let actions = match job.preview(count.min(MAX_PREVIEW), PREVIEW_JOB_ID) {
        Ok(actions) => actions,
        Err(err) => return fail(err.to_string()),
    };
    let schedule = &job.schedule;
    eprintln!(
        "{shown}: {}",
        describe(
            &schedule.frequency,
            &schedule.zone,
            schedule.start,
            Lang::En
        )
    );
    let mut out = std::io::stdout().lock();
    let json = serde_json::to_string_pretty(&actions).expect("actions always serialize");
    let _ = writeln!(out, "{json}");
    ExitCode::SUCCESS
}

/// Reads an input file, or says why not on stderr and gives the "unreadable" exit status.
pub(crate) fn read_input(file: &Path) -> Result<String, ExitCode> {
    read_limited(file).map_err(|why| {
        eprintln!("sluice: cannot read {}: {why}", file.display());
        ExitCode::from(UNREADABLE)
    })
}

pub(crate) fn read_limited(file: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(file).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a file".to_owned());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} bytes; at most {MAX_FILE_BYTES} are read",
            meta.len()
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text ({e})"))
}

/// Properties from a job.properties file and `--param KEY=VALUE`s over it; the message
/// says which argument is wrong.
pub(crate) fn properties(
    file: Option<&Path>,
    params: &[String],
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut conf = std::collections::BTreeMap::new();
    if let Some(path) = file {
        let text =
            read_limited(path).map_err(|why| format!("cannot read {}: {why}", path.display()))?;
        conf.extend(
            shared::oozie::parse_job_properties(&text)
                .into_iter()
                .map(|p| (p.name, p.value)),
        );
    }
    for param in params {
        match param.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                conf.insert(k.trim().to_owned(), v.to_owned());
            }
            _ => return Err(format!("--param {param}: use KEY=VALUE")),
        }
    }
    Ok(conf)
}
