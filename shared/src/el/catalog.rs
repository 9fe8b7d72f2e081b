//! What an editor needs to help with EL: the functions a workflow field may call (with
//! their arguments and meaning), where the `${…}` parts of a text are, what to suggest at
//! the caret, and what is wrong with one field, said at the field rather than in the
//! workflow-wide issue list. The function tables of `el` and `el::wf` are the truth; a
//! test keeps this catalog in step with them.

use std::ops::Range;

use super::parse::{Kind, Segment, parse_template};
use super::{ElError, Expr};

/// A function an expression may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    /// As written: `concat`, `wf:conf`.
    pub name: &'static str,
    pub args: &'static [&'static str],
    pub doc: &'static str,
}

const fn f(name: &'static str, args: &'static [&'static str], doc: &'static str) -> Function {
    Function { name, args, doc }
}

/// Oozie's basic functions, in every EL context.
const BASIC: [Function; 7] = [
    f("concat", &["a", "b"], "a followed by b"),
    f("trim", &["text"], "without leading and trailing blanks"),
    f("firstNotNull", &["a", "b"], "a unless it is null, else b"),
    f("urlEncode", &["text"], "URL-encoded (UTF-8, + for spaces)"),
    f(
        "replaceAll",
        &["src", "regex", "replacement"],
        "every match replaced",
    ),
    f(
        "appendAll",
        &["src", "append", "delimiter"],
        "append added after each part",
    ),
    f("timestamp", &[], "the current UTC time, yyyy-MM-ddTHH:mmZ"),
];

/// The `wf:` functions.
const WF: [Function; 16] = [
    f(
        "wf:conf",
        &["name"],
        "a job property or configuration value of this run",
    ),
    f("wf:id", &[], "this run's id"),
    f("wf:name", &[], "the workflow's name"),
    f("wf:appPath", &[], "where the application lives"),
    f("wf:user", &[], "who started the run"),
    f("wf:group", &[], "the group of the user who started the run"),
    f("wf:run", &[], "the rerun number, 0 for the first run"),
    f(
        "wf:callback",
        &["stateVar"],
        "the callback URL for an action",
    ),
    f("wf:transition", &["node"], "the transition a node took"),
    f("wf:lastErrorNode", &[], "the last node that ended in error"),
    f("wf:errorCode", &["node"], "a failed node's error code"),
    f(
        "wf:errorMessage",
        &["node"],
        "a failed node's error message",
    ),
    f(
        "wf:actionData",
        &["node"],
        "what a node captured (capture-output), as a map",
    ),
    f("wf:actionExternalId", &["node"], "a node's external job id"),
    f("wf:actionTrackerUri", &["node"], "a node's tracker URL"),
    f(
        "wf:actionExternalStatus",
        &["node"],
        "a node's external status",
    ),
];

/// The `coord:` functions an action's configuration may call: Oozie's
/// `coord-action-create` group, as `coord::materialize` answers them.
const COORD: [Function; 21] = [
    f("coord:nominalTime", &[], "when the action is due, in UTC"),
    f(
        "coord:actualTime",
        &[],
        "when the action was created, in UTC",
    ),
    f("coord:user", &[], "who submitted the job"),
    f("coord:name", &[], "the coordinator's name"),
    f(
        "coord:actionId",
        &[],
        "the action's id: the job's id @ its number",
    ),
    f("coord:conf", &["name"], "a job property, or null"),
    f(
        "coord:dataIn",
        &["event"],
        "a data-in's URIs, newest first, comma-separated",
    ),
    f(
        "coord:dataOut",
        &["event"],
        "a data-out's URIs, comma-separated",
    ),
    f(
        "coord:dateOffset",
        &["time", "n", "unit"],
        "time plus n units (MINUTE, HOUR, DAY, WEEK, MONTH, YEAR)",
    ),
    f(
        "coord:dateTzOffset",
        &["time", "zone"],
        "a UTC time as the wall time of a zone",
    ),
    f(
        "coord:formatTime",
        &["time", "pattern"],
        "a time in a Java date pattern, such as yyyyMMdd",
    ),
    f(
        "coord:epochTime",
        &["time", "millis"],
        "a time in seconds (or milliseconds, if millis is true) since 1970",
    ),
    f(
        "coord:databaseIn",
        &["event"],
        "an HCatalog data-in's database",
    ),
    f(
        "coord:databaseOut",
        &["event"],
        "an HCatalog data-out's database",
    ),
    f("coord:tableIn", &["event"], "an HCatalog data-in's table"),
    f("coord:tableOut", &["event"], "an HCatalog data-out's table"),
    f(
        "coord:dataInPartitionFilter",
        &["event", "type"],
        "a data-in's partitions as a filter (hive or pig)",
    ),
    f(
        "coord:dataInPartitionMin",
        &["event", "key"],
        "the least value of a partition key over a data-in",
    ),
    f(
        "coord:dataInPartitionMax",
        &["event", "key"],
        "the greatest value of a partition key over a data-in",
    ),
    f(
        "coord:dataOutPartitions",
        &["event"],
        "a data-out's partition, as k=v,k=v",
    ),
    f(
        "coord:dataOutPartitionValue",
        &["event", "key"],
        "the value of one partition key of a data-out",
    ),
];

/// Two tables as one, at compile time; `N` must be their lengths' sum.
const fn join<const A: usize, const B: usize, const N: usize>(
    a: [Function; A],
    b: [Function; B],
) -> [Function; N] {
    assert!(A + B == N, "N is the sum of the lengths");
    let mut out = [f("", &[], ""); N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

/// Oozie's basic functions and the `wf:` functions: what a workflow's fields may use.
pub const WORKFLOW_FUNCTIONS: &[Function] = &join::<16, 7, 23>(WF, BASIC);

/// Oozie's basic functions and the `coord:` functions of an action's configuration.
pub const COORD_FUNCTIONS: &[Function] = &join::<21, 7, 28>(COORD, BASIC);

/// EL's constants, usable as `${KB}` without a definition.
pub const CONSTANTS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];

/// Byte ranges of the `${…}` parts of `text`, an unclosed one running to the end, so an
/// editor can mark them while they are being typed.
pub fn expression_spans(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let escaped = i > 0 && bytes[i - 1] == b'\\';
        if bytes[i] == b'$' && bytes[i + 1] == b'{' && !escaped {
            let end = expression_end(text, i + 2).unwrap_or(text.len());
            spans.push(i..end);
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

/// Where the `${` whose body starts at `from` closes (just after its `}`), skipping braces
/// inside quoted strings.
fn expression_end(text: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text[from..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '}') => return Some(from + i + 1),
            _ => {}
        }
    }
    None
}

/// The word being typed at `caret` inside an expression: its start and its text (possibly
/// empty right after `${`). `None` outside expressions and inside quoted strings.
pub fn word_at(text: &str, caret: usize) -> Option<(usize, &str)> {
    let caret = caret.min(text.len());
    if !text.is_char_boundary(caret) {
        return None;
    }
    let span = expression_spans(text).into_iter().find(|s| {
        s.start + 2 <= caret
            && (caret < s.end || (caret == s.end && !text[s.clone()].ends_with('}')))
    })?;
    // Not inside a string literal.
    let body = &text[span.start + 2..caret];
    let quotes = body.chars().filter(|c| *c == '\'' || *c == '"').count();
    if quotes % 2 == 1 {
        return None;
    }
    let start = body
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || matches!(c, '_' | ':' | '.'))
        .last()
        .map_or(caret, |(i, _)| span.start + 2 + i);
    Some((start, &text[start..caret]))
}

/// One suggestion: what is shown, what replaces the word typed, and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub label: String,
    pub insert: String,
    pub detail: String,
}

/// What may follow `word`: functions (inserted with their opening parenthesis, or both
/// parentheses when they take nothing) and defined names, prefix matches first.
pub fn suggest(
    word: &str,
    functions: &[Function],
    names: &[&str],
    limit: usize,
) -> Vec<Suggestion> {
    let lower = word.to_lowercase();
    let score = |label: &str| {
        let l = label.to_lowercase();
        if l.starts_with(&lower) {
            Some(0)
        } else if l.contains(&lower) {
            Some(1)
        } else {
            None
        }
    };
    let mut all: Vec<(u8, Suggestion)> = Vec::new();
    for name in names.iter().chain(CONSTANTS.iter()) {
        if let Some(s) = score(name) {
            all.push((
                s,
                Suggestion {
                    label: (*name).to_owned(),
                    insert: (*name).to_owned(),
                    detail: if CONSTANTS.contains(name) {
                        "constant"
                    } else {
                        "parameter or job property"
                    }
                    .to_owned(),
                },
            ));
        }
    }
    for func in functions {
        if let Some(s) = score(func.name) {
            let insert = if func.args.is_empty() {
                format!("{}()", func.name)
            } else {
                format!("{}(", func.name)
            };
            all.push((
                s,
                Suggestion {
                    label: format!("{}({})", func.name, func.args.join(", ")),
                    insert,
                    detail: func.doc.to_owned(),
                },
            ));
        }
    }
    crate::order::sort_by(&mut all, |a, b| {
        a.0.cmp(&b.0).then_with(|| a.1.label.cmp(&b.1.label))
    });
    all.into_iter().take(limit).map(|(_, s)| s).collect()
}

/// Something wrong with one field's text, with the byte range it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNote {
    pub error: bool,
    pub message: String,
    pub range: Range<usize>,
}

/// What is wrong with a field's text as EL: syntax errors, unknown functions, wrong
/// argument counts (errors: Oozie would fail), and names nothing defines (warnings: a
/// job.properties given at submission may still define them).
pub fn check_field(
    text: &str,
    functions: &[Function],
    defined: &dyn Fn(&str) -> bool,
) -> Vec<FieldNote> {
    let segments = match parse_template(text) {
        Ok(s) => s,
        Err(ElError { column, message }) => {
            let at = text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            return vec![FieldNote {
                error: true,
                message: format!("EL: {message}"),
                range: at..text.len(),
            }];
        }
    };
    let mut notes = Vec::new();
    for segment in &segments {
        if let Segment::Expr(expr, range) = segment {
            walk(expr, range, functions, defined, &mut notes);
        }
    }
    notes
}

fn walk(
    expr: &Expr,
    range: &Range<usize>,
    functions: &[Function],
    defined: &dyn Fn(&str) -> bool,
    notes: &mut Vec<FieldNote>,
) {
    match &expr.kind {
        Kind::Var(name) => {
            if !defined(name) && !CONSTANTS.contains(&name.as_str()) {
                notes.push(FieldNote {
                    error: false,
                    message: format!("{name} is neither a parameter nor a job property here"),
                    range: range.clone(),
                });
            }
        }
        Kind::Call { prefix, name, args } => {
            let full = match prefix {
                Some(p) => format!("{p}:{name}"),
                None => name.clone(),
            };
            match functions.iter().find(|f| f.name == full) {
                None => notes.push(FieldNote {
                    error: true,
                    message: format!("no function {full} in a workflow"),
                    range: range.clone(),
                }),
                Some(f) if f.args.len() != args.len() => notes.push(FieldNote {
                    error: true,
                    message: format!(
                        "{full} takes {} argument(s), {} given",
                        f.args.len(),
                        args.len()
                    ),
                    range: range.clone(),
                }),
                Some(_) => {}
            }
            for a in args {
                walk(a, range, functions, defined, notes);
            }
        }
        Kind::Index(a, b) | Kind::Binary(_, a, b) => {
            walk(a, range, functions, defined, notes);
            walk(b, range, functions, defined, notes);
        }
        Kind::Unary(_, a) => walk(a, range, functions, defined, notes),
        Kind::Cond(a, b, c) => {
            for e in [a, b, c] {
                walk(e, range, functions, defined, notes);
            }
        }
        Kind::Null | Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) | Kind::Str(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_each_expression_also_while_it_is_typed() {
        let text = "a ${x} b ${wf:conf('}')} \\${no} ${open";
        let spans: Vec<&str> = expression_spans(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(spans, ["${x}", "${wf:conf('}')}", "${open"]);
    }

    #[test]
    fn the_word_at_the_caret_is_found_inside_expressions_only() {
        let text = "run ${wf:co";
        assert_eq!(word_at(text, text.len()), Some((6, "wf:co")));
        assert_eq!(word_at("${", 2), Some((2, "")));
        assert_eq!(word_at("plain wf:co", 11), None);
        assert_eq!(word_at("${wf:conf('na", 13), None, "inside a string");
        assert_eq!(word_at("${a} b", 6), None, "after a closed expression");
        assert_eq!(word_at("${a + queu}", 10), Some((6, "queu")));
    }

    #[test]
    fn suggestions_put_prefix_matches_first() {
        let got = suggest("wf:co", WORKFLOW_FUNCTIONS, &["queue"], 5);
        assert_eq!(got[0].label, "wf:conf(name)");
        assert_eq!(got[0].insert, "wf:conf(");
        let got = suggest("que", WORKFLOW_FUNCTIONS, &["queue", "other"], 5);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].insert, "queue");
        let got = suggest("id", WORKFLOW_FUNCTIONS, &[], 20);
        assert!(got.iter().any(|s| s.insert == "wf:id()"), "{got:?}");
    }

    #[test]
    fn a_field_says_what_is_wrong_with_it() {
        let defined = |n: &str| n == "queue";
        let notes = check_field(
            "${wf:conf('a')} ${queue} ${KB}",
            WORKFLOW_FUNCTIONS,
            &defined,
        );
        assert!(notes.is_empty(), "{notes:?}");
        let notes = check_field(
            "x ${wf:nope()} ${wf:conf()} ${missing}",
            WORKFLOW_FUNCTIONS,
            &defined,
        );
        let messages: Vec<(bool, &str)> = notes
            .iter()
            .map(|n| (n.error, n.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (true, "no function wf:nope in a workflow"),
                (true, "wf:conf takes 1 argument(s), 0 given"),
                (
                    false,
                    "missing is neither a parameter nor a job property here"
                ),
            ]
        );
        assert_eq!(notes[0].range, 2..14);
        let notes = check_field("${a +}", WORKFLOW_FUNCTIONS, &defined);
        assert!(
            notes[0].error && notes[0].message.starts_with("EL: "),
            "{notes:?}"
        );
    }
}
