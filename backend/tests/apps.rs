//! Coordinators through the API, and Oozie app directories in and out: every app of the
//! reference examples imported as one zip, and every definition exported again as a zip
//! whose XML the official schemas accept.

mod common;
#[path = "../../shared/tests/common/mod.rs"]
mod oozie;

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use common::{Reply, assert_error, send_with};
use serde_json::{Value, json};
use shared::api::Role;

use backend::store::SqliteStore;
use backend::{AppState, app};

/// The app and an admin's bearer header.
async fn test_app() -> (Router, String) {
    let store = Arc::new(SqliteStore::in_memory().await.unwrap());
    let token = common::user_with_token(store.as_ref(), "admin", Role::Admin).await;
    (app(AppState::new(store)), format!("Bearer {token}"))
}

async fn upload(app: &Router, auth: &str, uri: &str, body: Vec<u8>) -> Reply {
    send_with(app, "POST", uri, &[("authorization", auth)], Some(body)).await
}

async fn get(app: &Router, auth: &str, uri: &str) -> Reply {
    send_with(app, "GET", uri, &[("authorization", auth)], None).await
}

fn examples() -> std::path::PathBuf {
    oozie::oozie_xsd().parent().unwrap().join("../examples")
}

/// A zip of `dir`'s files, under `prefix/`.
fn zip_dir(dir: &Path, prefix: &str) -> Vec<u8> {
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for path in files {
        let name = format!(
            "{prefix}/{}",
            path.strip_prefix(dir).unwrap().to_string_lossy()
        );
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().unwrap().into_owned(), text)
        })
        .collect()
}

/// The XML files of the examples whose root is a workflow or a coordinator.
fn definitions_in_examples() -> Vec<String> {
    let mut files = Vec::new();
    collect(&examples(), &mut files);
    let mut found: Vec<String> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            text.contains("<workflow-app") || text.contains("<coordinator-app")
        })
        .map(|p| {
            format!(
                "examples/{}",
                p.strip_prefix(examples()).unwrap().to_string_lossy()
            )
        })
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn every_example_app_imports_from_one_zip_and_exports_valid_again() {
    let (app, auth) = test_app().await;
    let archive = zip_dir(&examples(), "examples");
    let expected = definitions_in_examples();
    assert!(expected.len() >= 25, "{expected:?}");

    let dry = upload(&app, &auth, "/api/v1/import?dry_run=true", archive.clone()).await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    let dry = dry.json();
    assert_eq!(dry["dry_run"], true);
    assert!(
        dry["imported"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"].is_null())
    );
    let listed = get(&app, &auth, "/api/v1/workflows").await.json();
    assert_eq!(listed["total"], 0, "a dry run saves nothing");

    let report = upload(&app, &auth, "/api/v1/import", archive.clone()).await;
    assert_eq!(report.status, 200, "{}", report.text());
    let report = report.json();
    let imported = report["imported"].as_array().unwrap();
    let mut paths: Vec<String> = imported
        .iter()
        .map(|i| i["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    assert_eq!(paths, expected, "skipped: {:#}", report["skipped"]);
    assert_eq!(dry["imported"].as_array().unwrap().len(), imported.len());
    let skipped = report["skipped"].as_array().unwrap();
    let reason = |path: &str| {
        skipped
            .iter()
            .find(|s| s["path"] == path)
            .map(|s| s["reason"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{path} is not reported: {skipped:#?}"))
    };
    assert!(reason("examples/bundle/bundle.xml").contains("bundle"));
    assert!(reason("examples/hive2/workflow.xml.security").contains("not a definition"));
    // Files a definition used are not reported as skipped.
    assert!(
        !skipped
            .iter()
            .any(|s| s["path"] == "examples/cron/job.properties")
    );

    let aggregator = imported
        .iter()
        .find(|i| i["path"] == "examples/aggregator/coordinator-with-offset.xml")
        .unwrap();
    assert_eq!(aggregator["kind"], "coordinator");
    assert!(
        aggregator["notes"]
            .to_string()
            .contains("job properties from examples/aggregator/job-with-offset.properties"),
        "{aggregator:#}"
    );

    for item in imported {
        let kind = item["kind"].as_str().unwrap();
        let id = item["id"].as_i64().unwrap();
        assert_eq!(item["created"], true, "{item:#}");
        // Every example is an app Oozie accepts, with the job.properties beside it.
        assert_eq!(item["validation"]["valid"], true, "{item:#}");
        let export = get(
            &app,
            &auth,
            &format!("/api/v1/{kind}s/{id}/export?format=zip"),
        )
        .await;
        assert_eq!(export.status, 200, "{}: {}", item["path"], export.text());
        assert_eq!(export.header("content-type"), Some("application/zip"));
        let files = unzip(&export.body);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let folder = names[0].split('/').next().unwrap();
        assert_eq!(
            names,
            [
                format!("{folder}/{kind}.xml"),
                format!("{folder}/job.properties")
            ],
            "{}",
            item["path"]
        );
        oozie::assert_schema_valid(&files[0].1, item["path"].as_str().unwrap());
    }

    // The same archive again: new versions of the same definitions, nothing duplicated.
    let again = upload(&app, &auth, "/api/v1/import", archive).await.json();
    let again = again["imported"].as_array().unwrap();
    assert!(
        again
            .iter()
            .all(|i| i["created"] == false && i["version"] == 2)
    );
    let workflows = get(&app, &auth, "/api/v1/workflows?limit=500").await.json();
    let coordinators = get(&app, &auth, "/api/v1/coordinators").await.json();
    assert_eq!(
        workflows["total"].as_i64().unwrap() + coordinators["total"].as_i64().unwrap(),
        expected.len() as i64
    );
}

#[tokio::test]
async fn a_single_xml_file_imports_and_bad_uploads_are_refused_or_reported() {
    let (app, auth) = test_app().await;
    let xml = std::fs::read(examples().join("shell/workflow.xml")).unwrap();
    let one = upload(
        &app,
        &auth,
        "/api/v1/import?filename=workflow.xml",
        xml.clone(),
    )
    .await;
    assert_eq!(one.status, 200, "{}", one.text());
    let one = one.json();
    assert_eq!(one["imported"][0]["kind"], "workflow");
    assert_eq!(one["imported"][0]["path"], "workflow.xml");

    let not_zip = upload(&app, &auth, "/api/v1/import", b"PK\x03\x04garbage".to_vec()).await;
    assert_error(
        &not_zip,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    assert!(
        not_zip.text().contains("not a readable zip"),
        "{}",
        not_zip.text()
    );

    let folder = upload(&app, &auth, "/api/v1/import?filename=a/b.xml", xml.clone()).await;
    assert_error(&folder, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");

    let big = vec![b' '; 2 * 1024 * 1024];
    let archive = zip_of(&[
        ("../escape/workflow.xml", xml.as_slice()),
        ("app/big.xml", big.as_slice()),
        (
            "app/broken.xml",
            b"<workflow-app xmlns='uri:oozie:workflow:0.5'",
        ),
        ("app/script.sh", b"echo hi"),
        ("app/latin1.xml", b"<a>\xff</a>"),
    ]);
    let report = upload(&app, &auth, "/api/v1/import", archive).await;
    assert_eq!(report.status, 200, "{}", report.text());
    let report = report.json();
    assert_eq!(report["imported"], json!([]));
    let reasons: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let reason = |p: &str| {
        reasons
            .iter()
            .find(|(path, _)| path == p)
            .map(|(_, r)| r.as_str())
            .unwrap_or_else(|| panic!("{p} missing from {reasons:?}"))
    };
    assert!(reason("../escape/workflow.xml").contains("unsafe path"));
    assert!(reason("app/big.xml").contains("larger than"));
    assert!(reason("app/broken.xml").contains("line 1"), "{reasons:?}");
    assert!(reason("app/script.sh").contains("not a definition"));
    assert!(reason("app/latin1.xml").contains("UTF-8"));
}

#[tokio::test]
async fn a_zip_with_two_definitions_of_one_name_keeps_both() {
    let (app, auth) = test_app().await;
    let xml = std::fs::read(examples().join("shell/workflow.xml")).unwrap();
    let archive = zip_of(&[
        ("a/workflow.xml", xml.as_slice()),
        ("b/workflow.xml", xml.as_slice()),
    ]);
    let report = upload(&app, &auth, "/api/v1/import", archive).await.json();
    let names: Vec<&str> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["shell-wf", "shell-wf-b"], "{report:#}");
    assert!(
        report["imported"][1]["notes"]
            .to_string()
            .contains("renamed")
    );
}

fn coordinator(app_path: &str) -> Value {
    json!({
        "name": "nightly",
        "frequency": "${coord:days(1)}",
        "start": "${start}",
        "end": "2027-01-01T00:00Z",
        "timezone": "Europe/Berlin",
        "app_path": app_path,
        "controls": {"concurrency": "2"},
        "job_properties": [{"name": "start", "value": "2026-01-01T00:00Z"}]
    })
}

#[tokio::test]
async fn coordinators_are_versioned_validated_diffed_and_exported() {
    let (app, auth) = test_app().await;
    let h = [("authorization", auth.as_str())];
    let created = send_with(
        &app,
        "POST",
        "/api/v1/coordinators",
        &h,
        Some(json!({"name": "nightly"}).to_string().into_bytes()),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let created = created.json();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["definition"]["frequency"], "${coord:days(1)}");
    let base = format!("/api/v1/coordinators/{id}");

    // No workflow chosen yet: saved, and the validation says what is missing.
    let body = json!({"revision": 1, "definition": coordinator(""), "comment": "draft"});
    let draft = send_with(&app, "PUT", &base, &h, Some(body.to_string().into_bytes())).await;
    assert_eq!(draft.status, 200, "{}", draft.text());
    let draft = draft.json();
    assert_eq!(draft["record"]["revision"], 2);
    assert_eq!(draft["validation"]["valid"], false);
    assert!(
        draft["validation"]["issues"][0]["message"]
            .to_string()
            .contains("app-path")
    );
    assert_error(
        &get(&app, &auth, &format!("{base}/export")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_definition",
    );

    let body = json!({"revision": 2, "definition": coordinator("${nameNode}/apps/etl")});
    let saved = send_with(&app, "PUT", &base, &h, Some(body.to_string().into_bytes()))
        .await
        .json();
    assert_eq!(saved["validation"], json!({"valid": true, "issues": []}));

    let xml = get(&app, &auth, &format!("{base}/export")).await;
    assert_eq!(xml.status, 200, "{}", xml.text());
    assert_eq!(
        xml.header("content-disposition"),
        Some("attachment; filename=\"coordinator.xml\"")
    );
    oozie::assert_schema_valid(&xml.text(), "the exported coordinator");
    let props = get(&app, &auth, &format!("{base}/export?format=properties")).await;
    assert_eq!(props.text(), "start=2026-01-01T00:00Z\n");
    let old = get(&app, &auth, &format!("{base}/export?version=1")).await;
    assert_error(&old, StatusCode::UNPROCESSABLE_ENTITY, "invalid_definition");

    let diff = get(&app, &auth, &format!("{base}/diff?from=2&to=3")).await;
    assert_eq!(diff.status, 200, "{}", diff.text());
    assert_eq!(
        diff.json()["changes"],
        json!([{"name": "app-path", "before": "", "after": "${nameNode}/apps/etl"}])
    );
    let versions = get(&app, &auth, &format!("{base}/versions")).await.json();
    assert_eq!(versions.as_array().unwrap().len(), 3);
    assert_eq!(versions[1]["comment"], "draft");

    let invalid = coordinator("/apps/etl");
    let mut invalid = invalid.clone();
    invalid["frequency"] = json!("${coord:days(0)}");
    let checked = send_with(
        &app,
        "POST",
        "/api/v1/coordinators/validate",
        &h,
        Some(invalid.to_string().into_bytes()),
    )
    .await;
    assert_eq!(checked.status, 200, "{}", checked.text());
    assert_eq!(checked.json()["valid"], false);

    let missing = get(&app, &auth, "/api/v1/coordinators/999").await;
    assert_error(&missing, StatusCode::NOT_FOUND, "not_found");
    assert!(
        missing.text().contains("coordinator not found"),
        "{}",
        missing.text()
    );
}

#[tokio::test]
async fn list_pages_are_bounded() {
    let (app, auth) = test_app().await;
    for name in ["a", "b", "c"] {
        let reply = send_with(
            &app,
            "POST",
            "/api/v1/workflows",
            &[("authorization", auth.as_str())],
            Some(json!({ "name": name }).to_string().into_bytes()),
        )
        .await;
        assert_eq!(reply.status, 201);
    }
    let page = get(&app, &auth, "/api/v1/workflows?limit=2&offset=1")
        .await
        .json();
    assert_eq!(
        (
            page["total"].clone(),
            page["items"].as_array().unwrap().len(),
            page["items"][0]["name"].clone()
        ),
        (json!(3), 1 + 1, json!("b"))
    );
    for bad in ["limit=0", "limit=501", "offset=-1", "limit=x"] {
        let reply = get(&app, &auth, &format!("/api/v1/workflows?{bad}")).await;
        assert_eq!(reply.status.as_u16() / 100, 4, "{bad}: {}", reply.text());
    }
}
