//! Oozie's expression language: JSP 2.0 EL as Oozie uses it, in `${…}` segments.
//!
//! One parser and evaluator for the browser (inline errors while typing) and the server
//! (the values actions really get). What a function means lives outside the evaluator, in
//! a [`Context`]: the coordinator's `coord:` functions, the `wf:` functions over a
//! [`wf::Runtime`], and the frequency functions that carry a hidden unit. The evaluator only
//! knows the language and Oozie's basic string functions.
//!
//! Coercions follow the JSP 2.0 EL specification (§1.7–1.9), as `commons-el` implements
//! them for Oozie: `+` is always arithmetic, `/` is always floating point, strings compare
//! as strings only when neither side is a number, `null` is `0` in arithmetic and `""` as
//! a string.

pub mod catalog;
pub mod parse;
pub mod wf;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use parse::{BinOp, UnOp};
pub use parse::{Expr, Kind, Segment, parse_template};

/// An EL error, with the 1-based character column it points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("EL error at column {column}: {message}")]
pub struct ElError {
    pub column: usize,
    pub message: String,
}

impl ElError {
    pub(crate) fn at(input: &str, byte: usize, message: String) -> ElError {
        let byte = byte.min(input.len());
        let column = input.char_indices().take_while(|(i, _)| *i < byte).count() + 1;
        ElError { column, message }
    }
}

/// An EL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// What `wf:actionData` returns: read with `['key']`.
    Map(BTreeMap<String, String>),
}

/// Why a function could not give a value.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// A plain error; the evaluator adds the column.
    Message(String),
    /// Not known yet (`coord:latest` before the data exists): the whole `${…}` is kept as
    /// written, as Oozie does, to be evaluated again later.
    Deferred,
}

impl From<String> for CallError {
    fn from(s: String) -> Self {
        CallError::Message(s)
    }
}

pub type CallResult = Result<Value, CallError>;

/// What names mean during one evaluation.
pub trait Context {
    /// A variable (a job property); `None` if it is not defined.
    fn variable(&self, name: &str) -> Option<Value>;

    /// A function; `None` when no function of that name exists here.
    fn call(&self, prefix: Option<&str>, name: &str, args: &[Value]) -> Option<CallResult>;

    /// The time `timestamp()` reports; `None` where no clock is meaningful.
    fn now(&self) -> Option<DateTime<Utc>> {
        None
    }
}

/// Properties only (job.properties and the like).
impl Context for BTreeMap<String, String> {
    fn variable(&self, name: &str) -> Option<Value> {
        self.get(name).map(|v| Value::Str(v.clone()))
    }

    fn call(&self, _: Option<&str>, _: &str, _: &[Value]) -> Option<CallResult> {
        None
    }
}

impl Value {
    /// The value as EL turns it into text (`null` → `""`, `1.0` → `"1.0"`).
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => java_double(*f),
            Value::Str(s) => s.clone(),
            Value::Map(m) => {
                let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a whole number",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Map(_) => "a map",
        }
    }

    /// Coercion to a whole number (function arguments declared `int`).
    pub fn to_int(&self) -> Result<i64, String> {
        match self {
            Value::Null => Ok(0),
            Value::Int(n) => Ok(*n),
            Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18 => {
                Ok(*f as i64)
            }
            Value::Str(s) if s.trim().is_empty() => Ok(0),
            Value::Str(s) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("[{s}] is not a whole number")),
            other => Err(format!(
                "expected a whole number, found {}",
                other.type_name()
            )),
        }
    }

    /// Coercion to boolean (`&&`, `!`, `?:`): only `"true"` (any case) is true text.
    pub fn to_bool(&self) -> Result<bool, String> {
        match self {
            Value::Null => Ok(false),
            Value::Bool(b) => Ok(*b),
            Value::Str(s) => Ok(s.eq_ignore_ascii_case("true")),
            other => Err(format!("expected a boolean, found {}", other.type_name())),
        }
    }
}

/// `Double.toString`: `1.0`, `0.5`, `1.0E10`, `1.0E-5`.
fn java_double(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let abs = f.abs();
    if abs == 0.0 || (1e-3..1e7).contains(&abs) {
        let s = f.to_string();
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let mantissa = if mantissa.contains('.') {
        mantissa.to_owned()
    } else {
        format!("{mantissa}.0")
    };
    format!("{mantissa}E{exp}")
}

/// A number as EL reads it for arithmetic.
#[derive(Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

fn number(v: &Value) -> Result<Num, String> {
    match v {
        Value::Null => Ok(Num::Int(0)),
        Value::Int(n) => Ok(Num::Int(*n)),
        Value::Float(f) => Ok(Num::Float(*f)),
        Value::Str(s) if s.is_empty() => Ok(Num::Int(0)),
        Value::Str(s) if s.contains(['.', 'e', 'E']) => s
            .trim()
            .parse::<f64>()
            .map(Num::Float)
            .map_err(|_| format!("[{s}] is not a number")),
        Value::Str(s) => s
            .trim()
            .parse::<i64>()
            .map(Num::Int)
            .map_err(|_| format!("[{s}] is not a number")),
        other => Err(format!("expected a number, found {}", other.type_name())),
    }
}

fn is_floaty(v: &Value) -> bool {
    matches!(v, Value::Float(_)) || matches!(v, Value::Str(s) if s.contains(['.', 'e', 'E']))
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

/// Evaluates a whole template. A template that is exactly one `${…}` keeps the value's
/// type (a frequency is a number, a decision a boolean); anything else is text.
pub fn eval_template(input: &str, ctx: &dyn Context) -> Result<Value, ElError> {
    let segments = parse_template(input)?;
    eval_segments(input, &segments, ctx)
}

/// [`eval_template`] over an already parsed template.
pub fn eval_segments(
    input: &str,
    segments: &[Segment],
    ctx: &dyn Context,
) -> Result<Value, ElError> {
    let ev = Evaluator { input, ctx };
    if let [Segment::Expr(e, range)] = segments {
        return match ev.eval(e) {
            Err(Flow::Deferred) => Ok(Value::Str(input[range.clone()].to_owned())),
            other => other.map_err(|f| f.into_error()),
        };
    }
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Text(t) => out.push_str(t),
            Segment::Expr(e, range) => match ev.eval(e) {
                Ok(v) => out.push_str(&v.to_text()),
                Err(Flow::Deferred) => out.push_str(&input[range.clone()]),
                Err(f) => return Err(f.into_error()),
            },
        }
    }
    Ok(Value::Str(out))
}

/// Evaluates one parsed expression of `input`; `None` when a function deferred it.
pub fn eval_expr_deferrable(
    input: &str,
    expr: &Expr,
    ctx: &dyn Context,
) -> Result<Option<Value>, ElError> {
    match (Evaluator { input, ctx }).eval(expr) {
        Ok(v) => Ok(Some(v)),
        Err(Flow::Deferred) => Ok(None),
        Err(Flow::Error(e)) => Err(e),
    }
}

/// [`eval_template`] as text.
pub fn eval_text(input: &str, ctx: &dyn Context) -> Result<String, ElError> {
    eval_template(input, ctx).map(|v| v.to_text())
}

enum Flow {
    Error(ElError),
    Deferred,
}

impl Flow {
    fn into_error(self) -> ElError {
        match self {
            Flow::Error(e) => e,
            Flow::Deferred => unreachable!("handled by the template"),
        }
    }
}

struct Evaluator<'a> {
    input: &'a str,
    ctx: &'a dyn Context,
}

impl Evaluator<'_> {
    fn fail(&self, at: usize, message: impl Into<String>) -> Flow {
        Flow::Error(ElError::at(self.input, at, message.into()))
    }

    fn eval(&self, e: &Expr) -> Result<Value, Flow> {
        let at = e.at;
        Ok(match &e.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(n) => Value::Int(*n),
            Kind::Float(f) => Value::Float(*f),
            Kind::Str(s) => Value::Str(s.clone()),
            Kind::Var(name) => self
                .ctx
                .variable(name)
                .ok_or_else(|| self.fail(at, format!("variable [{name}] cannot be resolved")))?,
            Kind::Call { prefix, name, args } => {
                let values = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>, _>>()?;
                let result = match self.ctx.call(prefix.as_deref(), name, &values) {
                    Some(r) => r,
                    None if prefix.is_none() => match basic(name, &values, self.ctx) {
                        Some(r) => r.map_err(CallError::Message),
                        None => return Err(self.fail(at, format!("no function [{name}]"))),
                    },
                    None => {
                        let p = prefix.as_deref().unwrap_or_default();
                        return Err(self.fail(at, format!("no function [{p}:{name}]")));
                    }
                };
                match result {
                    Ok(v) => v,
                    Err(CallError::Deferred) => return Err(Flow::Deferred),
                    Err(CallError::Message(m)) => {
                        let full = prefix
                            .as_ref()
                            .map_or(name.clone(), |p| format!("{p}:{name}"));
                        return Err(self.fail(at, format!("{full}: {m}")));
                    }
                }
            }
            Kind::Index(target, key) => {
                let target = self.eval(target)?;
                let key = self.eval(key)?.to_text();
                match target {
                    Value::Map(m) => m.get(&key).map_or(Value::Null, |v| Value::Str(v.clone())),
                    Value::Null => Value::Null,
                    other => {
                        return Err(
                            self.fail(at, format!("cannot read [{key}] of {}", other.type_name()))
                        );
                    }
                }
            }
            Kind::Unary(op, operand) => {
                let v = self.eval(operand)?;
                match op {
                    UnOp::Not => Value::Bool(!v.to_bool().map_err(|m| self.fail(at, m))?),
                    UnOp::Empty => Value::Bool(match &v {
                        Value::Null => true,
                        Value::Str(s) => s.is_empty(),
                        Value::Map(m) => m.is_empty(),
                        _ => false,
                    }),
                    UnOp::Neg => match number(&v).map_err(|m| self.fail(at, m))? {
                        Num::Int(n) => Value::Int(
                            n.checked_neg()
                                .ok_or_else(|| self.fail(at, "number out of range"))?,
                        ),
                        Num::Float(f) => Value::Float(-f),
                    },
                }
            }
            Kind::Binary(op, l, r) => self.binary(*op, l, r, at)?,
            Kind::Cond(c, yes, no) => {
                let c = self.eval(c)?.to_bool().map_err(|m| self.fail(at, m))?;
                self.eval(if c { yes } else { no })?
            }
        })
    }

    fn binary(&self, op: BinOp, l: &Expr, r: &Expr, at: usize) -> Result<Value, Flow> {
        // && and || short-circuit.
        if matches!(op, BinOp::And | BinOp::Or) {
            let left = self.eval(l)?.to_bool().map_err(|m| self.fail(l.at, m))?;
            if left == (op == BinOp::Or) {
                return Ok(Value::Bool(left));
            }
            return Ok(Value::Bool(
                self.eval(r)?.to_bool().map_err(|m| self.fail(r.at, m))?,
            ));
        }
        let (a, b) = (self.eval(l)?, self.eval(r)?);
        let num = |v: &Value, at: usize| number(v).map_err(|m| self.fail(at, m));
        let overflow = || self.fail(at, "number out of range");
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul => {
                if a == Value::Null && b == Value::Null {
                    return Ok(Value::Int(0));
                }
                let (x, y) = (num(&a, l.at)?, num(&b, r.at)?);
                if is_floaty(&a) || is_floaty(&b) {
                    let (x, y) = (as_f64(x), as_f64(y));
                    return Ok(Value::Float(match op {
                        BinOp::Add => x + y,
                        BinOp::Sub => x - y,
                        _ => x * y,
                    }));
                }
                let (Num::Int(x), Num::Int(y)) = (x, y) else {
                    unreachable!("not floaty")
                };
                let v = match op {
                    BinOp::Add => x.checked_add(y),
                    BinOp::Sub => x.checked_sub(y),
                    _ => x.checked_mul(y),
                };
                Ok(Value::Int(v.ok_or_else(overflow)?))
            }
            BinOp::Div => {
                if a == Value::Null && b == Value::Null {
                    return Ok(Value::Int(0));
                }
                Ok(Value::Float(
                    as_f64(num(&a, l.at)?) / as_f64(num(&b, r.at)?),
                ))
            }
            BinOp::Mod => {
                if a == Value::Null && b == Value::Null {
                    return Ok(Value::Int(0));
                }
                let (x, y) = (num(&a, l.at)?, num(&b, r.at)?);
                if is_floaty(&a) || is_floaty(&b) {
                    return Ok(Value::Float(as_f64(x) % as_f64(y)));
                }
                let (Num::Int(x), Num::Int(y)) = (x, y) else {
                    unreachable!("not floaty")
                };
                if y == 0 {
                    return Err(self.fail(r.at, "division by zero"));
                }
                Ok(Value::Int(x.checked_rem(y).ok_or_else(overflow)?))
            }
            BinOp::Eq | BinOp::Ne => {
                let eq = self.equal(&a, &b, at)?;
                Ok(Value::Bool(eq == (op == BinOp::Eq)))
            }
            BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge => {
                let Some(ord) = self.compare(&a, &b, at)? else {
                    return Ok(Value::Bool(false));
                };
                use std::cmp::Ordering::*;
                Ok(Value::Bool(match op {
                    BinOp::Lt => ord == Less,
                    BinOp::Gt => ord == Greater,
                    BinOp::Le => ord != Greater,
                    _ => ord != Less,
                }))
            }
            BinOp::And | BinOp::Or => unreachable!("handled above"),
        }
    }

    fn equal(&self, a: &Value, b: &Value, at: usize) -> Result<bool, Flow> {
        if a == b {
            return Ok(true);
        }
        if *a == Value::Null || *b == Value::Null {
            return Ok(false);
        }
        let numeric = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_));
        if numeric(a) || numeric(b) {
            let (x, y) = (number(a), number(b));
            return match (x, y) {
                (Ok(x), Ok(y)) if is_floaty(a) || is_floaty(b) => Ok(as_f64(x) == as_f64(y)),
                (Ok(Num::Int(x)), Ok(Num::Int(y))) => Ok(x == y),
                (Ok(x), Ok(y)) => Ok(as_f64(x) == as_f64(y)),
                (Err(m), _) | (_, Err(m)) => Err(self.fail(at, m)),
            };
        }
        if matches!(a, Value::Bool(_)) || matches!(b, Value::Bool(_)) {
            let (x, y) = (a.to_bool(), b.to_bool());
            return match (x, y) {
                (Ok(x), Ok(y)) => Ok(x == y),
                (Err(m), _) | (_, Err(m)) => Err(self.fail(at, m)),
            };
        }
        Ok(a.to_text() == b.to_text())
    }

    fn compare(&self, a: &Value, b: &Value, at: usize) -> Result<Option<std::cmp::Ordering>, Flow> {
        if *a == Value::Null || *b == Value::Null {
            return Ok(None);
        }
        let numeric = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_));
        if numeric(a) || numeric(b) {
            let x = number(a).map_err(|m| self.fail(at, m))?;
            let y = number(b).map_err(|m| self.fail(at, m))?;
            return Ok(match (x, y) {
                (Num::Int(x), Num::Int(y)) if !is_floaty(a) && !is_floaty(b) => Some(x.cmp(&y)),
                (x, y) => as_f64(x).partial_cmp(&as_f64(y)),
            });
        }
        match (a, b) {
            (Value::Str(x), Value::Str(y)) => Ok(Some(x.cmp(y))),
            _ => Err(self.fail(
                at,
                format!("cannot compare {} with {}", a.type_name(), b.type_name()),
            )),
        }
    }
}

/// The argument-count check every function table uses.
pub fn check_arity(args: &[Value], n: usize) -> Result<(), String> {
    if args.len() == n {
        Ok(())
    } else {
        Err(format!("takes {n} argument(s), {} given", args.len()))
    }
}

/// Oozie's basic functions, in the default namespace.
fn basic(name: &str, args: &[Value], ctx: &dyn Context) -> Option<Result<Value, String>> {
    let arity = |n: usize| check_arity(args, n);
    let text = |i: usize| args[i].to_text();
    let opt = |i: usize| (args[i] != Value::Null).then(|| args[i].to_text());
    Some(match name {
        "concat" => arity(2).map(|()| Value::Str(text(0) + &text(1))),
        "trim" => arity(1).map(|()| Value::Str(text(0).trim().to_owned())),
        "firstNotNull" => arity(2).map(|()| {
            args.iter()
                .find(|v| **v != Value::Null)
                .cloned()
                .unwrap_or(Value::Null)
        }),
        "urlEncode" => arity(1).map(|()| Value::Str(url_encode(&text(0)))),
        "replaceAll" => arity(3).and_then(|()| {
            let (Some(src), Some(regex)) = (opt(0), opt(1)) else {
                return Ok(args[0].clone());
            };
            let re = compile(&regex)?;
            // Oozie quotes the replacement: it is literal text, `$1` included.
            Ok(Value::Str(
                re.replace_all(&src, regex_lite::NoExpand(&text(2)))
                    .into_owned(),
            ))
        }),
        "appendAll" => arity(3).and_then(|()| {
            let (Some(src), Some(delim)) = (opt(0), opt(2)) else {
                return Ok(args[0].clone());
            };
            let re = compile(&delim)?;
            let mut parts: Vec<&str> = re.split(&src).collect();
            // Java's String.split drops trailing empty strings.
            while parts.len() > 1 && parts.last() == Some(&"") {
                parts.pop();
            }
            let append = text(1);
            let joined: Vec<String> = parts.iter().map(|p| format!("{p}{append}")).collect();
            Ok(Value::Str(joined.join(&delim)))
        }),
        "timestamp" => arity(0).and_then(|()| {
            ctx.now()
                .map(|t| Value::Str(crate::time::format_oozie_time(t)))
                .ok_or_else(|| "the current time is not known while designing".to_owned())
        }),
        _ => return None,
    })
}

fn compile(regex: &str) -> Result<regex_lite::Regex, String> {
    regex_lite::RegexBuilder::new(regex)
        .size_limit(1 << 20)
        .nest_limit(64)
        .build()
        .map_err(|e| format!("bad regular expression [{regex}]: {e}"))
}

/// `URLEncoder.encode(s, "UTF-8")`: `+` for spaces, `%XX` for every byte outside
/// `A-Z a-z 0-9 . - * _`.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props() -> BTreeMap<String, String> {
        [
            ("a", "3"),
            ("b", "4.5"),
            ("name", "x y"),
            ("my.prop", "dotted"),
            ("t", "true"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn ev(s: &str) -> Value {
        eval_template(s, &props()).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> ElError {
        eval_template(s, &props()).unwrap_err()
    }

    #[test]
    fn literals_arithmetic_and_coercions() {
        assert_eq!(ev("${1 + 2 * 3}"), Value::Int(7));
        assert_eq!(ev("${(1 + 2) * 3}"), Value::Int(9));
        assert_eq!(ev("${7 / 2}"), Value::Float(3.5));
        assert_eq!(ev("${7 div 2}"), Value::Float(3.5));
        assert_eq!(ev("${7 % 4} ${7 mod 4}"), Value::Str("3 3".into()));
        assert_eq!(ev("${a + 1}"), Value::Int(4));
        assert_eq!(ev("${b + 1}"), Value::Float(5.5));
        assert_eq!(ev("${-a}"), Value::Int(-3));
        assert_eq!(ev("${4 / 2}").to_text(), "2.0");
        assert_eq!(ev("${1e10 * 1}").to_text(), "1.0E10");
        assert_eq!(ev(r"${'it\'s'}"), Value::Str("it's".into()));
        assert_eq!(ev(r#"${"say \"hi\""}"#), Value::Str("say \"hi\"".into()));
        assert_eq!(ev("${my.prop}"), Value::Str("dotted".into()));
        assert_eq!(ev("a \\${b} c"), Value::Str("a ${b} c".into()));
        assert_eq!(ev("no expressions"), Value::Str("no expressions".into()));
    }

    #[test]
    fn comparison_logic_and_ternary() {
        assert_eq!(ev("${a == 3}"), Value::Bool(true));
        assert_eq!(ev("${a eq '3'}"), Value::Bool(true));
        assert_eq!(ev("${a < 10}"), Value::Bool(true));
        assert_eq!(ev("${'abc' lt 'abd'}"), Value::Bool(true));
        assert_eq!(ev("${a > 2 && a le 3}"), Value::Bool(true));
        assert_eq!(ev("${t and not false}"), Value::Bool(true));
        assert_eq!(ev("${!t || false}"), Value::Bool(false));
        assert_eq!(ev("${a == 3 ? 'yes' : 'no'}"), Value::Str("yes".into()));
        assert_eq!(
            ev("${empty ''} ${empty name} ${null == 0}"),
            Value::Str("true false false".into())
        );
        // && short-circuits: the undefined variable on the right is never read.
        assert_eq!(ev("${false && nope}"), Value::Bool(false));
    }

    #[test]
    fn basic_functions() {
        assert_eq!(ev("${concat('a', name)}"), Value::Str("ax y".into()));
        assert_eq!(ev("${trim('  x ')}"), Value::Str("x".into()));
        assert_eq!(
            ev("${urlEncode('a b/ü')}"),
            Value::Str("a+b%2F%C3%BC".into())
        );
        assert_eq!(
            ev("${replaceAll('a.b.c', '\\\\.', '$1')}"),
            Value::Str("a$1b$1c".into())
        );
        assert_eq!(
            ev("${appendAll('/a/b/,/c/b/,/c/d/', 'ADD', ',')}"),
            Value::Str("/a/b/ADD,/c/b/ADD,/c/d/ADD".into())
        );
        assert_eq!(ev("${firstNotNull(null, 'x')}"), Value::Str("x".into()));
        assert!(err("${timestamp()}").message.contains("current time"));
    }

    #[test]
    fn errors_point_at_the_column() {
        let cases = [
            ("${nope}", 3, "variable [nope] cannot be resolved"),
            ("ab ${1 +}", 9, "expected a value"),
            ("${1 + 'x'}", 7, "[x] is not a number"),
            ("${foo:bar(1)}", 3, "no function [foo:bar]"),
            ("${concat(1)}", 3, "takes 2 argument(s)"),
            ("x ${1", 3, "without a closing"),
            ("${'abc}", 1, "unterminated string"),
            ("${1 2}", 5, "unexpected text"),
            ("${1 # 2}", 5, "unexpected character '#'"),
            ("${}", 3, "empty expression"),
            ("${7 % 0}", 7, "division by zero"),
            ("${99999999999999999999}", 3, "too large"),
            ("${replaceAll('a', '(', 'b')}", 3, "bad regular expression"),
        ];
        for (input, column, msg) in cases {
            let e = err(input);
            assert!(e.message.contains(msg), "{input}: {e}");
            assert_eq!(e.column, column, "{input}: {e}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("${{{}1{}}}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(err(&deep).message.contains("nested more than"));
        let negs = format!("${{{}1}}", "-".repeat(10_000));
        assert!(err(&negs).message.contains("nested more than"));
    }
}
