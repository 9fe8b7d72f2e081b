//! The designer's speed at scale, in headless Chromium over a real server (issue targets
//! at 1,000 nodes: open and render < 500 ms, drag frames p95 < 16 ms, auto-layout
//! < 200 ms; 5,000 nodes stay editable).
//!
//! Run: `cargo xtask bench-ui` (builds a release `sluice` with the optimized app first).
//!
//! What is measured, all inside the page with `performance.now()`:
//! - **open**: from a click on the workflow in the list to the first frame with every
//!   node drawn (the JSON fetched, parsed, validated in wasm, rendered, painted);
//! - **drag frame**: a node is pressed, then for 120 animation frames the pointer moves
//!   3 px per frame; each sample is the time from the move's dispatch to the end of the
//!   frame it causes (handlers, reactive updates, style, layout and paint, timed by a
//!   task posted behind that frame);
//! - **layout**: from a click on "Layout →" to the end of the frame showing the result.
//!
//! To see where the time goes: `SLUICE_BENCH_PROFILE=open` (or `=drag`) prints a CPU
//! profile of that phase, and for the opening also the requests and Chromium's long
//! animation frames split into script and rendering; `SLUICE_BENCH_CALLERS=<function>`
//! adds who calls that function. Build the app with `SLUICE_NO_WASM_OPT=1 cargo xtask
//! dist` first to keep the Rust names in the profile.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use e2e::{Browser, Server, http_send};
use shared::workflow::{Action, Edge, EdgeKind, Node, NodeKind, Point, Workflow};
use thirtyfour::cdp::Cdp;

/// `chains` parallel chains of `length` shell actions between a fork source and an end.
fn wide(name: &str, chains: usize, length: usize) -> Workflow {
    let mut wf = Workflow::new_drawing(name);
    let shell = |name: String, x: usize, y: usize| Node {
        name,
        position: Point {
            x: 40.0 + x as f64 * 264.0,
            y: 40.0 + y as f64 * 88.0,
        },
        kind: NodeKind::Action(Action::new("shell").with_text("exec", "true")),
    };
    wf.nodes.push(shell("start".into(), 0, chains / 2));
    for c in 0..chains {
        for i in 0..length {
            let name = format!("c{c}-{i}");
            wf.nodes.push(shell(name.clone(), i + 1, c));
            let prev = if i == 0 {
                "start".to_owned()
            } else {
                format!("c{c}-{}", i - 1)
            };
            wf.edges.push(Edge::new(prev, name, EdgeKind::Ok));
        }
    }
    wf.nodes.push(shell("join".into(), length + 1, chains / 2));
    wf.nodes.push(Node {
        name: "done".into(),
        position: Point {
            x: 40.0 + (length + 2) as f64 * 264.0,
            y: 40.0 + (chains / 2) as f64 * 88.0,
        },
        kind: NodeKind::End,
    });
    for c in 0..chains {
        wf.edges.push(Edge::new(
            format!("c{c}-{}", length - 1),
            "join",
            EdgeKind::Ok,
        ));
    }
    wf.edges.push(Edge::new("join", "done", EdgeKind::Ok));
    wf
}

/// Chromium's cumulative main-thread timings (seconds), by name.
async fn metrics(dev: &Cdp) -> Result<std::collections::HashMap<String, f64>> {
    let reply = dev
        .send_raw("Performance.getMetrics", serde_json::json!({}))
        .await?;
    Ok(reply["metrics"]
        .as_array()
        .context("metrics")?
        .iter()
        .filter_map(|m| Some((m["name"].as_str()?.to_owned(), m["value"].as_f64()?)))
        .collect())
}

async fn profile_start(dev: &Cdp) -> Result<()> {
    dev.send_raw("Profiler.enable", serde_json::json!({}))
        .await?;
    dev.send_raw("Profiler.start", serde_json::json!({}))
        .await?;
    Ok(())
}

/// Stops the CPU profile and prints the 25 functions with the most samples (self time).
async fn profile_report(dev: &Cdp) -> Result<()> {
    let reply = dev.send_raw("Profiler.stop", serde_json::json!({})).await?;
    let mut hits: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for node in reply["profile"]["nodes"].as_array().context("profile")? {
        let f = &node["callFrame"];
        let name = format!(
            "{} {}:{}",
            f["functionName"].as_str().unwrap_or(""),
            f["url"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or(""),
            f["lineNumber"]
        );
        *hits.entry(name).or_default() += node["hitCount"].as_u64().unwrap_or(0);
    }
    let mut top: Vec<_> = hits.into_iter().collect();
    top.sort_by_key(|t| std::cmp::Reverse(t.1));
    for (name, n) in top.into_iter().take(25) {
        println!("    {n:>6} {name}");
    }
    // Who calls the most sampled native function (a forced layout shows up here).
    if let Ok(wanted) = std::env::var("SLUICE_BENCH_CALLERS") {
        let nodes = reply["profile"]["nodes"].as_array().context("profile")?;
        let mut parent = std::collections::HashMap::new();
        let mut by_id = std::collections::HashMap::new();
        for node in nodes {
            let id = node["id"].as_u64().unwrap_or(0);
            by_id.insert(id, node);
            for child in node["children"].as_array().into_iter().flatten() {
                parent.insert(child.as_u64().unwrap_or(0), id);
            }
        }
        let mut chains: std::collections::HashMap<String, u64> = Default::default();
        for node in nodes {
            if node["callFrame"]["functionName"].as_str() != Some(wanted.as_str()) {
                continue;
            }
            let mut chain = Vec::new();
            let mut id = node["id"].as_u64().unwrap_or(0);
            while let Some(&p) = parent.get(&id) {
                if let Some(f) = by_id[&p]["callFrame"]["functionName"].as_str() {
                    chain.push(f.chars().take(90).collect::<String>());
                }
                id = p;
                if chain.len() >= 8 {
                    break;
                }
            }
            *chains.entry(chain.join(" < ")).or_default() += node["hitCount"].as_u64().unwrap_or(0);
        }
        for (chain, n) in chains {
            println!("    {n:>6} {wanted} < {chain}");
        }
    }
    Ok(())
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

const OPEN: &str = r#"
const [testid, n, done] = arguments;
// Long frames (over 50 ms) after the click, as [start, script, style and layout, total]
// relative to it: where the main thread spent the opening.
const frames = [];
const observer = new PerformanceObserver(list => {
  for (const f of list.getEntries()) {
    if (f.startTime < t0) continue;
    const script = f.scripts.reduce((a, s) => a + s.duration, 0);
    const render = f.renderStart ? f.startTime + f.duration - f.styleAndLayoutStart : 0;
    frames.push([f.startTime - t0, script, render, f.duration].map(Math.round));
  }
});
observer.observe({ type: 'long-animation-frame' });
const t0 = performance.now();
document.querySelector(`[data-testid='${testid}']`).click();
function check() {
  if (document.querySelectorAll('g.node').length >= n) {
    const drawn = performance.now() - t0;
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        const total = performance.now() - t0;
        // The requests the click made, from its start to the end of each response.
        const fetches = performance.getEntriesByType('resource')
          .filter(e => e.startTime >= t0 && e.name.includes('/api/'))
          .map(e => [e.name.replace(/^.*\/api\/v1/, ''), Math.round(e.responseEnd - t0)]);
        setTimeout(() => { observer.disconnect(); done([total, fetches, Math.round(drawn), frames]); }, 100);
      };
      ch.port2.postMessage(0);
    });
  } else {
    requestAnimationFrame(check);
  }
}
requestAnimationFrame(check);
"#;

/// Presses a node and moves it for `frames` frames; the time of each frame.
const DRAG: &str = r#"
const [node, frames, done] = arguments;
const svg = document.querySelector("[data-testid='canvas']");
const g = document.querySelector(`[data-testid='node-${node}']`);
const r = g.getBoundingClientRect();
let x = r.left + 20, y = r.top + 20;
const ev = (type, target) => target.dispatchEvent(new PointerEvent(type, {
  clientX: x, clientY: y, button: 0, buttons: 1, pointerId: 1, isPrimary: true,
  bubbles: true, cancelable: true }));
ev('pointerdown', g);
const samples = [];
function frame() {
  if (samples.length >= frames) {
    ev('pointerup', svg);
    done(samples);
    return;
  }
  x += 3; y += 1;
  const t0 = performance.now();
  ev('pointermove', svg);
  const ch = new MessageChannel();
  ch.port1.onmessage = () => { samples.push(performance.now() - t0); requestAnimationFrame(frame); };
  ch.port2.postMessage(0);
}
requestAnimationFrame(frame);
"#;

const CLICK_TIMED: &str = r#"
const [testid, done] = arguments;
requestAnimationFrame(() => {
  const t0 = performance.now();
  document.querySelector(`[data-testid='${testid}']`).click();
  requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => done(performance.now() - t0);
    ch.port2.postMessage(0);
  });
});
"#;

async fn measure(
    server: &Server,
    browser: &Browser,
    auth: &str,
    chains: usize,
    length: usize,
) -> Result<()> {
    let name = format!("bench-{chains}x{length}");
    let wf = wide(&name, chains, length);
    let n = wf.nodes.len();
    let (status, reply) = http_send(
        server.port,
        "POST",
        "/api/v1/workflows",
        auth,
        "application/json",
        &serde_json::json!({ "name": name }).to_string(),
    )
    .context("create")?;
    ensure!(status == 201 || status == 200, "{status}: {reply}");
    let record: serde_json::Value = serde_json::from_str(&reply)?;
    let id = record["id"].as_i64().context("id")?;
    let body = serde_json::json!({ "revision": record["revision"], "definition": wf });
    let (status, reply) = http_send(
        server.port,
        "PUT",
        &format!("/api/v1/workflows/{id}"),
        auth,
        "application/json",
        &body.to_string(),
    )
    .context("save")?;
    ensure!(status == 200, "{status}: {reply}");

    // SLUICE_BENCH_PROFILE=open profiles the opening, any other value the drag.
    let profile = std::env::var("SLUICE_BENCH_PROFILE").ok();
    let dev = browser.driver.cdp();
    dev.send_raw("Performance.enable", serde_json::json!({}))
        .await?;
    if profile.as_deref() == Some("open") {
        profile_start(&dev).await?;
    }
    let mut opens = Vec::new();
    for _ in 0..5 {
        browser.driver.goto(server.url("/")).await?;
        browser.get(&format!("open-{name}")).await?;
        let ms = browser
            .driver
            .execute_async(
                OPEN,
                vec![
                    serde_json::json!(format!("open-{name}")),
                    serde_json::json!(n),
                ],
            )
            .await?;
        let reply = ms.json();
        opens.push(reply[0].as_f64().context("open time")?);
        if profile.is_some() {
            println!(
                "  open {:.0} ms; requests done at (ms): {}; every node in the DOM at a frame {} ms after the click; long frames [start, script, style+layout+paint, total]: {}",
                reply[0], reply[1], reply[2], reply[3]
            );
        }
    }
    if profile.as_deref() == Some("open") {
        profile_report(&dev).await?;
    }
    let drag_profile = profile.as_deref().is_some_and(|p| p != "open");
    if drag_profile {
        profile_start(&dev).await?;
    }
    let before = metrics(&dev).await?;
    let mut drags: Vec<f64> = Vec::new();
    for node in ["c0-0", &format!("c{}-{}", chains / 2, length / 2)] {
        let samples = browser
            .driver
            .execute_async(DRAG, vec![serde_json::json!(node), serde_json::json!(120)])
            .await?;
        drags.extend(
            samples
                .json()
                .as_array()
                .context("samples")?
                .iter()
                .filter_map(serde_json::Value::as_f64),
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let after = metrics(&dev).await?;
    if drag_profile {
        profile_report(&dev).await?;
    }
    let per_frame = |key: &str| {
        (after.get(key).copied().unwrap_or_default() - before.get(key).copied().unwrap_or_default())
            * 1000.0
            / drags.len() as f64
    };
    println!(
        "  drag, main thread per frame (CDP Performance.getMetrics, ms): script {:.1}, style {:.1}, layout {:.1}, all tasks {:.1}",
        per_frame("ScriptDuration"),
        per_frame("RecalcStyleDuration"),
        per_frame("LayoutDuration"),
        per_frame("TaskDuration"),
    );
    let mut layouts = Vec::new();
    for _ in 0..3 {
        let ms = browser
            .driver
            .execute_async(CLICK_TIMED, vec![serde_json::json!("layout-lr")])
            .await?;
        layouts.push(ms.json().as_f64().context("layout time")?);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let edges = wf.edges.len();
    println!(
        "{n} nodes, {edges} edges: open median {:.0} ms (max {:.0}); drag frame p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} frames); layout click-to-frame median {:.0} ms",
        percentile(&mut opens, 0.5),
        percentile(&mut opens, 1.0),
        percentile(&mut drags, 0.5),
        percentile(&mut drags, 0.95),
        percentile(&mut drags, 1.0),
        drags.len(),
        percentile(&mut layouts, 0.5),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let server = Server::start()?;
    let token = server.sluice(
        &[
            "token", "add", "admin", "--name", "bench", "--role", "admin",
        ],
        "",
    )?;
    let auth = format!("Authorization: Bearer {}\r\n", token.trim());
    let browser = Browser::signed_in(&server).await?;
    let sizes: Vec<(usize, usize)> = match std::env::args().nth(1).as_deref() {
        Some("--quick") => vec![(25, 40)],
        _ => vec![(25, 40), (50, 100)],
    };
    for (chains, length) in sizes {
        measure(&server, &browser, &auth, chains, length).await?;
    }
    browser.quit().await
}
