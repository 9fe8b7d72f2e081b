//! Executors: what really runs a task on this server.
//!
//! - shell and java: a child process in a process group of its own (so a kill reaches
//!   whatever it started), in the instance's working directory, stdin closed, stdout and
//!   stderr into one log file per try (capped), stdout also read as capture-output.
//! - fs: the operations on the local filesystem, in order, stopping at the first failure.
//! - email: sent only through a configured SMTP server; without one the action fails
//!   saying so.
//! - cluster actions (spark, hive…): `sh -c` with the command template configured for
//!   their type, the action's fields in the environment, as a shell task otherwise.
//!
//! A process is started synchronously (so its pid is known before anything else happens);
//! its end is a future the loop awaits elsewhere.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use shared::workflow::FsOp;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::mail::Mailer;
use super::task::{Capabilities, Outcome, Task};
use crate::alert::secret::SecretKey;

/// Oozie's `oozie.action.max.output.data`: the most stdout capture-output keeps.
pub const MAX_CAPTURE_BYTES: usize = 2048;

/// How long the pipes of a process that has exited may stay open (held by something it
/// left running in the background) before the log stops reading them.
const PIPE_GRACE: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct ExecConfig {
    /// Each instance works in `runs_dir/<instance id>`; logs go to its `logs/`.
    pub runs_dir: PathBuf,
    /// The most bytes of output one try's log keeps.
    pub log_cap: u64,
    /// Between SIGTERM and SIGKILL when a try is stopped.
    pub kill_grace: Duration,
    /// The command templates of the action types this server runs through one.
    pub capabilities: Capabilities,
    /// Where email actions are sent; none: they fail saying so.
    pub mailer: Option<Mailer>,
    /// The interpreter Python tasks run with.
    pub python: String,
    /// Opens datasource passwords for SQL tasks; none: SQL tasks fail saying so.
    pub secrets: Option<Arc<SecretKey>>,
    /// How long a minute of a Dependent task's timeout lasts: a minute, except in tests,
    /// which cannot wait whole minutes to see a timeout.
    pub timeout_minute: Duration,
}

impl ExecConfig {
    pub fn new(runs_dir: PathBuf) -> ExecConfig {
        ExecConfig {
            runs_dir,
            log_cap: 16 * 1024 * 1024,
            kill_grace: Duration::from_secs(10),
            capabilities: Capabilities::default(),
            mailer: None,
            python: "python3".to_owned(),
            secrets: None,
            timeout_minute: Duration::from_secs(60),
        }
    }

    pub fn instance_dir(&self, instance: i64) -> PathBuf {
        self.runs_dir.join(instance.to_string())
    }

    /// The log of one try of one node in one run: `logs/<run>/<node>.<try>.log`, so a
    /// rerun keeps the logs of the runs before it.
    pub fn log_path(&self, instance: i64, run: i64, node: &str, attempt: u32) -> PathBuf {
        self.instance_dir(instance)
            .join("logs")
            .join(run.to_string())
            .join(format!("{node}.{attempt}.log"))
    }
}

/// Which try of which node.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub instance: i64,
    pub run: i64,
    pub node: String,
    pub attempt: u32,
}

/// A task under way.
pub enum Started {
    /// A process, by the pid that leads its process group.
    Process {
        pid: u32,
        end: BoxFuture<'static, Outcome>,
    },
    /// Work done inside the server.
    Inline(BoxFuture<'static, Outcome>),
    /// It could not start; how that ended.
    Failed(Outcome),
}

/// Starts a task (not a sub-workflow: the engine runs those as instances).
pub fn start(task: Task, at: &Attempt, config: &ExecConfig) -> Started {
    match task {
        Task::Shell {
            exec,
            args,
            env,
            capture_output,
            files,
            app_dir,
            prepare,
        } => {
            if let Err(failed) = ready(&prepare, &files, app_dir.as_deref(), at, config) {
                return Started::Failed(failed);
            }
            spawn(&exec, args, env, capture_output, at, config)
        }
        Task::Java {
            main_class,
            args,
            java_opts,
            capture_output,
            prepare,
        } => {
            if let Err(failed) = ready(&prepare, &[], None, at, config) {
                return Started::Failed(failed);
            }
            let mut all = java_opts;
            all.extend(["-cp".to_owned(), "lib/*:.".to_owned(), main_class]);
            all.extend(args);
            spawn("java", all, Vec::new(), capture_output, at, config)
        }
        Task::Command {
            action_type,
            args,
            env,
            prepare,
            capture_output,
            files,
            app_dir,
        } => {
            let Some(template) = config.capabilities.templates.get(&action_type) else {
                return Started::Failed(Outcome::failed(
                    "SPAWN",
                    format!("no command template is configured for {action_type} actions"),
                ));
            };
            if let Err(failed) = ready(&prepare, &files, app_dir.as_deref(), at, config) {
                return Started::Failed(failed);
            }
            // `sh -c TEMPLATE NAME ARGS…`: NAME is the script's `$0`, ARGS its `"$@"`.
            let mut all = vec![
                "-c".to_owned(),
                template.clone(),
                format!("sluice-{action_type}"),
            ];
            all.extend(args);
            spawn("/bin/sh", all, env, capture_output, at, config)
        }
        Task::Fs { ops } => Started::Inline(Box::pin(async move {
            tokio::task::spawn_blocking(move || run_fs(&ops))
                .await
                .unwrap_or_else(|e| Outcome::failed("FS_ERROR", format!("fs action panicked: {e}")))
        })),
        Task::Email(email) => match &config.mailer {
            Some(mailer) => {
                let mailer = mailer.clone();
                Started::Inline(Box::pin(async move { mailer.send(email).await }))
            }
            None => Started::Failed(Outcome::failed(
                "EMAIL",
                "this server has no SMTP server configured (--smtp-url and --smtp-from), so email actions cannot send",
            )),
        },
        Task::Python {
            script,
            args,
            env,
            capture_output,
            files,
            app_dir,
        } => {
            if let Err(failed) = ready(&[], &files, app_dir.as_deref(), at, config) {
                return Started::Failed(failed);
            }
            // The script is a file of the working directory, as the exported app ships it.
            let dir = config.instance_dir(at.instance);
            let file = dir.join(shared::workflow::tasks::script_file(&at.node));
            if let Err(e) =
                std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, script))
            {
                return Started::Failed(Outcome::failed(
                    "SPAWN",
                    format!("cannot write the script {}: {e}", file.display()),
                ));
            }
            let mut all = vec![file.display().to_string()];
            all.extend(args);
            spawn(&config.python, all, env, capture_output, at, config)
        }
        Task::SubWorkflow { .. } | Task::Sql { .. } | Task::Dependent(_) => {
            Started::Failed(Outcome::failed(
                "SPAWN",
                "sub-workflow, SQL and Dependent tasks are run by the engine, not an executor",
            ))
        }
    }
}

/// What comes before a process starts: its `<prepare>` steps, then its `<file>`s.
fn ready(
    prepare: &[FsOp],
    files: &[String],
    app_dir: Option<&str>,
    at: &Attempt,
    config: &ExecConfig,
) -> Result<(), Outcome> {
    let done = run_fs(prepare);
    if let Some(failure) = done.failure {
        return Err(Outcome::failed(
            "FS_ERROR",
            format!("<prepare> {}", failure.message),
        ));
    }
    stage(files, app_dir, &config.instance_dir(at.instance))
        .map_err(|why| Outcome::failed("SPAWN", why))
}

/// Copies `<file>`s into the working directory, as Oozie ships them to the task: `path`
/// or `path#alias`, relative paths under the app's directory. Files already there are
/// kept (a retry finds what the first try had).
fn stage(files: &[String], app_dir: Option<&str>, dir: &Path) -> Result<(), String> {
    if files.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for file in files {
        let (path, alias) = match file.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (file.as_str(), None),
        };
        let source = if path.contains("://") || path.starts_with('/') {
            local_path(path)?
        } else {
            match app_dir {
                Some(app) => local_path(app)
                    .map_err(|_| {
                        format!("<file> {path}: the app directory {app} is not on this server")
                    })?
                    .join(path),
                None => {
                    return Err(format!(
                        "<file> {path}: relative, and the workflow has no local app directory"
                    ));
                }
            }
        };
        let name = alias
            .map(str::to_owned)
            .or_else(|| source.file_name().map(|n| n.to_string_lossy().into_owned()))
            .ok_or_else(|| format!("<file> {file}: names no file"))?;
        if name.contains('/') || name == ".." {
            return Err(format!("<file> {file}: the alias must be a plain name"));
        }
        let target = dir.join(&name);
        if !target.exists() {
            std::fs::copy(&source, &target)
                .map_err(|e| format!("<file> {file}: {}: {e}", source.display()))?;
        }
    }
    Ok(())
}

fn spawn(
    program: &str,
    args: Vec<String>,
    env: Vec<(String, String)>,
    capture: bool,
    at: &Attempt,
    config: &ExecConfig,
) -> Started {
    let dir = config.instance_dir(at.instance);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return Started::Failed(Outcome::failed(
            "SPAWN",
            format!("cannot create the working directory {}: {e}", dir.display()),
        ));
    }
    // Oozie ships <file>s beside the task: a bare name present in the working directory
    // is that file, anything else is looked up on PATH.
    let local = dir.join(program);
    let resolved = if !program.contains('/') && local.is_file() {
        local
    } else {
        PathBuf::from(program)
    };
    let mut command = tokio::process::Command::new(&resolved);
    command
        .args(&args)
        .envs(env)
        .env("SLUICE_INSTANCE_ID", at.instance.to_string())
        .env("SLUICE_NODE", &at.node)
        .env("SLUICE_ATTEMPT", at.attempt.to_string())
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(false);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound if program == "java" => {
                    "no JVM: 'java' is not on this server's PATH".to_owned()
                }
                std::io::ErrorKind::NotFound => format!(
                    "cannot run '{program}': not found on PATH nor in the working directory"
                ),
                std::io::ErrorKind::PermissionDenied => {
                    format!("cannot run '{program}': permission denied")
                }
                _ => format!("cannot run '{program}': {e}"),
            };
            return Started::Failed(Outcome::failed("SPAWN", why));
        }
    };
    let Some(pid) = child.id() else {
        return Started::Failed(Outcome::failed("SPAWN", "the process ended at once"));
    };
    let log = Arc::new(Mutex::new(Log::new(
        config.log_path(at.instance, at.run, &at.node, at.attempt),
        config.log_cap,
    )));
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let end = async move {
        let readers = async {
            let (captured, ()) = tokio::join!(pump(stdout, log.clone(), capture), async {
                pump(stderr, log.clone(), false).await;
            });
            captured
        };
        tokio::pin!(readers);
        let wait = child.wait();
        tokio::pin!(wait);
        let mut status = None;
        let mut captured: Option<Vec<u8>> = None;
        while status.is_none() || captured.is_none() {
            tokio::select! {
                s = &mut wait, if status.is_none() => status = Some(s),
                c = &mut readers, if captured.is_none() => captured = Some(c),
                () = tokio::time::sleep(PIPE_GRACE), if status.is_some() => break,
            }
        }
        if let Ok(mut log) = log.lock() {
            log.finish();
        }
        outcome(
            status.expect("the loop ends only once it exited"),
            captured,
            capture,
        )
    };
    Started::Process {
        pid,
        end: Box::pin(end),
    }
}

/// How a process's end reads: exit status 0 is success (with capture-output parsed),
/// anything else an error naming the status or the signal.
fn outcome(
    status: std::io::Result<std::process::ExitStatus>,
    captured: Option<Vec<u8>>,
    capture: bool,
) -> Outcome {
    use std::os::unix::process::ExitStatusExt;
    let status = match status {
        Ok(s) => s,
        Err(e) => return Outcome::failed("SPAWN", format!("cannot wait for the process: {e}")),
    };
    match (status.code(), status.signal()) {
        (Some(0), _) => {
            let mut done = Outcome::ok();
            done.exit_code = Some(0);
            if capture {
                let bytes = captured.unwrap_or_default();
                if bytes.len() > MAX_CAPTURE_BYTES {
                    return Outcome {
                        exit_code: Some(0),
                        ..Outcome::failed(
                            "CAPTURE_OUTPUT",
                            format!(
                                "capture-output: stdout is over {MAX_CAPTURE_BYTES} bytes, the most Oozie keeps"
                            ),
                        )
                    };
                }
                done.data = properties(&String::from_utf8_lossy(&bytes));
            }
            done
        }
        (Some(code), _) => Outcome {
            exit_code: Some(code),
            ..Outcome::failed("EXIT_CODE", format!("exit status {code}"))
        },
        (None, Some(signal)) => Outcome::failed("SIGNAL", format!("killed by signal {signal}")),
        (None, None) => Outcome::failed("SIGNAL", "ended without an exit status"),
    }
}

/// capture-output as Java properties.
fn properties(text: &str) -> BTreeMap<String, String> {
    shared::oozie::parse_job_properties(text)
        .into_iter()
        .map(|p| (p.name, p.value))
        .collect()
}

/// Copies a pipe into the log; with `capture`, also keeps the first bytes (one more than
/// capture-output allows, to tell when it is over).
async fn pump<R: AsyncRead + Unpin>(
    pipe: Option<R>,
    log: Arc<Mutex<Log>>,
    capture: bool,
) -> Vec<u8> {
    let mut kept = Vec::new();
    let Some(mut pipe) = pipe else {
        return kept;
    };
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match pipe.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if capture && kept.len() <= MAX_CAPTURE_BYTES {
                    let room = MAX_CAPTURE_BYTES + 1 - kept.len();
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
                if let Ok(mut log) = log.lock() {
                    log.write(&buf[..n]);
                }
            }
        }
    }
    kept
}

/// One try's log file: made on the first byte (a quiet task leaves none), capped.
pub(super) struct Log {
    path: PathBuf,
    file: Option<std::fs::File>,
    written: u64,
    cap: u64,
    truncated: bool,
    broken: bool,
}

impl Log {
    pub(super) fn new(path: PathBuf, cap: u64) -> Log {
        Log {
            path,
            file: None,
            written: 0,
            cap,
            truncated: false,
            broken: false,
        }
    }

    pub(super) fn write(&mut self, bytes: &[u8]) {
        if self.broken || self.truncated {
            return;
        }
        if self.file.is_none() {
            let opened = self
                .path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::File::create(&self.path));
            match opened {
                Ok(f) => self.file = Some(f),
                Err(e) => {
                    tracing::warn!(path = %self.path.display(), error = %e, "cannot write a task log");
                    self.broken = true;
                    return;
                }
            }
        }
        let room = self.cap.saturating_sub(self.written);
        let take = (bytes.len() as u64).min(room) as usize;
        let file = self.file.as_mut().expect("opened above");
        if file.write_all(&bytes[..take]).is_err() {
            self.broken = true;
            return;
        }
        self.written += take as u64;
        if take < bytes.len() {
            self.truncated = true;
            let _ = writeln!(
                file,
                "\n[sluice: the log stops here, at its cap of {} bytes; the task went on]",
                self.cap
            );
        }
    }

    pub(super) fn finish(&mut self) {
        self.file = None;
    }
}

/// Sends a signal to a process group; gone already is fine.
pub fn signal_group(pid: u32, kill: bool) {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return;
    };
    let signal = if kill {
        rustix::process::Signal::KILL
    } else {
        rustix::process::Signal::TERM
    };
    let _ = rustix::process::kill_process_group(pid, signal);
}

/// After a crash, a try recorded as running may have left its process group alive (it is
/// not the server's child any more, so its end cannot be awaited). It is killed, so the
/// retry cannot run beside it; but only if the process is still the one started for this
/// instance (its environment says so), never a stranger that reused the pid.
pub fn reap_orphan(pid: &str, instance: i64) {
    let Ok(pid) = pid.parse::<u32>() else {
        return;
    };
    let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else {
        return;
    };
    let mark = format!("SLUICE_INSTANCE_ID={instance}");
    if environ.split(|b| *b == 0).any(|var| var == mark.as_bytes()) {
        tracing::warn!(
            pid,
            instance,
            "killing the process group of an interrupted try"
        );
        signal_group(pid, true);
    }
}

/// Runs fs operations in order; the first failure ends the action with FS_ERROR.
pub fn run_fs(ops: &[FsOp]) -> Outcome {
    for op in ops {
        if let Err(message) = fs_op(op) {
            return Outcome::failed("FS_ERROR", format!("{}: {message}", op.id()));
        }
    }
    Outcome::ok()
}

/// A path of this server's filesystem: `file://` URIs and absolute paths. Anything on
/// another filesystem (hdfs://, s3a://) is refused by name rather than guessed at.
pub fn local_path(path: &str) -> Result<PathBuf, String> {
    let p = path.trim();
    let local = if let Some(rest) = p.strip_prefix("file://") {
        // file:///a/b, or file://host/a/b (the host is this one).
        match rest.find('/') {
            Some(i) => &rest[i..],
            None => return Err(format!("[{p}] names no path")),
        }
    } else if p.contains("://") {
        return Err(format!(
            "[{p}] is not on this server's filesystem; here fs paths are file:// URIs or absolute paths"
        ));
    } else {
        p
    };
    if !local.starts_with('/') {
        return Err(format!("[{p}] is relative; use an absolute path"));
    }
    Ok(PathBuf::from(local))
}

fn fs_op(op: &FsOp) -> Result<(), String> {
    let io = |what: &Path, e: std::io::Error| format!("{}: {e}", what.display());
    match op {
        FsOp::Mkdir { path } => {
            let p = local_path(path)?;
            std::fs::create_dir_all(&p).map_err(|e| io(&p, e))
        }
        FsOp::Delete { path, .. } => {
            let p = local_path(path)?;
            match std::fs::symlink_metadata(&p) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io(&p, e)),
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(&p).map_err(|e| io(&p, e)),
                Ok(_) => std::fs::remove_file(&p).map_err(|e| io(&p, e)),
            }
        }
        FsOp::Move { source, target } => {
            let from = local_path(source)?;
            // Oozie allows the target without a scheme: on the source's filesystem.
            let mut to = local_path(target)?;
            if !from.exists() {
                return Err(format!("{} does not exist", from.display()));
            }
            if to.is_dir()
                && let Some(name) = from.file_name()
            {
                to = to.join(name);
            }
            std::fs::rename(&from, &to).map_err(|e| io(&from, e))
        }
        FsOp::Touchz { path } => {
            let p = local_path(path)?;
            match std::fs::metadata(&p) {
                Ok(m) if m.len() > 0 => Err(format!(
                    "{} exists and is not empty (touchz only makes empty files)",
                    p.display()
                )),
                Ok(_) => Ok(()),
                Err(_) => std::fs::File::create(&p).map(drop).map_err(|e| io(&p, e)),
            }
        }
        FsOp::Chmod {
            path,
            permissions,
            dir_files,
            recursive,
        } => {
            let p = local_path(path)?;
            let mode = parse_mode(permissions)?;
            // dir-files="false": only the directory itself, not the files in it.
            let files_too = dir_files.as_deref().map(str::trim) != Some("false");
            chmod(&p, mode, files_too, *recursive)
        }
        // dir-files is not honoured: chgrp -R changes files and directories alike.
        FsOp::Chgrp {
            path,
            group,
            dir_files: _,
            recursive,
        } => {
            let p = local_path(path)?;
            let mut command = std::process::Command::new("chgrp");
            if *recursive {
                command.arg("-R");
            }
            let out = command
                .arg(group)
                .arg(&p)
                .output()
                .map_err(|e| format!("cannot run chgrp: {e}"))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
            }
        }
        // Replication means nothing on a local disk; the path must still exist.
        FsOp::Setrep { path, .. } => {
            let p = local_path(path)?;
            std::fs::metadata(&p).map(drop).map_err(|e| io(&p, e))
        }
    }
}

/// Octal (`755`) or symbolic (`rwxr-x---`, with or without a leading type character).
fn parse_mode(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return u32::from_str_radix(t, 8).map_err(|e| e.to_string());
    }
    let symbols = if t.len() == 10 { &t[1..] } else { t };
    if symbols.len() == 9 {
        let mut mode = 0;
        for (i, c) in symbols.chars().enumerate() {
            let expected = ['r', 'w', 'x'][i % 3];
            mode <<= 1;
            if c == expected {
                mode |= 1;
            } else if c != '-' {
                return Err(format!("permissions [{t}]: '{c}' at {}", i + 1));
            }
        }
        return Ok(mode);
    }
    Err(format!(
        "permissions [{t}]: use octal (755) or symbolic (rwxr-xr-x)"
    ))
}

fn chmod(path: &Path, mode: u32, files_too: bool, recursive: bool) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let set = |p: &Path| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    set(path)?;
    if path.is_dir() && (recursive || files_too) {
        let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for entry in entries {
            let child = entry.map_err(|e| e.to_string())?.path();
            if child.is_dir() {
                if recursive {
                    chmod(&child, mode, files_too, true)?;
                }
            } else if files_too {
                set(&child)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fs_paths_are_local_or_refused_by_name() {
        assert_eq!(local_path("file:///tmp/x"), Ok(PathBuf::from("/tmp/x")));
        assert_eq!(local_path("file://host/tmp/x"), Ok(PathBuf::from("/tmp/x")));
        assert_eq!(local_path("/tmp/x"), Ok(PathBuf::from("/tmp/x")));
        assert!(
            local_path("hdfs://nn:8020/x")
                .unwrap_err()
                .contains("not on this server")
        );
        assert!(local_path("tmp/x").unwrap_err().contains("relative"));
    }

    #[test]
    fn modes_read_octal_and_symbolic() {
        assert_eq!(parse_mode("755"), Ok(0o755));
        assert_eq!(parse_mode("rwxr-x---"), Ok(0o750));
        assert_eq!(parse_mode("-rw-r--r--"), Ok(0o644));
        assert!(parse_mode("rwz------").is_err());
        assert!(parse_mode("99").is_err());
    }

    #[test]
    fn fs_operations_run_in_order_and_stop_at_the_first_failure() {
        let dir = tempfile::tempdir().unwrap();
        let at = |p: &str| format!("file://{}/{p}", dir.path().display());
        let done = run_fs(&[
            FsOp::Mkdir { path: at("a/b") },
            FsOp::Touchz { path: at("a/b/f") },
            FsOp::Move {
                source: at("a/b/f"),
                target: at("a"),
            },
            FsOp::Chmod {
                path: at("a"),
                permissions: "750".into(),
                dir_files: None,
                recursive: false,
            },
            FsOp::Delete {
                path: at("a/b"),
                skip_trash: None,
            },
        ]);
        assert_eq!(done, Outcome::ok());
        assert!(dir.path().join("a/f").is_file());
        assert!(!dir.path().join("a/b").exists());
        let failed = run_fs(&[
            FsOp::Move {
                source: at("missing"),
                target: at("x"),
            },
            FsOp::Mkdir { path: at("never") },
        ]);
        let f = failed.failure.unwrap();
        assert_eq!(f.code, "FS_ERROR");
        assert!(
            f.message.starts_with("move: ") && f.message.contains("does not exist"),
            "{}",
            f.message
        );
        assert!(!dir.path().join("never").exists());
    }

    #[test]
    fn capture_output_reads_properties_and_refuses_more_than_oozie_keeps() {
        use std::os::unix::process::ExitStatusExt;
        let ok = std::process::ExitStatus::from_raw(0);
        let got = outcome(Ok(ok), Some(b"rows=42\n# note\nname = x\n".to_vec()), true);
        assert_eq!(got.data.get("rows").map(String::as_str), Some("42"));
        assert_eq!(got.data.get("name").map(String::as_str), Some("x"));
        let big = outcome(Ok(ok), Some(vec![b'a'; MAX_CAPTURE_BYTES + 1]), true);
        assert_eq!(big.failure.unwrap().code, "CAPTURE_OUTPUT");
        let exit3 = outcome(Ok(std::process::ExitStatus::from_raw(3 << 8)), None, false);
        assert_eq!(exit3.exit_code, Some(3));
        assert_eq!(exit3.failure.unwrap().message, "exit status 3");
        let killed = outcome(Ok(std::process::ExitStatus::from_raw(9)), None, false);
        assert_eq!(killed.failure.unwrap().message, "killed by signal 9");
    }
}
