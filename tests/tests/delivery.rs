//! How the app reaches the browser: its wasm comes in pieces (the main module, with the
//! list and the designer, then the rest each fetched when first needed), compressed on the
//! wire and cached for good under names that change with their content.

use anyhow::{Result, ensure};
use e2e::{Browser, Server};
use serde_json::Value;

/// Every `.wasm` the page has fetched so far: (path, bytes on the wire, bytes unpacked).
async fn wasm_fetched(browser: &Browser) -> Result<Vec<(String, u64, u64)>> {
    let fetched = browser
        .driver
        .execute(
            "return performance.getEntriesByType('resource')
                .filter(e => new URL(e.name).pathname.endsWith('.wasm'))
                .map(e => [new URL(e.name).pathname, e.encodedBodySize, e.decodedBodySize]);",
            vec![],
        )
        .await?
        .json()
        .clone();
    let rows = fetched.as_array().cloned().unwrap_or_default();
    Ok(rows
        .iter()
        .map(|row| {
            (
                row[0].as_str().unwrap_or_default().to_owned(),
                row[1].as_u64().unwrap_or(0),
                row[2].as_u64().unwrap_or(0),
            )
        })
        .collect())
}

fn has_piece(fetched: &[(String, u64, u64)], page: &str) -> bool {
    fetched.iter().any(|(path, ..)| path.contains(page))
}

#[tokio::test(flavor = "multi_thread")]
async fn each_page_fetches_its_own_wasm_compressed_and_cached_for_good() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    browser.get("new-workflow-name").await?;

    // Signed in on the list: the main module only.
    let fetched = wasm_fetched(&browser).await?;
    ensure!(
        has_piece(&fetched, "frontend_bg.wasm"),
        "the main module: {fetched:?}"
    );
    ensure!(
        !has_piece(&fetched, "ops_page"),
        "the runs pages' piece waits for the runs page: {fetched:?}"
    );

    // The designer fetches its dialogs' piece when the export dialog first opens.
    browser.create_workflow(&server, "pieces").await?;
    ensure!(
        !has_piece(&wasm_fetched(&browser).await?, "split_extra"),
        "the dialogs' piece waits for a dialog"
    );
    browser.click("export").await?;
    browser.get("export-dialog").await?;
    ensure!(has_piece(&wasm_fetched(&browser).await?, "split_extra"));
    browser.driver.goto(server.url("/")).await?;
    browser.get("new-workflow-name").await?;

    browser.click("nav-runs").await?;
    browser.get("instance-status-filter").await?;
    let fetched = wasm_fetched(&browser).await?;
    ensure!(has_piece(&fetched, "ops_page"), "{fetched:?}");

    for (path, wire, unpacked) in &fetched {
        // A piece this small is not worth compressing (the server's threshold).
        ensure!(*wire > 0, "{path}: the browser saw its size on the wire");
        if *unpacked > 1024 {
            ensure!(
                wire < unpacked,
                "{path} comes compressed: {wire} bytes on the wire for {unpacked}"
            );
        }
        let headers: Value = browser
            .driver
            .execute(
                "return fetch(arguments[0]).then(r =>
                    [r.headers.get('cache-control'), r.headers.get('content-encoding')]);",
                vec![Value::from(path.clone())],
            )
            .await?
            .json()
            .clone();
        let cache = headers[0].as_str().unwrap_or_default();
        ensure!(
            cache.contains("max-age=31536000") && cache.contains("immutable"),
            "{path} is cached for good: {headers}"
        );
        if *unpacked > 1024 {
            ensure!(
                !headers[1].is_null(),
                "{path} is sent with a content encoding: {headers}"
            );
        }
        ensure!(
            path.starts_with("/pkg/app-"),
            "{path} lives under a directory named by the build's content"
        );
    }
    Ok(())
}
