//! `sluice validate FILE` as a script would use it: real binary, real files, exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sluice(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sluice"))
        .arg("validate")
        .args(args)
        .output()
        .expect("the sluice binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/oozie/examples")
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_valid_example_exits_0_and_prints_no_issue() {
    let out = sluice(&[&examples().join("shell/workflow.xml")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("is valid"));
}

#[test]
fn w1_loop_exits_1_with_oozies_message() {
    let out = sluice(&[&fixture("wf-loop1-invalid.xml")]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        "E0707: Loop detected at parsing, node [a], path [:start:->a->c->a]\n"
    );
}

#[test]
fn w2_a_129_character_node_name_is_e0724() {
    let dir = tempfile::tempdir().unwrap();
    let name = format!("a{}x", "1234567".repeat(18)) + "y";
    let xml = format!(
        r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="w"><start to="{name}"/><kill name="{name}"><message>m</message></kill><end name="end"/></workflow-app>"#
    );
    let out = sluice(&[&write(&dir, "w.xml", &xml)]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stdout(&out).starts_with("E0724: Invalid node name, name ["),
        "{}",
        stdout(&out)
    );
}

#[test]
fn warnings_alone_keep_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let xml = r#"<workflow-app xmlns="uri:oozie:workflow:1.0" name="w"><start to="end"/><kill name="never"><message>m</message></kill><end name="end"/></workflow-app>"#;
    let out = sluice(&[&write(&dir, "w.xml", xml)]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout(&out).starts_with("S2001: "), "{}", stdout(&out));
}

#[test]
fn unreadable_malformed_or_refused_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let doctype = write(
        &dir,
        "doctype.xml",
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<workflow-app>&e;</workflow-app>",
    );
    let broken = write(
        &dir,
        "broken.xml",
        "<workflow-app>\n  <start>\n</workflow-app>",
    );
    let binary = dir.path().join("binary.xml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    for (file, says) in [
        (doctype.as_path(), "DOCTYPE"),
        (broken.as_path(), ":3:"),
        (binary.as_path(), "UTF-8"),
        (Path::new("/no/such/file.xml"), "cannot read"),
        (dir.path(), "not a file"),
    ] {
        let out = sluice(&[file]);
        assert_eq!(out.status.code(), Some(2), "{file:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{file:?}: {err}");
        assert_eq!(stdout(&out), "", "{file:?}");
    }
}

fn convert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sluice"))
        .arg("convert")
        .args(args)
        .output()
        .expect("the sluice binary runs")
}

#[test]
fn convert_goes_xml_to_json_and_back_in_either_schema() {
    let dir = tempfile::tempdir().unwrap();
    let demo = examples().join("demo/workflow.xml");
    let props = examples().join("demo/job.properties");
    let out = convert(&[
        demo.to_str().unwrap(),
        "--to",
        "json",
        "--properties",
        props.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["name"], "demo-wf");
    assert_eq!(json["schema"], "1.0");
    assert!(
        json["job_properties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "nameNode")
    );
    // The fork/join pair is folded into edges: cleanup-node leads to both branches.
    let edges = json["edges"].as_array().unwrap();
    for target in ["pig-node", "streaming-node"] {
        assert!(
            edges
                .iter()
                .any(|e| e["from"] == "cleanup-node" && e["to"] == target),
            "{edges:?}"
        );
    }
    let model = write(&dir, "demo.json", &stdout(&out));
    for schema in ["0.5", "1.0"] {
        let out = convert(&[model.to_str().unwrap(), "--to", "oozie", "--schema", schema]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let xml = stdout(&out);
        assert!(
            xml.contains(&format!("xmlns=\"uri:oozie:workflow:{schema}\"")),
            "{xml}"
        );
        assert!(xml.contains("<fork name=\"fork-1\">"), "{xml}");
        // And what it wrote passes the submit-time check.
        let file = write(&dir, &format!("wf-{schema}.xml"), &xml);
        assert_eq!(sluice(&[&file]).status.code(), Some(0));
    }
}

#[test]
fn convert_reports_rejected_and_unreadable_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = convert(&[
        fixture("wf-loop1-invalid.xml").to_str().unwrap(),
        "--to",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stdout(&out).starts_with("E0707: "));
    let bad = write(&dir, "bad.json", "{\"name\": 3}");
    let out = convert(&[bad.to_str().unwrap(), "--to", "oozie"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // A model with an error does not convert; its issues are listed by code.
    let invalid = write(
        &dir,
        "invalid.json",
        r#"{"name":"w","nodes":[{"name":"a","type":"action","action":"shell"}],"edges":[]}"#,
    );
    let out = convert(&[invalid.to_str().unwrap(), "--to", "oozie"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stdout(&out).contains("E0701: "), "{}", stdout(&out));
}

#[test]
fn convert_to_oozie_tells_which_parallelism_the_export_loses() {
    // a→c, a→d, b→d is no fork/join shape: the export makes c wait for b too, says so on
    // stderr, and keeps stdout the XML alone.
    let dir = tempfile::tempdir().unwrap();
    let shell = |n: &str| {
        format!(r#"{{"name":"{n}","type":"action","action":"shell","fields":{{"exec":"true"}}}}"#)
    };
    let nodes: Vec<String> = ["a", "b", "c", "d"].map(shell).to_vec();
    let model = format!(
        r#"{{"name":"w","global":{{"name-node":"nn","resource-manager":"rm"}},"nodes":[{}],"edges":[
            {{"from":"a","to":"c","kind":"ok"}},{{"from":"a","to":"d","kind":"ok"}},
            {{"from":"b","to":"d","kind":"ok"}}]}}"#,
        nodes.join(",")
    );
    let file = write(&dir, "n.json", &model);
    let out = convert(&[file.to_str().unwrap(), "--to", "oozie"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout(&out).starts_with("<?xml"), "{}", stdout(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("S2002: To export as Oozie fork/join, 'c' also waits for 'b'"),
        "{err}"
    );
}

fn coord_preview(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["coord", "preview"])
        .args(args)
        .env("USER", "alice")
        .output()
        .unwrap()
}

#[test]
fn coord_preview_prints_the_actions_as_json() {
    let dir = examples().join("aggregator");
    let file = dir.join("coordinator.xml");
    let props = dir.join("job.properties");
    let out = coord_preview(&[
        file.to_str().unwrap(),
        "--properties",
        props.to_str().unwrap(),
        "--count",
        "5",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let actions: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let actions = actions.as_array().unwrap();
    // start 01:00Z, end 03:00Z exclusive, hourly: two actions, oldest first.
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0]["number"], 1);
    assert_eq!(actions[0]["nominal_time"], "2010-01-01T01:00Z");
    assert_eq!(actions[1]["nominal_time"], "2010-01-01T02:00Z");
    let raw = "hdfs://localhost:8020/user/alice/examples/input-data/rawLogs/2010/01/01";
    assert_eq!(
        actions[1]["inputs"]["input"],
        serde_json::json!([
            format!("{raw}/02/00"),
            format!("{raw}/01/40"),
            format!("{raw}/01/20")
        ])
    );
    assert_eq!(
        actions[1]["outputs"]["output"][0],
        "hdfs://localhost:8020/user/alice/examples/output-data/aggregator/aggregatedLogs/2010/01/01/02"
    );
    assert_eq!(
        actions[1]["configuration"]["inputData"],
        format!("{raw}/02/00,{raw}/01/40,{raw}/01/20")
    );
}

#[test]
fn coord_preview_rejects_bad_input_with_status_2_and_oozies_code() {
    let dir = tempfile::tempdir().unwrap();
    let coord = |frequency: &str, start: &str, end: &str| {
        format!(
            r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="{frequency}"
                start="{start}" end="{end}" timezone="UTC">
                <action><workflow><app-path>hdfs:///wf</app-path></workflow></action>
            </coordinator-app>"#
        )
    };
    let cases = [
        (
            coord("${coord:days(1)}", "2010-02-01T01:00Z", "2010-02-01T01:00Z"),
            "E1003",
        ),
        (
            coord("3", "2010-02-01T01:00Z", "2010-02-02T01:00Z"),
            "E1003",
        ),
        (
            coord("0/10 3 * * *", "2010-02-01T01:00Z", "2010-02-01T02:00Z"),
            "E1003",
        ),
        (
            coord("0 25 * * *", "2010-02-01T01:00Z", "2010-02-01T02:00Z"),
            "E1003",
        ),
        (
            coord("${coord:days(1)}", "${start}", "2010-02-01T02:00Z"),
            "E1004",
        ),
        (
            coord("${coord:days(1)}", "2010-02-01T24:00Z", "2010-02-03T02:00Z"),
            "E1003",
        ),
        ("<coordinator-app/>".to_owned(), "E0701"),
        ("<coordinator-app".to_owned(), "E0700"),
    ];
    for (text, code) in cases {
        let file = write(&dir, "coordinator.xml", &text);
        let out = coord_preview(&[file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(code), "{text}: want {code}, got {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn serve_writes_json_logs_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let first = serve_first_line(&[
        "--listen",
        "127.0.0.1:0",
        "--log-format",
        "json",
        "--data-dir",
        data,
    ])
    .unwrap();
    let line: serde_json::Value =
        serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {first}"));
    assert_eq!(line["level"], "INFO");
    assert!(
        line["message"]
            .as_str()
            .unwrap()
            .starts_with("sluice is listening on http://127.0.0.1:")
    );
    assert!(line["addr"].as_str().is_some());
}

/// The first line `sluice serve ARGS` logs (then it is stopped), or its exit and stderr.
fn serve_first_line(args: &[&str]) -> Result<String, (Option<i32>, String)> {
    serve_first_line_and_stderr(args).map(|(line, _)| line)
}

/// Like [`serve_first_line`], with what it wrote on stderr until it was stopped.
fn serve_first_line_and_stderr(args: &[&str]) -> Result<(String, String), (Option<i32>, String)> {
    use std::io::{BufRead, BufReader, Read};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .arg("serve")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    if first.is_empty() {
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        return Err((status.code(), err));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    Ok((first, err))
}

/// `sluice ARGS` with `stdin` as its input.
fn run(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(args)
        .env_remove("SLUICE_DATABASE_URL")
        .env("USER", "ops-person")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_first_start_prints_a_one_time_admin_password_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let args = ["--listen", "127.0.0.1:0", "--data-dir", data];
    let (_, err) = serve_first_line_and_stderr(&args).unwrap();
    assert!(
        err.contains("created user 'admin' with the one-time password"),
        "{err}"
    );
    let list = run(&["user", "list", "--data-dir", data], "");
    assert_eq!(stdout(&list), "admin\tadmin  (must change password)\n");
    let (_, again) = serve_first_line_and_stderr(&args).unwrap();
    assert!(!again.contains("password"), "{again}");
}

#[test]
fn users_and_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let db = ["--data-dir", data];
    let sluice_db = |args: &[&str], stdin: &str| {
        let mut all = args.to_vec();
        all.extend(db);
        run(&all, stdin)
    };

    let add = ["user", "add", "boss", "--role", "admin", "--password-stdin"];
    let out = sluice_db(&add, "a long enough password\n");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), "added boss\n");

    let short = sluice_db(&add, "short\n");
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));

    let generated = sluice_db(&["user", "add", "ann", "--role", "editor"], "");
    assert_eq!(generated.status.code(), Some(0), "{generated:?}");
    assert!(
        stdout(&generated).contains("one-time password"),
        "{generated:?}"
    );
    let taken = sluice_db(&["user", "add", "ann", "--role", "viewer"], "");
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already exists"));

    let role = sluice_db(&["user", "role", "ann", "viewer"], "");
    assert_eq!(stdout(&role), "ann is now viewer\n");
    let list = sluice_db(&["user", "list"], "");
    assert_eq!(
        stdout(&list),
        "ann\tviewer  (must change password)\nboss\tadmin\n"
    );

    let over = sluice_db(
        &["token", "add", "ann", "--name", "ci", "--role", "editor"],
        "",
    );
    assert_eq!(over.status.code(), Some(1));
    let token = sluice_db(
        &["token", "add", "boss", "--name", "ci", "--role", "admin"],
        "",
    );
    let token = stdout(&token);
    assert!(
        token.starts_with("sluice_") && token.trim().len() == 71,
        "{token}"
    );

    let last = sluice_db(&["user", "remove", "boss"], "");
    assert_eq!(last.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&last.stderr).contains("last admin"));
    let gone = sluice_db(&["user", "remove", "ann"], "");
    assert_eq!(stdout(&gone), "removed ann\n");
    let nobody = sluice_db(&["user", "passwd", "ann"], "");
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("user not found"));
}

#[test]
fn a_config_file_fills_in_what_flags_and_environment_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("from-file");
    let config = write(
        &dir,
        "sluice.toml",
        &format!(
            "listen = \"127.0.0.1:0\"\nlog_format = \"json\"\ndata_dir = {:?}\n",
            data.to_str().unwrap()
        ),
    );
    let config = config.to_str().unwrap();
    let line = serve_first_line(&["--config", config]).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert!(
        json["database"].as_str().unwrap().contains("from-file"),
        "{json}"
    );
    // A flag wins over the file.
    let line = serve_first_line(&["--config", config, "--log-format", "text"]).unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&line).is_err(),
        "{line}"
    );
    // Unknown keys and bad values are refused with the reason.
    let bad = write(&dir, "bad.toml", "listen = \"127.0.0.1:0\"\nport = 8080\n");
    let (code, err) = serve_first_line(&["--config", bad.to_str().unwrap()]).unwrap_err();
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown field `port`"), "{err}");
    let bad = write(&dir, "url.toml", "database_url = \"mysql://x\"\n");
    let (code, err) = serve_first_line(&["--config", bad.to_str().unwrap()]).unwrap_err();
    assert_eq!(code, Some(2));
    assert!(err.contains("expected a postgres:// URL"), "{err}");
    // Command templates and the SMTP server are checked before the server starts.
    for (name, text, why) in [
        (
            "t.toml",
            "[templates]\nshell = \"x\"\n",
            "shell actions run on this server without one",
        ),
        (
            "m.toml",
            "smtp_url = \"smtp://127.0.0.1:25\"\n",
            "smtp_url needs smtp_from",
        ),
        (
            "f.toml",
            "smtp_url = \"smtp://127.0.0.1:25\"\nsmtp_from = \"nobody\"\n",
            "the sender address [nobody]",
        ),
    ] {
        let bad = write(&dir, name, text);
        let (code, err) = serve_first_line(&["--config", bad.to_str().unwrap()]).unwrap_err();
        assert_eq!(code, Some(2), "{name}");
        assert!(err.contains(why), "{name}: {err}");
    }
}
