//! Accounts in the browser: logging in and out, a one-time password, what a viewer may not
//! do, and the version history of a workflow: a version viewed, compared and restored.

use anyhow::{Context, Result, ensure};
use e2e::{Browser, Server, http_get, http_get_with, http_request};

/// How a node is marked in a version's drawing: `same`, `added`, `removed`, `changed`, `moved`.
async fn mark_is(browser: &Browser, testid: &str, expected: &str) -> Result<()> {
    let mark = browser.get(testid).await?.attr("data-mark").await?;
    ensure!(mark.as_deref() == Some(expected), "{testid}: {mark:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn log_in_edit_save_restore_an_older_version_and_log_out() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::start().await?;

    // A wrong password is refused on the form, which stays.
    browser.driver.goto(server.url("/")).await?;
    browser.fill("login-name", "admin").await?;
    browser.fill("login-password", "not the password").await?;
    browser.get("login-submit").await?.click().await?;
    let error = browser.get("login-error").await?.text().await?;
    ensure!(error.contains("wrong user name or password"), "{error}");
    browser.login(&server, "admin", e2e::ADMIN_PASSWORD).await?;
    let who = browser.get("user-name").await?.text().await?;
    ensure!(who.starts_with("admin"), "{who}");

    // Version 1 is the empty drawing; version 2 has one node; version 3 two.
    browser.create_workflow(&server, "versioned").await?;
    browser.drop_from_palette("shell", 150, 150).await?;
    browser.fill("save-comment", "first action").await?;
    browser.get("save").await?.click().await?;
    browser.status_is("Saved").await?;
    browser.drop_from_palette("shell", 450, 150).await?;
    browser.get("save").await?.click().await?;
    browser.status_is("Saved").await?;
    browser.get("node-shell-2").await?;

    browser.get("history-toggle").await?.click().await?;
    let v2 = browser.get("version-2").await?;
    browser.get("version-3").await?;
    let text = v2.text().await?;
    ensure!(
        text.contains("first action") && text.contains("admin") && text.contains("1 nodes"),
        "version 2 reads: {text}"
    );
    ensure!(
        browser
            .get("restore-3")
            .await?
            .attr("disabled")
            .await?
            .is_some(),
        "the current version cannot be restored onto itself"
    );

    // Version 2 as it was, read-only: one node.
    browser.click("view-2").await?;
    browser.get("version-drawing").await?;
    browser.get("still-shell-1").await?;
    ensure!(
        !browser.exists("still-shell-2").await?,
        "version 2 had one node"
    );
    browser.click("version-close").await?;
    // What changed since: shell-2 came, coloured as added on the drawing and listed.
    browser.click("compare-2").await?;
    mark_is(&browser, "still-shell-2", "added").await?;
    mark_is(&browser, "still-shell-1", "same").await?;
    let words = browser.get("diff-lines").await?.text().await?;
    ensure!(words.contains("node shell-2 added"), "{words}");
    // Against version 3 (stored, the same as the drawing now) the result is the same.
    browser.select("compare-against", "3").await?;
    browser
        .wait_for("the title to name both versions", || async {
            let title = browser.get("version-title").await?.text().await?;
            Ok(title.contains("From version 2 to version 3"))
        })
        .await?;
    let words = browser.get("diff-lines").await?.text().await?;
    ensure!(words.contains("node shell-2 added"), "{words}");
    browser.click("version-close").await?;

    // Restoring version 2 brings back one node, as a new version 4.
    browser.get("restore-2").await?.click().await?;
    browser.status_is("Restored version 2 as version 4").await?;
    browser
        .wait_for("shell-2 to go", || async {
            Ok(!browser.exists("node-shell-2").await?)
        })
        .await?;
    browser.get("node-shell-1").await?;
    let v4 = browser.get("version-4").await?.text().await?;
    ensure!(v4.contains("restored version 2"), "version 4 reads: {v4}");
    // From version 3, shell-2 is gone: drawn where it was, marked removed.
    browser.click("compare-3").await?;
    mark_is(&browser, "still-shell-2", "removed").await?;
    browser.click("version-close").await?;
    ensure!(
        browser.get("dirty").await?.text().await?.is_empty(),
        "a restore leaves nothing unsaved"
    );

    // What is stored agrees after a reload.
    browser.driver.refresh().await?;
    browser.get("node-shell-1").await?;
    ensure!(
        !browser.exists("node-shell-2").await?,
        "reload shows shell-2"
    );

    // Logging out ends the session: the login form, and the API refuses the old cookie.
    let cookie = browser
        .driver
        .get_named_cookie("sluice_session")
        .await
        .context("the session cookie")?;
    ensure!(cookie.http_only == Some(true), "{cookie:?}");
    browser.get("logout").await?.click().await?;
    browser.get("login-form").await?;
    browser.driver.refresh().await?;
    browser.get("login-form").await?;
    let cookie_header = format!("Cookie: sluice_session={}\r\n", cookie.value);
    let (status, _) = http_get_with(server.port, "/api/v1/auth/session", &cookie_header)
        .context("GET /api/v1/auth/session")?;
    ensure!(status == 401, "the old session still works: {status}");
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_viewer_with_a_one_time_password_chooses_one_then_cannot_change_anything() -> Result<()> {
    let server = Server::start()?;
    let printed = server.sluice(&["user", "add", "vera", "--role", "viewer"], "")?;
    let one_time = printed
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 20)
        .with_context(|| format!("no password in: {printed}"))?
        .to_owned();

    let browser = Browser::start().await?;
    browser.driver.goto(server.url("/")).await?;
    browser.fill("login-name", "vera").await?;
    browser.fill("login-password", &one_time).await?;
    browser.get("login-submit").await?.click().await?;
    browser.fill("pw-current", &one_time).await?;
    browser.fill("pw-new", "vera's own password").await?;
    browser.fill("pw-repeat", "vera's own password").await?;
    browser.get("pw-submit").await?.click().await?;
    browser.get("user-name").await?;

    // A viewer sees the list but no way to create or save.
    let create = browser.get("new-workflow-name").await?;
    ensure!(!create.is_displayed().await?, "a viewer is offered Create");
    browser.quit().await?;

    // The new password is the one that works now.
    let again = Browser::start().await?;
    again.login(&server, "vera", "vera's own password").await?;
    again.quit().await
}

#[test]
fn the_api_needs_a_login() {
    let server = Server::start().unwrap();
    let (status, body) = http_get(server.port, "/api/v1/workflows").unwrap();
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("log in first"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_editor_hears_at_once_that_someone_else_saved() -> Result<()> {
    let server = Server::start()?;
    server.sluice(
        &["user", "add", "ed", "--role", "editor", "--password-stdin"],
        "ed's password!\n",
    )?;
    let token = server.sluice(
        &["token", "add", "ed", "--name", "script", "--role", "editor"],
        "",
    )?;
    let browser = Browser::signed_in(&server).await?;
    browser.create_workflow(&server, "shared").await?;

    // Ed saves the same workflow through the API.
    let auth = format!("Authorization: Bearer {}\r\n", token.trim());
    let body = r#"{"definition":{"name":"shared","nodes":[],"edges":[]},"comment":"by script"}"#;
    let (status, reply) =
        http_request(server.port, "PUT", "/api/v1/workflows/1", &auth, body).context("PUT")?;
    ensure!(status == 200, "{status}: {reply}");
    browser.status_is("ed saved this workflow just now").await?;
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_workflow_list_pages_and_finds_by_name() -> Result<()> {
    let server = Server::start()?;
    let auth = server.admin_auth()?;
    // 55 workflows: more than one page of 50.
    for i in 0..55 {
        let name = if i % 2 == 0 {
            format!("etl-{i:02}")
        } else {
            format!("report-{i:02}")
        };
        let body = format!("{{\"name\": \"{name}\"}}");
        let (status, reply) =
            http_request(server.port, "POST", "/api/v1/workflows", &auth, &body).context("POST")?;
        ensure!(status == 201, "{status} {reply}");
    }
    let browser = Browser::signed_in(&server).await?;
    let range = browser.get("page-range").await?.text().await?;
    ensure!(range == "1–50 of 55", "{range}");
    // Newest first: the last one created heads the first page.
    browser.get("open-etl-54").await?;
    ensure!(!browser.exists("open-etl-00").await?, "etl-00 is on page 2");
    browser.get("next-page").await?.click().await?;
    browser
        .wait_for("page 2", || async {
            Ok(browser.get("page-range").await?.text().await? == "51–55 of 55")
        })
        .await?;
    browser.get("open-etl-00").await?;
    ensure!(
        browser
            .get("next-page")
            .await?
            .attr("disabled")
            .await?
            .is_some()
    );

    // Finding goes back to the first page of the matches, case-insensitively.
    browser.fill("search-workflows", "REPORT-5").await?;
    browser
        .wait_for("the matches", || async {
            Ok(browser.get("page-range").await?.text().await? == "1–2 of 2")
        })
        .await?;
    browser.get("open-report-53").await?;
    browser.fill("search-workflows", "nothing like it").await?;
    browser.get("no-match").await?;
    browser.quit().await
}
