//! The UI in English or Simplified Chinese.
//!
//! The language is read once at start (from this browser's choice, else its preferred
//! languages) and a change reloads the page, so translated text is plain text rather than
//! thousands of views listening to a language signal. Strings are looked up by their
//! English text: the source stays readable, and a test checks that every string the
//! source passes to [`t`] has a translation. What the shared crate says (validation
//! messages with their Oozie codes, EL errors) stays in English, as Oozie says it.

use std::cell::Cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn id(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

const KEY: &str = "sluice.lang";

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

pub fn lang() -> Lang {
    LANG.with(Cell::get)
}

/// Reads the language: the one chosen here, else the browser's first preference.
pub fn init() {
    let chosen = crate::dom::storage::get(KEY)
        .or_else(|| web_sys::window().map(|w| w.navigator().language().unwrap_or_default()));
    let lang = match chosen.as_deref() {
        Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    };
    LANG.with(|c| c.set(lang));
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("lang", lang.id());
    }
}

/// Keeps the choice and reloads the page in it.
pub fn choose(lang: Lang) {
    crate::dom::storage::set(KEY, lang.id());
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// `en` in the current language.
pub fn t(en: &'static str) -> &'static str {
    match lang() {
        Lang::En => en,
        Lang::Zh => zh(en).unwrap_or(en),
    }
}

/// `en` with `{}` replaced by `args` in order, in the current language.
pub fn tf(en: &'static str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::new();
    let mut parts = t(en).split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (part, arg) in parts.zip(
        args.iter()
            .map(|a| a.to_string())
            .chain(std::iter::repeat(String::new())),
    ) {
        out.push_str(&arg);
        out.push_str(part);
    }
    out
}

/// Whether `en` has its Chinese (for strings kept in tables and translated when drawn).
#[cfg(test)]
pub fn translated(en: &str) -> bool {
    zh(en).is_some()
}

fn zh(en: &str) -> Option<&'static str> {
    ZH.binary_search_by(|(k, _)| (*k).cmp(en))
        .ok()
        .map(|i| ZH[i].1)
}

/// English → Simplified Chinese, sorted by the English (a test checks the order).
static ZH: &[(&str, &str)] = &[
    (" → between {} and {}", " → 插入到 {} 与 {} 之间"),
    (
        "A {} action, kept exactly as written in the XML:",
        "{} 动作，完全保留 XML 中的原文：",
    ),
    ("Actions", "操作"),
    ("Add", "添加"),
    (
        "Add a node to the selection, or take it out",
        "将节点加入选择，或从中移出",
    ),
    ("Answer", "结果"),
    ("Any status", "任意状态"),
    ("Any workflow", "任意工作流"),
    ("As written", "按原文"),
    ("At a time", "同时运行"),
    ("Audit trail", "审计记录"),
    ("Auto-layout, left to right", "自动布局，从左到右"),
    ("Auto-layout, top to bottom", "自动布局，从上到下"),
    ("Back to 100 %", "恢复到 100 %"),
    ("Back to the workflows", "返回工作流列表"),
    ("Backfill…", "补数…"),
    ("Cancel", "取消"),
    ("Change…", "修改…"),
    ("Choose", "选择"),
    (
        "Choose actions in the grid (Ctrl-click adds one, Shift-click a range), or type their numbers or nominal times.",
        "在网格中选择动作（Ctrl 点击加选一个，Shift 点击选一段），或输入其编号或名义时间。",
    ),
    ("Choose every instance of this page", "选择本页所有实例"),
    ("Choose none", "全不选"),
    ("Choose the failed", "选择失败的"),
    ("Choose your password", "设置您的密码"),
    ("Clear the selection", "清除选择"),
    ("Close", "关闭"),
    ("Comment for this version", "此版本的说明"),
    ("Compare", "比较"),
    ("Compare with ", "比较对象："),
    ("Compare with the drawing now", "与当前绘图比较"),
    ("Concurrency", "并发"),
    ("Configuration", "配置"),
    ("Confirm", "确认"),
    ("Control flow", "控制流"),
    ("Controls", "控制"),
    ("Copied {} node(s).", "已复制 {} 个节点。"),
    (
        "Copy, cut, paste nodes (also between workflows and tabs)",
        "复制、剪切、粘贴节点（也可跨工作流和标签页）",
    ),
    ("Create", "创建"),
    ("Created from", "创建于"),
    (
        "Cron (minute hour day month weekday)",
        "Cron（分 时 日 月 星期）",
    ),
    ("Current password", "当前密码"),
    ("Cut {} node(s).", "已剪切 {} 个节点。"),
    ("Dark", "深色"),
    ("Day", "日"),
    (
        "Default (empty: none, to be given at submission)",
        "默认值（留空：无默认值，需在提交时提供）",
    ),
    (
        "Defaults for every action (global)",
        "所有动作的默认值（global）",
    ),
    ("Delete edge", "删除边"),
    ("Delete node", "删除节点"),
    ("Delete the selection", "删除所选内容"),
    ("Delete {} nodes", "删除 {} 个节点"),
    ("Description", "描述"),
    ("Discard", "丢弃"),
    ("Done", "完成"),
    ("Download app zip", "下载应用 zip 包"),
    ("Download failed: {}", "下载失败：{}"),
    ("Download job.properties", "下载 job.properties"),
    ("Download workflow.xml", "下载 workflow.xml"),
    (
        "Drag a node onto the canvas, or onto an edge to insert it. Drag from a green port for the ok path, from a red one for the error path; on a decision, green draws a case and red the default. Several ok edges out of a node run in parallel (a fork); several into one wait for all (a join).",
        "将节点拖到画布上，或拖到一条边上以插入其中。从绿色端口拖出 ok 路径，从红色端口拖出 error 路径；在 decision 节点上，绿色画出 case，红色画出 default。一个节点引出多条 ok 边即并行执行（fork）；多条边汇入一个节点则等待全部完成（join）。",
    ),
    (
        "Drag one to move them all; Delete removes them; Ctrl+C copies them, with the edges between them.",
        "拖动其中一个即可整体移动；Delete 删除它们；Ctrl+C 复制它们及其之间的边。",
    ),
    (
        "Drag onto the canvas to add a {} node, or onto an edge to insert it there",
        "拖到画布上以添加 {} 节点，或拖到一条边上插入其中",
    ),
    (
        "Draw cases from the green port and the default from the red one; select a case to edit its predicate.",
        "从绿色端口画出 case，从红色端口画出 default；选中一个 case 可编辑其条件。",
    ),
    ("Edge", "边"),
    ("End", "结束"),
    ("End (UTC)", "结束（UTC）"),
    (
        "End: no action after this time. Concurrency: how many actions may run at once (-1: no limit). Pause: no action is made from this time until it is cleared.",
        "结束：此时间之后不再生成动作。并发：同时可运行的动作数（-1 表示不限）。暂停：从此时间起不再生成动作，直到清除。",
    ),
    ("Ended", "结束时间"),
    ("Every", "每"),
    ("Every N, starting at", "每 N 个，从某值开始"),
    ("Execution", "执行顺序"),
    ("Exit", "退出"),
    ("Export to Oozie", "导出到 Oozie"),
    (
        "Exported as drawn: nothing was added.",
        "按原样导出：未添加任何内容。",
    ),
    ("Exported {}.", "已导出 {}。"),
    ("Export…", "导出…"),
    (
        "FIFO: oldest ready action first (default)",
        "FIFO：最早就绪的动作先运行（默认）",
    ),
    ("Find a node (Ctrl+F)", "查找节点（Ctrl+F）"),
    ("Find a node by name", "按名称查找节点"),
    ("Find by name", "按名称查找"),
    ("Find workflows by name", "按名称查找工作流"),
    ("Fit", "适应"),
    ("Fit the whole workflow (F)", "显示整个工作流（F）"),
    ("Fit the whole workflow on screen", "在屏幕上显示整个工作流"),
    ("Friday", "星期五"),
    ("From", "从"),
    ("From (UTC)", "从（UTC）"),
    ("From node", "起始节点"),
    ("From version {} to the drawing now", "从版本 {} 到当前绘图"),
    ("From version {} to version {}", "从版本 {} 到版本 {}"),
    ("From … to", "范围：从 … 到"),
    ("General", "通用"),
    ("Hadoop", "Hadoop"),
    ("History", "历史"),
    (
        "Hold it in PREP, to start later",
        "保持在 PREP 状态，稍后启动",
    ),
    ("Hour", "小时"),
    (
        "How long an action waits for its input data before it times out; Oozie caps it at 60 days (and -1 means that cap).",
        "动作等待输入数据多久后超时；Oozie 最多 60 天（-1 即取此上限）。",
    ),
    (
        "How many actions may run at once; -1 for no limit.",
        "同时可运行的动作数；-1 表示不限。",
    ),
    (
        "How many actions may wait for data at once (1 to 500).",
        "同时可等待数据的动作数（1 到 500）。",
    ),
    ("How many runs to show", "显示多少次运行"),
    ("Ignore chosen", "忽略所选"),
    ("Import Oozie app…", "导入 Oozie 应用…"),
    ("Import it", "导入"),
    ("Import these {}", "导入这 {} 项"),
    ("Imported.", "已导入。"),
    ("Importing {}…", "正在导入 {}…"),
    ("Inputs", "输入"),
    ("Instance", "实例"),
    (
        "It is held in PREP until someone starts it.",
        "它将保持在 PREP 状态，直到有人启动。",
    ),
    ("Job", "作业"),
    (
        "Job properties (job.properties)",
        "作业属性（job.properties）",
    ),
    ("Keep output directories", "保留输出目录"),
    ("Keyboard shortcuts", "键盘快捷键"),
    ("Keyboard shortcuts (?)", "键盘快捷键（?）"),
    ("Kind", "类型"),
    (
        "LAST_ONLY: skip an action once the next one is due",
        "LAST_ONLY：下一个动作到期时跳过当前动作",
    ),
    (
        "LIFO: newest ready action first",
        "LIFO：最新就绪的动作先运行",
    ),
    ("Last day of the month", "本月最后一天"),
    ("Last given weekday of the month", "本月最后一个星期几"),
    ("Last saved (UTC)", "最后保存（UTC）"),
    ("Last weekday of the month", "本月最后一个工作日"),
    ("Layout →", "布局 →"),
    ("Layout ↓", "布局 ↓"),
    ("Light", "浅色"),
    ("Loading the time-zone rules…", "正在加载时区规则…"),
    ("Loading…", "加载中…"),
    ("Log in", "登录"),
    (
        "Log in to design and run workflows.",
        "登录以设计和运行工作流。",
    ),
    ("Log out", "退出登录"),
    (
        "Make this version the newest one (a new version; nothing is lost)",
        "将此版本设为最新版本（生成新版本，不会丢失任何内容）",
    ),
    ("Mark skipped", "标记为跳过"),
    ("Mark succeeded", "标记为成功"),
    ("Message", "消息"),
    ("Minute", "分钟"),
    ("Monday", "星期一"),
    ("Month", "月"),
    (
        "More properties (name=value, one a line)",
        "更多属性（name=value，每行一个）",
    ),
    (
        "NONE: skip an action more than a minute late",
        "NONE：跳过迟到超过一分钟的动作",
    ),
    ("Name", "名称"),
    ("Name of a new workflow", "新工作流的名称"),
    (
        "New password (10 characters or more)",
        "新密码（至少 10 个字符）",
    ),
    ("New password again", "再次输入新密码"),
    ("Newer", "较新"),
    ("Newest first", "最新的优先"),
    ("Next", "下一页"),
    ("Next (UTC)", "下次运行（UTC）"),
    ("Next runs", "接下来的运行"),
    (
        "No actions yet: the first is made at its nominal time.",
        "还没有动作：第一个会在其名义时间生成。",
    ),
    ("No differences.", "没有差异。"),
    ("No instances.", "没有实例。"),
    ("No issues: ready to export.", "没有问题：可以导出。"),
    ("No node matches.", "没有匹配的节点。"),
    ("No node type matches.", "没有匹配的节点类型。"),
    (
        "No run between the start and the end.",
        "开始与结束之间没有运行。",
    ),
    (
        "No schedules yet: open a workflow and choose Schedule.",
        "还没有调度：打开一个工作流并选择“调度”。",
    ),
    (
        "No workflow name contains that.",
        "没有名称包含该内容的工作流。",
    ),
    (
        "No workflows yet. Name one above to start.",
        "还没有工作流。在上方输入名称即可开始。",
    ),
    (
        "Nobody has done anything to it yet.",
        "还没有人对它做过操作。",
    ),
    ("Node", "节点"),
    ("Node types", "节点类型"),
    ("Nodes", "节点"),
    ("Not exported: {}", "未导出：{}"),
    ("Not found", "未找到"),
    ("Not restored: {}", "未恢复：{}"),
    ("Not saved: {}", "未保存：{}"),
    (
        "Not saved: {}. Reload to see their version (copy your changes first).",
        "未保存：{}。请重新加载以查看对方的版本（请先复制您的修改）。",
    ),
    ("Not scheduled: {}", "未调度：{}"),
    (
        "Not set (the other day field decides)",
        "不指定（由另一个日期字段决定）",
    ),
    ("Not started: {}", "未启动：{}"),
    ("Note", "说明"),
    ("Nth weekday of the month", "本月第 N 个星期几"),
    ("Older", "较旧"),
    ("Oldest first", "最早的优先"),
    ("Only instances in this status", "仅显示此状态的实例"),
    ("Only instances of this workflow", "仅此工作流的实例"),
    ("Only their failed nodes", "仅其失败节点"),
    ("Oozie app to import", "要导入的 Oozie 应用"),
    ("Oozie schema for export", "导出使用的 Oozie schema"),
    ("Or nominal times (UTC)", "或名义时间（UTC）"),
    ("Order", "顺序"),
    (
        "Overview of the whole workflow; press to move there",
        "整个工作流的概览；点击即可移动到该处",
    ),
    ("Pages", "分页"),
    ("Pan", "平移"),
    ("Parameters", "参数"),
    ("Password", "密码"),
    ("Pasted {} node(s).", "已粘贴 {} 个节点。"),
    ("Pause (UTC)", "暂停（UTC）"),
    (
        "Predicate (EL that must be true)",
        "条件（结果必须为 true 的 EL 表达式）",
    ),
    ("Preview the backfill", "预览补数"),
    ("Preview the change", "预览修改"),
    ("Preview the rerun", "预览重跑"),
    ("Previous", "上一页"),
    (
        "Properties (name=value, one a line)",
        "属性（name=value，每行一个）",
    ),
    ("Properties it runs with", "运行所用属性"),
    (
        "Reaching the end node finishes the workflow successfully.",
        "到达 end 节点即表示工作流成功结束。",
    ),
    ("Reading {}…", "正在读取 {}…"),
    ("Redo", "重做"),
    ("Redo (Shift+Ctrl+Z)", "重做（Shift+Ctrl+Z）"),
    ("Remove", "移除"),
    (
        "Required: Oozie rejects the action without it.",
        "必填：缺少此项 Oozie 会拒绝该动作。",
    ),
    ("Rerun failed", "重跑失败部分"),
    ("Rerun from here", "从此处重跑"),
    ("Rerun…", "重跑…"),
    (
        "Resolve inputs and configuration again",
        "重新解析输入和配置",
    ),
    ("Restore", "恢复"),
    ("Restore them", "恢复这些修改"),
    ("Restore this version", "恢复此版本"),
    (
        "Restored version {} as version {}.",
        "已将版本 {} 恢复为版本 {}。",
    ),
    ("Restoring version {}…", "正在恢复版本 {}…"),
    ("Retries and credentials", "重试与凭据"),
    ("Review", "检查"),
    ("Run", "运行"),
    ("Run again", "重新运行"),
    ("Run now", "立即运行"),
    ("Runs", "运行记录"),
    (
        "Runs the schedule's own periods between two nominal times (both included) in a job of their own, below live runs.",
        "在单独的作业中运行调度在两个名义时间之间（含两端）的周期，优先级低于正常运行。",
    ),
    ("Runs version {} with:", "以如下属性运行版本 {}："),
    ("Run…", "运行…"),
    ("Saturday", "星期六"),
    ("Save", "保存"),
    ("Save password", "保存密码"),
    (
        "Save the workflow first: a run uses its saved version.",
        "请先保存工作流：运行使用的是已保存的版本。",
    ),
    (
        "Save the workflow first: the schedule runs its saved version.",
        "请先保存工作流：调度运行的是已保存的版本。",
    ),
    (
        "Saved, with {} validation error(s) to fix before export.",
        "已保存，导出前还有 {} 个校验错误需要修复。",
    ),
    ("Saved.", "已保存。"),
    ("Saving…", "保存中…"),
    ("Schedule", "调度"),
    ("Schedules", "调度"),
    ("Schedule…", "调度…"),
    ("Scheduling…", "正在调度…"),
    ("Search node types", "搜索节点类型"),
    ("See this version, read-only", "以只读方式查看此版本"),
    (
        "Select a node or an edge to edit it.",
        "选中一个节点或一条边即可编辑。",
    ),
    ("Select every node", "选中所有节点"),
    ("Select the nodes in a rectangle", "框选矩形内的节点"),
    ("Server check: valid.", "服务器校验：有效。"),
    (
        "Server check: {} error(s), listed on the right.",
        "服务器校验：{} 个错误，见右侧列表。",
    ),
    ("Show or hide this sheet", "显示或隐藏此列表"),
    ("Sluice", "Sluice"),
    ("Start", "启动"),
    (
        "Start (UTC, 2026-11-21T10:00Z)",
        "开始（UTC，2026-11-21T10:00Z）",
    ),
    ("Started", "开始时间"),
    ("Started (UTC)", "开始时间（UTC）"),
    ("Status", "状态"),
    ("Sunday", "星期日"),
    ("System theme", "跟随系统"),
    ("Tasks over time", "任务时间线"),
    (
        "The app directory as a zip: workflow.xml and job.properties of the saved version",
        "应用目录的 zip 包：已保存版本的 workflow.xml 和 job.properties",
    ),
    (
        "The cron needs five fields: minute hour day month weekday. A choice below starts again from * * * * *.",
        "cron 需要五个字段：分 时 日 月 星期。在下方选择将从 * * * * * 重新开始。",
    ),
    (
        "The password you used was for one login only.",
        "您使用的密码仅限一次登录。",
    ),
    ("The two new passwords differ.", "两次输入的新密码不一致。"),
    (
        "The workflow as drawn in this version",
        "此版本中绘制的工作流",
    ),
    (
        "The zip holds the saved version: save to include your changes.",
        "zip 包含的是已保存的版本：保存后才会包含您的修改。",
    ),
    ("Theme", "主题"),
    ("These values", "指定值"),
    ("Throttle", "节流"),
    ("Thursday", "星期四"),
    ("Time zone", "时区"),
    ("Timeout (minutes)", "超时（分钟）"),
    ("To", "到"),
    ("To (UTC)", "到（UTC）"),
    ("Tries", "尝试次数"),
    ("Tuesday", "星期二"),
    ("Type", "类型"),
    (
        "Type to search: Asia/Shanghai, America/New_York…",
        "输入以搜索：Asia/Shanghai、America/New_York…",
    ),
    ("Undo", "撤销"),
    ("Undo (Ctrl+Z)", "撤销（Ctrl+Z）"),
    ("Unit", "单位"),
    ("User name", "用户名"),
    ("Validate", "校验"),
    ("Validating on the server…", "正在服务器上校验…"),
    ("Validation", "校验"),
    ("Validation failed: {}", "校验失败：{}"),
    ("Value", "值"),
    ("Version {}, read-only", "版本 {}（只读）"),
    ("View", "查看"),
    ("Wednesday", "星期三"),
    ("Weekday", "星期"),
    ("Weekday nearest to day", "最接近某日的工作日"),
    ("What", "操作"),
    (
        "What changed from this version to the drawing now",
        "从此版本到当前绘图的变化",
    ),
    ("What changed? (optional)", "改了什么？（可选）"),
    ("When (UTC)", "时间（UTC）"),
    ("Which one", "第几个"),
    ("Who", "操作人"),
    ("Workflow", "工作流"),
    ("Workflow canvas", "工作流画布"),
    ("Workflow instances", "工作流实例"),
    ("Workflows", "工作流"),
    (
        "Written by hand; pick a choice above to replace it:",
        "手写内容；在上方选择一项即可替换：",
    ),
    (
        "You have unsaved changes from {} that were never saved.",
        "您在 {} 有未保存的修改。",
    ),
    ("Zoom", "缩放"),
    ("Zoom in", "放大"),
    ("Zoom in (+)", "放大（+）"),
    ("Zoom out", "缩小"),
    ("Zoom out (-)", "缩小（-）"),
    ("a new version of the one of that name", "同名定义的新版本"),
    ("added", "新增"),
    ("backfill", "补数"),
    ("changed", "修改"),
    ("clocks changed: {} → {}", "时钟调整：{} → {}"),
    ("cron", "cron"),
    ("days", "天"),
    ("days before it", "天之前"),
    ("days, at the end of the day", "天，在当天结束时"),
    ("edge {} added", "新增边 {}"),
    ("edge {} removed", "删除边 {}"),
    ("every", "每"),
    ("everything", "全部"),
    ("fifth", "第五个"),
    ("first", "第一个"),
    ("fourth", "第四个"),
    ("from", "从"),
    ("from a node on", "从某节点起"),
    ("hours", "小时"),
    ("job.properties", "job.properties"),
    ("minutes", "分钟"),
    ("months", "月"),
    ("months, at the end of the month", "月，在月末结束时"),
    ("moved only", "仅移动"),
    ("new", "新建"),
    ("no properties but the defaults", "除默认值外无其他属性"),
    ("node {} added", "新增节点 {}"),
    ("node {} became another kind", "节点 {} 变成了另一种类型"),
    ("node {} moved", "节点 {} 被移动"),
    ("node {} removed", "删除节点 {}"),
    ("removed", "删除"),
    ("schedule", "调度"),
    ("second", "第二个"),
    ("starting at", "起始于"),
    ("the drawing now", "当前绘图"),
    ("third", "第三个"),
    ("to", "到"),
    ("valid", "有效"),
    ("valid, {} warning(s)", "有效，{} 个警告"),
    ("version {}", "版本 {}"),
    ("version {} of the one of that name", "同名定义的版本 {}"),
    ("weeks, at the end of the week", "周，在周末结束时"),
    (
        "what failed (keep what succeeded)",
        "失败的部分（保留成功的）",
    ),
    ("workflow {}", "工作流 {}"),
    ("workflow.xml", "workflow.xml"),
    (
        "workflow.xml, coordinator.xml, or a zip of app directories; or drop one here",
        "workflow.xml、coordinator.xml 或应用目录的 zip 包；也可以直接拖放到这里",
    ),
    ("{} difference(s).", "{} 处差异。"),
    (
        "{} error(s) to fix before it can run",
        "运行前需修复 {} 个错误",
    ),
    (
        "{} has no default: give it a value.",
        "{} 没有默认值：请填写。",
    ),
    ("{} nodes, {} edges.", "{} 个节点，{} 条边。"),
    (
        "{} saved this workflow just now; your next save would conflict. Copy your changes and reload to see theirs.",
        "{} 刚刚保存了此工作流；您的下一次保存将会冲突。请复制您的修改并重新加载以查看对方的版本。",
    ),
    (
        "{}: this is what importing it would do. Nothing is saved yet.",
        "{}：以下是导入后的结果，目前尚未保存任何内容。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t("…")` and `tf("…", …)` literal in the app's source, with its file.
    fn keys() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for marker in ["t(", "tf("] {
                        for (i, _) in text.match_indices(marker) {
                            let before = text[..i].chars().last();
                            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                                continue;
                            }
                            // The literal may start on the next line.
                            let Some(rest) =
                                text[i + marker.len()..].trim_start().strip_prefix('"')
                            else {
                                continue;
                            };
                            let end = rest.find('"').unwrap();
                            out.push((rest[..end].to_owned(), path.display().to_string()));
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out
    }

    /// All of the app's source but this file, as one text.
    fn sources() -> String {
        fn walk(dir: &std::path::Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs")
                {
                    out.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut out = String::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out
    }

    #[test]
    fn every_string_of_the_ui_has_its_chinese() {
        let keys = keys();
        assert!(keys.len() > 100, "found {} strings", keys.len());
        let missing: Vec<_> = keys.iter().filter(|(k, _)| zh(k).is_none()).collect();
        assert!(missing.is_empty(), "no translation for: {missing:#?}");
        for pair in ZH.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "out of order or twice: {:?} {:?}",
                pair[0].0,
                pair[1].0
            );
        }
        // And nothing is translated that the UI no longer says (as a call or in a table).
        let sources = sources();
        let stale: Vec<&str> = ZH
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !sources.contains(&format!("\"{}\"", k.replace('"', "\\\""))))
            .collect();
        assert!(stale.is_empty(), "translated but unused: {stale:?}");
    }

    #[test]
    fn placeholders_take_their_arguments_in_order() {
        assert_eq!(tf("{} of {}", &[&1, &"x"]), "1 of x");
    }
}
