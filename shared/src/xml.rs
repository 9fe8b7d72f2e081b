//! A small XML tree for untrusted input: every Oozie document Sluice reads goes through here.
//!
//! Why a tree and not serde: import must keep elements it does not model (verbatim, so
//! nothing is lost), report every problem with a line and column, and enforce limits before
//! any of that. Safety rules:
//! - DOCTYPE declarations are refused outright: they are how entity-expansion bombs and
//!   external-entity reads get in, and no Oozie document needs one.
//! - Only the five predefined entities and character references are understood.
//! - Size, nesting depth, element count and attributes per element are capped ([`Limits`]).

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_depth: usize,
    pub max_elements: usize,
    pub max_attributes: usize,
}

impl Default for Limits {
    /// Generous for any real Oozie app (Oozie itself caps a workflow at 100,000 bytes),
    /// small enough that a hostile upload costs little.
    fn default() -> Self {
        Limits {
            max_bytes: 4 * 1024 * 1024,
            max_depth: 64,
            max_elements: 200_000,
            max_attributes: 64,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct XmlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// As written, with its prefix (`xmlns:sla`, `retry-max`).
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Element(Element),
    /// Character data (entities resolved, CDATA included), exactly as written otherwise.
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The namespace URI the element's name resolves to, if any.
    pub namespace: Option<String>,
    /// The local name (`shell` for `<sla:shell>` as well as `<shell>`).
    pub name: String,
    /// The name as written, with its prefix.
    pub qname: String,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Content>,
    /// Where the start tag begins, 1-based.
    pub line: u32,
    pub column: u32,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// Child elements, in document order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Content::Element(e) => Some(e),
            Content::Text(_) => None,
        })
    }

    /// The first child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The element's own text (not its descendants'), concatenated.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                Content::Text(t) => Some(t.as_str()),
                Content::Element(_) => None,
            })
            .collect()
    }

    /// Whether the element has non-whitespace text of its own.
    pub fn has_text(&self) -> bool {
        self.children
            .iter()
            .any(|c| matches!(c, Content::Text(t) if !t.trim().is_empty()))
    }
}

impl Element {
    fn prefix(&self) -> Option<&str> {
        self.qname.split_once(':').map(|(p, _)| p)
    }

    /// The element on its own, to keep verbatim: whitespace-only text dropped (it is
    /// layout), and a namespace declaration added wherever a prefix (or the default
    /// namespace) was declared outside the element. Parsing the result gives the same
    /// element again, so it can be written back into any document.
    pub fn fragment(&self) -> String {
        let mut copy = self.clone();
        complete_namespaces(&mut copy, &mut Vec::new());
        let mut w = quick_xml::Writer::new(Vec::new());
        write_element(&mut w, &copy).expect("writing to memory cannot fail");
        String::from_utf8(w.into_inner()).expect("the writer only emits UTF-8")
    }
}

/// Adds the declarations `el` needs, given the `(prefix, namespace)` pairs declared around
/// it inside the fragment; drops layout whitespace.
fn complete_namespaces(el: &mut Element, scope: &mut Vec<(Option<String>, Option<String>)>) {
    let depth = scope.len();
    for a in &el.attributes {
        if a.name == "xmlns" {
            scope.push((None, Some(a.value.clone())));
        } else if let Some(p) = a.name.strip_prefix("xmlns:") {
            scope.push((Some(p.to_owned()), Some(a.value.clone())));
        }
    }
    let prefix = el.prefix().map(str::to_owned);
    let declared = scope.iter().rev().find(|(p, _)| *p == prefix);
    let needs = match declared {
        Some((_, ns)) => *ns != el.namespace,
        None => prefix.is_some() || el.namespace.is_some(),
    };
    if needs {
        let name = prefix
            .as_ref()
            .map_or_else(|| "xmlns".to_owned(), |p| format!("xmlns:{p}"));
        let value = el.namespace.clone().unwrap_or_default();
        el.attributes.insert(0, Attribute { name, value });
        scope.push((prefix, el.namespace.clone()));
    }
    el.children
        .retain(|c| !matches!(c, Content::Text(t) if t.trim().is_empty()));
    for child in &mut el.children {
        if let Content::Element(e) = child {
            complete_namespaces(e, scope);
        }
    }
    scope.truncate(depth);
}

/// Writes an element and its content (attributes and text escaped).
pub fn write_element<W: std::io::Write>(
    w: &mut quick_xml::Writer<W>,
    el: &Element,
) -> std::io::Result<()> {
    use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
    let mut start = BytesStart::new(el.qname.as_str());
    for a in &el.attributes {
        start.push_attribute((a.name.as_str(), a.value.as_str()));
    }
    if el.children.is_empty() {
        return w.write_event(Event::Empty(start));
    }
    w.write_event(Event::Start(start))?;
    for child in &el.children {
        match child {
            Content::Text(t) => w.write_event(Event::Text(BytesText::new(t)))?,
            Content::Element(e) => write_element(w, e)?,
        }
    }
    w.write_event(Event::End(BytesEnd::new(el.qname.as_str())))
}

/// Turns byte offsets into line and column, moving forward only (offsets come in order).
struct Position<'a> {
    input: &'a str,
    offset: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Position<'a> {
    fn new(input: &'a str) -> Self {
        Position {
            input,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn at(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.input.len());
        if offset < self.offset {
            // Rare (error positions): count from the start again.
            *self = Position::new(self.input);
        }
        let bytes = self.input.as_bytes();
        for (i, b) in bytes[self.offset..offset].iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        let column = self
            .input
            .get(self.line_start..offset)
            .map_or(offset - self.line_start, |s| s.chars().count());
        (self.line, u32::try_from(column + 1).unwrap_or(u32::MAX))
    }
}

/// Parses a whole document into its root element.
pub fn parse(input: &str, limits: &Limits) -> Result<Element, XmlError> {
    if input.len() > limits.max_bytes {
        return Err(XmlError {
            line: 1,
            column: 1,
            message: format!(
                "the document is {} bytes; at most {} are accepted",
                input.len(),
                limits.max_bytes
            ),
        });
    }
    let mut reader = NsReader::from_str(input);
    let mut pos = Position::new(input);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;

    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let fail = |pos: &mut Position<'_>, offset: usize, message: String| {
            let (line, column) = pos.at(offset);
            XmlError {
                line,
                column,
                message,
            }
        };
        let (resolved, event) = match reader.read_resolved_event() {
            Ok(pair) => pair,
            Err(err) => {
                let offset = usize::try_from(reader.error_position()).unwrap_or(start);
                return Err(fail(&mut pos, offset, err.to_string()));
            }
        };
        let namespace = match resolved {
            // The reader resolves names against the declaration as written, before entity
            // decoding and whitespace normalization; a URI that either would change is no
            // namespace any Oozie document uses, and refusing it keeps one spelling of
            // every namespace (kept fragments re-declare what they use).
            ResolveResult::Bound(ns) if ns.0.contains(['&', '<', '\t', '\n', '\r']) => {
                return Err(fail(
                    &mut pos,
                    start,
                    "a namespace URI with entities or line breaks".into(),
                ));
            }
            ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(prefix) => {
                return Err(fail(
                    &mut pos,
                    start,
                    format!("the namespace prefix '{prefix}' is not declared"),
                ));
            }
        };
        match event {
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                if root.is_some() {
                    return Err(fail(
                        &mut pos,
                        start,
                        "a document has one root element".into(),
                    ));
                }
                elements += 1;
                if elements > limits.max_elements {
                    return Err(fail(
                        &mut pos,
                        start,
                        format!("more than {} elements", limits.max_elements),
                    ));
                }
                if stack.len() >= limits.max_depth {
                    return Err(fail(
                        &mut pos,
                        start,
                        format!("elements nested deeper than {} levels", limits.max_depth),
                    ));
                }
                let mut attributes = Vec::new();
                for attr in tag.attributes() {
                    let attr = attr.map_err(|e| fail(&mut pos, start, e.to_string()))?;
                    if attributes.len() >= limits.max_attributes {
                        return Err(fail(
                            &mut pos,
                            start,
                            format!(
                                "more than {} attributes on one element",
                                limits.max_attributes
                            ),
                        ));
                    }
                    let name = attr.key.as_ref().to_owned();
                    let value = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| fail(&mut pos, start, format!("attribute {name}: {e}")))?
                        .into_owned();
                    attributes.push(Attribute { name, value });
                }
                let (line, column) = pos.at(start);
                let element = Element {
                    namespace,
                    name: tag.local_name().as_ref().to_owned(),
                    qname: tag.name().as_ref().to_owned(),
                    attributes,
                    children: Vec::new(),
                    line,
                    column,
                };
                if matches!(event, Event::Empty(_)) {
                    close(&mut stack, &mut root, element);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                // quick-xml has checked that the name matches the open element.
                let element = stack.pop().ok_or_else(|| {
                    fail(&mut pos, start, "a closing tag with nothing open".into())
                })?;
                close(&mut stack, &mut root, element);
            }
            Event::Text(text) => push_text(&mut stack, &mut pos, start, text.xml10_content())?,
            Event::CData(data) => push_text(&mut stack, &mut pos, start, data.xml10_content())?,
            Event::GeneralRef(reference) => {
                let resolved = match reference
                    .resolve_char_ref()
                    .map_err(|e| fail(&mut pos, start, e.to_string()))?
                {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.xml10_content();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_owned(),
                            None => {
                                return Err(fail(
                                    &mut pos,
                                    start,
                                    format!(
                                        "unknown entity &{name}; (only XML's predefined entities are accepted)"
                                    ),
                                ));
                            }
                        }
                    }
                };
                push_text(&mut stack, &mut pos, start, Cow::Owned(resolved))?;
            }
            Event::DocType(_) => {
                return Err(fail(
                    &mut pos,
                    start,
                    "DOCTYPE declarations are refused: they can define entities, and Oozie documents need none".into(),
                ));
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        let (line, column) = pos.at(input.len());
        return Err(XmlError {
            line,
            column,
            message: format!(
                "the document ends before <{}> (line {}) is closed",
                open.qname, open.line
            ),
        });
    }
    root.ok_or(XmlError {
        line: 1,
        column: 1,
        message: "the document has no root element".into(),
    })
}

fn close(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Content::Element(element)),
        None => *root = Some(element),
    }
}

fn push_text(
    stack: &mut [Element],
    pos: &mut Position<'_>,
    start: usize,
    text: Cow<'_, str>,
) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(parent) => {
            // Adjacent text and entity pieces form one run of text.
            if let Some(Content::Text(prev)) = parent.children.last_mut() {
                prev.push_str(&text);
            } else {
                parent.children.push(Content::Text(text.into_owned()));
            }
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => {
            let (line, column) = pos.at(start);
            Err(XmlError {
                line,
                column,
                message: "text outside the root element".into(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_default(s: &str) -> Result<Element, XmlError> {
        parse(s, &Limits::default())
    }

    #[test]
    fn a_namespace_uri_with_entities_or_line_breaks_is_refused() {
        // Found by fuzzing: such a URI resolves unnormalized but is declared normalized,
        // so a kept fragment would gain a second, different declaration.
        for doc in [
            "<a xmlns:s=\"urn:&amp;x\"><s:b/></a>",
            "<a xmlns:s=\"urn:\nx\"><s:b/></a>",
        ] {
            let e = parse_default(doc).unwrap_err();
            assert!(e.message.contains("namespace URI"), "{doc}: {e}");
        }
    }

    #[test]
    fn namespaces_text_entities_and_positions() {
        let doc = "<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\" xmlns:s=\"urn:s\" k=\"1 &amp; 2\">\n  <s:b>x &lt; y &#65;<![CDATA[<raw>]]></s:b>\n  <c/>\n</a>";
        let root = parse_default(doc).unwrap();
        assert_eq!(root.namespace.as_deref(), Some("urn:x"));
        assert_eq!((root.line, root.column), (2, 1));
        assert_eq!(root.attr("k"), Some("1 & 2"));
        let b = root.child("b").unwrap();
        assert_eq!(b.namespace.as_deref(), Some("urn:s"));
        assert_eq!(b.qname, "s:b");
        assert_eq!(b.text(), "x < y A<raw>");
        assert_eq!((b.line, b.column), (3, 3));
        let c = root.child("c").unwrap();
        assert_eq!(c.namespace.as_deref(), Some("urn:x"));
        assert_eq!((c.line, c.column), (4, 3));
    }

    #[test]
    fn fragments_carry_their_namespaces_and_parse_back() {
        let doc = parse_default(
            "<a xmlns='urn:a' xmlns:s='urn:s'>\n  <s:info x='1'>\n    <s:t>&lt;v&gt;</s:t>\n  </s:info>\n  <b><c/></b></a>",
        )
        .unwrap();
        let info = doc.child("info").unwrap();
        let text = info.fragment();
        assert_eq!(
            text,
            r#"<s:info xmlns:s="urn:s" x="1"><s:t>&lt;v&gt;</s:t></s:info>"#
        );
        let again = parse_default(&text).unwrap();
        assert_eq!(again.fragment(), text);
        let b = doc.child("b").unwrap();
        assert_eq!(b.fragment(), r#"<b xmlns="urn:a"><c/></b>"#);
    }

    #[test]
    fn doctype_is_refused_with_its_position() {
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>\n<a>&lol;</a>";
        let err = parse_default(bomb).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("DOCTYPE"), "{err}");
    }

    #[test]
    fn unknown_entities_are_refused() {
        let err = parse_default("<a>&nbsp;</a>").unwrap_err();
        assert!(err.message.contains("unknown entity &nbsp;"), "{err}");
    }

    #[test]
    fn malformed_documents_say_where() {
        let err = parse_default("<a>\n  <b></c>\n</a>").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        let err = parse_default("<a><b></b>").unwrap_err();
        assert!(err.message.contains("ends before <a>"), "{err}");
        assert!(parse_default("").unwrap_err().message.contains("no root"));
        assert!(parse_default("<a/><b/>").is_err());
        assert!(parse_default("<a/>text").is_err());
        assert!(parse_default("<p:a/>").unwrap_err().message.contains("'p'"));
    }

    #[test]
    fn limits_are_enforced() {
        let limits = Limits {
            max_bytes: 100,
            max_depth: 3,
            max_elements: 4,
            max_attributes: 2,
        };
        assert!(
            parse(&"<a>".repeat(4), &limits)
                .unwrap_err()
                .message
                .contains("deeper than 3")
        );
        assert!(
            parse("<a><b/><b/><b/><b/></a>", &limits)
                .unwrap_err()
                .message
                .contains("more than 4")
        );
        assert!(
            parse("<a x='1' y='2' z='3'/>", &limits)
                .unwrap_err()
                .message
                .contains("attributes")
        );
        let big = format!("<a>{}</a>", "x".repeat(100));
        assert!(parse(&big, &limits).unwrap_err().message.contains("bytes"));
        // Deep nesting is refused before it can hurt, at any depth.
        let deep = "<a>".repeat(100_000);
        assert!(parse(&deep, &Limits::default()).is_err());
    }
}
