//! The syntax tree a template compiles to: plain data, no parser types, `Send + Sync`.
//!
//! Everything the evaluator needs is resolved here once: variable names are numbered
//! ([`VarId`]), literals are parsed into values, interpolated strings are split into nodes,
//! calls of macros are bound to their definitions, and every node keeps a [`Span`] so a render
//! error can point at the template.

use std::sync::Arc;

use num_bigint::BigInt;

use crate::span::Span;

/// A sequence of nodes (a template body, a branch of `#if`, a loop body...).
///
/// Shared so that a `#define` block can be stored in a variable without copying.
pub type Block = Arc<[Node]>;

/// Index of a variable name in the template's name table (see [`Names`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VarId(pub u32);

/// The variable names a template uses, numbered in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Names {
    names: Vec<Arc<str>>,
    // (foldhash rather than the standard SipHash: interning was ~1.1k instructions per name,
    // 6% of compiling create_dog.)
    index: std::collections::HashMap<Arc<str>, VarId, foldhash::fast::RandomState>,
}

impl Names {
    /// No names yet, with room for `n` without growing.
    pub fn with_capacity(n: usize) -> Names {
        Names {
            names: Vec::with_capacity(n),
            index: std::collections::HashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    /// Number of a name, allocating one if it is new.
    pub fn intern(&mut self, name: &str) -> VarId {
        if let Some(id) = self.index.get(name) {
            return *id;
        }
        let id = VarId(self.names.len() as u32);
        let name: Arc<str> = Arc::from(name);
        self.names.push(name.clone());
        self.index.insert(name, id);
        id
    }

    /// The name with this number.
    pub fn name(&self, id: VarId) -> Option<&str> {
        self.names.get(id.0 as usize).map(|n| &**n)
    }

    /// Number of a name, if the template uses it.
    pub fn get(&self, name: &str) -> Option<VarId> {
        self.index.get(name).copied()
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    #[allow(dead_code)]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One statement of a template. Every statement carries its [`Span`].
#[derive(Debug, Clone)]
pub enum Node {
    /// Text copied to the output as is.
    Text(Box<str>, Span),
    /// `$ref`: renders the value, or its own source text when it is null.
    Ref(Box<Reference>),
    /// `#set($target = expr)`.
    Set(Box<Set>),
    /// `#if / #elseif / #else / #end`.
    If(Box<If>),
    /// `#foreach($var in iterable) ... #end`.
    Foreach(Box<Foreach>),
    /// `#break` or `#break($foreach.parent)`.
    Break(Box<Break>),
    /// `#stop`: ends the whole render, keeping the output so far.
    Stop(Span),
    /// AppSync's `#return` / `#return(value)`.
    Return(Box<Return>),
    /// `#define($name) block #end`.
    Define(Box<Define>),
    /// A call of a macro defined in the template (`velocity` profile).
    MacroCall(Box<MacroCall>),
    /// `#name(args)` naming no macro of the template: a call if `#evaluate`d text has
    /// defined `name` by the time it renders, else its own text (`velocity` profile).
    LateCall(Box<LateCall>),
    /// `#evaluate(string)` (`velocity` profile).
    Evaluate(Box<Evaluate>),
    /// `#parse(...)` / `#include(...)`: there are no resources to read, so rendering fails.
    Include(Box<Include>),
    /// A directive that needs arguments but has none (`#foreach` alone): a render error in
    /// Velocity 1.7.
    Invalid(Box<Invalid>),
}

impl Node {
    /// Where the statement is in the template.
    pub fn span(&self) -> Span {
        match self {
            Node::Text(_, span) | Node::Stop(span) => *span,
            Node::Ref(r) => r.span,
            Node::Set(s) => s.span,
            Node::If(i) => i.span,
            Node::Foreach(f) => f.span,
            Node::Break(b) => b.span,
            Node::Return(r) => r.span,
            Node::Define(d) => d.span,
            Node::MacroCall(c) => c.span,
            Node::LateCall(c) => c.call.span,
            Node::Evaluate(e) => e.span,
            Node::Include(i) => i.span,
            Node::Invalid(i) => i.span,
        }
    }
}

/// A reference chain: `$a.b(1)[0]`, with how it was written.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The root variable.
    pub root: VarId,
    /// Properties, method calls and indexes after the root.
    pub parts: Box<[Part]>,
    /// `$!a`: null renders as nothing.
    pub quiet: bool,
    /// Number of backslashes written before the `$`.
    pub escapes: u32,
    /// The source text after the backslashes (`$!{a.b}`), rendered when the value is null.
    pub literal: Box<str>,
    /// Where it is in the template.
    pub span: Span,
}

/// One step of a reference chain.
#[derive(Debug, Clone)]
pub enum Part {
    /// `.name`
    Property(Arc<str>),
    /// `.name(args)`
    Method(Box<Method>),
    /// `[index]`, with where the index is.
    Index(Box<(Expr, Span)>),
}

/// A method call in a reference chain.
#[derive(Debug, Clone)]
pub struct Method {
    /// The method name.
    pub name: Arc<str>,
    /// The arguments.
    pub args: Box<[Expr]>,
    /// Where the call is (for errors).
    pub span: Span,
}

/// `#set($target = value)`.
#[derive(Debug, Clone)]
pub struct Set {
    /// The left side.
    pub target: Reference,
    /// The right side.
    pub value: Expr,
    /// Where the directive is.
    pub span: Span,
}

/// `#if` with its `#elseif` branches and optional `#else`.
#[derive(Debug, Clone)]
pub struct If {
    /// Condition and body of `#if` and of each `#elseif`, in order.
    pub branches: Box<[(Expr, Block)]>,
    /// The `#else` body.
    pub otherwise: Option<Block>,
    /// Where the directive is.
    pub span: Span,
}

/// `#foreach($var in iterable) body #end`.
#[derive(Debug, Clone)]
pub struct Foreach {
    /// The loop variable.
    pub var: VarId,
    /// What is iterated.
    pub iterable: Expr,
    /// The loop body.
    pub body: Block,
    /// Where the directive is.
    pub span: Span,
}

/// `#break` / `#break($scope)`.
#[derive(Debug, Clone)]
pub struct Break {
    /// The scope to leave (`$foreach.parent`); the innermost loop when absent.
    pub scope: Option<Expr>,
    /// Where the directive is.
    pub span: Span,
}

/// `#return` / `#return(value)`.
#[derive(Debug, Clone)]
pub struct Return {
    /// The returned value, if any.
    pub value: Option<Expr>,
    /// Where the directive is.
    pub span: Span,
}

/// `#define($name) body #end`.
#[derive(Debug, Clone)]
pub struct Define {
    /// The variable that receives the block.
    pub var: VarId,
    /// The block, rendered each time the variable is.
    pub body: Block,
    /// Where the directive is.
    pub span: Span,
}

/// A macro definition.
#[derive(Debug, Clone)]
pub struct MacroDef {
    /// The macro name.
    pub name: Arc<str>,
    /// Parameter variables, in order (shared with running calls).
    pub params: Arc<[VarId]>,
    /// The body.
    pub body: Block,
}

/// A call of a macro.
#[derive(Debug, Clone)]
pub struct MacroCall {
    /// Index of the macro in [`Template::macros`].
    pub index: usize,
    /// The argument expressions, evaluated at each use (call by name). Shared so that a
    /// running call can hold them without borrowing the tree.
    pub args: Arc<[Expr]>,
    /// The body of a block call `#@name() body #end`, rendered by `$bodyContent`.
    pub body: Option<Block>,
    /// Where the call is.
    pub span: Span,
}

/// A call that finds its macro when it renders (see [`Node::LateCall`]).
#[derive(Debug, Clone)]
pub struct LateCall {
    /// The macro name.
    pub name: Arc<str>,
    /// The call, its macro index to be found.
    pub call: MacroCall,
    /// The source text, rendered when no such macro exists.
    pub text: Box<str>,
}

/// `#evaluate(arg)`.
#[derive(Debug, Clone)]
pub struct Evaluate {
    /// The template text to evaluate.
    pub arg: Expr,
    /// Where the directive is.
    pub span: Span,
}

/// `#parse(...)` / `#include(...)`.
#[derive(Debug, Clone)]
pub struct Include {
    /// `parse` or `include`.
    pub directive: Arc<str>,
    /// The first argument.
    pub arg: Option<Expr>,
    /// Where the directive is.
    pub span: Span,
}

/// A directive that cannot run.
#[derive(Debug, Clone)]
pub struct Invalid {
    /// The directive name.
    pub directive: Arc<str>,
    /// Where the directive is.
    pub span: Span,
}

/// An expression: `#if` conditions, `#set` values, method arguments, literals.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A string without interpolation (`'...'`, or `"..."` with no `$` or `#`).
    Str(Arc<str>),
    /// A double-quoted string with references or directives in it.
    Interpolated(Box<Interpolated>),
    /// An integer that fits 32 bits.
    Int(i32),
    /// An integer that fits 64 bits.
    Long(i64),
    /// A larger integer.
    BigInt(Arc<BigInt>),
    /// A floating point literal.
    Double(f64),
    /// `true` / `false`.
    Bool(bool),
    /// A reference.
    Ref(Box<Reference>),
    /// `[a, b]`
    List(Box<[Expr]>),
    /// `{k: v}`
    Map(Box<[(Expr, Expr)]>),
    /// `[a..b]`
    Range(Box<Range>),
    /// `!x`
    Not(Box<Expr>),
    /// `a op b`
    Binary(Box<Binary>),
    /// Null (a bare word in method arguments).
    Null,
}

/// An interpolated string literal.
#[derive(Debug, Clone)]
pub struct Interpolated {
    /// The string parsed as a template.
    pub body: Block,
    /// Velocity renders `"..." + " "` and drops the last character of the result (so that a
    /// trailing `$` or `#` is not a syntax error); it skips that when the string holds `##`.
    pub strip_last: bool,
}

/// A range `[from..to]`.
#[derive(Debug, Clone)]
pub struct Range {
    /// First bound.
    pub from: Expr,
    /// Last bound (included).
    pub to: Expr,
    /// Where it is.
    pub span: Span,
}

/// A binary operation.
#[derive(Debug, Clone)]
pub struct Binary {
    /// The operator.
    pub op: BinOp,
    /// Left operand.
    pub left: Expr,
    /// Right operand.
    pub right: Expr,
    /// Where the operator is.
    pub span: Span,
}

/// Binary operators, in both symbol and word forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `||`, `or`
    Or,
    /// `&&`, `and`
    And,
    /// `==`, `eq`
    Eq,
    /// `!=`, `ne`
    Ne,
    /// `<`, `lt`
    Lt,
    /// `<=`, `le`
    Le,
    /// `>`, `gt`
    Gt,
    /// `>=`, `ge`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
}

/// A compiled template: the tree, its names and its macros.
#[derive(Debug, Clone)]
pub struct Template {
    /// The top-level nodes.
    pub body: Block,
    /// Variable names used anywhere in the template.
    pub names: Names,
    /// Macros defined in the template (`velocity` profile), first definition of a name wins.
    pub macros: Vec<MacroDef>,
    /// Whether anything can read `$foreach`, `$velocityCount` or `$velocityHasNext` (when
    /// not, loops skip setting them).
    pub loop_vars: bool,
}
