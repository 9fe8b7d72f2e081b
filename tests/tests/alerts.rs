//! Alerts in the browser: an admin sets up an email channel (password stored sealed)
//! and checks it with a test send, adds a webhook whose receiver is down and sees its
//! test fail, puts the email channel in a group, gives a workflow a failure policy, runs
//! the workflow into failure, and finds the alert in the delivery log, with the mail in a
//! real SMTP server (aiosmtpd, which checks the password).

#[allow(unreachable_pub)] // shared with the backend's tests, where it is public to them
#[path = "../../backend/tests/common/aiosmtpd.rs"]
mod aiosmtpd;

use anyhow::{Result, ensure};
use e2e::{Browser, Server};

#[tokio::test(flavor = "multi_thread")]
async fn an_email_channel_and_a_failure_policy_put_a_failed_run_in_the_delivery_log() -> Result<()>
{
    let mails = tempfile::tempdir()?;
    let Some(smtp) = aiosmtpd::start(mails.path(), "alerts", "mail-pass") else {
        return Ok(());
    };
    let server = Server::start()?;
    let auth = server.admin_auth()?;
    server.import(
        &auth,
        r#"<workflow-app name="nightly-load" xmlns="uri:oozie:workflow:1.0"><global><resource-manager>rm</resource-manager><name-node>nn</name-node></global><start to="load"/><action name="load"><shell xmlns="uri:oozie:shell-action:1.0"><exec>sh</exec><argument>-c</argument><argument>echo loading; exit 3</argument></shell><ok to="end"/><error to="fail"/></action><kill name="fail"><message>load failed</message></kill><end name="end"/></workflow-app>"#,
    )?;
    let browser = Browser::signed_in(&server).await?;
    browser.driver.goto(server.url("/")).await?;
    browser.click("nav-alerts").await?;
    browser.get("alerts-page").await?;
    browser.get("deliveries-empty").await?;

    // An email channel: plain SMTP to the local peer, with its user and password.
    browser.fill("channel-name", "ops mail").await?;
    browser.select("channel-kind", "email").await?;
    browser.fill("channel-host", "127.0.0.1").await?;
    browser.fill("channel-port", &smtp.port.to_string()).await?;
    browser.select("channel-security", "none").await?;
    browser.fill("channel-username", "alerts").await?;
    browser.fill("channel-secret", "mail-pass").await?;
    browser.fill("channel-from", "sluice@example.com").await?;
    browser
        .fill("channel-to", "ops@example.com, oncall@example.com")
        .await?;
    browser.click("channel-save").await?;
    browser
        .text_is("channel-message", "Channel ops mail saved.")
        .await?;
    browser
        .text_has("channel-row-ops mail", "stored encrypted")
        .await?;
    browser
        .text_has(
            "channel-row-ops mail",
            "ops@example.com, oncall@example.com (via 127.0.0.1:",
        )
        .await?;

    // Its test goes through the peer's AUTH with the password the server unsealed.
    browser.click("channel-test-ops mail").await?;
    browser
        .text_is("test-result", "The test was delivered.")
        .await?;
    let got = smtp.wait_for(1).await;
    ensure!(got[0].contains("X-Peer-Auth: alerts"), "{}", got[0]);
    ensure!(
        got[0].contains("Subject: [Sluice] Test of channel 'ops mail'"),
        "{}",
        got[0]
    );

    // A webhook whose receiver is down: its test says so, and its try is in the log.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?;
    let hook = format!("http://127.0.0.1:{}/hook", closed.local_addr()?.port());
    drop(closed);
    browser.select("channel-kind", "webhook").await?;
    browser.fill("channel-name", "chat").await?;
    browser.fill("channel-url", &hook).await?;
    browser.fill("channel-secret", "hook-key").await?;
    browser.click("channel-save").await?;
    browser
        .text_is("channel-message", "Channel chat saved.")
        .await?;
    browser.text_has("channel-row-chat", &hook).await?;
    browser
        .text_has("channel-row-chat", "stored encrypted")
        .await?;
    browser.click("channel-test-chat").await?;
    browser
        .text_has("test-result", "The test was not delivered:")
        .await?;
    browser
        .text_has("deliveries", "Test of channel 'chat'")
        .await?;

    browser.fill("group-name", "ops").await?;
    browser.click("group-channel-ops mail").await?;
    browser.click("group-save").await?;
    browser.text_has("group-row-ops", "ops mail").await?;

    // The workflow tells the group when a run fails.
    browser.driver.goto(server.url("/")).await?;
    browser.click("open-nightly-load").await?;
    browser.click("alerts-toggle").await?;
    browser.select("policy-notify", "on_failure").await?;
    thirtyfour::components::SelectElement::new(&browser.get("policy-group").await?)
        .await?
        .select_by_exact_text("ops")
        .await?;
    browser.fill("policy-task-limit", "0").await?;
    browser.click("policy-save").await?;
    browser
        .text_has("policy-message", "a task's time limit is 1 to")
        .await?;
    browser.fill("policy-task-limit", "").await?;
    browser.click("policy-save").await?;
    browser
        .text_is("policy-message", "Alert policy saved.")
        .await?;

    // Run it into failure.
    browser.click("run-toggle").await?;
    browser.click("run-review").await?;
    browser.click("run-start").await?;
    browser.text_is("instance-status", "KILLED").await?;
    let instance = browser.driver.current_url().await?.path().to_owned();

    // The alert in the log, delivered, linking back to the run.
    browser.click("nav-alerts").await?;
    browser
        .wait_for("the failure in the delivery log", || async {
            let text = browser
                .get("deliveries")
                .await
                .ok()
                .map(|t| async move { t.text().await.unwrap_or_default() });
            Ok(match text {
                Some(t) => t.await.contains("nightly-load failed (KILLED)"),
                None => false,
            })
        })
        .await?;
    let link = browser
        .driver
        .find(thirtyfour::By::LinkText("nightly-load failed (KILLED)"))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(link.ends_with(&instance), "{link} is not {instance}");
    let got = smtp.wait_for(2).await;
    ensure!(
        got[1].contains("Subject: [Sluice] nightly-load failed (KILLED)"),
        "{}",
        got[1]
    );
    ensure!(
        got[1].contains(&instance),
        "the mail links to the run: {}",
        got[1]
    );
    browser.quit().await
}
