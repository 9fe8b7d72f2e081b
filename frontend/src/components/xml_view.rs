//! XML shown with syntax highlighting: a small tokenizer (pure, tested natively) and the
//! view that colours its pieces. Only for showing XML Sluice wrote itself; the pieces
//! always join back into the exact text, so what is shown is what is downloaded.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// `<`, `</`, `>`, `/>`, `=`.
    Punct,
    Tag,
    Attr,
    Value,
    Comment,
    /// `<?xml …?>` and `<![CDATA[…]]>`.
    Special,
    Text,
}

impl Token {
    fn class(self) -> &'static str {
        match self {
            Token::Punct => "x-punct",
            Token::Tag => "x-tag",
            Token::Attr => "x-attr",
            Token::Value => "x-value",
            Token::Comment => "x-comment",
            Token::Special => "x-special",
            Token::Text => "x-text",
        }
    }
}

/// Splits XML into coloured pieces; malformed input still splits, as text.
pub fn tokens(xml: &str) -> Vec<(Token, &str)> {
    fn push<'a>(out: &mut Vec<(Token, &'a str)>, t: Token, s: &'a str) {
        if !s.is_empty() {
            out.push((t, s));
        }
    }
    let mut out = Vec::new();
    let mut rest = xml;
    while !rest.is_empty() {
        let special = [
            ("<!--", "-->", Token::Comment),
            ("<![CDATA[", "]]>", Token::Special),
            ("<?", "?>", Token::Special),
        ];
        if let Some((_, end, t)) = special.iter().find(|(start, _, _)| rest.starts_with(start)) {
            let len = rest.find(end).map_or(rest.len(), |i| i + end.len());
            push(&mut out, *t, &rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if rest.starts_with('<') {
            let open = if rest.starts_with("</") { 2 } else { 1 };
            push(&mut out, Token::Punct, &rest[..open]);
            rest = &rest[open..];
            let name = rest
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len());
            push(&mut out, Token::Tag, &rest[..name]);
            rest = &rest[name..];
            // Attributes up to `>` or `/>`.
            loop {
                let space = rest.len() - rest.trim_start().len();
                push(&mut out, Token::Text, &rest[..space]);
                rest = &rest[space..];
                if rest.is_empty() {
                    break;
                }
                if rest.starts_with("/>") || rest.starts_with('>') {
                    let len = if rest.starts_with('>') { 1 } else { 2 };
                    push(&mut out, Token::Punct, &rest[..len]);
                    rest = &rest[len..];
                    break;
                }
                let attr = rest
                    .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                    .unwrap_or(rest.len())
                    .max(1);
                push(&mut out, Token::Attr, &rest[..attr]);
                rest = &rest[attr..];
                if let Some(after) = rest.strip_prefix('=') {
                    push(&mut out, Token::Punct, "=");
                    rest = after;
                    if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
                        let len = rest[1..].find(q).map_or(rest.len(), |i| i + 2);
                        push(&mut out, Token::Value, &rest[..len]);
                        rest = &rest[len..];
                    }
                }
            }
            continue;
        }
        let len = rest.find('<').unwrap_or(rest.len());
        push(&mut out, Token::Text, &rest[..len]);
        rest = &rest[len..];
    }
    out
}

/// Above this size the XML is shown plain: tens of thousands of coloured spans would make
/// the dialog slow to open, and a drawing that large is read in an editor anyway.
const HIGHLIGHT_LIMIT: usize = 300_000;

#[component]
pub fn XmlView(xml: String, #[prop(into)] testid: String) -> impl IntoView {
    let body = if xml.len() > HIGHLIGHT_LIMIT {
        xml.clone().into_any()
    } else {
        tokens(&xml)
            .into_iter()
            .map(|(t, s)| {
                if t == Token::Text {
                    s.to_owned().into_any()
                } else {
                    view! { <span class=t.class()>{s.to_owned()}</span> }.into_any()
                }
            })
            .collect_view()
            .into_any()
    };
    view! { <pre class="xml" data-testid=testid><code>{body}</code></pre> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pieces_are_the_text_and_each_is_coloured_by_what_it_is() {
        let xml = r#"<?xml version="1.0"?>
<!-- a comment -->
<workflow-app xmlns="uri:oozie:workflow:1.0" name='wf'>
    <start to="a"/>
    <case to="b">${wf:conf('x') eq 'y'}</case>
    <script><![CDATA[echo <hi>]]></script>
</workflow-app>"#;
        let pieces = tokens(xml);
        assert_eq!(pieces.iter().map(|(_, s)| *s).collect::<String>(), xml);
        let of = |t: Token| -> Vec<&str> {
            pieces
                .iter()
                .filter(|(k, _)| *k == t)
                .map(|(_, s)| *s)
                .collect()
        };
        assert_eq!(
            of(Token::Special),
            [r#"<?xml version="1.0"?>"#, "<![CDATA[echo <hi>]]>"]
        );
        assert_eq!(of(Token::Comment), ["<!-- a comment -->"]);
        assert_eq!(
            of(Token::Tag),
            [
                "workflow-app",
                "start",
                "case",
                "case",
                "script",
                "script",
                "workflow-app"
            ]
        );
        assert_eq!(of(Token::Attr), ["xmlns", "name", "to", "to"]);
        assert_eq!(
            of(Token::Value),
            [r#""uri:oozie:workflow:1.0""#, "'wf'", r#""a""#, r#""b""#]
        );
        assert!(of(Token::Text).contains(&"${wf:conf('x') eq 'y'}"));
    }

    #[test]
    fn malformed_text_still_splits_into_the_same_text() {
        for xml in [
            "<",
            "<a",
            "<a b",
            "<a b=",
            "<a b=\"c",
            "<!-- x",
            "a < b > c",
            "<a/><",
            "<a =>",
        ] {
            let pieces = tokens(xml);
            assert_eq!(
                pieces.iter().map(|(_, s)| *s).collect::<String>(),
                xml,
                "{xml}"
            );
        }
    }
}
