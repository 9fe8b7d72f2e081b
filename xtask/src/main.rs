//! Sluice's build and test driver, so the README's two commands need nothing but cargo:
//!
//! - `cargo xtask serve [ARGS…]`: build the browser app and a release `sluice`, then run
//!   `sluice serve ARGS…` (default: http://127.0.0.1:8080, data in `./sluice-data`).
//! - `cargo xtask test`: everything CI checks, in order, saying what it does.
//! - `cargo xtask dist`: only build the browser app into `target/dist`.
//! - `cargo xtask bench-wasm`: time validation compiled to WebAssembly, under Node's WASI
//!   (needs `node`; not part of the test run).
//! - `cargo xtask bench-startup`, `cargo xtask bench-load`: start-up time and memory; GET
//!   and save latencies under wrk.
//! - `cargo xtask api-fuzz`: schemathesis against the OpenAPI document of a running server.
//!
//! The wasm is built by a nested cargo into its own target directory and turned into a
//! loadable module by `wasm-bindgen-cli-support` used as a library, pinned to the exact
//! `wasm-bindgen` version in the same lockfile (see ../shared/CRATES.md §1). Nothing is
//! downloaded except from the package registries.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// npm's binaryen: Debian's 108 corrupts wasm-bindgen output (CRATES.md §1).
const BINARYEN: &str = "binaryen@132.0.0";

fn main() -> Result<()> {
    let mut args = env::args_os().skip(1);
    let command = args.next().and_then(|a| a.into_string().ok());
    let rest: Vec<OsString> = args.collect();
    match command.as_deref() {
        Some("dist") => dist().map(drop),
        Some("serve") => serve(&rest),
        Some("test") => test(),
        Some("bench-wasm") => bench_wasm(),
        Some("bench-startup") => bench_startup(),
        Some("bench-load") => bench_load(),
        Some("bench-ui") => bench_ui(),
        Some("api-fuzz") => api_fuzz(),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  \
                 serve [ARGS…]  build everything and run `sluice serve ARGS…`\n  \
                 test           run the whole test suite (what CI runs)\n  \
                 dist           build the browser app into target/dist\n  \
                 bench-wasm     time validation and schedules in WebAssembly (needs node)\n  \
                 bench-startup  time `sluice serve` from start to ready, and its idle memory\n  \
                 bench-load     GET and save a 500-node workflow under wrk (needs wrk)\n  \
                 bench-ui       the designer at 1,000 and 5,000 nodes, the runs pages at 100,000\n                 \
                 instances and 10,000 actions, in headless Chromium\n  \
                 api-fuzz       schemathesis (from PyPI) against the OpenAPI document"
            );
            std::process::exit(2);
        }
    }
}

/// Validation speed in WebAssembly: the example built for WASI, run by V8 under Node.
fn bench_wasm() -> Result<()> {
    const WASI: &str = "wasm32-wasip1";
    step(&format!("rustup target add {WASI}"));
    run(Command::new("rustup").args(["target", "add", WASI]))?;
    for example in ["validate_wasm", "coord_wasm"] {
        step(&format!("build examples/{example} for WASI"));
        run(Command::new("cargo").args([
            "build",
            "--release",
            "-p",
            "shared",
            "--example",
            example,
            "--target",
            WASI,
        ]))?;
        step(&format!("run {example} under node"));
        let wasm = root().join(format!("target/{WASI}/release/examples/{example}.wasm"));
        run(Command::new("node")
            .arg("--no-warnings")
            .arg(root().join("xtask/assets/run-wasi.mjs"))
            .arg(wasm))?;
    }
    Ok(())
}

/// `sluice serve` (release) from process start to `/readyz` answering 200, on a fresh
/// SQLite database each time, and its resident memory after a second idle (issue targets:
/// < 300 ms, < 40 MB). Linux only (reads /proc).
fn bench_startup() -> Result<()> {
    use std::time::Duration;

    let bin = release_sluice()?;
    let runs = 10;
    let (mut starts, mut rss) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let data = env::temp_dir().join(format!("sluice-bench-startup-{}-{i}", std::process::id()));
        let port = 18_300 + u16::try_from(i).expect("few runs");
        let started = Instant::now();
        let mut child = Command::new(&bin)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(&data)
            .stdout(std::process::Stdio::null())
            .spawn()
            .context("cannot start sluice")?;
        while !is_ready(port) {
            if started.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                bail!("sluice did not get ready within 10 s");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        starts.push(started.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_secs(1));
        let status = fs::read_to_string(format!("/proc/{}/status", child.id()))?;
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .context("no VmRSS in /proc")?;
        rss.push(kb / 1024.0);
        child.kill()?;
        child.wait()?;
        let _ = fs::remove_dir_all(&data);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "start to ready: median {:.1} ms, max {:.1} ms; idle RSS: median {:.1} MB, max {:.1} MB ({runs} runs, fresh database each)",
        median(&mut starts),
        starts.last().copied().unwrap_or_default(),
        median(&mut rss),
        rss.last().copied().unwrap_or_default(),
    );
    Ok(())
}

/// The designer's open, drag and layout times in headless Chromium over a release server
/// (`tests/benches/designer.rs`).
fn bench_ui() -> Result<()> {
    ensure_system_tools()?;
    let bin = release_sluice()?;
    step("the designer at 1,000 and 5,000 nodes (cargo bench -p e2e --bench designer)");
    run(cargo()
        .args(["bench", "-p", "e2e", "--bench", "designer"])
        .env("SLUICE_BIN", &bin))?;
    step("100,000 instances and 10,000 actions (cargo bench -p e2e --bench operations)");
    run(cargo()
        .args(["bench", "-p", "e2e", "--bench", "operations"])
        .env("SLUICE_BIN", &bin))
}

/// A release `sluice` with the browser app embedded, as the benchmarks run it.
fn release_sluice() -> Result<PathBuf> {
    step("build a release sluice with the browser app");
    dist()?;
    run(cargo().args(["build", "--release", "-p", "backend", "--bin", "sluice"]))?;
    Ok(root().join("target/release/sluice"))
}

/// Whether the local server on `port` answers `/readyz` with 200.
fn is_ready(port: u16) -> bool {
    http(port, "GET", "/readyz", "", "").is_ok_and(|(status, _)| status.contains(" 200 "))
}

/// One HTTP/1.1 request to the local server, with an API token when `token` is not empty;
/// the status line and body of its answer.
fn http(port: u16, method: &str, path: &str, token: &str, body: &str) -> Result<(String, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    let auth = if token.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {token}\r\n")
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut reply = String::new();
    s.read_to_string(&mut reply)?;
    let (head, rest) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    Ok((
        head.lines().next().unwrap_or_default().to_owned(),
        rest.to_owned(),
    ))
}

/// The save body of a 500-node chain of shell actions (about 95 KB).
fn big_workflow_save() -> String {
    let nodes: Vec<String> = (0..500)
        .map(|i| {
            format!(
                r#"{{"name":"n{i}","type":"action","action":"shell","fields":{{"exec":"run.sh","argument":["{i}"]}},"position":{{"x":{}.0,"y":{}.0}}}}"#,
                i % 25 * 180,
                i / 25 * 90
            )
        })
        .collect();
    let edges: Vec<String> = (0..499)
        .map(|i| format!(r#"{{"from":"n{i}","to":"n{}","kind":"ok"}}"#, i + 1))
        .collect();
    format!(
        r#"{{"definition":{{"name":"big","global":{{"resource-manager":"localhost:8032","name-node":"hdfs://localhost:8020"}},"nodes":[{}],"edges":[{}]}}}}"#,
        nodes.join(","),
        edges.join(",")
    )
}

/// Issue 5's load targets on loopback: GET of a 500-node workflow (p99 < 10 ms at 200
/// requests/s) and saving it (p99 < 50 ms) on SQLite. wrk runs flat out rather than at a
/// fixed rate, so its latencies are under saturation: stricter than the targets.
fn bench_load() -> Result<()> {
    if !have("wrk") {
        bail!("bench-load needs wrk (apt-get install wrk)");
    }
    let bin = release_sluice()?;
    let work = root().join("target/bench-load");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work)?;
    let port = 18_400;
    let (mut server, token) = serve_with_token(&bin, &work.join("data"), port)?;
    let result = (|| -> Result<()> {
        let (status, _) = http(
            port,
            "POST",
            "/api/v1/workflows",
            &token,
            r#"{"name":"big"}"#,
        )?;
        anyhow::ensure!(status.contains("201"), "create: {status}");
        let body = big_workflow_save();
        let (status, _) = http(port, "PUT", "/api/v1/workflows/1", &token, &body)?;
        anyhow::ensure!(status.contains("200"), "save: {status}");
        fs::write(work.join("save.json"), &body)?;
        let script = work.join("put.lua");
        fs::write(
            &script,
            format!(
                "local f = io.open({:?}, \"r\")\nwrk.body = f:read(\"*all\")\nf:close()\n\
                 wrk.method = \"PUT\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
                 wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n",
                work.join("save.json")
            ),
        )?;
        let url = format!("http://127.0.0.1:{port}/api/v1/workflows/1");
        step(&format!(
            "GET a 500-node workflow ({} bytes of JSON), 2 connections, 10 s",
            body.len()
        ));
        let bearer = format!("Authorization: Bearer {token}");
        run(Command::new("wrk").args(["-t1", "-c2", "-d10s", "--latency", "-H", &bearer, &url]))?;
        step("save it (each save a new version), 1 connection, 10 s");
        run(Command::new("wrk")
            .args(["-t1", "-c1", "-d10s", "--latency", "-s"])
            .arg(&script)
            .arg(&url))
    })();
    let _ = server.kill();
    let _ = server.wait();
    result
}

/// `sluice serve` on a fresh database in `data`, with an admin and an API token made by
/// `sluice user add` and `sluice token add` beforehand; ready when this returns.
fn serve_with_token(bin: &Path, data: &Path, port: u16) -> Result<(std::process::Child, String)> {
    use std::io::Write;
    use std::time::Duration;
    let mut add = Command::new(bin)
        .args([
            "user",
            "add",
            "bench",
            "--role",
            "admin",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()?;
    add.stdin
        .take()
        .expect("piped")
        .write_all(b"bench-password\n")?;
    anyhow::ensure!(add.wait()?.success(), "sluice user add failed");
    let token = Command::new(bin)
        .args([
            "token",
            "add",
            "bench",
            "--name",
            "bench",
            "--role",
            "admin",
            "--data-dir",
        ])
        .arg(data)
        .output()?;
    anyhow::ensure!(token.status.success(), "sluice token add failed: {token:?}");
    let token = String::from_utf8(token.stdout)?.trim().to_owned();
    let mut server = Command::new(bin)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data)
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("cannot start sluice")?;
    let started = Instant::now();
    while !is_ready(port) {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = server.kill();
            bail!("sluice did not start");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok((server, token))
}

/// Schemathesis (from PyPI, into `target/schemathesis`) against the OpenAPI document of a
/// running server, as an admin: no 5xx, and every answer as documented. Token revocation
/// and logout run in a second pass, since they can end the run's own credentials; the event
/// stream is left out (it answers forever).
fn api_fuzz() -> Result<()> {
    let venv = root().join("target/schemathesis");
    let st = venv.join("bin/schemathesis");
    if !st.is_file() {
        step("installing schemathesis from PyPI into target/schemathesis");
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(Command::new(venv.join("bin/pip")).args(["install", "-q", "schemathesis==4.32.5"]))?;
    }
    let bin = root().join("target/debug/sluice");
    run(Command::new("cargo").args(["build", "-p", "backend"]))?;
    let work = root().join("target/api-fuzz");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work)?;
    let port = 18_500;
    let (mut server, token) = serve_with_token(&bin, &work.join("data"), port)?;
    let checks = "not_a_server_error,response_schema_conformance,status_code_conformance,\
                  content_type_conformance,response_headers_conformance";
    let url = format!("http://127.0.0.1:{port}/api/openapi.json");
    let bearer = format!("Authorization: Bearer {token}");
    let ending = ["delete_tokens_id", "post_auth_logout"];
    let schemathesis = || {
        let mut cmd = Command::new(&st);
        // Its cache goes where it runs: keep it out of the source tree.
        cmd.current_dir(&work);
        cmd.args([
            "run",
            &url,
            "-H",
            &bearer,
            "--checks",
            checks,
            "--max-examples",
            "100",
        ]);
        cmd
    };
    let result = (|| -> Result<()> {
        step("schemathesis: every operation but those that end credentials");
        let mut first = schemathesis();
        // The event stream never ends by itself: its test is in backend/tests/api.rs.
        for op in ending.iter().chain(&["get_events"]) {
            first.args(["--exclude-operation-id", op]);
        }
        run(&mut first)?;
        step("schemathesis: token revocation and logout");
        let mut second = schemathesis();
        for op in ending {
            second.args(["--include-operation-id", op]);
        }
        run(&mut second)
    })();
    let _ = server.kill();
    let _ = server.wait();
    result
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

fn dist_dir() -> PathBuf {
    root().join("target/dist")
}

fn step(what: &str) {
    println!("\n==> {what}");
    let _ = std::io::stdout().flush();
}

/// Runs a command from the workspace root, failing with the command line on error.
fn run(cmd: &mut Command) -> Result<()> {
    cmd.current_dir(root());
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

fn cargo() -> Command {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // The UI that the server embeds.
    cmd.env("SLUICE_DIST", dist_dir());
    cmd
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target")?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        step(&format!("adding the Rust target {WASM_TARGET} (rustup)"));
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

struct DistReport {
    /// Every piece of the app's wasm, the main module first: (file, bytes, bytes gzipped).
    pieces: Vec<(String, u64, u64)>,
    /// What opening the designer fetches, gzipped: the main module, which holds it.
    designer_gz: u64,
    optimized: bool,
}

impl DistReport {
    fn summary(&self) -> String {
        let (_, main, main_gz) = &self.pieces[0];
        let total_gz: u64 = self.pieces.iter().map(|p| p.2).sum();
        format!(
            "wasm: main module {main} bytes, {main_gz} gzipped; the designer {} gzipped; all {} \
             pieces {total_gz} gzipped{}",
            self.designer_gz,
            self.pieces.len(),
            if self.optimized {
                ", after wasm-opt"
            } else {
                ", not optimized"
            }
        )
    }
}

/// Builds the browser app into `target/dist`: `index.html` plus content-hashed files under
/// `pkg/`, so the server can cache them forever and a new build is still picked up at once.
fn dist() -> Result<DistReport> {
    ensure_wasm_target()?;
    step("building the browser app (frontend → wasm32, profile wasm-release)");
    let wasm_target_dir = root().join("target/wasm");
    let mut build = cargo();
    build
        .args(["build", "-p", "frontend", "--target", WASM_TARGET])
        .args(["--profile", "wasm-release", "--target-dir"])
        .arg(&wasm_target_dir);
    // Host-only flags must not leak into the wasm build.
    for var in ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_TARGET"] {
        build.env_remove(var);
    }
    // Leptos then type-erases every component's view, which drops many monomorphized
    // copies of the rendering code (measured: 28 KB less gzipped). The relocations let
    // wasm-split move code between modules. Its own target directory keeps this from
    // rebuilding anything native.
    let mut flags: Vec<String> = ["--cfg", "erase_components", "-Clink-args=--emit-relocs"]
        .map(String::from)
        .to_vec();
    // Panic messages name their source files. Written from the crates' own roots rather
    // than this machine's paths they are shorter (0.4 KB less gzipped) and the same on every
    // machine.
    flags.push(format!("--remap-path-prefix={}=sluice", root().display()));
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(Ok(registries)) = cargo_home.map(|h| fs::read_dir(h.join("registry/src"))) {
        for registry in registries.flatten() {
            flags.push(format!(
                "--remap-path-prefix={}=crates",
                registry.path().display()
            ));
        }
    }
    build.env("CARGO_ENCODED_RUSTFLAGS", flags.join("\x1f"));
    run(&mut build)?;
    let wasm_in = wasm_target_dir
        .join(WASM_TARGET)
        .join("wasm-release/frontend.wasm");

    step("splitting the wasm at its lazy pages (wasm_split_cli_support)");
    let staging = root().join("target/dist-staging");
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)?;
    let main_split = staging.join("frontend_split.wasm");
    let input = fs::read(&wasm_in)?;
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = &staging;
        options.main_out_path = &main_split;
        // Both paths are relative to the module that imports them, and every file of the
        // app sits in one directory.
        options.main_module = "./frontend.js";
        options.link_name = "./split.js";
        options
    })
    .map_err(|err| anyhow::anyhow!("wasm-split failed: {err:#}"))?;

    step("generating JavaScript bindings (wasm-bindgen-cli-support)");
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main_split)
        .out_name("frontend")
        .web(true)?
        .typescript(false)
        // The split pieces link to the main module by these names.
        .keep_lld_exports(true)
        .demangle(false)
        // Bindgen's library default differs from its CLI: keep the default module path.
        .omit_default_module_path(false)
        .generate(&staging)
        .context("wasm-bindgen failed")?;
    fs::remove_file(&main_split)?;
    let main_wasm = staging.join("frontend_bg.wasm");
    let mut pieces = vec![main_wasm.clone()];
    pieces.extend(split.split_modules.iter().cloned());

    // SLUICE_NO_WASM_OPT keeps the function names, for profiling in the browser.
    let skip_opt = env::var_os("SLUICE_NO_WASM_OPT").is_some();
    let optimized = match wasm_opt()? {
        Some(wasm_opt) if !skip_opt => {
            step("shrinking the wasm (wasm-opt -Oz, binaryen 132 from npm)");
            for piece in &pieces {
                let before = fs::metadata(piece)?.len();
                let optimized = piece.with_extension("opt");
                // The producers and target-features sections are notes for tools; the
                // browser reads neither. (Features are still read from the input.)
                run(Command::new(&wasm_opt)
                    .args(["-Oz", "--strip-producers", "--strip-target-features"])
                    .arg(piece)
                    .arg("-o")
                    .arg(&optimized))?;
                fs::rename(&optimized, piece)?;
                println!(
                    "    {}: {before} → {} bytes",
                    piece.file_name().unwrap_or_default().to_string_lossy(),
                    fs::metadata(piece)?.len()
                );
            }
            true
        }
        Some(_) => {
            println!("    (SLUICE_NO_WASM_OPT: skipping wasm-opt, names kept)");
            false
        }
        None => {
            println!(
                "    (npm not found: skipping wasm-opt; the app works, its download is larger)"
            );
            false
        }
    };

    step("assembling target/dist");
    let dist = dist_dir();
    let _ = fs::remove_dir_all(&dist);
    // The app's files name each other (the bindings import split.js, which fetches the
    // pieces), so they keep their names and share one directory named by a hash of them all.
    let mut app_files = Vec::new();
    for entry in fs::read_dir(&staging)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".js") || name.ends_with(".wasm") {
            app_files.push((name, fs::read(&path)?));
        }
    }
    app_files.sort();
    let app_dir = format!(
        "app-{}",
        fingerprint(
            &app_files
                .iter()
                .flat_map(|(n, b)| [n.as_bytes(), b])
                .collect::<Vec<_>>()
                .concat()
        )
    );
    fs::create_dir_all(dist.join("pkg").join(&app_dir))?;
    for (name, bytes) in &app_files {
        fs::write(dist.join("pkg").join(&app_dir).join(name), bytes)?;
    }
    let css = fs::read(root().join("assets/style.css")).context("assets/style.css")?;
    let css_name = format!("style-{}.css", fingerprint(&css));
    // The time-zone rules, read out of the same chrono-tz the server compiles in (see
    // shared/src/time/zonedb.rs): a file of their own, loaded beside the app.
    let zones = shared::time::zonedb::ZoneDb::from_tzdb().encode();
    let zones_name = format!("zones-{}.bin", fingerprint(&zones));
    fs::write(dist.join("pkg").join(&zones_name), &zones)?;
    // The Chinese strings, fetched by sessions in Chinese only (frontend/src/i18n.rs).
    let zh = fs::read(root().join("assets/zh.tsv")).context("assets/zh.tsv")?;
    let zh_name = format!("zh-{}.tsv", fingerprint(&zh));
    fs::write(dist.join("pkg").join(&zh_name), &zh)?;
    fs::write(dist.join("pkg").join(&css_name), &css)?;
    let index = fs::read_to_string(root().join("assets/index.html"))
        .context("assets/index.html")?
        .replace("{{css}}", &format!("/pkg/{css_name}"))
        .replace("{{js}}", &format!("/pkg/{app_dir}/frontend.js"))
        .replace("{{wasm}}", &format!("/pkg/{app_dir}/frontend_bg.wasm"))
        .replace("{{zones}}", &format!("/pkg/{zones_name}"))
        .replace("{{zh}}", &format!("/pkg/{zh_name}"));
    fs::write(dist.join("index.html"), index)?;
    fs::copy(root().join("assets/favicon.svg"), dist.join("favicon.svg"))
        .context("assets/favicon.svg")?;

    let mut report = DistReport {
        pieces: Vec::new(),
        designer_gz: 0,
        optimized,
    };
    for piece in &pieces {
        let bytes = fs::read(piece)?;
        let name = piece
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let gz = gzip_len(&bytes)?;
        println!("    {name}: {} bytes, {gz} gzip -9", bytes.len());
        report.pieces.push((name, bytes.len() as u64, gz));
    }
    // What each lazy function fetches the first time it runs, on top of the main module.
    let gzipped = |stem: &String| {
        let file = format!("{stem}.wasm");
        report
            .pieces
            .iter()
            .find(|p| p.0 == file)
            .map_or(0, |p| p.2)
    };
    let main_gz = report.pieces[0].2;
    let mut opened: Vec<(&String, u64)> = split
        .prefetch_map
        .iter()
        .map(|(lazy, stems)| (lazy, main_gz + stems.iter().map(gzipped).sum::<u64>()))
        .collect();
    opened.sort();
    for (lazy, gz) in &opened {
        println!("    opening {lazy}: {gz} bytes gzip -9, main module included");
    }
    report.designer_gz = main_gz;
    println!(
        "    {}; time zones: {} bytes raw, {} gzip -9",
        report.summary(),
        zones.len(),
        gzip_len(&zones)?
    );
    Ok(report)
}

/// `WASM_OPT` if set; otherwise binaryen 132 installed from npm into `target/tools` when npm
/// is available; otherwise none.
fn wasm_opt() -> Result<Option<PathBuf>> {
    if let Some(path) = env::var_os("WASM_OPT") {
        return Ok(Some(PathBuf::from(path)));
    }
    let tools = root().join("target/tools");
    let bin = tools.join("node_modules/.bin/wasm-opt");
    if bin.is_file() {
        return Ok(Some(bin));
    }
    if !have("npm") {
        return Ok(None);
    }
    step(&format!(
        "installing wasm-opt ({BINARYEN} from npm, into target/tools)"
    ));
    fs::create_dir_all(&tools)?;
    run(Command::new("npm")
        .args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
        ])
        .arg(&tools)
        .arg(BINARYEN))?;
    Ok(bin.is_file().then_some(bin))
}

/// A short content hash for cache-busting file names (FNV-1a; not for security).
fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

fn gzip_len(bytes: &[u8]) -> Result<u64> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len() as u64)
}

fn serve(args: &[OsString]) -> Result<()> {
    dist()?;
    step("building sluice (release)");
    run(cargo().args(["build", "--release", "-p", "backend", "--bin", "sluice"]))?;
    let mut serve = vec![OsString::from("serve")];
    serve.extend(args.iter().cloned());
    step(&format!("starting: sluice {}", join(&serve)));
    run(Command::new(root().join("target/release/sluice")).args(&serve))
}

fn join(args: &[OsString]) -> String {
    args.iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Debian packages the tests need: headless Chromium and its WebDriver for the browser tests,
/// xmllint to check exports against the Oozie schemas.
const SYSTEM_TOOLS: [(&str, &str); 4] = [
    ("chromium", "chromium"),
    ("chromedriver", "chromium-driver"),
    ("xmllint", "libxml2-utils"),
    // The store contract tests run on PostgreSQL too (`pg_ctlcluster` comes with it).
    ("pg_ctlcluster", "postgresql"),
];

fn ensure_system_tools() -> Result<()> {
    let missing: Vec<&str> = SYSTEM_TOOLS
        .iter()
        .filter(|(program, _)| !have(program))
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    step(&format!(
        "installing {} from Debian (browser tests and schema checks need them)",
        missing.join(", ")
    ));
    if !have("apt-get") {
        bail!(
            "missing {}: install them with your package manager",
            missing.join(", ")
        );
    }
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let apt = |args: &[&str]| -> Result<()> {
        let all: Vec<&str> = sudo
            .iter()
            .chain(["apt-get"].iter())
            .chain(args)
            .copied()
            .collect();
        run(Command::new(all[0])
            .args(&all[1..])
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    apt(&["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(&missing);
    apt(&install)
}

/// A PostgreSQL database for the store contract tests, as a URL. Uses
/// `SLUICE_TEST_DATABASE_URL` when set; otherwise starts the machine's cluster (Debian's
/// `pg_ctlcluster`, as root or with sudo) and makes a `sluice_test` role and database
/// (password auth over TCP), both idempotently.
/// A Python with the real peers the alert tests talk to (aiosmtpd, from PyPI), in
/// `target/test-peers`; its interpreter's path.
fn ensure_test_peers() -> Result<PathBuf> {
    let venv = root().join("target/test-peers");
    let python = venv.join("bin/python");
    let marker = venv.join("aiosmtpd-1.4.6");
    if !marker.is_file() {
        step("installing aiosmtpd from PyPI into target/test-peers");
        run(Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv))?;
        run(Command::new(venv.join("bin/pip")).args(["install", "-q", "aiosmtpd==1.4.6"]))?;
        std::fs::write(&marker, "")?;
    }
    Ok(python)
}

fn ensure_postgres() -> Result<String> {
    if let Some(url) = env::var_os("SLUICE_TEST_DATABASE_URL") {
        return Ok(url.to_string_lossy().into_owned());
    }
    step("PostgreSQL for the store contract tests");
    let clusters = Command::new("pg_lsclusters")
        .arg("--no-header")
        .output()
        .context("cannot run pg_lsclusters (is PostgreSQL installed?)")?;
    let listing = String::from_utf8_lossy(&clusters.stdout).into_owned();
    let line = listing
        .lines()
        .next()
        .context("PostgreSQL has no cluster: create one with pg_createcluster")?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [version, cluster, port, status, ..] = fields[..] else {
        bail!("unexpected pg_lsclusters output: {line}");
    };
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let root_cmd = |args: &[&str]| -> Command {
        let all: Vec<&str> = sudo.iter().chain(args).copied().collect();
        let mut cmd = Command::new(all[0]);
        cmd.args(&all[1..]);
        cmd
    };
    let as_root = |args: &[&str]| -> Result<()> { run(&mut root_cmd(args)) };
    if status != "online" {
        as_root(&[
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            version,
            cluster,
            "start",
        ])?;
    }
    // SQL goes in on stdin: through `su -c` a shell would expand `$$`.
    let psql = |sql: &str| -> Result<String> {
        let mut child = root_cmd(&[
            "su",
            "postgres",
            "-c",
            &format!("psql -p {port} -v ON_ERROR_STOP=1 -qtA"),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("cannot start psql")?;
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(sql.as_bytes())?;
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!("psql failed on: {sql}");
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    psql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sluice_test') THEN \
         CREATE ROLE sluice_test LOGIN PASSWORD 'sluice_test' CREATEDB; END IF; END $$;",
    )?;
    if psql("SELECT 1 FROM pg_database WHERE datname = 'sluice_test';")? != "1" {
        psql("CREATE DATABASE sluice_test OWNER sluice_test;")?;
    }
    Ok(format!(
        "postgres://sluice_test:sluice_test@127.0.0.1:{port}/sluice_test"
    ))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn test() -> Result<()> {
    let started = Instant::now();
    ensure_wasm_target()?;
    ensure_system_tools()?;

    step("formatting (cargo fmt --check)");
    run(cargo().args(["fmt", "--all", "--check"]))?;

    let report = dist()?;

    step("lints (cargo clippy --all-targets -D warnings), native");
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    step(
        "the shared crate builds for wasm32 as the browser has it, lint-free (no I/O crept in, no compiled-in zones)",
    );
    run(cargo()
        .args([
            "clippy",
            "-p",
            "shared",
            "--no-default-features",
            "--target",
            WASM_TARGET,
            "--target-dir",
        ])
        .arg(root().join("target/wasm"))
        .args(["--", "-D", "warnings"]))?;

    step("building sluice with the browser app embedded (for the end-to-end tests)");
    run(cargo().args(["build", "-p", "backend", "--bin", "sluice"]))?;

    let postgres = ensure_postgres()?;
    let python = ensure_test_peers()?;

    step("unit, integration and browser end-to-end tests (cargo test --workspace)");
    run(cargo()
        .args(["test", "--workspace"])
        .env("SLUICE_BIN", root().join("target/debug/sluice"))
        .env("SLUICE_TEST_PYTHON", &python)
        // The tests against aiosmtpd fail instead of skipping.
        .env("SLUICE_REQUIRE_PEERS", "1")
        .env("SLUICE_TEST_DATABASE_URL", &postgres)
        // The PostgreSQL half of the store contract fails instead of skipping.
        .env("SLUICE_REQUIRE_POSTGRES", "1"))?;

    println!(
        "\nAll checks passed in {:.0} s. {}.",
        started.elapsed().as_secs_f64(),
        report.summary()
    );
    Ok(())
}
