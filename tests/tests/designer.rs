//! The designer, end to end: a real server, a real browser, real pointer drags.

use anyhow::{Context, Result, ensure};
use e2e::{Browser, Server, xmllint};
use thirtyfour::prelude::*;

/// Selects a node by clicking it and renames it through the property panel.
async fn rename(browser: &Browser, old: &str, new: &str) -> Result<()> {
    browser.get(&format!("node-{old}")).await?.click().await?;
    browser.fill("prop-name", new).await?;
    browser
        .get("prop-name")
        .await?
        .send_keys(Key::Enter)
        .await?;
    browser.get(&format!("node-{new}")).await?;
    Ok(())
}

async fn set_exec(browser: &Browser, node: &str, exec: &str) -> Result<()> {
    browser.get(&format!("node-{node}")).await?.click().await?;
    browser.fill("prop-exec", exec).await?;
    Ok(())
}

/// Where the nodes are drawn (their SVG transforms), in the order given.
async fn transforms(browser: &Browser, nodes: &[&str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for node in nodes {
        let el = browser.get(&format!("node-{node}")).await?;
        out.push(
            el.attr("transform")
                .await?
                .context("a node has a transform")?,
        );
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread")]
async fn draw_save_reload_and_export_a_valid_workflow() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    browser.create_workflow(&server, "daily-etl").await?;

    browser.drop_from_palette("shell", 150, 150).await?;
    browser.drop_from_palette("shell", 450, 150).await?;
    browser.drop_from_palette("end", 750, 150).await?;
    rename(&browser, "shell-1", "extract").await?;
    rename(&browser, "shell-2", "load").await?;
    rename(&browser, "end-1", "done").await?;
    set_exec(&browser, "extract", "echo").await?;
    browser.fill("prop-argument", "extracting").await?;
    set_exec(&browser, "load", "echo").await?;

    browser.connect("extract", "ok", "load").await?;
    browser.connect("load", "ok", "done").await?;
    browser.get("edge-extract-load").await?;
    browser.get("edge-load-done").await?;
    let summary = browser.get("validation-summary").await?.text().await?;
    ensure!(
        summary.starts_with("No issues"),
        "live validation says: {summary}"
    );

    browser.get("save").await?.click().await?;
    browser.status_is("Saved.").await?;
    let nodes = ["extract", "load", "done"];
    let before = transforms(&browser, &nodes).await?;

    // A reload shows the same graph at the same places: it came back from SQLite.
    browser.driver.refresh().await?;
    let after = transforms(&browser, &nodes).await?;
    ensure!(
        before == after,
        "positions changed across reload: {before:?} vs {after:?}"
    );
    browser.get("edge-extract-load").await?;
    browser.get("edge-load-done").await?;
    ensure!(
        !browser.exists("edge-extract-done").await?,
        "an edge nobody drew"
    );
    browser.get("node-extract").await?.click().await?;
    let args = browser.get("prop-argument").await?.prop("value").await?;
    ensure!(
        args.as_deref() == Some("extracting"),
        "arguments after reload: {args:?}"
    );

    // The list page knows it and opens it.
    browser.driver.goto(server.url("/")).await?;
    browser.get("open-daily-etl").await?.click().await?;
    browser.get("node-load").await?;

    // Export shows workflow.xml (highlighted) and downloads it, and Oozie's schemas accept
    // it; the stored app downloads as a zip.
    browser.get("export").await?.click().await?;
    let shown = browser.get("export-xml").await?.text().await?;
    ensure!(shown.contains(r#"<action name="extract">"#), "{shown}");
    browser.click("export-download-xml").await?;
    let file = browser.downloaded("workflow.xml").await?;
    let xml = std::fs::read_to_string(&file)?;
    ensure!(xml.contains(r#"<action name="extract">"#), "{xml}");
    ensure!(xml.contains(r#"<ok to="load"/>"#), "{xml}");
    ensure!(xml.contains(r#"<end name="done"/>"#), "{xml}");
    xmllint(&file).with_context(|| format!("exported XML is not schema-valid:\n{xml}"))?;
    browser.click("export-download-zip").await?;
    let zip = browser.downloaded("daily-etl.zip").await?;
    ensure!(std::fs::metadata(&zip)?.len() > 100, "an app zip");

    browser.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cycle_is_reported_with_its_path_and_highlighted() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    browser.create_workflow(&server, "loop").await?;

    browser.drop_from_palette("shell", 150, 120).await?;
    browser.drop_from_palette("shell", 450, 120).await?;
    set_exec(&browser, "shell-1", "true").await?;
    set_exec(&browser, "shell-2", "true").await?;
    browser.connect("shell-1", "ok", "shell-2").await?;
    // The canvas refuses to draw the loop, saying why...
    browser.connect("shell-2", "error", "shell-1").await?;
    let notice = browser.get("notice").await?.text().await?;
    ensure!(notice.contains("loop"), "refusal reads: {notice}");
    ensure!(!browser.exists("edge-shell-2-shell-1").await?);

    // ...but a loop stored by other means (here the API) is reported and highlighted.
    browser.get("save").await?.click().await?;
    browser.status_is("Saved.").await?;
    let url = browser.driver.current_url().await?;
    let id = url
        .path()
        .rsplit('/')
        .next()
        .context("workflow id")?
        .to_owned();
    let auth = server.admin_auth()?;
    let path = format!("/api/v1/workflows/{id}");
    let (_, body) = e2e::http_request(server.port, "GET", &path, &auth, "").context("GET")?;
    let mut record: serde_json::Value = serde_json::from_str(&body)?;
    let mut definition = record["definition"].take();
    definition["edges"]
        .as_array_mut()
        .context("edges")?
        .push(serde_json::json!({"from": "shell-2", "to": "shell-1", "kind": "error"}));
    let save = serde_json::json!({"revision": record["revision"], "definition": definition});
    let (status, reply) = e2e::http_send(
        server.port,
        "PUT",
        &path,
        &auth,
        "application/json",
        &save.to_string(),
    )
    .context("PUT")?;
    ensure!(status == 200, "{status}: {reply}");
    browser.driver.refresh().await?;
    let back = browser.get("edge-shell-2-shell-1").await?;
    ensure!(back.attr("data-kind").await?.as_deref() == Some("error"));

    // Live (wasm) validation lists the loop with its path...
    let issue = browser.get("issue").await?;
    ensure!(issue.attr("data-code").await?.as_deref() == Some("E0707"));
    let text = issue.text().await?;
    ensure!(
        text.contains("path [shell-1->shell-2->shell-1]"),
        "cycle issue reads: {text}"
    );
    // ...highlights its nodes and edges...
    for node in ["node-shell-1", "node-shell-2"] {
        let class = browser.class_of(node).await?;
        ensure!(
            class.contains("invalid"),
            "{node} is not highlighted: {class}"
        );
    }
    let edge = browser
        .get("edge-shell-1-shell-2")
        .await?
        .find(By::Css("path.edge"))
        .await?;
    ensure!(
        edge.attr("class")
            .await?
            .unwrap_or_default()
            .contains("invalid")
    );

    // ...the server agrees...
    browser.get("validate").await?.click().await?;
    browser.status_is("Server check: 1 error(s)").await?;

    // ...a click on the issue selects its first node...
    issue.click().await?;
    let name = browser.get("prop-name").await?.prop("value").await?;
    ensure!(name.as_deref() == Some("shell-1"), "selected: {name:?}");

    // ...and such a workflow does not export.
    browser.get("export").await?.click().await?;
    browser.status_is("Not exported").await?;
    browser.get("export-refused").await?;
    browser.click("export-close").await?;

    // Deleting the back edge fixes it.
    browser.click_edge("edge-shell-2-shell-1").await?;
    browser.get("delete-edge").await?.click().await?;
    browser
        .wait_for("the issue list to empty", || async {
            Ok(!browser.exists("issue").await?)
        })
        .await?;
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_branches_export_as_fork_and_join() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    browser.create_workflow(&server, "fan-out").await?;

    // extract → (clean ∥ enrich) → load, drawn as plain dependencies.
    for (x, y) in [(130, 170), (430, 80), (430, 280), (730, 170)] {
        browser.drop_from_palette("shell", x, y).await?;
    }
    for (old, new) in [
        ("shell-1", "extract"),
        ("shell-2", "clean"),
        ("shell-3", "enrich"),
        ("shell-4", "load"),
    ] {
        rename(&browser, old, new).await?;
        set_exec(&browser, new, "true").await?;
    }
    for (from, to) in [
        ("extract", "clean"),
        ("extract", "enrich"),
        ("clean", "load"),
        ("enrich", "load"),
    ] {
        browser.connect(from, "ok", to).await?;
        browser.get(&format!("edge-{from}-{to}")).await?;
    }
    let summary = browser.get("validation-summary").await?.text().await?;
    ensure!(
        summary.starts_with("No issues"),
        "live validation says: {summary}"
    );

    browser.get("export").await?.click().await?;
    let notes = browser.get("export-notes").await?.text().await?;
    ensure!(notes.contains("1 fork/join pair(s) added"), "{notes}");
    browser.click("export-download-xml").await?;
    let file = browser.downloaded("workflow.xml").await?;
    let xml = std::fs::read_to_string(&file)?;
    ensure!(xml.contains(r#"<ok to="fork-1"/>"#), "{xml}");
    ensure!(xml.contains(r#"<path start="clean"/>"#), "{xml}");
    ensure!(xml.contains(r#"<path start="enrich"/>"#), "{xml}");
    ensure!(xml.contains(r#"<join name="join-1" to="load"/>"#), "{xml}");
    xmllint(&file).with_context(|| format!("exported XML is not schema-valid:\n{xml}"))?;
    browser.quit().await
}

/// A decision drawn on the canvas: the green port draws a case (its predicate typed in the
/// edge's panel), the red one the default. The export writes Oozie's `<decision>`.
#[tokio::test(flavor = "multi_thread")]
async fn a_decision_routes_on_a_predicate_and_exports() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    browser.create_workflow(&server, "branching").await?;

    browser.drop_from_palette("shell", 120, 120).await?;
    browser.drop_from_palette("decision", 420, 120).await?;
    browser.drop_from_palette("shell", 720, 60).await?;
    browser.drop_from_palette("end", 720, 320).await?;
    set_exec(&browser, "shell-1", "check.sh").await?;
    set_exec(&browser, "shell-2", "full-load.sh").await?;
    browser.connect("shell-1", "ok", "decision-1").await?;
    browser.connect("decision-1", "ok", "shell-2").await?;
    browser.connect("decision-1", "error", "end-1").await?;
    let kind = browser
        .get("edge-decision-1-shell-2")
        .await?
        .attr("data-kind")
        .await?;
    ensure!(kind.as_deref() == Some("case"), "edge kind {kind:?}");

    // A case without a predicate is an error, shown live.
    browser
        .wait_for("the empty predicate to be reported", || async {
            Ok(browser.exists("issue").await?
                && browser
                    .get("issue")
                    .await?
                    .attr("data-code")
                    .await?
                    .as_deref()
                    == Some("S1011"))
        })
        .await?;
    browser.click_edge("edge-decision-1-shell-2").await?;
    browser
        .fill("prop-predicate", "${wf:conf('mode') eq 'full'}")
        .await?;
    browser
        .get("prop-predicate")
        .await?
        .send_keys(Key::Tab)
        .await?;
    browser
        .wait_for("no issues", || async {
            Ok(browser
                .get("validation-summary")
                .await?
                .text()
                .await?
                .starts_with("No issues"))
        })
        .await?;

    browser.get("export").await?.click().await?;
    browser.click("export-download-xml").await?;
    let file = browser.downloaded("workflow.xml").await?;
    let xml = std::fs::read_to_string(&file)?;
    ensure!(xml.contains(r#"<decision name="decision-1">"#), "{xml}");
    ensure!(
        xml.contains(
            r#"<case to="shell-2">${wf:conf(&apos;mode&apos;) eq &apos;full&apos;}</case>"#
        ),
        "{xml}"
    );
    ensure!(xml.contains(r#"<default to="end-1"/>"#), "{xml}");
    xmllint(&file).with_context(|| format!("exported XML is not schema-valid:\n{xml}"))?;
    browser.quit().await
}
