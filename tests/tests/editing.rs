//! Editing in the designer, end to end: selection, undo and redo, the clipboard, dropping
//! onto an edge, guides, pan and zoom, layout, find, the shortcut sheet and the local
//! draft, and the theme. Real pointer and key events in headless Chromium over a real server.

use anyhow::{Result, ensure};
use e2e::{Browser, Server};
use thirtyfour::prelude::*;

/// Three shell nodes in a row, the first two connected.
async fn three_nodes(browser: &Browser, server: &Server, name: &str) -> Result<()> {
    browser.create_workflow(server, name).await?;
    browser.drop_from_palette("shell", 150, 150).await?;
    browser.drop_from_palette("shell", 450, 150).await?;
    browser.drop_from_palette("shell", 750, 150).await?;
    browser.connect("shell-1", "ok", "shell-2").await?;
    browser.get("edge-shell-1-shell-2").await?;
    Ok(())
}

async fn gone(browser: &Browser, testid: &str) -> Result<()> {
    browser
        .wait_for(&format!("{testid} to go"), || async {
            Ok(!browser.exists(testid).await?)
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn select_delete_undo_redo_and_band_select() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    three_nodes(&browser, &server, "edits").await?;

    // Click, then Shift-click: two nodes selected.
    browser.click("node-shell-1").await?;
    browser.click_with(Key::Shift, "node-shell-2").await?;
    let text = browser.get("multi-selection").await?.text().await?;
    ensure!(
        text.to_lowercase().starts_with("2 nodes selected"),
        "{text}"
    );

    // Delete removes both and their edge, as one step.
    browser.chord(&[], "\u{E017}").await?; // Delete
    gone(&browser, "node-shell-1").await?;
    ensure!(!browser.exists("node-shell-2").await?);
    ensure!(!browser.exists("edge-shell-1-shell-2").await?);

    // Ctrl+Z brings both back with the edge; Shift+Ctrl+Z deletes them again.
    browser.chord(&[Key::Control], "z").await?;
    browser.get("edge-shell-1-shell-2").await?;
    browser.get("node-shell-2").await?;
    browser.chord(&[Key::Control, Key::Shift], "z").await?;
    gone(&browser, "node-shell-1").await?;
    // The toolbar's undo does the same.
    browser.click("undo").await?;
    browser.get("edge-shell-1-shell-2").await?;

    // Shift-drag on the background draws a band: everything it touches is selected.
    let canvas = browser.get("canvas").await?.rect().await?;
    let (x0, y0) = (canvas.x as i64 + 20, canvas.y as i64 + 60);
    let (x1, y1) = (canvas.x as i64 + 900, canvas.y as i64 + 230);
    browser
        .driver
        .action_chain()
        .key_down(Key::Shift)
        .move_to(x0, y0)
        .click_and_hold()
        .move_to(x0 + 40, y0 + 40)
        .move_to(x1, y1)
        .release()
        .key_up(Key::Shift)
        .perform()
        .await?;
    let text = browser.get("multi-selection").await?.text().await?;
    ensure!(
        text.to_lowercase().starts_with("3 nodes selected"),
        "{text}"
    );

    // Dragging one of them moves all three by the same amount: one undo step.
    let before: Vec<(f64, f64)> = vec![
        browser.node_at("shell-1").await?,
        browser.node_at("shell-2").await?,
        browser.node_at("shell-3").await?,
    ];
    let node = browser.get("node-shell-2").await?;
    let (cx, cy) = browser.center(&node).await?;
    browser.drag_to(&node, (cx + 80, cy + 120)).await?;
    let after = [
        browser.node_at("shell-1").await?,
        browser.node_at("shell-2").await?,
        browser.node_at("shell-3").await?,
    ];
    let dx = after[0].0 - before[0].0;
    let dy = after[0].1 - before[0].1;
    ensure!(
        dx != 0.0 && dy != 0.0,
        "nothing moved: {before:?} {after:?}"
    );
    for (b, a) in before.iter().zip(after) {
        ensure!(a.0 - b.0 == dx && a.1 - b.1 == dy, "{before:?} → {after:?}");
    }
    browser.chord(&[Key::Control], "z").await?;
    browser
        .wait_for("the move to be undone", || async {
            Ok(browser.node_at("shell-1").await? == before[0])
        })
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn copy_and_paste_between_workflows_through_the_clipboard() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    three_nodes(&browser, &server, "source").await?;
    browser.get("save").await?.click().await?;
    browser.status_is("Saved").await?;

    // Select all and copy; paste here first: copies under fresh names, with their edge.
    browser.click("node-shell-3").await?;
    browser.chord(&[Key::Control], "a").await?;
    browser.chord(&[Key::Control], "c").await?;
    browser.status_is("Copied 3 node(s).").await?;
    browser.chord(&[Key::Control], "v").await?;
    browser.get("edge-shell-1-copy-shell-2-copy").await?;
    browser.get("node-shell-3-copy").await?;
    browser.chord(&[Key::Control], "z").await?;
    gone(&browser, "node-shell-1-copy").await?;
    browser.get("save").await?.click().await?;
    browser.status_is("Saved").await?;

    // Another workflow: the same nodes arrive by their own names.
    browser.create_workflow(&server, "target").await?;
    browser.click("canvas").await?;
    browser.chord(&[Key::Control], "v").await?;
    browser.get("edge-shell-1-shell-2").await?;
    browser.get("node-shell-3").await?;
    browser.status_is("Pasted 3 node(s).").await?;

    // Cut removes them; other text on the clipboard is refused with a reason.
    browser.chord(&[Key::Control], "a").await?;
    browser.chord(&[Key::Control], "x").await?;
    gone(&browser, "node-shell-1").await?;
    browser.fill("find", "not nodes").await?;
    browser.chord(&[Key::Control], "a").await?;
    browser.chord(&[Key::Control], "c").await?;
    browser.click("canvas").await?;
    browser.chord(&[Key::Control], "v").await?;
    let notice = browser.get("notice").await?.text().await?;
    ensure!(notice.contains("no Sluice nodes"), "{notice}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_dropped_onto_an_edge_goes_between_its_ends() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    three_nodes(&browser, &server, "insert").await?;
    // The palette's search narrows the list to what matches.
    browser.fill("palette-search", "mai").await?;
    browser
        .wait_for("the search to hide shell", || async {
            Ok(!browser.get("palette-shell").await?.is_displayed().await?)
        })
        .await?;
    ensure!(browser.get("palette-email").await?.is_displayed().await?);
    ensure!(
        !browser
            .get("palette-group-hadoop")
            .await?
            .is_displayed()
            .await?
    );
    let (x, y) = browser.edge_middle("edge-shell-1-shell-2").await?;
    let item = browser.get("palette-email").await?;
    browser.drag_to(&item, (x, y)).await?;
    browser.get("edge-shell-1-email-1").await?;
    browser.get("edge-email-1-shell-2").await?;
    ensure!(!browser.exists("edge-shell-1-shell-2").await?);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn guides_zoom_fit_layout_find_and_the_shortcut_sheet() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    three_nodes(&browser, &server, "view").await?;

    // Move shell-3 off the row, then drag it back to 5 px below it: a guide shows while
    // dragging and the node lands exactly on the row.
    let node = browser.get("node-shell-3").await?;
    let (cx, cy) = browser.center(&node).await?;
    browser.drag_to(&node, (cx + 30, cy + 205)).await?;
    let (_, y3) = browser.node_at("shell-3").await?;
    let (_, y1) = browser.node_at("shell-1").await?;
    let node = browser.get("node-shell-3").await?;
    let (cx, cy) = browser.center(&node).await?;
    let target_y = cy + (y1 - y3) as i64 + 5;
    browser
        .driver
        .action_chain()
        .move_to(cx, cy)
        .click_and_hold()
        .move_to(cx + 4, cy - 20)
        .move_to(cx, target_y)
        .perform()
        .await?;
    let guides = browser
        .get("guides")
        .await?
        .attr("d")
        .await?
        .unwrap_or_default();
    browser.driver.action_chain().release().perform().await?;
    ensure!(
        guides.contains('H'),
        "no horizontal guide while dragging: {guides:?}"
    );
    let (_, y3) = browser.node_at("shell-3").await?;
    ensure!(y3 == y1, "shell-3 at y {y3}, shell-1 at y {y1}");

    // Zoom buttons and the level.
    browser.click("zoom-in").await?;
    browser.text_is("zoom-level", "125 %").await?;
    browser.click("zoom-level").await?;
    browser.text_is("zoom-level", "100 %").await?;
    // The wheel zooms about the pointer.
    let canvas = browser.get("canvas").await?;
    browser
        .driver
        .execute(
            "const c = arguments[0]; const r = c.getBoundingClientRect();
             c.dispatchEvent(new WheelEvent('wheel', {deltaY: 300, clientX: r.left + 200, clientY: r.top + 200, bubbles: true, cancelable: true}));",
            vec![canvas.to_json()?],
        )
        .await?;
    let level = browser.get("zoom-level").await?.text().await?;
    ensure!(level != "100 %", "the wheel did not zoom: {level}");

    // Layout left to right puts the chain on one row, in order; fit shows it all.
    browser.click("layout-lr").await?;
    browser
        .wait_for("a left-to-right layout", || async {
            let (a, b) = (
                browser.node_at("shell-1").await?,
                browser.node_at("shell-2").await?,
            );
            Ok(a.1 == b.1 && a.0 < b.0)
        })
        .await?;
    browser.click("fit").await?;
    // A press on the minimap's corner moves the view there.
    let frame = browser.get("minimap-frame").await?.attr("x").await?;
    let minimap = browser.get("minimap").await?.rect().await?;
    browser
        .driver
        .action_chain()
        .move_to(minimap.x as i64 + 195, minimap.y as i64 + 125)
        .click()
        .perform()
        .await?;
    browser
        .wait_for("the minimap to move the view", || async {
            Ok(browser.get("minimap-frame").await?.attr("x").await? != frame)
        })
        .await?;

    // Find a node by name: Enter selects it.
    browser.chord(&[Key::Control], "f").await?;
    let active = browser.driver.active_element().await?;
    ensure!(active.attr("data-testid").await?.as_deref() == Some("find"));
    active.send_keys("ell-2").await?;
    browser.get("find-shell-2").await?;
    active.send_keys(Key::Enter).await?;
    let name = browser.get("prop-name").await?.prop("value").await?;
    ensure!(name.as_deref() == Some("shell-2"), "selected {name:?}");

    // The shortcut sheet opens with ? and closes with Escape.
    browser.click("node-shell-1").await?;
    browser.chord(&[], "?").await?;
    browser.get("shortcuts").await?;
    browser.chord(&[], "\u{E00C}").await?; // Escape
    gone(&browser, "shortcuts").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn unsaved_changes_come_back_from_the_local_draft() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    browser.create_workflow(&server, "drafty").await?;
    browser.drop_from_palette("shell", 150, 150).await?;
    browser.get("save").await?.click().await?;
    browser.status_is("Saved").await?;
    browser.drop_from_palette("end", 450, 150).await?;
    browser.get("node-end-1").await?;
    let url = browser.driver.current_url().await?;

    // Leave without saving (the page's own "leave?" prompt is accepted).
    browser.driver.goto(server.url("/")).await.ok();
    browser.driver.accept_alert().await.ok();
    browser.get("new-workflow-name").await?;
    browser.driver.goto(url.as_str()).await?;
    ensure!(
        !browser.exists("node-end-1").await?,
        "the server has no end node"
    );
    let banner = browser.get("draft-banner").await?.text().await?;
    ensure!(banner.contains("never saved"), "{banner}");
    browser.click("draft-restore").await?;
    browser.get("node-end-1").await?;
    let dirty = browser.get("dirty").await?.text().await?;
    ensure!(dirty.contains("unsaved"), "{dirty}");
    browser.get("save").await?.click().await?;
    browser.status_is("Saved").await?;
    browser.driver.refresh().await?;
    browser.get("node-end-1").await?;
    ensure!(!browser.exists("draft-banner").await?);
    Ok(())
}

/// The body's background colour, as the browser computed it.
async fn background(browser: &Browser) -> Result<String> {
    let value = browser
        .driver
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            vec![],
        )
        .await?;
    Ok(value.json().as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_theme_is_chosen_in_the_top_bar_and_remembered() -> Result<()> {
    const LIGHT: &str = "rgb(246, 247, 249)";
    const DARK: &str = "rgb(18, 22, 28)";
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    // Headless Chromium prefers light.
    ensure!(background(&browser).await? == LIGHT);
    browser.select("theme", "dark").await?;
    ensure!(background(&browser).await? == DARK);
    // A reload keeps it, from before the app starts.
    browser.driver.goto(server.url("/")).await?;
    browser.get("theme").await?;
    ensure!(background(&browser).await? == DARK);
    let shown = browser.get("theme").await?.prop("value").await?;
    ensure!(shown.as_deref() == Some("dark"), "{shown:?}");
    // Back to the system's preference, also after a reload.
    browser.select("theme", "system").await?;
    ensure!(background(&browser).await? == LIGHT);
    browser.driver.goto(server.url("/")).await?;
    browser.get("theme").await?;
    ensure!(background(&browser).await? == LIGHT);
    browser.quit().await
}

/// How many issues of the live validation list have this code.
async fn issues_coded(browser: &Browser, code: &str) -> Result<usize> {
    let css = format!("[data-testid='issue'][data-code='{code}']");
    Ok(browser.driver.find_all(By::Css(css)).await?.len())
}

#[tokio::test(flavor = "multi_thread")]
async fn el_fields_mark_expressions_suggest_functions_and_say_what_is_wrong() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    browser.create_workflow(&server, "el-fields").await?;
    browser.drop_from_palette("shell", 150, 150).await?;

    // A parameter added in the workflow's table without a default: Oozie will ask for it
    // at submission, and validation says so.
    browser.chord(&[], "\u{e00c}").await?;
    browser.click("prop-parameters-add").await?;
    browser.fill("prop-parameters-name-0", "queue").await?;
    browser
        .wait_for("the missing-parameter warning", || async {
            Ok(issues_coded(&browser, "E0738").await? == 1)
        })
        .await?;
    // A default settles it.
    browser.fill("prop-parameters-value-0", "default").await?;
    browser
        .wait_for("the warning to go", || async {
            Ok(issues_coded(&browser, "E0738").await? == 0)
        })
        .await?;

    browser.click("node-shell-1").await?;

    // Typing a function name inside ${ suggests it; Enter takes it, with its parenthesis.
    browser.fill("prop-exec", "echo ${wf:co").await?;
    let list = browser.get("prop-exec-suggest").await?.text().await?;
    ensure!(list.starts_with("wf:conf(name)"), "{list}");
    browser
        .get("prop-exec")
        .await?
        .send_keys(Key::Enter)
        .await?;
    browser
        .get("prop-exec")
        .await?
        .send_keys("'queue')}")
        .await?;
    let value = browser.get("prop-exec").await?.prop("value").await?;
    ensure!(
        value.as_deref() == Some("echo ${wf:conf('queue')}"),
        "{value:?}"
    );
    ensure!(
        !browser.exists("prop-exec-suggest").await?,
        "closed after }}"
    );
    ensure!(
        !browser.exists("prop-exec-notes").await?,
        "nothing wrong yet (queue is a parameter now)"
    );
    // The parameter is suggested by name.
    browser.get("prop-exec").await?.send_keys(" ${que").await?;
    let list = browser.get("prop-exec-suggest").await?.text().await?;
    ensure!(list.starts_with("queue"), "{list}");
    browser.get("prop-exec").await?.send_keys(Key::Tab).await?;
    browser.get("prop-exec").await?.send_keys("}").await?;
    let value = browser.get("prop-exec").await?.prop("value").await?;
    ensure!(
        value.as_deref() == Some("echo ${wf:conf('queue')} ${queue}"),
        "{value:?}"
    );
    // The expression is marked behind the text.
    let marks = browser
        .driver
        .find_all(By::Css(".el-mirror mark.el"))
        .await?;
    ensure!(marks.len() == 2, "{} marks", marks.len());

    // Unknown functions are errors, undefined names warnings, said under the field.
    browser
        .get("prop-exec")
        .await?
        .send_keys(" ${wf:bad()} ${nope}")
        .await?;
    let notes = browser.get("prop-exec-notes").await?.text().await?;
    ensure!(
        notes.contains("no function wf:bad in a workflow")
            && notes.contains("nope is neither a parameter nor a job property here"),
        "{notes}"
    );
    // A required field left empty says so.
    browser.fill("prop-exec", "").await?;
    browser.get("prop-exec-required").await?;
    browser.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ui_speaks_chinese_when_chosen_and_remembers_it() -> Result<()> {
    let server = Server::start()?;
    let browser = Browser::signed_in(&server).await?;
    browser.create_workflow(&server, "zh").await?;
    ensure!(browser.get("save").await?.text().await? == "Save");
    // Choosing reloads the page in Chinese, where it was.
    browser.select("language", "zh-CN").await?;
    browser
        .wait_for("the toolbar in Chinese", || async {
            Ok(browser.get("save").await?.text().await? == "保存")
        })
        .await?;
    let lang = browser
        .driver
        .execute("return document.documentElement.lang;", vec![])
        .await?;
    ensure!(lang.json().as_str() == Some("zh-CN"), "{:?}", lang.json());
    // Remembered across visits.
    browser.driver.goto(server.url("/")).await?;
    browser
        .wait_for("the list in Chinese", || async {
            Ok(browser.get("create-workflow").await?.text().await? == "创建")
        })
        .await?;
    browser.select("language", "en").await?;
    browser
        .wait_for("English again", || async {
            Ok(browser.get("create-workflow").await?.text().await? == "Create")
        })
        .await?;
    browser.quit().await
}
