//! Authoring a schedule in the browser: the cron builder and the text box edit the same
//! cron, both ways; the frequency is said in words; and the preview the browser computes
//! is, run for run, what `sluice coord preview` prints for the coordinator.xml the server
//! exports once it is scheduled.

use anyhow::{Context, Result, ensure};
use e2e::{Browser, Server, http_get_with};

#[tokio::test(flavor = "multi_thread")]
async fn the_cron_builder_and_the_preview_agree_with_sluice_coord_preview() -> Result<()> {
    let server = Server::start()?;
    let auth = server.admin_auth()?;
    let xml = r#"<workflow-app name="nightly" xmlns="uri:oozie:workflow:0.5"><start to="run"/><action name="run"><shell xmlns="uri:oozie:shell-action:0.3"><job-tracker>jt</job-tracker><name-node>nn</name-node><exec>true</exec></shell><ok to="end"/><error to="fail"/></action><kill name="fail"><message>failed</message></kill><end name="end"/></workflow-app>"#;
    server.import(&auth, xml)?;

    let browser = Browser::signed_in(&server).await?;
    browser.driver.goto(server.url("/")).await?;
    browser.click("open-nightly").await?;
    browser.get("canvas").await?;
    browser.click("schedule-toggle").await?;
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
    let (status, list) =
        http_get_with(server.port, "/api/v1/coordinators", &auth).context("the coordinators")?;
    ensure!(status == 200, "{status}: {list}");
    let list: serde_json::Value = serde_json::from_str(&list)?;
    let id = list["items"][0]["id"].as_i64().context("a coordinator")?;
    let (status, coordinator_xml) = http_get_with(
        server.port,
        &format!("/api/v1/coordinators/{id}/export"),
        &auth,
    )
    .context("export")?;
    ensure!(status == 200, "{status}: {coordinator_xml}");
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("coordinator.xml");
    std::fs::write(&file, &coordinator_xml)?;
    let out = std::process::Command::new(server.bin())
        .args(["coord", "preview", "--count", "25"])
        .arg(&file)
        .output()?;
    ensure!(out.status.success(), "{out:?}");
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let from_cli: Vec<String> = printed
        .as_array()
        .context("a list")?
        .iter()
        .map(|a| a["nominal_time"].as_str().unwrap_or_default().to_owned())
        .collect();
    ensure!(
        in_browser == from_cli,
        "browser {in_browser:?}\ncommand line {from_cli:?}"
    );
    browser.quit().await
}
