//! The operations pages at scale, in headless Chromium over a real server (issue targets:
//! the instances page over 100,000 instances < 200 ms per page; the grid of 10,000
//! coordinator actions renders in < 500 ms).
//!
//! Run: `cargo xtask bench-ui` (after the designer's bench, over a release `sluice`).
//!
//! The history is written straight into the server's SQLite database (100,000 ended
//! instances over 20 workflows and statuses; one ended coordinator job of 10,000 hourly
//! actions in mixed statuses): making them through the engine would take hours and
//! measure the engine, not the pages. What is measured, inside the page with
//! `performance.now()`:
//! - **instances page**: from a click on "Older" to the end of the frame showing the next
//!   50 rows (the request, the JSON, the rows drawn and painted), paging on from the
//!   newest; then the same with a status filter;
//! - **the API alone**: the second and the last page (offset 99,950, the worst case of
//!   offset paging), and the coordinator job's detail, over HTTP from the bench;
//! - **grid**: from a click on the job in the runs list to the end of the frame with all
//!   10,000 cells drawn (the job's detail fetched, parsed and laid out by day).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use e2e::{Browser, Server, http_send};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

const INSTANCES: i64 = 100_000;
const ACTIONS: i64 = 10_000;
const HOUR_MS: i64 = 3_600_000;

/// Writes the history; gives the coordinator job's id.
async fn seed(server: &Server) -> Result<i64> {
    let options = SqliteConnectOptions::new()
        .filename(server.data_dir.path().join("sluice.db"))
        .busy_timeout(Duration::from_secs(30));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let start = Instant::now();
    let now = 1_790_000_000_000_i64;
    let mut tx = pool.begin().await?;
    let statuses = ["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "KILLED", "FAILED"];
    for i in 0..INSTANCES {
        let created = now - (INSTANCES - i) * 60_000;
        sqlx::query(
            "INSERT INTO instances (name, definition, conf, created_by, status, run, \
             created_at_ms, started_at_ms, ended_at_ms, updated_at_ms) \
             VALUES (?, '{}', '{}', 'bench', ?, 0, ?, ?, ?, ?)",
        )
        .bind(format!("nightly-{}", i % 20))
        .bind(statuses[(i % 5) as usize])
        .bind(created)
        .bind(created + 1_000)
        .bind(created + 30_000)
        .bind(created + 30_000)
        .execute(&mut *tx)
        .await?;
    }
    let first = now - ACTIONS * HOUR_MS;
    let job = sqlx::query(
        "INSERT INTO coord_jobs (name, definition, included, conf, created_by, status, \
         last_action_number, end_ms, concurrency, created_at_ms, updated_at_ms) \
         VALUES ('hourly-load', '{}', '[]', '{}', 'bench', 'DONEWITHERROR', ?, ?, 1, ?, ?)",
    )
    .bind(ACTIONS)
    .bind(now)
    .bind(first)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    let action_statuses = [
        "SUCCEEDED",
        "SUCCEEDED",
        "SUCCEEDED",
        "SUCCEEDED",
        "FAILED",
        "SKIPPED",
        "KILLED",
        "TIMEDOUT",
    ];
    for n in 1..=ACTIONS {
        let at = first + (n - 1) * HOUR_MS;
        sqlx::query(
            "INSERT INTO coord_actions (job_id, number, nominal_ms, created_ms, status, \
             inputs, outputs, configuration, tries, updated_ms) \
             VALUES (?, ?, ?, ?, ?, '{}', '{}', '{}', 1, ?)",
        )
        .bind(job)
        .bind(n)
        .bind(at)
        .bind(at)
        .bind(action_statuses[(n % 8) as usize])
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    pool.close().await;
    println!(
        "  seeded {INSTANCES} instances and {ACTIONS} coordinator actions in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(job)
}

/// Clicks the element, waits until `ready()` holds, then to the end of the next frame;
/// answers the milliseconds.
const CLICK_UNTIL: &str = r#"
const [testid, ready, done] = arguments;
const holds = new Function(ready);
requestAnimationFrame(() => {
  const t0 = performance.now();
  document.querySelector(`[data-testid='${testid}']`).click();
  function check() {
    if (holds()) {
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => done(performance.now() - t0);
        ch.port2.postMessage(0);
      });
    } else {
      requestAnimationFrame(check);
    }
  }
  check();
});
"#;

async fn click_until(browser: &Browser, testid: &str, ready: &str) -> Result<f64> {
    let reply = browser
        .driver
        .execute_async(
            CLICK_UNTIL,
            vec![serde_json::json!(testid), serde_json::json!(ready)],
        )
        .await?;
    reply.json().as_f64().context("a time")
}

/// `page-info` reads `from–…`.
fn page_starts_at(from: i64) -> String {
    format!(
        "return (document.querySelector(\"[data-testid='page-info']\") || {{}}).textContent?.startsWith('{from}–');"
    )
}

fn summary(label: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    let max = samples[samples.len() - 1];
    println!(
        "  {label}: median {median:.0} ms, max {max:.0} ms over {} runs",
        samples.len()
    );
}

async fn instances_pages(browser: &Browser, server: &Server) -> Result<()> {
    browser.driver.goto(server.url("/runs")).await?;
    browser
        .text_is("page-info", &format!("1–50 of {INSTANCES}"))
        .await?;
    let mut next = Vec::new();
    for page in 1..=10 {
        next.push(click_until(browser, "page-next", &page_starts_at(page * 50 + 1)).await?);
    }
    summary("instances, next page of 50 (of 100,000)", next);

    browser.select("instance-status-filter", "FAILED").await?;
    browser
        .text_is("page-info", &format!("1–50 of {}", INSTANCES / 5))
        .await?;
    let mut filtered = Vec::new();
    for page in 1..=10 {
        filtered.push(click_until(browser, "page-next", &page_starts_at(page * 50 + 1)).await?);
    }
    summary("instances FAILED, next page of 50 (of 20,000)", filtered);
    Ok(())
}

/// The API alone for one page of instances, and for the coordinator job's detail: the
/// server's share of the times above.
fn api_times(server: &Server, auth: &str, job: i64) -> Result<()> {
    for (label, path) in [
        (
            "the API's second page of instances",
            "/api/v1/instances?limit=50&offset=50".to_owned(),
        ),
        (
            "the API's last page of instances (offset 99,950)",
            format!("/api/v1/instances?limit=50&offset={}", INSTANCES - 50),
        ),
        (
            "the API's coordinator job with 10,000 actions",
            format!("/api/v1/coordinator-jobs/{job}"),
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let (status, body) = http_send(server.port, "GET", &path, auth, "application/json", "")
                .with_context(|| format!("GET {path}"))?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            ensure!(status == 200, "{status}: {body}");
        }
        summary(label, times);
    }
    Ok(())
}

async fn grid(browser: &Browser, server: &Server, job: i64) -> Result<()> {
    let ready =
        format!("return document.querySelectorAll('.action-grid .cell').length === {ACTIONS};");
    let mut times = Vec::new();
    for _ in 0..5 {
        browser.driver.goto(server.url("/runs")).await?;
        browser.get(&format!("coord-job-{job}")).await?;
        times.push(click_until(browser, &format!("coord-job-{job}"), &ready).await?);
    }
    summary("10,000-action grid, click to drawn", times);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let server = Server::start()?;
    let auth = server.admin_auth()?;
    let job = seed(&server).await?;
    let browser = Browser::signed_in(&server).await?;
    instances_pages(&browser, &server).await?;
    api_times(&server, &auth, job)?;
    grid(&browser, &server, job).await?;
    browser.quit().await
}
