//! The evaluator: walks the tree against the variables of one render and writes the output.
//!
//! Velocity 1.7 semantics throughout: one global variable space (`#set` is never block
//! scoped), null references rendered as their source text, `#set` of null keeping the old
//! value, fail-fast iteration, `#break`/`#stop` unwinding to their scope. Control flow that
//! leaves a node early travels as [`Flow`] in the `Err` side.

// Reviewed for panics on input: `unbound` is resized to one entry per macro parameter before its write and `vars` is resized before writes; list writes are bounds-checked just before.
#![allow(clippy::indexing_slicing)]

use std::rc::Rc;
use std::sync::Arc;

pub(crate) use crate::runtime::Runtime;
pub use crate::runtime::{AppendedError, Extensions};

use crate::ast::{
    self, BinOp, Block, Expr, Foreach, Interpolated, MacroCall, Node, Part, Reference, Set, VarId,
};
use crate::error::{Error, ErrorKind, Limit};
use crate::limits::Limits;
use crate::parser::builtin;
use crate::profile::Profile;
use crate::span::Span;
use crate::util::{self, Namespace};
use crate::value::iter::{JavaIter, Source as IterSource};
use crate::value::{List, LoopInfo, Map, MapView, Object, PathEnd, Value, methods, ops};

/// Why evaluation of a node stopped early.
pub(crate) enum Flow {
    /// A render error.
    Error(Error),
    /// `#stop`: end the render, keep the output.
    Stop,
    /// `#break`: leave the innermost scope (`None`) or the given loop.
    Break(Option<Rc<LoopInfo>>),
    /// AppSync `#return`: end the template with a value. (Boxed: it keeps `Flow` to two
    /// words, so `Eval<()>` comes back in registers from every node.)
    Return(Box<Value>),
}

type Eval<T> = Result<T, Flow>;

/// A running macro call: its parameters are bound to the caller's argument expressions,
/// re-evaluated at each use (Velocity's call by name).
struct Frame {
    params: Arc<[VarId]>,
    args: Arc<[Expr]>,
    /// Parameters assigned with `#set` inside the macro: no longer bound to their argument
    /// (by position; empty, and not allocated, until the first such `#set`).
    unbound: Vec<bool>,
    /// The body of a block call `#@m() ... #end`, for `$bodyContent`.
    body: Option<Block>,
}

impl Frame {
    /// The position of parameter `id` while it is still bound to its argument.
    fn bound(&self, id: VarId) -> Option<usize> {
        let i = self.params.iter().position(|p| *p == id)?;
        (!self.unbound.get(i).copied().unwrap_or(false)).then_some(i)
    }

    fn unbind(&mut self, id: VarId) {
        if let Some(i) = self.params.iter().position(|p| *p == id) {
            if self.unbound.len() < self.params.len() {
                self.unbound.resize(self.params.len(), false);
            }
            self.unbound[i] = true;
        }
    }
}

/// Method calls with up to this many arguments (nearly all) evaluate them without an
/// allocation.
const INLINE_ARGS: usize = 3;

/// Evaluated method arguments.
enum Args {
    /// The first `.1` are the arguments.
    Inline([Value; INLINE_ARGS], usize),
    Heap(Vec<Value>),
}

impl std::ops::Deref for Args {
    type Target = [Value];

    fn deref(&self) -> &[Value] {
        match self {
            Args::Inline(args, n) => args.get(..*n).unwrap_or_default(),
            Args::Heap(args) => args,
        }
    }
}

/// `*slot = value`, checking here whether the old value needs dropping: most variables
/// hold numbers between two `#set`s, and the drop glue's jump on the old value's kind,
/// shared by every assignment, was mispredicted at about half of them.
#[inline(always)]
fn store(slot: &mut Value, value: Value) {
    if slot.is_scalar() {
        std::mem::forget(std::mem::replace(slot, value));
    } else {
        *slot = value;
    }
}

/// What `a + b` made (a string comes back as its text, not yet a `Value`: see
/// [`Evaluator::set`]).
enum Added {
    /// A string (some side was one).
    Str(Arc<str>),
    /// The numbers' sum, null if not numbers.
    Value(Value),
}

/// A `+` chain evaluated by [`Evaluator::sum`].
enum Sum {
    /// No side was a string: the numbers' sum (null if not numbers).
    Value(Value),
    /// A string, written at the end of `out`.
    Written,
}

/// For [`Map::read_path`] when rendering or concatenating: a string still in the caller's
/// JSON is appended to `out` (`None`); anything else comes back as a value.
fn append_json_str(out: &mut String) -> impl FnOnce(PathEnd<'_>) -> Option<Value> + '_ {
    move |end| match end {
        PathEnd::Json(Some(serde_json::Value::String(s))) => {
            out.push_str(s);
            None
        }
        end => Some(end.into_value()),
    }
}

/// `l op r` for two `int`s when the result stays an `int` (the loop counters and sums of
/// most templates), without the general number rules; `None` otherwise.
fn int_fast_path(op: BinOp, l: &Value, r: &Value) -> Option<Value> {
    let (Value::Int(x), Value::Int(y)) = (l, r) else {
        return None;
    };
    let (x, y) = (*x, *y);
    match op {
        BinOp::Add => x.checked_add(y).map(Value::Int),
        BinOp::Sub => x.checked_sub(y).map(Value::Int),
        BinOp::Mul => x.checked_mul(y).map(Value::Int),
        // Rust's `/` and `%` truncate as Java's do; zero and MIN / -1 take the general path.
        BinOp::Div => x.checked_div(y).map(Value::Int),
        BinOp::Mod => x.checked_rem(y).map(Value::Int),
        BinOp::Lt => Some(Value::Bool(x < y)),
        BinOp::Le => Some(Value::Bool(x <= y)),
        BinOp::Gt => Some(Value::Bool(x > y)),
        BinOp::Ge => Some(Value::Bool(x >= y)),
        _ => None,
    }
}

/// How a render ended.
pub(crate) struct Finished {
    pub output: String,
    pub returned: Option<Value>,
    pub vars: Vec<Value>,
}

/// One render of one template.
pub(crate) struct Evaluator<'t, 'c> {
    template: &'t ast::Template,
    source: &'t str,
    name: &'t str,
    limits: &'t Limits,
    profile: Profile,
    /// Variable values by [`VarId`]; `Null` is also "not set".
    vars: Vec<Value>,
    /// Names, when `#evaluate` has added some beyond the template's.
    extra_names: Option<ast::Names>,
    /// Macros `#evaluate`d text has defined, indexed after the template's.
    extra_macros: Vec<Option<ast::MacroDef>>,
    /// The render's input variables, for names that only `#evaluate`d text uses.
    inputs: &'t serde_json::Map<String, serde_json::Value>,
    frames: Vec<Frame>,
    out: String,
    /// (Borrowed from the caller's frame: the record is a few hundred bytes, and moving it
    /// in and out of the evaluator cost more than the rest of a small render's set-up.)
    rt: &'t mut Runtime<'c>,
    recursion: usize,
    total_iterations: usize,
    /// Operations left before the fuel limit (`u64::MAX` without one).
    fuel: u64,
    /// Where the interpolated string being built starts in `out` (its text is written at
    /// the end of `out`, then cut off: no buffer per string), if one is.
    string_start: Option<usize>,
    /// The length `out` may reach: the output limit, or while a string is built, its start
    /// plus the string limit (one comparison per write).
    out_limit: usize,
}

impl<'t, 'c> Evaluator<'t, 'c> {
    pub(crate) fn new(
        template: &'t ast::Template,
        source: &'t str,
        name: &'t str,
        (limits, profile): (&'t Limits, Profile),
        vars: Vec<Value>,
        inputs: &'t serde_json::Map<String, serde_json::Value>,
        rt: &'t mut Runtime<'c>,
    ) -> Self {
        // Pre-size the output from the template text (most templates emit about as much).
        let capacity = (source.len() * 2).next_power_of_two().min(1 << 16);
        Evaluator {
            template,
            source,
            name,
            limits,
            profile,
            vars,
            extra_names: None,
            extra_macros: Vec::new(),
            inputs,
            frames: Vec::new(),
            out: String::with_capacity(capacity),
            rt,
            recursion: 0,
            total_iterations: 0,
            fuel: limits.max_operations.unwrap_or(u64::MAX),
            string_start: None,
            out_limit: limits.max_output_bytes,
        }
    }

    /// Renders the whole template.
    pub(crate) fn run(mut self) -> Result<Finished, Error> {
        let body = self.template.body.clone();
        let returned = match self.render_block(&body) {
            Ok(()) | Err(Flow::Stop) | Err(Flow::Break(_)) => None,
            Err(Flow::Return(v)) => Some(*v),
            Err(Flow::Error(e)) => return Err(e.with_name(self.name)),
        };
        Ok(Finished {
            output: self.out,
            returned,
            vars: self.vars,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Errors and limits

    fn error(&self, kind: ErrorKind, span: Span) -> Flow {
        Flow::Error(Error::at(kind, self.source, span))
    }

    fn limit(&self, limit: Limit, max: usize, span: Span) -> Flow {
        self.error(
            ErrorKind::LimitExceeded {
                limit,
                max: max as u64,
            },
            span,
        )
    }

    fn write(&mut self, s: &str, span: Span) -> Eval<()> {
        self.out.push_str(s);
        self.check_output(span)
    }

    /// A string built at the end of `out` since `start` must fit the string-size limit;
    /// if not, it is cut off and the limit error raised.
    fn check_string_since(&mut self, start: usize, span: Span) -> Eval<()> {
        if self.out.len() - start > self.limits.max_string_bytes {
            self.out.truncate(start);
            return Err(self.limit(Limit::StringSize, self.limits.max_string_bytes, span));
        }
        Ok(())
    }

    #[inline]
    fn check_output(&self, span: Span) -> Eval<()> {
        if self.out.len() > self.out_limit {
            return Err(self.output_limit(span));
        }
        Ok(())
    }

    #[cold]
    fn output_limit(&self, span: Span) -> Flow {
        // While an interpolated string is built, `out` holds that string.
        match self.string_start {
            Some(_) => self.limit(Limit::StringSize, self.limits.max_string_bytes, span),
            None => self.limit(Limit::OutputSize, self.limits.max_output_bytes, span),
        }
    }

    /// What a method or helper gave must respect the string and collection limits (Java
    /// would happily build a gigabyte string; an untrusted template must not).
    fn check_sizes(&self, result: &Value, target: &Value, span: Span) -> Eval<()> {
        if let Value::Str(s) = result
            && s.len() > self.limits.max_string_bytes
        {
            return Err(self.limit(Limit::StringSize, self.limits.max_string_bytes, span));
        }
        // The collection called on, and the one made (`split`, `getBytes`...).
        let len = |v: &Value| match v {
            Value::List(l) => l.len(),
            Value::Map(m) => m.len(),
            _ => 0,
        };
        if len(target).max(len(result)) > self.limits.max_collection_len {
            return Err(self.limit(Limit::CollectionSize, self.limits.max_collection_len, span));
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Variables

    fn var(&self, id: VarId) -> &Value {
        self.vars.get(id.0 as usize).unwrap_or(&Value::Null)
    }

    /// The variable that reading `id` reads: `id` itself, or, for a macro parameter whose
    /// argument is a bare `$variable`, that variable (followed through nested calls).
    /// `None` when reading `id` evaluates something else (an argument expression, the
    /// `$bodyContent` of a block call).
    fn slot(&self, mut id: VarId) -> Option<usize> {
        let mut depth = self.frames.len();
        while let Some(frame) = depth.checked_sub(1).and_then(|d| self.frames.get(d)) {
            if id == builtin::BODY_CONTENT && frame.body.is_some() {
                return None;
            }
            match frame.bound(id).filter(|i| *i < frame.args.len()) {
                None => break,
                Some(i) => match frame.args.get(i) {
                    Some(Expr::Ref(arg)) if arg.parts.is_empty() => id = arg.root,
                    _ => return None,
                },
            }
            depth -= 1;
        }
        Some(id.0 as usize)
    }

    fn lookup(&mut self, id: VarId) -> Eval<Value> {
        // (A parameter the call gave no argument for reads as the variable of that name.)
        let bound = self
            .frames
            .last()
            .and_then(|f| f.bound(id).filter(|i| *i < f.args.len()));
        if let Some(i) = bound
            && let Some(frame) = self.frames.pop()
        {
            // The argument is evaluated in the caller (the frame set aside), by name, each
            // time it is read.
            let r = match frame.args.get(i) {
                Some(arg) => self.eval(arg),
                None => Ok(Value::Null),
            };
            self.frames.push(frame);
            return r;
        }
        if id == builtin::BODY_CONTENT
            && let Some(body) = self.frames.last().and_then(|f| f.body.as_ref())
        {
            return Ok(Value::Object(Object::Block(body.clone())));
        }
        Ok(self.var(id).clone())
    }

    fn assign(&mut self, id: VarId, value: Value) {
        store(self.var_slot(id), value);
    }

    /// The slot variable `id` is stored in, for an assignment. Writing the value straight
    /// into it (`*slot = Value::Int(x)`) makes it in place: a value passed along was
    /// written piecewise and then read back whole, a store-forwarding stall that showed as
    /// the most expensive instruction of every `#set`.
    #[inline]
    fn var_slot(&mut self, id: VarId) -> &mut Value {
        if let Some(frame) = self.frames.last_mut() {
            frame.unbind(id);
        }
        let i = id.0 as usize;
        if i >= self.vars.len() {
            self.vars.resize(i + 1, Value::Null);
        }
        &mut self.vars[i]
    }

    // -----------------------------------------------------------------------------------------
    // Statements

    pub(crate) fn render_block(&mut self, block: &[Node]) -> Eval<()> {
        for node in block {
            if let Err(flow) = self.render_node(node) {
                return Err(match flow {
                    // Every error should already say where; if one does not, the statement
                    // it came from is the best place to point at.
                    Flow::Error(e) if e.line().is_none() => Flow::Error(e.with_location(
                        crate::Location::of(self.source, node.span().start as usize),
                    )),
                    other => other,
                });
            }
        }
        Ok(())
    }

    /// Spends one operation of fuel (running `node`, named in the error when none is left).
    #[inline]
    fn burn(&mut self, node: &Node) -> Eval<()> {
        match self.fuel.checked_sub(1) {
            Some(left) => {
                self.fuel = left;
                Ok(())
            }
            None => Err(self.out_of_fuel(node.span())),
        }
    }

    #[cold]
    fn out_of_fuel(&self, span: Span) -> Flow {
        self.error(
            ErrorKind::LimitExceeded {
                limit: Limit::Operations,
                max: self.limits.max_operations.unwrap_or(0),
            },
            span,
        )
    }

    fn render_node(&mut self, node: &Node) -> Eval<()> {
        self.burn(node)?;
        match node {
            Node::Text(t, span) => {
                self.out.push_str(t);
                self.check_output(*span)
            }
            Node::Ref(r) => self.render_ref(r),
            Node::Set(s) => self.set(s),
            Node::If(i) => {
                for (cond, body) in i.branches.iter() {
                    if self.truthy(cond)? {
                        return self.render_block(body);
                    }
                }
                match &i.otherwise {
                    Some(body) => self.render_block(body),
                    None => Ok(()),
                }
            }
            Node::Foreach(f) => self.foreach(f),
            Node::Break(b) => {
                let target = match &b.scope {
                    Some(e) => match self.eval(e)? {
                        Value::Object(Object::Loop(l)) => Some(l),
                        other => {
                            return Err(self.error(
                                ErrorKind::Directive {
                                    message: format!(
                                        "#break: the argument must be a scope such as $foreach or $foreach.parent, not {}",
                                        other.java_class()
                                    ),
                                },
                                b.span,
                            ));
                        }
                    },
                    None => None,
                };
                Err(Flow::Break(target))
            }
            Node::Stop(_) => Err(Flow::Stop),
            Node::Return(r) => {
                let v = match &r.value {
                    Some(e) => self.eval(e)?,
                    None => Value::Null,
                };
                Err(Flow::Return(Box::new(v)))
            }
            Node::Define(d) => {
                self.assign(d.var, Value::Object(Object::Block(d.body.clone())));
                Ok(())
            }
            Node::MacroCall(c) => self.call_macro(c),
            Node::LateCall(c) => self.late_call(c),
            Node::Evaluate(e) => self.evaluate(&e.arg, e.span),
            Node::Include(i) => {
                let what = match &i.arg {
                    Some(a) => self.eval(a)?.to_java_string(),
                    None => String::new(),
                };
                Err(self.error(
                    ErrorKind::Directive {
                        message: format!(
                            "#{}: unable to find resource '{what}' (templates have no resources)",
                            i.directive
                        ),
                    },
                    i.span,
                ))
            }
            Node::Invalid(i) => Err(self.error(
                ErrorKind::Directive {
                    message: format!("#{} needs arguments in parentheses", i.directive),
                },
                i.span,
            )),
        }
    }

    fn render_ref(&mut self, r: &Reference) -> Eval<()> {
        // `$item.name`, `$ctx.identity.sub` where the variable holds a map: read through the
        // JSON where it is untouched, and a string there written from there.
        if !r.parts.is_empty()
            && r.escapes == 0
            && let Some(slot) = self.slot(r.root)
            && let Some(Value::Map(m)) = self.vars.get(slot)
            && let Some(other) = m.read_path(&r.parts, append_json_str(&mut self.out))
        {
            return match other {
                None => self.check_output(r.span),
                Some(value) => self.render_value(r, value),
            };
        }
        // `$i`, `$label`: a variable holding an int or a string is written as it is.
        if r.parts.is_empty()
            && r.escapes == 0
            && let Some(slot) = self.slot(r.root)
        {
            match self.vars.get(slot) {
                Some(Value::Int(i)) => self.out.push_str(itoa::Buffer::new().format(*i)),
                Some(Value::Str(s)) => self.out.push_str(s),
                _ => {
                    let value = self.lookup(r.root)?;
                    return self.render_value(r, value);
                }
            }
            return self.check_output(r.span);
        }
        // `$item.name` where the name is still a string in the caller's JSON: written
        // straight from the JSON (no template string made and dropped).
        if r.escapes == 0
            && let Some((last @ Part::Property(_), _)) = r.parts.split_last()
        {
            let target = self.eval_ref_prefix(r)?;
            let read = match &target {
                Value::Map(m) => {
                    m.read_path(std::slice::from_ref(last), append_json_str(&mut self.out))
                }
                _ => None,
            };
            let value = match (read, target) {
                (Some(None), _) => return self.check_output(r.span),
                (Some(Some(value)), _) => value,
                (None, Value::Null) => Value::Null,
                (None, target) => self.apply(&target, last)?,
            };
            return self.render_value(r, value);
        }
        // `$util.toJson(...)` and the DynamoDB JSON helpers: their text is written straight
        // into the output.
        if r.escapes == 0
            && let Some((Part::Method(m), _)) = r.parts.split_last()
        {
            let target = match self.util_target(r) {
                Some(ns) => Value::Object(Object::Util(ns)),
                None => self.eval_ref_prefix(r)?,
            };
            let Value::Object(Object::Util(ns)) = target else {
                let value = match target {
                    Value::Null => Value::Null,
                    target => self.call_method(&target, m)?,
                };
                return self.render_value(r, value);
            };
            let args = self.eval_args(m)?;
            let start = self.out.len();
            match util::write_text(ns, &m.name, &args, &mut self.out) {
                Some(Ok(())) => {
                    // The limit a returned string would have met.
                    self.check_string_since(start, m.span)?;
                    return self.check_output(r.span);
                }
                Some(Err(f)) => {
                    self.out.truncate(start);
                    return Err(self.error(*f.0, m.span));
                }
                None => {
                    let value = self.finish_call(&target, m, &args)?;
                    return self.render_value(r, value);
                }
            }
        }
        let value = self.eval_ref(r)?;
        self.render_value(r, value)
    }

    fn render_value(&mut self, r: &Reference, value: Value) -> Eval<()> {
        if r.escapes > 0 {
            if value.is_null() {
                // Velocity writes half the backslashes, then for an escaped reference (an
                // odd count) one more and its text; else the half again and, unless quiet,
                // the text.
                let half = r.escapes / 2;
                let escaped = r.escapes % 2 == 1;
                let count = if escaped { half + 1 } else { 2 * half };
                for _ in 0..count {
                    self.out.push('\\');
                }
                if r.quiet && !escaped {
                    return Ok(());
                }
                let literal = self.null_literal(r);
                return self.write(&literal, r.span);
            }
            for _ in 0..r.escapes / 2 {
                self.out.push('\\');
            }
            if r.escapes % 2 == 1 {
                let literal = self.null_literal(r);
                return self.write(&literal, r.span);
            }
        }
        match value {
            Value::Null => {
                if r.quiet {
                    return Ok(());
                }
                let literal = self.null_literal(r);
                self.write(&literal, r.span)
            }
            Value::Object(Object::Block(block)) => self.render_scoped(&block, r.span),
            Value::Str(s) => self.write(&s, r.span),
            other => {
                other.write_java(&mut self.out);
                self.check_output(r.span)
            }
        }
    }

    /// What a null reference renders as: its own text, except a bare macro parameter, which
    /// shows the caller's argument text (`#m($undef)` renders `$undef`).
    fn null_literal(&self, r: &Reference) -> String {
        if r.parts.is_empty()
            && let Some(frame) = self.frames.last()
            && let Some(i) = frame.bound(r.root)
            && let Some(Expr::Ref(arg)) = frame.args.get(i)
        {
            return arg.literal.to_string();
        }
        r.literal.to_string()
    }

    /// Renders a `#define` block or `$bodyContent` in a scope of its own.
    fn render_scoped(&mut self, block: &Block, span: Span) -> Eval<()> {
        self.enter(span)?;
        let r = self.render_block(block);
        self.recursion -= 1;
        match r {
            Err(Flow::Break(None)) => Ok(()),
            other => other,
        }
    }

    fn enter(&mut self, span: Span) -> Eval<()> {
        if self.recursion >= self.limits.max_recursion_depth {
            return Err(self.limit(Limit::RecursionDepth, self.limits.max_recursion_depth, span));
        }
        self.recursion += 1;
        Ok(())
    }

    fn set(&mut self, s: &Set) -> Eval<()> {
        let target = &s.target;
        // Velocity stores `#set(${a} = ...)` and `#set($!a = ...)` under a name no
        // reference can read; for us they assign nothing (the right side still runs).
        let stored = !target.quiet && !target.literal.starts_with("${");
        if stored
            && target.parts.is_empty()
            && matches!(s.value, Expr::Binary(_) | Expr::Int(_))
            && let Some(x) = self.peek_int_deep(&s.value)
        {
            // `#set($i = $i + 1)`: the int goes straight into the variable, without a
            // `Value` made, returned and moved in between (-5% on a 200-row loop). Only
            // operations and literals are peeked: a reference such as `$ctx.args.input`
            // is rarely an int, and its read would be repeated by the evaluation.
            store(self.var_slot(target.root), Value::Int(x));
            return Ok(());
        }
        // (Kept apart from the int case above: one `match` with a guard for both cost 2% of
        // core_loop's instructions.)
        // Strings too: a `Value` returned through `Result` is written piecewise and then
        // read back whole when moved into the variable, a store-forwarding stall that cost
        // more than the rest of a `#set($sep = ",")`.
        if stored && target.parts.is_empty() {
            match &s.value {
                Expr::Str(text) => {
                    store(self.var_slot(target.root), Value::Str(text.clone()));
                    return Ok(());
                }
                Expr::Binary(b) if b.op == BinOp::Add => {
                    match self.add(b)? {
                        Added::Str(text) => store(self.var_slot(target.root), Value::Str(text)),
                        Added::Value(Value::Null) => {}
                        Added::Value(v) => self.assign(target.root, v),
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
        let value = self.eval(&s.value)?;
        // directive.set.null.allowed=false: a null right side leaves the target alone.
        if value.is_null() || !stored {
            return Ok(());
        }
        let Some((last, path)) = target.parts.split_last() else {
            self.assign(target.root, value);
            return Ok(());
        };
        let mut obj = self.lookup(target.root)?;
        for part in path {
            if obj.is_null() {
                return Ok(());
            }
            obj = self.apply(&obj, part)?;
        }
        match (last, &obj) {
            (Part::Property(name), Value::Map(m)) => m.put(Value::Str(name.clone()), value),
            // Velocity's setter lookup finds `Map.Entry.setValue`.
            (Part::Property(name), Value::Entry(e)) if &**name == "value" => {
                e.set_value(value);
            }
            // Velocity sets the last identifier of the chain as a property, whatever follows
            // it: `#set($m.get('a') = 1)` puts `get`.
            (Part::Method(call), Value::Map(m)) => m.put(Value::Str(call.name.clone()), value),
            (Part::Index(index), _) => {
                let key = self.eval(&index.0)?;
                match &obj {
                    Value::Map(m) => {
                        m.insert(key, value);
                    }
                    Value::List(l) => {
                        let len = l.len() as i64;
                        if let Value::Int(i) = key {
                            // A negative index counts from the end, as when reading.
                            let i = if i < 0 { i as i64 + len } else { i as i64 };
                            if (0..len).contains(&i) {
                                l.borrow_mut(false)[i as usize] = value;
                                return Ok(());
                            }
                            return Err(self.error(
                                ErrorKind::MethodFailed {
                                    method: "set".into(),
                                    class: "ArrayList",
                                    reason: format!(
                                        "java.lang.IndexOutOfBoundsException: Index {i} out of bounds for length {len}"
                                    ),
                                },
                                s.span,
                            ));
                        }
                    }
                    _ => {}
                }
            }
            // No setter exists on other objects: Velocity logs and goes on.
            _ => {}
        }
        Ok(())
    }

    fn foreach(&mut self, f: &Foreach) -> Eval<()> {
        enum Source {
            List(List),
            // Map views and iterators: Java's iterator decides (see `value::iter`).
            Iter(Rc<JavaIter>),
        }
        let source = match self.eval(&f.iterable)? {
            // Velocity finds the stream's `iterator()` but may not call it.
            Value::List(l) if l.kind().is_stream() => {
                return Err(self.error(
                    ErrorKind::MethodFailed {
                        method: "iterator".into(),
                        class: l.kind().simple_name(),
                        reason: format!(
                            "java.lang.IllegalAccessException: {} is not accessible",
                            l.kind().class_name()
                        ),
                    },
                    f.span,
                ));
            }
            Value::List(l) => Source::List(l),
            // Iterating a map iterates its values.
            Value::Map(m) => Source::Iter(Rc::new(JavaIter::new(
                IterSource::Map(m, MapView::Values),
                false,
                0,
            ))),
            Value::Object(Object::View(m, view)) => {
                Source::Iter(Rc::new(JavaIter::new(IterSource::Map(m, view), false, 0)))
            }
            Value::Object(Object::Iter(it)) => Source::Iter(it),
            // null, strings, numbers...: no iterations (Velocity logs and goes on).
            _ => return Ok(()),
        };
        // Without a reader of `$foreach` and the 1.x counters, setting them is skipped.
        let loop_vars = self.template.loop_vars;
        // (The loop variable's value as a reference reads it: in a macro, a parameter's
        // argument. Velocity puts that back after the loop.)
        let saved = [
            self.lookup(f.var)?,
            self.var(builtin::FOREACH).clone(),
            self.var(builtin::VELOCITY_COUNT).clone(),
            self.var(builtin::VELOCITY_HAS_NEXT).clone(),
        ];
        let parent = match &saved[1] {
            Value::Object(Object::Loop(l)) => Some(l.clone()),
            _ => None,
        };
        let info = Rc::new(LoopInfo {
            index: std::cell::Cell::new(0),
            has_next: std::cell::Cell::new(false),
            depth: parent.as_ref().map_or(1, |p| p.depth + 1),
            parent,
        });
        let has_next = |s: &Source, cursor: usize| match s {
            Source::List(l) => cursor != l.len(),
            Source::Iter(it) => it.has_next(),
        };
        let expected = match &source {
            Source::List(l) => l.mods(),
            Source::Iter(_) => 0,
        };
        let mut cursor = 0usize;
        let result = loop {
            // Java's iterator: ArrayList's hasNext() is `cursor != size`; next() fails on
            // modification.
            if !has_next(&source, cursor) {
                break Ok(());
            }
            let item = match &source {
                Source::List(l) if l.mods() == expected => l.get(cursor),
                Source::List(_) => None,
                Source::Iter(it) => it.next().ok(),
            };
            let Some(item) = item else {
                break Err(self.error(ErrorKind::ConcurrentModification, f.span));
            };
            cursor += 1;
            if cursor > self.limits.max_loop_iterations {
                break Err(self.limit(
                    Limit::LoopIterations,
                    self.limits.max_loop_iterations,
                    f.span,
                ));
            }
            self.total_iterations += 1;
            if self.total_iterations > self.limits.max_total_iterations {
                break Err(self.limit(
                    Limit::TotalIterations,
                    self.limits.max_total_iterations,
                    f.span,
                ));
            }
            self.assign(f.var, item);
            if loop_vars {
                let has_next = has_next(&source, cursor);
                info.index.set(cursor - 1);
                info.has_next.set(has_next);
                self.assign(builtin::VELOCITY_COUNT, Value::Int(cursor as i32));
                self.assign(builtin::VELOCITY_HAS_NEXT, Value::Bool(has_next));
                self.assign(builtin::FOREACH, Value::Object(Object::Loop(info.clone())));
            }
            match self.render_block(&f.body) {
                Ok(()) => {}
                Err(Flow::Break(None)) => break Ok(()),
                Err(Flow::Break(Some(l))) if Rc::ptr_eq(&l, &info) => break Ok(()),
                Err(other) => break Err(other),
            }
        };
        let [var, foreach, count, has_next] = saved;
        self.assign(f.var, var);
        if loop_vars {
            self.assign(builtin::FOREACH, foreach);
            self.assign(builtin::VELOCITY_COUNT, count);
            self.assign(builtin::VELOCITY_HAS_NEXT, has_next);
        }
        result
    }

    /// The macro at `index`: the template's, then those `#evaluate` defined.
    fn macro_def(&self, index: usize) -> Option<&ast::MacroDef> {
        let own = self.template.macros.len();
        match index.checked_sub(own) {
            None => self.template.macros.get(index),
            Some(i) => self.extra_macros.get(i)?.as_ref(),
        }
    }

    fn late_call(&mut self, c: &ast::LateCall) -> Eval<()> {
        let own = self.template.macros.len();
        let found = self
            .extra_macros
            .iter()
            .position(|m| m.as_ref().is_some_and(|m| m.name == c.name));
        match found {
            Some(i) => {
                let call = MacroCall {
                    index: own + i,
                    ..c.call.clone()
                };
                self.call_macro(&call)
            }
            None => self.write(&c.text, c.call.span),
        }
    }

    fn call_macro(&mut self, c: &MacroCall) -> Eval<()> {
        let Some((params, body)) = self
            .macro_def(c.index)
            .map(|def| (def.params.clone(), def.body.clone()))
        else {
            return Ok(());
        };
        self.enter(c.span)?;
        self.frames.push(Frame {
            params,
            args: c.args.clone(),
            unbound: Vec::new(),
            body: c.body.clone(),
        });
        let r = self.render_block(&body);
        self.frames.pop();
        self.recursion -= 1;
        match r {
            Err(Flow::Break(None)) => Ok(()),
            other => other,
        }
    }

    /// `#evaluate(text)`: parses and renders a string in the current variables.
    fn evaluate(&mut self, arg: &Expr, span: Span) -> Eval<()> {
        let text = match self.eval(arg)? {
            Value::Null => return Ok(()),
            v => v.to_java_string(),
        };
        // The text is a template: bounded like one (a list of large strings made text
        // that took gigabytes to parse).
        if text.len() > self.limits.max_template_bytes {
            return Err(self.limit(Limit::TemplateSize, self.limits.max_template_bytes, span));
        }
        self.enter(span)?;
        let mut names = self
            .extra_names
            .take()
            .unwrap_or_else(|| self.template.names.clone());
        let macro_names: Vec<Arc<str>> = self
            .template
            .macros
            .iter()
            .map(|m| m.name.clone())
            .chain(
                self.extra_macros
                    .iter()
                    .map(|m| m.as_ref().map_or_else(|| Arc::from(""), |m| m.name.clone())),
            )
            .collect();
        let parsed = crate::parser::parse_fragment(
            &text,
            self.profile,
            self.limits.max_nesting_depth,
            &mut names,
            &macro_names,
        );
        let known = self.vars.len();
        if names.len() > known {
            self.vars.resize(names.len(), Value::Null);
            for i in known..names.len() {
                let input = names.name(VarId(i as u32)).and_then(|n| self.inputs.get(n));
                if let Some(json) = input {
                    self.vars[i] = crate::value::from_json(json);
                }
            }
        }
        self.extra_names = Some(names);
        let r = match parsed {
            // (The fragment's positions are in its own text: its errors point at the
            // `#evaluate` instead, not at the same offset of this template.)
            Ok((block, defined)) => {
                self.extra_macros.extend(defined);
                self.render_block(&block).map_err(|flow| match flow {
                    Flow::Error(e) => Flow::Error(
                        e.with_location(crate::Location::of(self.source, span.start as usize)),
                    ),
                    other => other,
                })
            }
            // Velocity throws the fragment's ParseErrorException from the render.
            Err(e) => Err(self.error(
                ErrorKind::Syntax {
                    message: format!("#evaluate: {}", e.kind()),
                },
                span,
            )),
        };
        self.recursion -= 1;
        match r {
            // `#stop` in the fragment ends the fragment only (Velocity's Evaluate catches
            // the StopCommand).
            Err(Flow::Break(None) | Flow::Stop) => Ok(()),
            other => other,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    /// Velocity's truth of a condition: references by value (null and `false` are false),
    /// operators by their result, and any other literal is false.
    fn truthy(&mut self, e: &Expr) -> Eval<bool> {
        Ok(match e {
            Expr::Ref(r) => self.eval_ref(r)?.is_truthy(),
            Expr::Bool(b) => *b,
            Expr::Not(x) => !self.truthy(x)?,
            Expr::Binary(b) => match b.op {
                BinOp::And => self.truthy(&b.left)? && self.truthy(&b.right)?,
                BinOp::Or => self.truthy(&b.left)? || self.truthy(&b.right)?,
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    matches!(self.eval(e)?, Value::Bool(true))
                }
                // Arithmetic nodes have no truth value in 1.7.
                _ => {
                    self.eval(e)?;
                    false
                }
            },
            _ => {
                self.eval(e)?;
                false
            }
        })
    }

    /// Reads `$var.a.b` through the map `$var` holds ([`Map::read_path`]: through the
    /// caller's JSON where it is untouched), calling `f` with where the path ends. `None`,
    /// with nothing read, when the reference has no properties, its variable holds no map,
    /// or the path cannot be followed that way.
    #[inline(always)]
    fn read_ref<R>(&self, r: &Reference, f: impl FnOnce(PathEnd<'_>) -> R) -> Option<R> {
        if r.parts.is_empty() {
            return None;
        }
        match self.vars.get(self.slot(r.root)?)? {
            Value::Map(m) => m.read_path(&r.parts, f),
            _ => None,
        }
    }

    /// [`Evaluator::eval`] into `slot`, where literals and reads through the JSON are
    /// made in place: a value returned through `Result` is written piecewise and read back
    /// whole when moved, a store-forwarding stall.
    #[inline]
    fn eval_into(&mut self, e: &Expr, slot: &mut Value) -> Eval<()> {
        match e {
            Expr::Int(i) => store(slot, Value::Int(*i)),
            Expr::Str(s) => store(slot, Value::Str(s.clone())),
            Expr::Ref(r)
                if self
                    .read_ref(r, |end| store(slot, end.into_value()))
                    .is_some() => {}
            e => store(slot, self.eval(e)?),
        }
        Ok(())
    }

    pub(crate) fn eval(&mut self, e: &Expr) -> Eval<Value> {
        Ok(match e {
            Expr::Str(s) => Value::Str(s.clone()),
            Expr::Interpolated(i) => self.interpolate(i)?,
            Expr::Int(i) => Value::Int(*i),
            Expr::Long(i) => Value::Long(*i),
            Expr::BigInt(b) => Value::BigInt(Rc::new((**b).clone())),
            Expr::Double(d) => Value::Double(*d),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Ref(r) => {
                // `$item.qty`, `$ctx.identity.sub`: read from the map the variable holds,
                // through the JSON where it is untouched.
                if let Some(v) = self.read_ref(r, |end| end.into_value()) {
                    return Ok(v);
                }
                self.eval_ref(r)?
            }
            Expr::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(item)?);
                }
                Value::List(List::new(out))
            }
            Expr::Map(entries) => {
                let map = Map::with_capacity(entries.len());
                for (k, v) in entries.iter() {
                    let k = self.eval(k)?;
                    let v = self.eval(v)?;
                    map.insert(k, v);
                }
                Value::Map(map)
            }
            Expr::Range(r) => self.range(r)?,
            Expr::Not(x) => Value::Bool(!self.truthy(x)?),
            Expr::Binary(b) => self.binary(b)?,
            Expr::Null => Value::Null,
        })
    }

    fn range(&mut self, r: &ast::Range) -> Eval<Value> {
        let a = self.eval(&r.from)?;
        let b = self.eval(&r.to)?;
        let as_int = |v: &Value| -> Option<i64> {
            match v {
                Value::Int(i) => Some(i64::from(*i)),
                Value::Long(l) => Some(i64::from(*l as i32)),
                Value::Double(d) => Some(i64::from(*d as i32)),
                Value::Float(f) => Some(i64::from(*f as i32)),
                Value::Short(i) => Some(i64::from(*i)),
                Value::Byte(i) => Some(i64::from(*i)),
                _ => None,
            }
        };
        let (Some(a), Some(b)) = (as_int(&a), as_int(&b)) else {
            return Ok(Value::Null);
        };
        let n = (a - b).unsigned_abs() as usize + 1;
        if n > self.limits.max_collection_len {
            return Err(self.limit(
                Limit::CollectionSize,
                self.limits.max_collection_len,
                r.span,
            ));
        }
        let items: Vec<Value> = if a <= b {
            (a..=b).map(|i| Value::Int(i as i32)).collect()
        } else {
            (b..=a).rev().map(|i| Value::Int(i as i32)).collect()
        };
        Ok(Value::List(List::new(items)))
    }

    fn binary(&mut self, b: &ast::Binary) -> Eval<Value> {
        match b.op {
            BinOp::And => {
                return Ok(Value::Bool(self.truthy(&b.left)? && self.truthy(&b.right)?));
            }
            BinOp::Or => {
                return Ok(Value::Bool(self.truthy(&b.left)? || self.truthy(&b.right)?));
            }
            BinOp::Eq | BinOp::Ne => {
                if let Some(eq) = self.equals_literal(&b.left, &b.right)? {
                    return Ok(Value::Bool(eq == (b.op == BinOp::Eq)));
                }
            }
            _ if let Some(x) = self.peek_int(&b.left)
                && let Some(y) = self.peek_int(&b.right)
                && let Some(v) = int_fast_path(b.op, &Value::Int(x), &Value::Int(y)) =>
            {
                return Ok(v);
            }
            BinOp::Add => {
                return Ok(match self.add(b)? {
                    Added::Str(s) => Value::Str(s),
                    Added::Value(v) => v,
                });
            }
            _ => {}
        }
        let l = self.eval(&b.left)?;
        let r = self.eval(&b.right)?;
        if let Some(v) = int_fast_path(b.op, &l, &r) {
            return Ok(v);
        }
        Ok(match b.op {
            BinOp::Eq => Value::Bool(ops::loose_equals(&l, &r)),
            BinOp::Ne => Value::Bool(!ops::loose_equals(&l, &r)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let Some(ord) = ops::compare_numbers(&l, &r) else {
                    return Ok(Value::Bool(false));
                };
                Value::Bool(match b.op {
                    BinOp::Lt => ord.is_lt(),
                    BinOp::Le => ord.is_le(),
                    BinOp::Gt => ord.is_gt(),
                    _ => ord.is_ge(),
                })
            }
            op => ops::arithmetic(op, &l, &r).unwrap_or(Value::Null),
        })
    }

    /// The value of `e` when it is an int literal, or a reference to an int (a variable,
    /// or a number in the caller's JSON) that can be read without evaluating anything:
    /// `$i + 1` and `$item.qty * $item.price` then copy and drop no values. An operation
    /// is peeked one level deep: a peek that fails is followed by the evaluation, which
    /// peeks again at every level below it (unbounded, that would grow quadratically).
    fn peek_int(&self, e: &Expr) -> Option<i32> {
        self.peek_operation(e, Self::peek_leaf)
    }

    /// [`Evaluator::peek_int`] one level deeper, for a whole `#set` right side:
    /// `$total + $item.qty * $item.price`.
    fn peek_int_deep(&self, e: &Expr) -> Option<i32> {
        self.peek_operation(e, Self::peek_int)
    }

    /// `e` peeked as an operation on two `operand`s, or as a leaf.
    #[inline(always)]
    fn peek_operation(&self, e: &Expr, operand: fn(&Self, &Expr) -> Option<i32>) -> Option<i32> {
        match e {
            Expr::Binary(b) => match int_fast_path(
                b.op,
                &Value::Int(operand(self, &b.left)?),
                &Value::Int(operand(self, &b.right)?),
            )? {
                Value::Int(i) => Some(i),
                _ => None,
            },
            e => self.peek_leaf(e),
        }
    }

    /// [`Evaluator::peek_int`] of a literal or a reference.
    fn peek_leaf(&self, e: &Expr) -> Option<i32> {
        let r = match e {
            Expr::Int(i) => return Some(*i),
            Expr::Ref(r) => r,
            _ => return None,
        };
        let var = self.vars.get(self.slot(r.root)?)?;
        match (var, &*r.parts) {
            (Value::Int(i), []) => Some(*i),
            (Value::Map(m), [_, ..]) => m
                .read_path(&r.parts, |end| match end {
                    PathEnd::Json(Some(serde_json::Value::Number(n))) => {
                        i32::try_from(n.as_i64()?).ok()
                    }
                    PathEnd::Value(Value::Int(i)) => Some(i),
                    _ => None,
                })
                .flatten(),
            _ => None,
        }
    }

    /// `a + b`: a string, or the numbers' sum (null if not numbers). Strings are built at
    /// the end of `out` and cut off, as interpolated strings are.
    fn add(&mut self, b: &ast::Binary) -> Eval<Added> {
        let start = self.out.len();
        match self.sum(b, start) {
            Ok(Sum::Value(v)) => Ok(Added::Value(v)),
            Ok(Sum::Written) => {
                let s = Arc::from(self.out.get(start..).unwrap_or_default());
                self.out.truncate(start);
                Ok(Added::Str(s))
            }
            Err(flow) => {
                self.out.truncate(start);
                Err(flow)
            }
        }
    }

    /// `a + b`, where `a` may itself be a `+`: once a side is a string the rest of the chain
    /// is concatenated at the end of `out` from `start` (`"A-" + $x + "-" + $y` makes one
    /// string, not three); a null side contributes its source text. Without a string, the
    /// numbers are added.
    fn sum(&mut self, b: &ast::Binary, start: usize) -> Eval<Sum> {
        let left = match &b.left {
            Expr::Binary(inner) if inner.op == BinOp::Add => self.sum(inner, start)?,
            // A string literal: the chain is a string from here on.
            e @ (Expr::Str(_) | Expr::Interpolated(_)) => {
                self.append(e, b.span)?;
                Sum::Written
            }
            e => Sum::Value(self.eval(e)?),
        };
        match left {
            Sum::Written => self.append(&b.right, b.span)?,
            Sum::Value(Value::Str(l)) => {
                self.out.push_str(&l);
                self.append(&b.right, b.span)?;
            }
            Sum::Value(l) => {
                let r = self.eval(&b.right)?;
                if !matches!(r, Value::Str(_)) {
                    return Ok(Sum::Value(match int_fast_path(BinOp::Add, &l, &r) {
                        Some(v) => v,
                        None => ops::arithmetic(BinOp::Add, &l, &r).unwrap_or(Value::Null),
                    }));
                }
                self.concat_value(&l, &b.left, b.span)?;
                self.concat_value(&r, &b.right, b.span)?;
            }
        }
        self.check_string_since(start, b.span)?;
        Ok(Sum::Written)
    }

    /// Appends the string form of `e` to `out` (a side of a concatenation): literals and
    /// strings in variables or in the caller's JSON are copied from where they are.
    fn append(&mut self, e: &Expr, span: Span) -> Eval<()> {
        match e {
            Expr::Str(s) => {
                self.out.push_str(s);
                return Ok(());
            }
            Expr::Interpolated(i) => return self.interpolate_here(i),
            Expr::Ref(r) => {
                if let Some(slot) = self.slot(r.root) {
                    match (self.vars.get(slot), r.parts.is_empty()) {
                        (Some(Value::Str(s)), true) => {
                            self.out.push_str(s);
                            return Ok(());
                        }
                        (Some(Value::Map(m)), false) => {
                            if let Some(other) =
                                m.read_path(&r.parts, append_json_str(&mut self.out))
                            {
                                if let Some(value) = other {
                                    self.concat_value(&value, e, span)?;
                                }
                                return Ok(());
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        let value = self.eval(e)?;
        self.concat_value(&value, e, span)
    }

    /// Appends `v` (the value of `e`, a side of a concatenation) to `out`. A `#define`d
    /// block is rendered there, as Java's `toString()` of it does.
    fn concat_value(&mut self, v: &Value, e: &Expr, span: Span) -> Eval<()> {
        if let Value::Object(Object::Block(block)) = v {
            return self.render_scoped(block, span);
        }
        let mut s = std::mem::take(&mut self.out);
        self.concat_part(v, e, &mut s);
        self.out = s;
        Ok(())
    }

    fn concat_part(&self, v: &Value, e: &Expr, out: &mut String) {
        match (v, e) {
            (Value::Null, Expr::Ref(r)) => out.push_str(&self.null_literal(r)),
            (Value::Null, _) => out.push_str("null"),
            (v, _) => v.write_java(out),
        }
    }

    /// Renders interpolated string `i` at the end of `out`, and leaves it there.
    fn interpolate_here(&mut self, i: &Interpolated) -> Eval<()> {
        let start = self.out.len();
        let outer = self.string_start.replace(start);
        let outer_limit = std::mem::replace(
            &mut self.out_limit,
            start.saturating_add(self.limits.max_string_bytes),
        );
        let r = self.render_block(&i.body);
        self.string_start = outer;
        self.out_limit = outer_limit;
        if let Err(flow) = r {
            self.out.truncate(start);
            return Err(flow);
        }
        if i.strip_last
            && let Some(last) = self.out.get(start..).and_then(|s| s.chars().next_back())
        {
            self.out.truncate(self.out.len() - last.len_utf8());
        }
        Ok(())
    }

    fn interpolate(&mut self, i: &Interpolated) -> Eval<Value> {
        let start = self.out.len();
        self.interpolate_here(i)?;
        let s = Arc::from(self.out.get(start..).unwrap_or_default());
        self.out.truncate(start);
        Ok(Value::Str(s))
    }

    // -----------------------------------------------------------------------------------------
    // References

    /// `$item.status == "active"` (either way round): when the property is a string still
    /// in the caller's JSON, compared there without making a template string of it. `None`
    /// when the operands are not a property reference and a string literal (nothing has been
    /// evaluated then).
    fn equals_literal(&mut self, a: &Expr, b: &Expr) -> Eval<Option<bool>> {
        let ((Expr::Ref(r), Expr::Str(literal)) | (Expr::Str(literal), Expr::Ref(r))) = (a, b)
        else {
            return Ok(None);
        };
        let Some((last @ Part::Property(_), _)) = r.parts.split_last() else {
            return Ok(None);
        };
        let equals = |end: PathEnd<'_>| match end {
            PathEnd::Json(Some(serde_json::Value::String(s))) => s == &**literal,
            end => ops::loose_equals(&end.into_value(), &Value::Str(literal.clone())),
        };
        if let Some(eq) = self.read_ref(r, equals) {
            return Ok(Some(eq));
        }
        let target = self.eval_ref_prefix(r)?;
        if let Value::Map(m) = &target
            && let Some(eq) = m.read_path(std::slice::from_ref(last), equals)
        {
            return Ok(Some(eq));
        }
        let value = match target {
            Value::Null => Value::Null,
            target => self.apply(&target, last)?,
        };
        Ok(Some(equals(PathEnd::Value(value))))
    }

    /// The value of `r` without its last part (null when the chain is null before it).
    fn eval_ref_prefix(&mut self, r: &Reference) -> Eval<Value> {
        let mut v = self.lookup(r.root)?;
        for part in r.parts.iter().take(r.parts.len().saturating_sub(1)) {
            if v.is_null() {
                return Ok(Value::Null);
            }
            v = self.apply(&v, part)?;
        }
        Ok(v)
    }

    /// The `$util` namespace whose helper `r` calls, when reading it evaluates nothing:
    /// `$util.toJson(..)`, `$util.dynamodb.toDynamoDBJson(..)` (the variable still holds
    /// the namespace). The general path looks the variable up, copies its value and walks
    /// the properties as values: ~100 instructions of a ~1k-instruction helper call.
    fn util_target(&self, r: &Reference) -> Option<Namespace> {
        let (Part::Method(_), prefix) = r.parts.split_last()? else {
            return None;
        };
        let &Value::Object(Object::Util(mut ns)) = self.vars.get(self.slot(r.root)?)? else {
            return None;
        };
        for part in prefix {
            let Part::Property(name) = part else {
                return None;
            };
            ns = ns.child(name)?;
        }
        Some(ns)
    }

    pub(crate) fn eval_ref(&mut self, r: &Reference) -> Eval<Value> {
        let mut v = self.lookup(r.root)?;
        for part in r.parts.iter() {
            if v.is_null() {
                return Ok(Value::Null);
            }
            v = self.apply(&v, part)?;
        }
        Ok(v)
    }

    fn eval_args(&mut self, m: &ast::Method) -> Eval<Args> {
        if m.args.len() <= INLINE_ARGS {
            let mut args: [Value; INLINE_ARGS] = Default::default();
            for (slot, a) in args.iter_mut().zip(m.args.iter()) {
                self.eval_into(a, slot)?;
            }
            return Ok(Args::Inline(args, m.args.len()));
        }
        let mut args = Vec::with_capacity(m.args.len());
        for a in m.args.iter() {
            args.push(self.eval(a)?);
        }
        Ok(Args::Heap(args))
    }

    /// `target.m(args)`.
    fn call_method(&mut self, target: &Value, m: &ast::Method) -> Eval<Value> {
        let args = self.eval_args(m)?;
        self.finish_call(target, m, &args)
    }

    /// `target.m(args)` once the arguments are evaluated.
    fn finish_call(&mut self, target: &Value, m: &ast::Method, args: &[Value]) -> Eval<Value> {
        let result = match target {
            Value::Object(Object::Util(ns)) => {
                util::call(self.rt, *ns, &m.name, args).map_err(|f| self.error(*f.0, m.span))
            }
            _ => methods::call(target, &m.name, args).map_err(|reason| {
                self.error(
                    ErrorKind::MethodFailed {
                        method: m.name.to_string(),
                        class: target.java_class(),
                        reason,
                    },
                    m.span,
                )
            }),
        }?;
        self.check_sizes(&result, target, m.span)?;
        Ok(result)
    }

    fn apply(&mut self, target: &Value, part: &Part) -> Eval<Value> {
        match part {
            Part::Property(name) => Ok(match target {
                Value::Object(Object::Util(ns)) => match ns.child(name) {
                    Some(child) => Value::Object(Object::Util(child)),
                    None => Value::Null,
                },
                _ => methods::shared_property(target, name),
            }),
            Part::Method(m) => self.call_method(target, m),
            Part::Index(index) => {
                let (e, span) = &**index;
                let idx = self.eval(e)?;
                methods::index(target, &idx).map_err(|reason| {
                    self.error(
                        ErrorKind::MethodFailed {
                            method: "get".into(),
                            class: target.java_class(),
                            reason,
                        },
                        *span,
                    )
                })
            }
        }
    }
}
