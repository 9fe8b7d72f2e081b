//! The parser: template text with `${…}` segments into a tree that keeps byte spans, so
//! every error can point at its column.

use super::ElError;

/// Bounds on untrusted expressions: they are small in practice, and a parser that recurses
/// must not be driven into a stack overflow.
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024;
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Text(String),
    /// An expression and the byte range of its whole `${…}` in the template.
    Expr(Expr, std::ops::Range<usize>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: Kind,
    /// Byte offset of the expression's first character in the template.
    pub at: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
    Empty,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A variable: a name, or a dotted name (`a.b.c`) as job properties are written.
    Var(String),
    Call {
        prefix: Option<String>,
        name: String,
        args: Vec<Expr>,
    },
    Index(Box<Expr>, Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Int(i64),
    Float(f64),
    Str(String),
    Ident(String),
    Sym(&'static str),
}

/// Splits a template into text and expressions. `\${` is a literal `${`.
pub fn parse_template(input: &str) -> Result<Vec<Segment>, ElError> {
    if input.len() > MAX_TEMPLATE_BYTES {
        return Err(ElError::at(
            input,
            MAX_TEMPLATE_BYTES,
            format!("longer than {MAX_TEMPLATE_BYTES} bytes"),
        ));
    }
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    let bytes = input.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'\\' && input[i + 1..].starts_with("${") {
            text.push_str("${");
            i += 3;
        } else if input[i..].starts_with("${") {
            let end = expression_end(input, i + 2)?;
            if !text.is_empty() {
                out.push(Segment::Text(std::mem::take(&mut text)));
            }
            let expr = parse_expression(input, i + 2, end)?;
            out.push(Segment::Expr(expr, i..end + 1));
            i = end + 1;
        } else {
            let ch = input[i..].chars().next().expect("in bounds");
            text.push(ch);
            i += ch.len_utf8();
        }
    }
    if !text.is_empty() {
        out.push(Segment::Text(text));
    }
    Ok(out)
}

/// The offset of the `}` that closes the expression starting at `from`, skipping strings.
fn expression_end(input: &str, from: usize) -> Result<usize, ElError> {
    let bytes = input.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'}' => return Ok(i),
            None => {}
        }
        i += 1;
    }
    Err(ElError::at(
        input,
        from - 2,
        if quote.is_some() {
            "unterminated string in ${…}".to_owned()
        } else {
            "'${' without a closing '}'".to_owned()
        },
    ))
}

/// Parses one expression on its own (a `frequency` such as `coord:days(1)` is still
/// written inside `${…}`, but tests and tools need the bare form).
pub fn parse_expression(input: &str, from: usize, to: usize) -> Result<Expr, ElError> {
    let toks = lex(input, from, to)?;
    let mut p = Parser {
        input,
        toks,
        pos: 0,
        depth: 0,
        end: to,
    };
    if p.toks.is_empty() {
        return Err(ElError::at(input, from, "empty expression".to_owned()));
    }
    let e = p.ternary()?;
    if let Some((_, at)) = p.toks.get(p.pos) {
        return Err(ElError::at(
            input,
            *at,
            "unexpected text after the expression".to_owned(),
        ));
    }
    Ok(e)
}

const SYMBOLS: [&str; 21] = [
    "==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", "(", ")",
    ",", ".", "[",
];

fn lex(input: &str, from: usize, to: usize) -> Result<Vec<(Tok, usize)>, ElError> {
    let src = &input[..to];
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if b == b'\'' || b == b'"' {
            let mut s = String::new();
            i += 1;
            loop {
                let Some(ch) = src[i..].chars().next() else {
                    return Err(ElError::at(input, start, "unterminated string".to_owned()));
                };
                i += ch.len_utf8();
                if ch == char::from(b) {
                    break;
                }
                if ch == '\\' {
                    // EL escapes only quotes and the backslash itself.
                    match src[i..].chars().next() {
                        Some(c @ ('\'' | '"' | '\\')) => {
                            s.push(c);
                            i += 1;
                        }
                        _ => s.push('\\'),
                    }
                } else {
                    s.push(ch);
                }
            }
            out.push((Tok::Str(s), start));
        } else if b.is_ascii_digit()
            || (b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            while i < to && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let mut float = false;
            if i < to && bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                float = true;
                i += 1;
                while i < to && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < to && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < to && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < to && bytes[j].is_ascii_digit() {
                    float = true;
                    i = j;
                    while i < to && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text = &src[start..i];
            let tok = if float {
                Tok::Float(
                    text.parse()
                        .map_err(|_| ElError::at(input, start, "bad number".into()))?,
                )
            } else {
                Tok::Int(text.parse().map_err(|_| {
                    ElError::at(
                        input,
                        start,
                        format!("{text} is too large for a whole number"),
                    )
                })?)
            };
            out.push((tok, start));
        } else if b.is_ascii_alphabetic() || b == b'_' || b == b'$' {
            while i < to
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
            {
                i += 1;
            }
            out.push((Tok::Ident(src[start..i].to_owned()), start));
        } else if let Some(sym) = SYMBOLS.iter().find(|s| src[i..].starts_with(**s)) {
            i += sym.len();
            out.push((Tok::Sym(sym), start));
        } else if b == b']' {
            i += 1;
            out.push((Tok::Sym("]"), start));
        } else {
            let ch = src[i..].chars().next().expect("in bounds");
            return Err(ElError::at(
                input,
                start,
                format!("unexpected character '{ch}'"),
            ));
        }
    }
    Ok(out)
}

struct Parser<'a> {
    input: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
    end: usize,
}

impl Parser<'_> {
    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.1)
    }

    fn err(&self, message: impl Into<String>) -> ElError {
        ElError::at(self.input, self.at(), message.into())
    }

    fn peek_sym(&self, sym: &str) -> bool {
        matches!(self.toks.get(self.pos), Some((Tok::Sym(s), _)) if *s == sym)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.toks.get(self.pos), Some((Tok::Ident(w), _)) if w == word)
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        let hit = self.peek_sym(sym);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect_sym(&mut self, sym: &str) -> Result<(), ElError> {
        if self.eat_sym(sym) {
            Ok(())
        } else {
            Err(self.err(format!("expected '{sym}'")))
        }
    }

    /// The first of `ops` (symbols or word operators) at the current token.
    fn eat_op(&mut self, ops: &[(&str, BinOp)]) -> Option<BinOp> {
        let (op, _) = ops
            .iter()
            .find(|(s, _)| self.peek_sym(s) || self.peek_word(s))?;
        self.pos += 1;
        Some(ops.iter().find(|(s, _)| s == op).expect("just found").1)
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, ElError>) -> Result<T, ElError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(format!("nested more than {MAX_DEPTH} levels deep")));
        }
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn ternary(&mut self) -> Result<Expr, ElError> {
        self.nested(|p| {
            let cond = p.binary(0)?;
            if !p.eat_sym("?") {
                return Ok(cond);
            }
            let yes = p.ternary()?;
            p.expect_sym(":")?;
            let no = p.ternary()?;
            let at = cond.at;
            Ok(Expr {
                kind: Kind::Cond(Box::new(cond), Box::new(yes), Box::new(no)),
                at,
            })
        })
    }

    /// Binary operators by precedence level, loosest first.
    fn binary(&mut self, level: usize) -> Result<Expr, ElError> {
        const LEVELS: [&[(&str, BinOp)]; 6] = [
            &[("||", BinOp::Or), ("or", BinOp::Or)],
            &[("&&", BinOp::And), ("and", BinOp::And)],
            &[
                ("==", BinOp::Eq),
                ("!=", BinOp::Ne),
                ("eq", BinOp::Eq),
                ("ne", BinOp::Ne),
            ],
            &[
                ("<=", BinOp::Le),
                (">=", BinOp::Ge),
                ("<", BinOp::Lt),
                (">", BinOp::Gt),
                ("le", BinOp::Le),
                ("ge", BinOp::Ge),
                ("lt", BinOp::Lt),
                ("gt", BinOp::Gt),
            ],
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            &[
                ("*", BinOp::Mul),
                ("/", BinOp::Div),
                ("div", BinOp::Div),
                ("%", BinOp::Mod),
                ("mod", BinOp::Mod),
            ],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        while let Some(op) = self.eat_op(LEVELS[level]) {
            let right = self.nested(|p| p.binary(level + 1))?;
            let at = left.at;
            left = Expr {
                kind: Kind::Binary(op, Box::new(left), Box::new(right)),
                at,
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ElError> {
        let at = self.at();
        let op = if self.eat_sym("-") {
            UnOp::Neg
        } else if self.eat_sym("!") || self.peek_word("not") && self.bump() {
            UnOp::Not
        } else if self.peek_word("empty") && self.bump() {
            UnOp::Empty
        } else {
            return self.postfix();
        };
        let operand = self.nested(Self::unary)?;
        Ok(Expr {
            kind: Kind::Unary(op, Box::new(operand)),
            at,
        })
    }

    fn bump(&mut self) -> bool {
        self.pos += 1;
        true
    }

    fn postfix(&mut self) -> Result<Expr, ElError> {
        let mut e = self.primary()?;
        loop {
            if self.eat_sym(".") {
                let name = self.ident("a property name after '.'")?;
                e = match e.kind {
                    Kind::Var(v) => Expr {
                        kind: Kind::Var(format!("{v}.{name}")),
                        at: e.at,
                    },
                    other => {
                        let at = e.at;
                        let key = Expr {
                            kind: Kind::Str(name),
                            at,
                        };
                        Expr {
                            kind: Kind::Index(Box::new(Expr { kind: other, at }), Box::new(key)),
                            at,
                        }
                    }
                };
            } else if self.eat_sym("[") {
                let key = self.ternary()?;
                self.expect_sym("]")?;
                let at = e.at;
                e = Expr {
                    kind: Kind::Index(Box::new(e), Box::new(key)),
                    at,
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn ident(&mut self, what: &str) -> Result<String, ElError> {
        match self.toks.get(self.pos) {
            Some((Tok::Ident(name), _)) => {
                let name = name.clone();
                self.pos += 1;
                Ok(name)
            }
            _ => Err(self.err(format!("expected {what}"))),
        }
    }

    fn primary(&mut self) -> Result<Expr, ElError> {
        let at = self.at();
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else {
            return Err(self.err("expected a value"));
        };
        self.pos += 1;
        let kind = match tok {
            Tok::Int(n) => Kind::Int(n),
            Tok::Float(f) => Kind::Float(f),
            Tok::Str(s) => Kind::Str(s),
            Tok::Sym("(") => {
                let e = self.ternary()?;
                self.expect_sym(")")?;
                return Ok(e);
            }
            Tok::Sym(s) => {
                self.pos -= 1;
                return Err(self.err(format!("expected a value, found '{s}'")));
            }
            Tok::Ident(word) => match word.as_str() {
                "true" => Kind::Bool(true),
                "false" => Kind::Bool(false),
                "null" => Kind::Null,
                _ => {
                    let (prefix, name) = if self.peek_sym(":")
                        && matches!(self.toks.get(self.pos + 1), Some((Tok::Ident(_), _)))
                        && matches!(self.toks.get(self.pos + 2), Some((Tok::Sym("("), _)))
                    {
                        self.pos += 1;
                        (Some(word), self.ident("a function name")?)
                    } else {
                        (None, word)
                    };
                    if self.eat_sym("(") {
                        let args = self.args()?;
                        Kind::Call { prefix, name, args }
                    } else {
                        Kind::Var(name)
                    }
                }
            },
        };
        Ok(Expr { kind, at })
    }

    fn args(&mut self) -> Result<Vec<Expr>, ElError> {
        let mut args = Vec::new();
        if self.eat_sym(")") {
            return Ok(args);
        }
        loop {
            args.push(self.ternary()?);
            if self.eat_sym(")") {
                return Ok(args);
            }
            self.expect_sym(",")?;
        }
    }
}
