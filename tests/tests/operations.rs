//! Running and steering, end to end: schedule a workflow from the designer, watch its
//! instance run live, suspend and resume it, rerun its failed node, suspend and resume the
//! coordinator, start an instance with parameters and kill it, and backfill three past
//! periods in parallel; each operation confirmed after its dry run.

use anyhow::{Result, ensure};
use e2e::{Browser, Server};
use thirtyfour::Key;

/// `sh -c SCRIPT` as a shell action.
fn sh(name: &str, script: &str, ok: &str) -> String {
    format!(
        r#"<action name="{name}"><shell xmlns="uri:oozie:shell-action:0.3"><exec>sh</exec><argument>-c</argument><argument>{script}</argument></shell><ok to="{ok}"/><error to="fail"/></action>"#
    )
}

/// Oozie's time format, `minutes` from now.
fn oozie_time(minutes: i64) -> String {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + minutes * 60;
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{at}"), "+%Y-%m-%dT%H:%MZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn schedule_watch_suspend_resume_and_rerun_a_failed_node() -> Result<()> {
    let server = Server::start()?;
    let dir = tempfile::tempdir()?;
    let go = dir.path().join("go");
    let flag = dir.path().join("flag");
    // `extract` runs until the test lets it go; `load` fails until the flag exists.
    let xml = format!(
        r#"<workflow-app name="ops-demo" xmlns="uri:oozie:workflow:0.5"><global><job-tracker>jt</job-tracker><name-node>nn</name-node></global><start to="extract"/>{}{}<kill name="fail"><message>failed at ${{wf:lastErrorNode()}}</message></kill><end name="end"/></workflow-app>"#,
        sh(
            "extract",
            &format!(
                "echo extracting; while [ ! -f {} ]; do sleep 0.1; done; echo extracted",
                go.display()
            ),
            "load"
        ),
        sh(
            "load",
            &format!("test -f {} &amp;&amp; echo loaded", flag.display()),
            "end"
        ),
    );
    let auth = server.admin_auth()?;
    server.import(&auth, &xml)?;

    let browser = Browser::signed_in(&server).await?;
    browser.driver.goto(server.url("/")).await?;
    browser.click("open-ops-demo").await?;
    browser.get("canvas").await?;

    // Schedule it hourly from a minute ago: the first run is due at once. The preview is
    // computed in the browser by the scheduler's own code.
    browser.click("schedule-toggle").await?;
    let start = oozie_time(-1);
    browser.fill("schedule-start", &start).await?;
    browser.fill("schedule-end", &oozie_time(90)).await?;
    browser.select("schedule-unit", "hours").await?;
    // Region zones come from the rules table loaded beside the app (not compiled into it):
    // an unknown one is refused, a real one gives the same hourly runs as UTC.
    browser
        .fill("schedule-timezone", "Mars/Olympus_Mons")
        .await?;
    browser
        .wait_for("the unknown zone refused", || async {
            let text = browser.get("schedule-preview").await?.text().await?;
            Ok(text.contains("unknown time zone [Mars/Olympus_Mons]"))
        })
        .await?;
    browser
        .fill("schedule-timezone", "America/Los_Angeles")
        .await?;
    // Two runs before the end: the first at the start, in UTC as Oozie writes it.
    browser
        .wait_for("the preview", || async {
            Ok(browser.exists("preview-row-2").await?
                && !browser.exists("preview-row-3").await?
                && browser.get("preview-utc-1").await?.text().await? == start)
        })
        .await?;
    browser.click("schedule-submit").await?;
    browser.text_is("coord-status", "RUNNING").await?;

    // The first action's instance, live: chosen in the grid, then opened.
    browser.click("coord-action-1").await?;
    browser.click("action-instance-1").await?;
    browser.text_is("node-status-extract", "RUNNING").await?;
    browser.click("node-row-extract").await?;
    browser
        .wait_for("the running task's log", || async {
            Ok(browser.get("log").await?.text().await? == "extracting")
        })
        .await?;

    // Suspend: the dry run says what changes; the running task finishes, nothing new
    // starts.
    browser.click("op-suspend").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    ensure!(dry.contains("The instance: RUNNING → SUSPENDED"), "{dry}");
    browser.click("confirm-ok").await?;
    browser.text_is("instance-status", "SUSPENDED").await?;
    std::fs::write(&go, "")?;
    browser.text_is("node-status-extract", "OK").await?;
    browser
        .wait_for("the log to end", || async {
            Ok(browser.get("log").await?.text().await? == "extracting\nextracted")
        })
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    browser.text_is("node-status-load", "PREP").await?;
    ensure!(
        browser
            .get("node-row-load")
            .await?
            .text()
            .await?
            .contains("waiting: suspended"),
        "load waits because the instance is suspended"
    );

    // Resume: load runs, fails, and the instance is killed.
    browser.click("op-resume").await?;
    browser.click("confirm-ok").await?;
    browser.text_is("node-status-load", "ERROR").await?;
    browser.text_is("instance-status", "KILLED").await?;
    browser.text_is("instance-error", "failed at load").await?;

    // Rerun the failed node once its input is there: extract is kept, load runs again.
    std::fs::write(&flag, "")?;
    browser.click("op-rerun-failed").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    ensure!(
        dry.contains("It becomes run 1; 1 node runs again: load"),
        "{dry}"
    );
    ensure!(dry.contains("Kept from the run before: extract"), "{dry}");
    browser.click("confirm-ok").await?;
    browser.text_is("instance-status", "SUCCEEDED").await?;
    browser.text_is("node-status-load", "OK").await?;
    browser.text_is("node-tries-extract", "1").await?;
    // Each try keeps its log: run 1's load printed "loaded", run 0's printed nothing.
    browser.click("node-row-load").await?;
    browser.text_is("log", "loaded").await?;
    browser.select("log-try", "0:").await?;
    browser.text_is("log-at", "run 0, try 1").await?;
    browser.text_is("log", "").await?;
    browser.select("log-try", "").await?;
    browser.text_is("log", "loaded").await?;
    // Its drawing coloured by status, its tasks on one time axis, and who did what to it.
    browser
        .attr_is("still-extract", "data-status", "OK")
        .await?;
    browser.attr_is("still-load", "data-status", "OK").await?;
    ensure!(browser.class_of("still-load").await?.contains("s-OK"));
    browser.get("gantt-bar-extract").await?;
    browser.get("gantt-bar-load").await?;
    browser
        .wait_for("the audit trail", || async {
            let trail = browser.get("audit-trail").await?.text().await?;
            // Rows read `date time who what answer`.
            let ops: Vec<&str> = trail
                .lines()
                .filter(|l| l.ends_with(" 200"))
                .filter_map(|l| l.split_whitespace().nth(3))
                .collect();
            Ok(ops == ["rerun", "resume", "suspend"])
        })
        .await?;

    // The coordinator's action follows its instance; the coordinator is suspended and
    // resumed.
    browser.click("nav-runs").await?;
    browser.click("coord-job-1").await?;
    browser
        .attr_is("coord-action-1", "data-status", "SUCCEEDED")
        .await?;
    browser.click("coord-op-suspend").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    ensure!(dry.contains("The job: RUNNING → SUSPENDED"), "{dry}");
    browser.click("confirm-ok").await?;
    browser.text_is("coord-status", "SUSPENDED").await?;
    browser.click("coord-op-resume").await?;
    browser.click("confirm-ok").await?;
    browser.text_is("coord-status", "RUNNING").await?;

    // Start it now with a parameter, and kill it while extract waits.
    std::fs::remove_file(&go)?;
    browser.driver.goto(server.url("/")).await?;
    browser.click("open-ops-demo").await?;
    browser.click("run-toggle").await?;
    browser.fill("run-properties", "day=2026-11-21").await?;
    browser.click("run-review").await?;
    let summary = browser.get("run-summary").await?.text().await?;
    ensure!(summary.contains("day=2026-11-21"), "{summary}");
    browser.click("run-start").await?;
    browser.text_is("node-status-extract", "RUNNING").await?;
    // (Folded away under "Properties it runs with": read without opening it.)
    let day = browser
        .get("property-day")
        .await?
        .prop("textContent")
        .await?;
    ensure!(
        day.as_deref().is_some_and(|d| d.contains("2026-11-21")),
        "the instance runs with the parameter: {day:?}"
    );
    browser.click("op-kill").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    ensure!(dry.contains("The instance: RUNNING → KILLED"), "{dry}");
    ensure!(dry.contains("extract: RUNNING → KILLED"), "{dry}");
    browser.click("confirm-ok").await?;
    browser.text_is("instance-status", "KILLED").await?;
    browser.text_is("node-status-extract", "KILLED").await?;
    browser
        .attr_is("still-extract", "data-status", "KILLED")
        .await?;
    ensure!(
        browser
            .get("still-load")
            .await?
            .attr("data-status")
            .await?
            .is_none(),
        "load was never reached"
    );
    // A node's own operations, each only as far as its dry run.
    browser.click("node-row-load").await?;
    browser.click("op-mark-skipped").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    ensure!(dry.contains("load: "), "{dry}");
    browser.click("confirm-cancel").await?;
    browser.click("node-row-extract").await?;
    browser.click("op-rerun-from").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    ensure!(dry.contains("It becomes run 1"), "{dry}");
    ensure!(dry.contains("extract"), "{dry}");
    browser.click("confirm-cancel").await?;
    browser.text_is("instance-status", "KILLED").await?;

    // The instances list: filter by status, choose, and see what a bulk resume would do.
    browser.click("nav-runs").await?;
    browser.select("instance-status-filter", "KILLED").await?;
    browser.text_is("page-info", "1–1 of 1").await?;
    browser.click("pick-all").await?;
    ensure!(
        browser
            .get("bulk")
            .await?
            .text()
            .await?
            .contains("1 chosen")
    );
    browser.click("bulk-resume").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    ensure!(
        dry.contains("Instance 2: refused:"),
        "a killed instance cannot resume: {dry}"
    );
    browser.click("confirm-cancel").await?;
    // But it can rerun what failed, chosen from the list like any other.
    browser.click("bulk-rerun-failed").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    ensure!(dry.contains("Instance 2: It becomes run 1"), "{dry}");
    browser.click("confirm-ok").await?;
    browser.text_is("op-message", "Done for 1 of 1.").await?;
    // Live, the killed list no longer has it.
    browser
        .wait_for("the list to follow", || async {
            Ok(!browser.exists("instance-2").await?)
        })
        .await?;
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn backfill_three_past_days_in_parallel() -> Result<()> {
    let server = Server::start()?;
    let xml = format!(
        r#"<workflow-app name="daily-load" xmlns="uri:oozie:workflow:0.5"><global><job-tracker>jt</job-tracker><name-node>nn</name-node></global><start to="load"/>{}<kill name="fail"><message>failed</message></kill><end name="end"/></workflow-app>"#,
        sh("load", "echo loaded", "end"),
    );
    let auth = server.admin_auth()?;
    server.import(&auth, &xml)?;
    let browser = Browser::signed_in(&server).await?;
    browser.driver.goto(server.url("/")).await?;
    browser.click("open-daily-load").await?;
    browser.get("canvas").await?;

    // Daily from three days ago, skipping the periods already past (execution NONE), as
    // when a schedule is set up late.
    let day = |days: i64| {
        let t = oozie_time(days * 24 * 60);
        format!("{}T00:00Z", &t[..10])
    };
    browser.click("schedule-toggle").await?;
    browser.fill("schedule-start", &day(-3)).await?;
    browser.fill("schedule-end", &day(3)).await?;
    browser.click("schedule-controls").await?;
    browser.select("schedule-execution", "NONE").await?;
    browser.click("schedule-submit").await?;
    browser.text_is("coord-status", "RUNNING").await?;
    for n in 1..=4 {
        browser
            .attr_is(&format!("coord-action-{n}"), "data-status", "SKIPPED")
            .await?;
    }

    // Backfill the first three, three at a time: the dry run names them, then the page
    // goes to the backfill's job and its bar fills.
    browser.click("coord-op-backfill").await?;
    browser.fill("backfill-from", &day(-3)).await?;
    browser.fill("backfill-to", &day(-1)).await?;
    browser.fill("backfill-parallel", "3").await?;
    browser.click("backfill-preview").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    ensure!(dry.contains("3 periods will run"), "{dry}");
    for n in 1..=3 {
        ensure!(dry.contains(&format!("#{n} at")), "{dry}");
    }
    browser.click("confirm-ok").await?;
    browser
        .wait_for("the backfill's page", || async {
            Ok(browser.driver.current_url().await?.path() == "/coordinator-jobs/2")
        })
        .await?;
    browser
        .attr_is("coord-progress-bar", "aria-valuenow", "100")
        .await?;
    browser.text_is("coord-progress-percent", "100%").await?;
    for n in 1..=3 {
        browser
            .attr_is(&format!("coord-action-{n}"), "data-status", "SUCCEEDED")
            .await?;
    }

    // The runs list counts each job's actions by state.
    browser.click("nav-runs").await?;
    browser
        .text_is(
            "coord-counts-2",
            "3 ✓ · 0 ✗ · 0 skipped · 0 running · 0 waiting",
        )
        .await?;
    ensure!(
        browser
            .get("coord-counts-1")
            .await?
            .text()
            .await?
            .contains("4 skipped"),
        "the schedule's past days were skipped"
    );

    // Back on the schedule, actions chosen in the grid (a click, then a shift-click) are
    // what a rerun would run again.
    browser
        .driver
        .goto(server.url("/coordinator-jobs/1"))
        .await?;
    browser.click("coord-action-1").await?;
    browser.click_with(Key::Shift, "coord-action-3").await?;
    browser.text_is("chosen-count", "3 chosen").await?;
    browser.attr_is("coord-action-2", "data-chosen", "").await?;
    browser.click("coord-op-rerun").await?;
    ensure!(
        browser.get("rerun-actions").await?.prop("value").await? == Some("1-3".to_owned()),
        "the chosen actions fill the form"
    );
    browser.click("rerun-preview").await?;
    let dry = browser.get("dry-run").await?.text().await?;
    for n in 1..=3 {
        ensure!(dry.contains(&format!("Action {n}: SKIPPED →")), "{dry}");
    }
    ensure!(!dry.contains("Action 4"), "{dry}");
    browser.click("confirm-cancel").await?;
    browser.quit().await
}
