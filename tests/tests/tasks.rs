//! Sluice's own task types in the browser: an admin adds a SQLite datasource and checks
//! that it answers, then draws a Python task and a SQL task from the palette, fills their
//! property forms (a script, a datasource picked by name, a statement), runs the workflow,
//! and reads the SQL result in the task's log; then a second workflow waits on the first
//! with a Dependent task and is released by its run of the day.

use anyhow::{Result, ensure};
use e2e::{Browser, Server};

/// What a named field's list suggests.
async fn suggested(browser: &Browser, field: &str) -> Result<Vec<String>> {
    let options = browser
        .driver
        .find_all(thirtyfour::By::Css(format!("#{field}-names option")))
        .await?;
    let mut values = Vec::new();
    for o in options {
        values.push(o.attr("value").await?.unwrap_or_default());
    }
    Ok(values)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_datasource_python_sql_and_dependent_tasks_drawn_in_the_designer_run() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    let data = tempfile::tempdir()?;
    let db = data.path().join("warehouse.db");
    std::fs::File::create(&db)?;

    browser.driver.goto(server.url("/")).await?;
    browser.click("nav-datasources").await?;
    browser.get("datasources-page").await?;
    browser.fill("datasource-name", "warehouse").await?;
    browser.select("datasource-kind", "sqlite").await?;
    browser
        .fill("datasource-path", &db.display().to_string())
        .await?;
    browser.click("datasource-save").await?;
    browser
        .text_is("datasource-message", "Datasource warehouse saved.")
        .await?;
    browser
        .text_has(
            "datasource-row-warehouse",
            &format!("sqlite:{}", db.display()),
        )
        .await?;
    browser.click("datasource-test-warehouse").await?;
    browser
        .text_has("datasource-test-result", "connected to sqlite:")
        .await?;

    browser.create_workflow(&server, "tasks-demo").await?;
    browser.drop_from_palette("python", 150, 150).await?;
    browser.drop_from_palette("sql", 450, 150).await?;
    browser.click("node-python-1").await?;
    browser.text_has("task-hint", "server's Python").await?;
    browser
        .fill("prop-script", "print('greeting=hello')")
        .await?;
    browser.click("prop-capture-output").await?;
    browser.click("node-sql-1").await?;
    browser.text_has("task-hint", "hive2").await?;
    // The datasource field suggests the datasources there are.
    browser
        .wait_for("the datasource suggestions", || async {
            Ok(suggested(&browser, "prop-datasource").await? == ["warehouse"])
        })
        .await?;
    browser.fill("prop-datasource", "warehouse").await?;
    browser
        .fill(
            "prop-statement",
            "create table visits (who text); insert into visits values ('a'), ('b'); select count(*) as n from visits",
        )
        .await?;
    browser.connect("python-1", "ok", "sql-1").await?;
    let summary = browser.get("validation-summary").await?.text().await?;
    ensure!(
        summary.starts_with("No issues"),
        "live validation: {summary}"
    );
    browser.click("save").await?;
    browser.status_is("Saved.").await?;

    browser.click("run-toggle").await?;
    browser.click("run-review").await?;
    browser.click("run-start").await?;
    browser.text_is("instance-status", "SUCCEEDED").await?;
    browser.text_is("node-status-python-1", "OK").await?;
    browser.text_is("node-status-sql-1", "OK").await?;
    browser.click("node-row-sql-1").await?;
    browser
        .wait_for("the SQL result in the log", || async {
            let log = browser.get("log").await?.text().await?;
            Ok(log.contains("1 row(s) in") && log.contains("n\n-\n2"))
        })
        .await?;
    browser.click("node-row-python-1").await?;
    browser
        .wait_for("the script's output in the log", || async {
            Ok(browser.get("log").await?.text().await? == "greeting=hello")
        })
        .await?;

    // A report that waits for today's run of tasks-demo, picked from the suggestions.
    browser.create_workflow(&server, "daily-report").await?;
    browser.drop_from_palette("dependent", 200, 150).await?;
    browser.click("node-dependent-1").await?;
    browser.text_has("task-hint", "SUCCEEDED run").await?;
    browser
        .wait_for("the workflow suggestions", || async {
            Ok(suggested(&browser, "prop-workflow")
                .await?
                .contains(&"tasks-demo".to_owned()))
        })
        .await?;
    browser.fill("prop-workflow", "tasks-demo").await?;
    browser.select("prop-period", "day").await?;
    browser.fill("prop-timeout", "5").await?;
    browser.fill("prop-interval", "1").await?;
    let summary = browser.get("validation-summary").await?.text().await?;
    ensure!(
        summary.starts_with("No issues"),
        "live validation: {summary}"
    );
    browser.click("save").await?;
    browser.status_is("Saved.").await?;
    browser.click("run-toggle").await?;
    browser.click("run-review").await?;
    browser.click("run-start").await?;
    browser.text_is("instance-status", "SUCCEEDED").await?;
    browser.click("node-row-dependent-1").await?;
    browser
        .wait_for("the release in the log", || async {
            let log = browser.get("log").await?.text().await?;
            Ok(
                log.contains("waiting for a SUCCEEDED instance of 'tasks-demo'")
                    && log.contains("released: instance"),
            )
        })
        .await?;
    browser.quit().await
}
