//! Authoring a schedule in the browser: the cron builder and the text box edit the same
//! cron, both ways; the frequency is said in words; and the preview the browser computes
//! is, run for run, what `sluice coord preview` prints for the coordinator.xml the server
//! exports once it is scheduled. With datasets, input and output events, input logic and
//! a configuration typed with the `coord:` completion, each run's resolved URIs and values
//! are what the command line resolves too.

use anyhow::{Context, Result, ensure};
use e2e::{Browser, Server, http_get_with};
use thirtyfour::{By, Key};

/// A server with a one-action workflow named `name`, and a browser on its designer with
/// the schedule panel open.
async fn schedule_panel(name: &str) -> Result<(Server, String, Browser)> {
    let server = Server::start()?;
    let auth = server.admin_auth()?;
    let xml = format!(
        r#"<workflow-app name="{name}" xmlns="uri:oozie:workflow:0.5"><start to="run"/><action name="run"><shell xmlns="uri:oozie:shell-action:0.3"><job-tracker>jt</job-tracker><name-node>nn</name-node><exec>true</exec></shell><ok to="end"/><error to="fail"/></action><kill name="fail"><message>failed</message></kill><end name="end"/></workflow-app>"#
    );
    server.import(&auth, &xml)?;
    let browser = Browser::signed_in(&server).await?;
    open_panel(&server, &browser, name).await?;
    Ok((server, auth, browser))
}

async fn open_panel(server: &Server, browser: &Browser, name: &str) -> Result<()> {
    browser.driver.goto(server.url("/")).await?;
    browser.click(&format!("open-{name}")).await?;
    browser.get("canvas").await?;
    browser.click("schedule-toggle").await
}

/// The only stored coordinator's id, the coordinator.xml the server exports of it, and
/// what `sluice coord preview` prints for that file.
fn previewed_by_the_command_line(
    server: &Server,
    auth: &str,
    args: &[&str],
) -> Result<(i64, String, Vec<serde_json::Value>)> {
    let (status, list) =
        http_get_with(server.port, "/api/v1/coordinators", auth).context("the coordinators")?;
    ensure!(status == 200, "{status}: {list}");
    let list: serde_json::Value = serde_json::from_str(&list)?;
    ensure!(list["total"] == 1, "one coordinator: {list}");
    let id = list["items"][0]["id"].as_i64().context("a coordinator")?;
    let (status, coordinator_xml) = http_get_with(
        server.port,
        &format!("/api/v1/coordinators/{id}/export"),
        auth,
    )
    .context("export")?;
    ensure!(status == 200, "{status}: {coordinator_xml}");
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("coordinator.xml");
    std::fs::write(&file, &coordinator_xml)?;
    let out = std::process::Command::new(server.bin())
        .args(["coord", "preview"])
        .args(args)
        .arg(&file)
        .output()?;
    ensure!(out.status.success(), "{out:?}");
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let actions = printed.as_array().context("a list")?.clone();
    Ok((id, coordinator_xml, actions))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cron_builder_and_the_preview_agree_with_sluice_coord_preview() -> Result<()> {
    let (server, auth, browser) = schedule_panel("nightly").await?;
    // In the future, so that nothing runs while the test reads; across two years of a
    // zone with daylight saving, so the clocks change in the preview.
    browser.fill("schedule-start", "2027-01-01T00:00Z").await?;
    browser.fill("schedule-end", "2029-06-01T00:00Z").await?;
    browser
        .fill("schedule-timezone", "America/Los_Angeles")
        .await?;
    browser.select("schedule-unit", "cron").await?;
    let cron_text =
        || async { anyhow::Ok(browser.get("schedule-cron").await?.prop("value").await?) };

    // Builder → text. The minute: only :30.
    browser.click("cron-tab-minute").await?;
    browser.click("cron-kind-values").await?;
    browser.click("cron-value-30").await?;
    browser.click("cron-value-0").await?;
    // The hour: 02 and 14.
    browser.click("cron-tab-hour").await?;
    browser.click("cron-value-14").await?;
    // The weekday: Monday to Thursday.
    browser.click("cron-tab-weekday").await?;
    browser.click("cron-kind-range").await?;
    browser.select("cron-range-to", "5").await?;
    ensure!(
        cron_text().await?.as_deref() == Some("30 2,14 * * MON-THU"),
        "{:?}",
        cron_text().await?
    );

    // Text → builder: a cron typed by hand shows as its choices.
    browser.fill("schedule-cron", "15 6 L * ?").await?;
    browser.click("cron-tab-day").await?;
    ensure!(
        browser
            .get("cron-kind-last-day")
            .await?
            .is_selected()
            .await?,
        "the last day is chosen"
    );
    browser.fill("cron-last-before", "2").await?;
    ensure!(
        cron_text().await?.as_deref() == Some("15 6 L-2 * ?"),
        "{:?}",
        cron_text().await?
    );
    browser.click("cron-tab-weekday").await?;
    ensure!(
        browser
            .get("cron-kind-unspecified")
            .await?
            .is_selected()
            .await?,
        "the weekday is left to the day"
    );
    // What the builder cannot say is kept as written.
    browser.fill("schedule-cron", "15 6 1-5,10/3 * ?").await?;
    browser.click("cron-tab-day").await?;
    browser
        .text_is(
            "cron-custom",
            "Written by hand; pick a choice above to replace it: 1-5,10/3",
        )
        .await?;
    browser.fill("schedule-cron", "15 6 L-2 * ?").await?;

    // In words, and 25 runs: two years of months, with the clock changes marked.
    browser
        .wait_for("the description", || async {
            Ok(!browser
                .get("schedule-describe")
                .await?
                .text()
                .await?
                .is_empty())
        })
        .await?;
    browser.select("schedule-count", "25").await?;
    browser
        .wait_for("25 runs", || async {
            browser.exists("preview-row-25").await
        })
        .await?;
    let mut in_browser = Vec::new();
    for n in 1..=25 {
        in_browser.push(
            browser
                .get(&format!("preview-utc-{n}"))
                .await?
                .text()
                .await?,
        );
    }
    let mut changes = 0;
    for n in 2..=25 {
        if browser.exists(&format!("preview-dst-{n}")).await? {
            changes += 1;
        }
    }
    ensure!(changes >= 2, "clock changes marked: {changes}");

    // Scheduled, the server exports it; the command line previews that file.
    browser.click("schedule-submit").await?;
    browser.get("coord-status").await?;
    let (_, _, actions) = previewed_by_the_command_line(&server, &auth, &["--count", "25"])?;
    let from_cli: Vec<String> = actions
        .iter()
        .map(|a| a["nominal_time"].as_str().unwrap_or_default().to_owned())
        .collect();
    ensure!(
        in_browser == from_cli,
        "browser {in_browser:?}\ncommand line {from_cli:?}"
    );
    browser.quit().await
}

/// A resolved value as the preview shows it, without the hint after one that waits for
/// data.
fn value_of(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.split(" (")
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Opens a `<details>` section of the schedule panel by its summary, as a person does.
async fn open_section(browser: &Browser, testid: &str) -> Result<()> {
    browser
        .driver
        .find(By::Css(format!("[data-testid={testid}] > summary")))
        .await?
        .click()
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn datasets_events_and_configuration_preview_as_sluice_coord_preview_resolves_them()
-> Result<()> {
    let (server, auth, browser) = schedule_panel("daily").await?;
    browser.fill("schedule-start", "2027-01-01T00:00Z").await?;
    browser.fill("schedule-end", "2027-02-01T00:00Z").await?;
    // The picker beside the text shows the same time.
    browser
        .wait_for("the start picker", || async {
            Ok(browser
                .get("schedule-start-pick")
                .await?
                .prop("value")
                .await?
                .as_deref()
                == Some("2027-01-01T00:00"))
        })
        .await?;

    // Two daily datasets: logs, complete with _SUCCESS; reports, once their directory is there.
    open_section(&browser, "schedule-datasets").await?;
    browser.click("dataset-add").await?;
    browser.fill("dataset-0-name", "logs").await?;
    browser
        .fill("dataset-0-initial", "2026-01-01T00:00Z")
        .await?;
    browser
        .fill("dataset-0-uri", "hdfs://nn/logs/${YEAR}/${MONTH}/${DAY}")
        .await?;
    browser.click("dataset-add").await?;
    browser.fill("dataset-1-name", "reports").await?;
    browser
        .fill("dataset-1-initial", "2026-01-01T00:00Z")
        .await?;
    browser
        .fill("dataset-1-uri", "hdfs://nn/reports/${YEAR}${MONTH}${DAY}")
        .await?;
    browser.select("dataset-1-done", "dir").await?;

    // Inputs: the last three days of logs as a range, and the newest log that exists.
    open_section(&browser, "schedule-inputs").await?;
    browser.click("input-add").await?;
    browser.click("input-0-range").await?;
    browser.fill("input-0-start-n", "-2").await?;
    browser.click("input-add").await?;
    browser.fill("input-1-name", "newest").await?;
    browser.select("input-1-start-kind", "latest").await?;
    // The output: the day's report.
    browser.click("output-add").await?;
    browser.select("output-0-dataset", "reports").await?;
    browser.click("output-0-nocleanup").await?;

    // Input logic: two days of the range, or else the newest log.
    open_section(&browser, "schedule-logic").await?;
    browser.click("logic-set").await?;
    browser.select("logic-op", "or").await?;
    browser.fill("logic-0-min", "2").await?;

    // Configuration, typed with the coord: completion.
    open_section(&browser, "schedule-configuration").await?;
    browser.click("schedule-conf-add").await?;
    browser.fill("schedule-conf-name-0", "inputDir").await?;
    browser
        .fill("schedule-conf-value-0", "${coord:dataI")
        .await?;
    browser
        .text_has("schedule-conf-value-0-suggest", "coord:dataIn(event)")
        .await?;
    browser
        .get("schedule-conf-value-0")
        .await?
        .send_keys(Key::Enter)
        .await?;
    browser
        .get("schedule-conf-value-0")
        .await?
        .send_keys("'input')}")
        .await?;
    let configured = [
        (
            "day",
            "${coord:formatTime(coord:nominalTime(), 'yyyyMMdd')}",
        ),
        ("report", "${coord:dataOut('output')}"),
        ("id", "${coord:actionId()}"),
        ("who", "${coord:user()}"),
    ];
    for (i, (name, value)) in configured.iter().enumerate() {
        browser.click("schedule-conf-add").await?;
        browser
            .fill(&format!("schedule-conf-name-{}", i + 1), name)
            .await?;
        browser
            .fill(&format!("schedule-conf-value-{}", i + 1), value)
            .await?;
    }
    // A function the coordinator cannot call is said at the field.
    browser.click("schedule-conf-add").await?;
    browser.fill("schedule-conf-value-5", "${wf:id()}").await?;
    browser
        .text_has("schedule-conf-value-5-notes", "wf:id")
        .await?;
    browser.click("schedule-conf-remove-5").await?;

    browser.select("schedule-count", "5").await?;
    browser
        .text_is(
            "preview-in-1-input",
            "hdfs://nn/logs/2027/01/01, hdfs://nn/logs/2026/12/31, hdfs://nn/logs/2026/12/30",
        )
        .await?;
    let read = |kind: &str, n: u64, name: &str| {
        let id = format!("preview-{kind}-{n}-{name}");
        let browser = &browser;
        async move { anyhow::Ok(value_of(&browser.get(&id).await?.text().await?)) }
    };
    ensure!(
        read("in", 1, "newest").await? == "${coord:latest(0)}",
        "latest stays as written until the data is checked: {}",
        read("in", 1, "newest").await?
    );
    ensure!(
        read("conf", 2, "inputDir").await?
            == "hdfs://nn/logs/2027/01/02,hdfs://nn/logs/2027/01/01,hdfs://nn/logs/2026/12/31",
        "{}",
        read("conf", 2, "inputDir").await?
    );

    // Everything the preview resolved, before scheduling leaves the panel.
    let mut shown = std::collections::BTreeMap::new();
    for dd in browser
        .driver
        .find_all(By::Css("dd[data-testid^=preview-]"))
        .await?
    {
        let id = dd.attr("data-testid").await?.unwrap_or_default();
        let id = id.trim_start_matches("preview-").to_owned();
        let (kind, rest) = id.split_once('-').context("kind-n-name")?;
        shown.insert(
            (kind.to_owned(), rest.to_owned()),
            value_of(&dd.text().await?),
        );
    }
    browser.click("schedule-submit").await?;
    browser.get("coord-status").await?;
    let (id, coordinator_xml, actions) =
        previewed_by_the_command_line(&server, &auth, &["--count", "5", "--user", "admin"])?;
    for part in [
        "<input-logic>",
        "<or>",
        "<data-in min=\"2\" dataset=\"input\"/>",
        "<done-flag></done-flag>",
        "nocleanup=\"true\"",
        "<start-instance>${coord:current(-2)}</start-instance>",
    ] {
        ensure!(
            coordinator_xml.contains(part)
                || coordinator_xml.contains(&part.replace("></done-flag>", "/>")),
            "{part} in\n{coordinator_xml}"
        );
    }
    ensure!(actions.len() == 5, "{actions:?}");
    let mut compared = 0;
    for action in &actions {
        let n = action["number"].as_u64().context("a number")?;
        for (kind, key, sep) in [
            ("in", "inputs", ", "),
            ("out", "outputs", ", "),
            ("conf", "configuration", ""),
        ] {
            for (name, value) in action[key].as_object().context("entries")? {
                let expected = match value {
                    serde_json::Value::Array(uris) => uris
                        .iter()
                        .map(|u| u.as_str().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(sep),
                    other => other.as_str().unwrap_or_default().to_owned(),
                };
                let shown = shown
                    .get(&(kind.to_owned(), format!("{n}-{name}")))
                    .cloned()
                    .unwrap_or_default();
                ensure!(
                    shown == expected,
                    "run {n} {kind} {name}: the browser shows {shown:?}, the command line {expected:?}"
                );
                compared += 1;
            }
        }
    }
    // Per run: two inputs, one output, five properties.
    ensure!(compared == 5 * 8, "{compared} values compared");
    ensure!(
        actions[0]["configuration"]["who"] == "admin"
            && actions[0]["configuration"]["day"] == "20270101",
        "{}",
        actions[0]
    );

    // Opened again from the designer, the saved schedule fills the panel, and an edit
    // saves a new version of the same coordinator.
    open_panel(&server, &browser, "daily").await?;
    browser.select("schedule-open", &id.to_string()).await?;
    let value = |testid: &'static str| {
        let browser = &browser;
        async move {
            anyhow::Ok(
                browser
                    .get(testid)
                    .await?
                    .prop("value")
                    .await?
                    .unwrap_or_default(),
            )
        }
    };
    browser
        .wait_for("the saved schedule", || async {
            Ok(value("schedule-start").await? == "2027-01-01T00:00Z")
        })
        .await?;
    open_section(&browser, "schedule-datasets").await?;
    open_section(&browser, "schedule-inputs").await?;
    open_section(&browser, "schedule-logic").await?;
    open_section(&browser, "schedule-configuration").await?;
    for (testid, expected) in [
        ("schedule-unit", "days"),
        ("dataset-1-name", "reports"),
        ("dataset-1-done", "dir"),
        ("input-0-start-n", "-2"),
        ("input-0-end-kind", "current"),
        ("input-1-start-kind", "latest"),
        ("output-0-dataset", "reports"),
        ("logic-op", "or"),
        ("logic-0-min", "2"),
        ("schedule-conf-name-0", "inputDir"),
        ("schedule-conf-value-4", "${coord:user()}"),
    ] {
        let got = value(testid).await?;
        ensure!(got == expected, "{testid}: {got:?}, not {expected:?}");
    }
    browser
        .fill("dataset-0-uri", "hdfs://nn/v2/logs/${YEAR}/${MONTH}/${DAY}")
        .await?;
    browser
        .text_is(
            "preview-in-1-input",
            "hdfs://nn/v2/logs/2027/01/01, hdfs://nn/v2/logs/2026/12/31, hdfs://nn/v2/logs/2026/12/30",
        )
        .await?;
    browser.click("schedule-save").await?;
    browser
        .text_matches("schedule-message", "say it saved", |t| {
            t.starts_with("Saved as version")
        })
        .await?;
    let (status, record) = http_get_with(server.port, &format!("/api/v1/coordinators/{id}"), &auth)
        .context("the coordinator")?;
    ensure!(status == 200, "{status}: {record}");
    let record: serde_json::Value = serde_json::from_str(&record)?;
    let saved = &record["definition"];
    ensure!(
        saved["datasets"][0]["uri_template"] == "hdfs://nn/v2/logs/${YEAR}/${MONTH}/${DAY}"
            && saved["configuration"].as_array().map(Vec::len) == Some(5)
            && saved["input_logic"][0]["op"] == "or"
            && saved["outputs"][0]["nocleanup"] == true,
        "{saved}"
    );
    let (_, list) =
        http_get_with(server.port, "/api/v1/coordinators", &auth).context("the coordinators")?;
    let list: serde_json::Value = serde_json::from_str(&list)?;
    ensure!(
        list["total"] == 1,
        "the same coordinator, not a new one: {list}"
    );
    browser.quit().await
}
