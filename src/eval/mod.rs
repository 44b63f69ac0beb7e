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

mod budget;
mod expressions;
mod references;
mod statements;

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
}
