//! Importing an Oozie app in the browser: the file is checked by a dry run, the report says
//! what importing would do, nothing is stored until confirmed, and the imported workflow
//! opens in the designer.

use std::path::Path;

use anyhow::{Result, ensure};
use e2e::{Browser, Server, workspace};

/// Picks `file` in the import's file input, as the file chooser would.
async fn pick(browser: &Browser, file: &Path) -> Result<()> {
    browser
        .get("import-file")
        .await?
        .send_keys(file.display().to_string())
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oozie_app_is_previewed_then_imported_and_opens() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    browser.driver.goto(server.url("/")).await?;
    let app = workspace().join("../shared/oozie/examples/demo/workflow.xml");
    let app = app.canonicalize()?;
    pick(&browser, &app).await?;

    // The dry run's report: the workflow, new, and nothing stored yet.
    let item = browser.get("import-item-demo-wf").await?.text().await?;
    ensure!(item.contains("workflow from workflow.xml"), "{item}");
    ensure!(item.contains("· new ·"), "{item}");
    ensure!(
        !browser.exists("open-demo-wf").await?,
        "a dry run stored nothing"
    );

    browser.click("import-confirm").await?;
    browser.get("import-done").await?;
    // The list shows it, and the report links to it.
    browser.get("open-demo-wf").await?;
    browser.click("imported-demo-wf").await?;
    browser.get("canvas").await?;
    browser
        .wait_for("the imported nodes", || async {
            Ok(browser
                .driver
                .find_all(thirtyfour::By::Css("g.node"))
                .await?
                .len()
                >= 5)
        })
        .await?;

    // Importing the same file again makes a new version of it, and says so first.
    browser.driver.goto(server.url("/")).await?;
    pick(&browser, &app).await?;
    let item = browser.get("import-item-demo-wf").await?.text().await?;
    ensure!(item.contains("new version"), "{item}");
    browser.click("import-cancel").await?;
    ensure!(!browser.exists("import-preview").await?);

    // A file that is not an Oozie app is refused with the server's reason.
    let junk = tempfile::Builder::new().suffix(".xml").tempfile()?;
    std::fs::write(junk.path(), "<not-oozie/>")?;
    pick(&browser, junk.path()).await?;
    browser
        .wait_for("the refusal", || async {
            Ok(browser.exists("import-status").await? || browser.exists("import-skipped").await?)
        })
        .await?;
    browser.quit().await
}
