//! pest pairs → owned tree, resolving names, literals, directives and interpolated strings.

use std::collections::HashMap;
use std::sync::Arc;

use num_bigint::BigInt;
use pest::iterators::Pair;

use super::diagnostics::{explain, syntax};
use super::{ParseOptions, Rule};
use crate::ast::{
    self, BinOp, Binary, Block, Break, Define, Evaluate, Expr, Foreach, If, Include, Interpolated,
    Invalid, LateCall, MacroCall, MacroDef, Method, Names, Node, Part, Reference, Return, Set,
};
use crate::error::{Error, Result};
use crate::span::Span;

/// Directives that exist in every profile, besides `#if`, `#else`, `#elseif`, `#end`,
/// `#set` and `#stop` which are part of the grammar.
const COMMON_DIRECTIVES: [&str; 5] = ["foreach", "macro", "literal", "break", "define"];

/// Names of the macros defined anywhere in the template, in source order.
///
/// Velocity registers a macro while parsing, so a call may come before the definition.
pub(super) fn macro_names(root: Pair<'_, Rule>) -> Vec<Arc<str>> {
    let mut names: Vec<Arc<str>> = Vec::new();
    for pair in root.into_inner().flatten() {
        if pair.as_rule() != Rule::block_dir {
            continue;
        }
        let mut inner = pair.into_inner();
        let is_macro = inner
            .next()
            .is_some_and(|n| n.as_str().trim_matches(['{', '}']) == "macro");
        if !is_macro {
            continue;
        }
        let Some(call) = inner.next().filter(|p| p.as_rule() == Rule::dir_call) else {
            continue;
        };
        let first = call
            .into_inner()
            .next()
            .and_then(|args| args.into_inner().next());
        if let Some(word) = first.filter(|p| p.as_rule() == Rule::dir_word) {
            let name: Arc<str> = Arc::from(word.as_str());
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Lowers the pairs of one template (or of one interpolated string inside it).
pub(super) struct Lowerer<'s, 'n> {
    /// Text being lowered: the template, or the content of an interpolated string.
    src: &'s str,
    /// Offset of `src` in the template (for spans of nodes inside strings).
    base: u32,
    options: &'s ParseOptions,
    names: &'n mut Names,
    /// Macros that calls bind to (none when the profile disables macros).
    macro_index: HashMap<Arc<str>, usize>,
    macros: Vec<Option<MacroDef>>,
    /// Macro slots from this index on take definitions (an `#evaluate`d fragment defines
    /// only the names that are new to the render).
    record_from: usize,
    /// Every macro name defined in the template (they make `\#name` an escape).
    macro_names: Arc<[Arc<str>]>,
    /// Interpolated strings nest templates; bounded like any other nesting.
    string_depth: usize,
    /// Operators (and `!`s) of the expressions that enclose the one being lowered: a bound
    /// on how deep its tree can be (see [`MAX_EXPRESSION_OPERATORS`]).
    operators_open: usize,
}

/// Operators an expression may apply in a row, counting those of the expressions it sits in
/// (parentheses, arguments, list items, interpolated strings). Evaluating and dropping an
/// expression recurse once per level: `0*1*1*…` with 21 000 operators overflowed the
/// stack. Real templates stay in the tens.
pub(crate) const MAX_EXPRESSION_OPERATORS: usize = 1000;

impl<'s, 'n> Lowerer<'s, 'n> {
    pub(super) fn new(
        src: &'s str,
        options: &'s ParseOptions,
        names: &'n mut Names,
        macro_names: &[Arc<str>],
    ) -> Self {
        let macro_index: HashMap<Arc<str>, usize> = if options.profile.macros_enabled() {
            macro_names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i))
                .collect()
        } else {
            HashMap::new()
        };
        Lowerer {
            src,
            base: 0,
            options,
            names,
            macros: vec![None; macro_index.len()],
            record_from: 0,
            macro_index,
            macro_names: macro_names.into(),
            string_depth: 0,
            operators_open: 0,
        }
    }

    /// The macro definitions, indexed as the calls refer to them.
    pub(super) fn finish_macros(self) -> Result<Vec<MacroDef>> {
        Ok(self.macros.into_iter().flatten().collect())
    }

    /// Only macro slots from `start` on take definitions.
    pub(super) fn record_macros_from(&mut self, start: usize) {
        self.record_from = start;
    }

    /// The definitions of the slots from `start` on, by slot.
    pub(super) fn finish_fragment_macros(self, start: usize) -> Vec<Option<MacroDef>> {
        self.macros.into_iter().skip(start).collect()
    }

    /// Whether a comment that runs to the end of the template makes Velocity's lexer fail:
    /// `#*` with nothing after it, a `##` comment whose last character is `$` or `#`, or
    /// an empty `##` right after a property (where `##` is text that needs more).
    fn lexical_error_at_end(&self, p: &Pair<'_, Rule>, property_before: bool) -> bool {
        let text = p.as_str();
        if p.as_span().end() != self.src.len() {
            return false;
        }
        match p.as_rule() {
            Rule::block_comment => text == "#*",
            _ => {
                let body = &text[2..];
                (body.ends_with(['$', '#']) && !body.ends_with(['\n', '\r']))
                    || (property_before && body.is_empty())
            }
        }
    }

    pub(super) fn template(&mut self, root: Pair<'_, Rule>) -> Result<Block> {
        let block = root
            .into_inner()
            .find(|p| p.as_rule() == Rule::block)
            .map(|b| self.block(b))
            .transpose()?;
        Ok(block.unwrap_or_else(|| Arc::from(Vec::new())))
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(s.start(), s.end()).shifted(self.base)
    }

    fn error_at(&self, offset: usize, message: String) -> Error {
        syntax(self.src, offset, message)
    }

    // -----------------------------------------------------------------------------------------
    // Statements

    fn block(&mut self, pair: Pair<'_, Rule>) -> Result<Block> {
        let mut nodes: Vec<Node> = Vec::new();
        let mut text = TextRun::default();
        // End of the last reference if it ended in a property (`$a.b`): Velocity's lexer is
        // then in a state where `##` is plain text, not a comment.
        let mut after_property: Option<usize> = None;
        for p in pair.into_inner() {
            let starts = p.as_span().start();
            let span = self.span(&p);
            let property_before = after_property.take() == Some(starts);
            match p.as_rule() {
                Rule::line_comment | Rule::block_comment
                    if self.string_depth == 0 && self.lexical_error_at_end(&p, property_before) =>
                {
                    return Err(self.error_at(
                        self.src.len(),
                        "the template ends inside a comment (Velocity's lexer fails there)"
                            .to_string(),
                    ));
                }
                Rule::line_comment if property_before => {
                    text.push("##", span);
                    let rest = &p.as_str()[2..];
                    let base = self.base + starts as u32 + 2;
                    match self.sub_template(rest, base) {
                        Ok(block) => {
                            for node in block.iter() {
                                text.push_node(&mut nodes, node.clone());
                            }
                        }
                        Err(_) => text.push(rest, span),
                    }
                }
                Rule::text | Rule::plain_text | Rule::stray => text.push(p.as_str(), span),
                Rule::quiet_bang => text.push("$", span),
                Rule::line_comment
                | Rule::block_comment
                | Rule::dollar_drop
                | Rule::hash_drop
                | Rule::quiet_drop => {}
                Rule::escaped_dir => text.push(&self.escaped_directive(p.as_str()), span),
                Rule::escape_pairs => {
                    let n = p.as_str().len() / 2;
                    let control = self.directive_follows(p.as_span().end());
                    let per_pair = if control { "\\" } else { "\\\\" };
                    text.push(&per_pair.repeat(n), span);
                }
                Rule::textblock => {
                    let mut inner = p.into_inner();
                    let body = inner.next().map(|b| b.as_str()).unwrap_or("");
                    if inner.any(|x| x.as_rule() == Rule::missing_textblock_end) {
                        return Err(
                            self.error_at(starts, "#[[ is not closed: expected ]]#".to_string())
                        );
                    }
                    text.push(body, span);
                }
                _ => {
                    let end = p.as_span().end();
                    if let Some(node) = self.statement(p)? {
                        if let Node::Ref(r) = &node {
                            let formal =
                                r.literal.starts_with("${") || r.literal.starts_with("$!{");
                            if !formal && matches!(r.parts.last(), Some(Part::Property(_))) {
                                after_property = Some(end);
                            }
                        }
                        text.push_node(&mut nodes, node);
                    }
                }
            }
        }
        text.flush(&mut nodes);
        Ok(Arc::from(nodes))
    }

    /// Parses `text` (part of this template, starting at offset `base` of it) as a template
    /// of its own.
    fn sub_template(&mut self, text: &str, base: u32) -> Result<Block> {
        // Sub-templates nest (`$a.b##$a.b##...` re-reads the rest of the line at each `##`):
        // bounded like any other nesting.
        if self.string_depth >= self.options.max_depth {
            return Err(self.error_at(0, "text nested in text too deeply".into()));
        }
        // (Checked again: escapes such as `\u0028` become brackets only here.)
        super::check_depth(text, self.options.max_depth)?;
        let root = super::parse_rule(Rule::template, text)?;
        let mut sub = Lowerer {
            src: text,
            base,
            options: self.options,
            names: &mut *self.names,
            macro_index: self.macro_index.clone(),
            macros: Vec::new(),
            record_from: 0,
            macro_names: self.macro_names.clone(),
            string_depth: self.string_depth + 1,
            operators_open: self.operators_open,
        };
        sub.template(root)
    }

    /// A statement that is not plain text; `None` when it renders nothing and does nothing.
    fn statement(&mut self, p: Pair<'_, Rule>) -> Result<Option<Node>> {
        Ok(Some(match p.as_rule() {
            Rule::reference => Node::Ref(Box::new(self.reference(p)?)),
            Rule::set_dir => self.set_directive(p)?,
            Rule::if_dir => self.if_directive(p)?,
            Rule::stop_dir => Node::Stop(self.span(&p)),
            Rule::block_dir => return self.block_directive(p),
            Rule::line_dir => self.line_directive(p)?,
            Rule::dollar_directive => {
                let span = self.span(&p);
                let whole = p.as_str();
                let mut inner = p.into_inner();
                let name = inner
                    .next()
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_default();
                if let Some(call) = inner.next() {
                    self.directive_args(&name, call)?;
                }
                Node::Text(whole.into(), span)
            }
            other => {
                return Err(self.error_at(
                    p.as_span().start(),
                    format!("internal: unexpected {other:?}"),
                ));
            }
        }))
    }

    /// Directives that `\#name` un-escapes and that make `\\` pairs render as one `\`.
    fn is_directive_name(&self, name: &str) -> bool {
        matches!(name, "if" | "end" | "set" | "else" | "elseif" | "stop")
            || COMMON_DIRECTIVES.contains(&name)
            || self.options.profile.extra_directives().contains(&name)
            || self.macro_names.iter().any(|m| &**m == name)
    }

    /// `\#name` (after `\\` pairs): Velocity drops half the backslashes and the escape when
    /// `name` is a directive, and renders the text unchanged otherwise.
    fn escaped_directive(&self, image: &str) -> String {
        let last = image.rfind('\\').unwrap_or(0);
        let directive = &image[last + 1..];
        let name = directive.trim_start_matches('#').trim_matches(['{', '}']);
        if self.is_directive_name(name) {
            format!("{}{}", &image[..last / 2], directive)
        } else {
            image.to_string()
        }
    }

    /// Whether a directive starts at byte `at` (for `\\` pairs before it).
    fn directive_follows(&self, at: usize) -> bool {
        let Some(rest) = self.src[at..].strip_prefix('#') else {
            return false;
        };
        if let Some(inner) = rest.strip_prefix('{') {
            // Velocity looks at the token kind for the control directives only.
            let name = inner.split('}').next().unwrap_or("");
            return matches!(name, "if" | "else" | "elseif" | "end" | "stop");
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '@')
            .collect();
        name != "set" && self.is_directive_name(&name)
    }

    fn set_directive(&mut self, p: Pair<'_, Rule>) -> Result<Node> {
        let span = self.span(&p);
        let Some(body) = p.into_inner().next() else {
            return Err(self.error_at(span.start as usize, "invalid #set".into()));
        };
        if body.as_rule() == Rule::missing_set_body {
            return Err(explain(
                self.src,
                body.as_span().start(),
                Rule::set_body,
                "invalid #set (expected #set($name = value))",
                ")",
            ));
        }
        let mut inner = body.into_inner();
        let (Some(target), Some(value)) = (inner.next(), inner.next()) else {
            return Err(self.error_at(span.start as usize, "invalid #set".into()));
        };
        let target = self.reference(target)?;
        let value = self.expr(value)?;
        Ok(Node::Set(Box::new(Set {
            target,
            value,
            span,
        })))
    }

    fn condition(&mut self, keyword: &str, p: Pair<'_, Rule>) -> Result<Expr> {
        if p.as_rule() == Rule::missing_cond {
            return Err(explain(
                self.src,
                p.as_span().start(),
                Rule::cond,
                &format!("#{keyword} needs a condition in parentheses"),
                ")",
            ));
        }
        let expr = p.into_inner().next();
        match expr {
            Some(e) => self.expr(e),
            None => Err(self.error_at(0, format!("#{keyword}: missing condition"))),
        }
    }

    fn if_directive(&mut self, p: Pair<'_, Rule>) -> Result<Node> {
        let start = p.as_span().start();
        let span = self.span(&p);
        let mut branches = Vec::new();
        let mut otherwise = None;
        let mut pending_cond: Option<Expr> = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::if_head => {
                    let c = part.into_inner().next();
                    if let Some(c) = c {
                        pending_cond = Some(self.condition("if", c)?);
                    }
                }
                Rule::block => {
                    let body = self.block(part)?;
                    if let Some(c) = pending_cond.take() {
                        branches.push((c, body));
                    }
                }
                Rule::elseif_part => {
                    let mut inner = part.into_inner();
                    let cond = match inner.next() {
                        Some(c) => self.condition("elseif", c)?,
                        None => continue,
                    };
                    let body = match inner.next() {
                        Some(b) => self.block(b)?,
                        None => Arc::from(Vec::new()),
                    };
                    branches.push((cond, body));
                }
                Rule::else_part => {
                    let body = match part.into_inner().next() {
                        Some(b) => self.block(b)?,
                        None => Arc::from(Vec::new()),
                    };
                    otherwise = Some(body);
                }
                Rule::missing_end => return Err(self.unclosed("#if", start)),
                _ => {}
            }
        }
        Ok(Node::If(Box::new(If {
            branches: branches.into(),
            otherwise,
            span,
        })))
    }

    fn unclosed(&self, directive: &str, start: usize) -> Error {
        let line = crate::span::Location::of(self.src, start).line;
        self.error_at(
            self.src.len(),
            format!("{directive} opened on line {line} is not closed: expected #end"),
        )
    }

    /// `#foreach`, `#define`, `#macro`, `#literal`, `#@call`.
    fn block_directive(&mut self, p: Pair<'_, Rule>) -> Result<Option<Node>> {
        let span = self.span(&p);
        let start = p.as_span().start();
        let whole = p.as_str();
        let mut inner = p.into_inner();
        let Some(name_pair) = inner.next() else {
            return Ok(None);
        };
        let name = name_pair.as_str().trim_matches(['{', '}']).to_string();
        let Some(next) = inner.next() else {
            return Ok(None);
        };
        if next.as_rule() == Rule::no_args {
            // Velocity parses the bare name and fails when rendering it; `#macro` fails at
            // parse time.
            if name == "macro" {
                return Err(self.error_at(
                    start,
                    "#macro needs a name: #macro(name $arg ...)".to_string(),
                ));
            }
            if name.starts_with('@') {
                return Ok(Some(Node::Text(whole.into(), span)));
            }
            return Ok(Some(Node::Invalid(Box::new(Invalid {
                directive: Arc::from(name.as_str()),
                span,
            }))));
        }
        let args = self.directive_args(&name, next)?;
        let body_pair = inner.next();
        if inner.any(|x| x.as_rule() == Rule::missing_end) {
            return Err(self.unclosed(&format!("#{name}"), start));
        }
        let body_raw = body_pair.as_ref().map(|b| b.as_str()).unwrap_or("");
        let body = match body_pair {
            Some(b) => self.block(b)?,
            None => Arc::from(Vec::new()),
        };
        match name.as_str() {
            "foreach" => self.foreach(args, body, span, start).map(Some),
            "define" => {
                let var = match args.first() {
                    Some(DirArg::Expr(Expr::Ref(r))) if r.parts.is_empty() => r.root,
                    _ => {
                        return Err(self.error_at(
                            start,
                            "#define needs a reference: #define($name)".to_string(),
                        ));
                    }
                };
                Ok(Some(Node::Define(Box::new(Define { var, body, span }))))
            }
            "macro" => {
                self.macro_definition(args, body, start)?;
                Ok(None)
            }
            "literal" => Ok(Some(Node::Text(body_raw.into(), span))),
            _ => {
                // `#@name(...) body #end`
                let macro_name = name.trim_start_matches('@');
                match self.macro_index.get(macro_name) {
                    Some(&index) => Ok(Some(Node::MacroCall(Box::new(MacroCall {
                        index,
                        args: args.into_iter().map(DirArg::into_expr).collect(),
                        body: Some(body),
                        span,
                    })))),
                    None => Ok(Some(Node::Text(whole.into(), span))),
                }
            }
        }
    }

    fn foreach(
        &mut self,
        args: Vec<DirArg>,
        body: Block,
        span: Span,
        start: usize,
    ) -> Result<Node> {
        // Velocity 1.7 checks only that the first argument is a reference (at parse time);
        // when rendering it takes the variable's root name, iterates over child 2 and renders
        // child 3 as the body. Those are children of the directive node, arguments and body
        // alike: with two arguments child 2 is the body, whose value is null (nothing is
        // rendered); with four, the fourth argument is rendered in place of the body.
        let invalid = || {
            Node::Invalid(Box::new(Invalid {
                directive: Arc::from("foreach"),
                span,
            }))
        };
        let mut it = args.into_iter();
        let var = match it.next() {
            Some(DirArg::Expr(Expr::Ref(r))) => r.root,
            None => {
                return Ok(invalid());
            }
            Some(_) => {
                return Err(self.error_at(
                    start,
                    "#foreach needs a reference first: #foreach($item in $list)".to_string(),
                ));
            }
        };
        if it.next().is_none() {
            // Child 2 would be past the body: an ArrayIndexOutOfBoundsException in Velocity.
            return Ok(invalid());
        }
        let iterable = match it.next() {
            Some(arg) => arg.into_expr(),
            None => Expr::Null,
        };
        let body = match it.next() {
            Some(DirArg::Expr(Expr::Ref(r))) => Arc::from(vec![Node::Ref(r)]),
            Some(DirArg::Expr(_) | DirArg::Word(_)) => Arc::from(Vec::new()),
            None => body,
        };
        Ok(Node::Foreach(Box::new(Foreach {
            var,
            iterable,
            body,
            span,
        })))
    }

    fn macro_definition(&mut self, args: Vec<DirArg>, body: Block, at: usize) -> Result<()> {
        let mut it = args.into_iter();
        let Some(DirArg::Word(name)) = it.next() else {
            return Err(self.error_at(
                at,
                "#macro needs a name first: #macro(name $arg ...)".to_string(),
            ));
        };
        let mut params = Vec::new();
        for arg in it {
            match arg {
                DirArg::Expr(Expr::Ref(r)) if r.parts.is_empty() => params.push(r.root),
                _ => {
                    return Err(self.error_at(
                        at,
                        format!("#macro {name}: parameters must be references like $arg"),
                    ));
                }
            }
        }
        let index = self.macro_index.get(name.as_str()).copied();
        // Only the template's own pass records definitions (nested string templates and
        // #evaluate fragments have no macro table of their own).
        if let Some(slot) = index
            .filter(|&i| i >= self.record_from)
            .and_then(|i| self.macros.get_mut(i))
            && slot.is_none()
        {
            *slot = Some(MacroDef {
                name: Arc::from(name.as_str()),
                params: params.into(),
                body,
            });
        }
        Ok(())
    }

    /// `#name`, `#name(args)`: `#break`, `#return`, `#evaluate`, `#parse`, `#include`, macro
    /// calls; anything else renders as its own text.
    fn line_directive(&mut self, p: Pair<'_, Rule>) -> Result<Node> {
        let span = self.span(&p);
        let start = p.as_span().start();
        let whole = p.as_str();
        let mut inner = p.into_inner();
        let name = inner
            .next()
            .map(|n| n.as_str().trim_matches(['{', '}']).to_string())
            .unwrap_or_default();
        let call = inner.next();
        let profile = self.options.profile;
        let known = name == "break"
            || (name == "return" && profile.return_enabled())
            || (matches!(name.as_str(), "evaluate" | "parse" | "include")
                && profile.evaluate_enabled())
            || self.macro_index.contains_key(name.as_str());
        if !known {
            // Unknown names must still have well-formed arguments, as in Velocity.
            let args = match call {
                Some(c) => Some(self.directive_args(&name, c)?),
                None => None,
            };
            // With parentheses, it may name a macro an `#evaluate` defines before it runs.
            if let Some(args) = args
                && profile.evaluate_enabled()
                && profile.macros_enabled()
            {
                return Ok(Node::LateCall(Box::new(LateCall {
                    name: Arc::from(name.as_str()),
                    call: MacroCall {
                        index: usize::MAX,
                        args: args.into_iter().map(DirArg::into_expr).collect(),
                        body: None,
                        span,
                    },
                    text: whole.into(),
                })));
            }
            return Ok(Node::Text(whole.into(), span));
        }
        let args = match call {
            Some(c) => self.directive_args(&name, c)?,
            None => Vec::new(),
        };
        let mut exprs = args.into_iter().map(DirArg::into_expr);
        Ok(match name.as_str() {
            "break" => Node::Break(Box::new(Break {
                scope: exprs.next(),
                span,
            })),
            "return" => Node::Return(Box::new(Return {
                value: exprs.next(),
                span,
            })),
            "evaluate" => match exprs.next() {
                Some(arg @ (Expr::Str(_) | Expr::Interpolated(_) | Expr::Ref(_))) => {
                    Node::Evaluate(Box::new(Evaluate { arg, span }))
                }
                Some(_) => {
                    return Err(self.error_at(
                        start,
                        "#evaluate needs a string literal or a reference".to_string(),
                    ));
                }
                None => {
                    return Err(self.error_at(start, "#evaluate needs one argument".to_string()));
                }
            },
            "parse" | "include" => Node::Include(Box::new(Include {
                directive: Arc::from(name.as_str()),
                arg: exprs.next(),
                span,
            })),
            _ => match self.macro_index.get(name.as_str()) {
                Some(&index) => Node::MacroCall(Box::new(MacroCall {
                    index,
                    args: exprs.collect(),
                    body: None,
                    span,
                })),
                None => Node::Text(whole.into(), span),
            },
        })
    }

    fn directive_args(&mut self, name: &str, call: Pair<'_, Rule>) -> Result<Vec<DirArg>> {
        let Some(args) = call.into_inner().next() else {
            return Ok(Vec::new());
        };
        if args.as_rule() == Rule::missing_dir_args {
            return Err(explain(
                self.src,
                args.as_span().start(),
                Rule::dir_args,
                &format!("invalid arguments for #{name}(...)"),
                ")",
            ));
        }
        let mut out = Vec::new();
        for a in args.into_inner() {
            out.push(match a.as_rule() {
                Rule::dir_word => DirArg::Word(a.as_str().to_string()),
                _ => DirArg::Expr(self.param(a, false)?),
            });
        }
        Ok(out)
    }

    // -----------------------------------------------------------------------------------------
    // References

    fn reference(&mut self, p: Pair<'_, Rule>) -> Result<Reference> {
        let span = self.span(&p);
        let text = p.as_str();
        let mut escapes = 0u32;
        let mut quiet = false;
        let mut root = None;
        let mut parts = Vec::new();
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::ref_escape => escapes = part.as_str().len() as u32,
                Rule::ref_quiet => quiet = true,
                Rule::ref_formal => {
                    for q in part.into_inner() {
                        self.reference_part(q, &mut root, &mut parts)?;
                    }
                }
                _ => self.reference_part(part, &mut root, &mut parts)?,
            }
        }
        let root = root.unwrap_or(super::builtin::CTX);
        Ok(Reference {
            root,
            parts: parts.into(),
            quiet,
            escapes,
            literal: text[escapes as usize..].into(),
            span,
        })
    }

    fn reference_part(
        &mut self,
        part: Pair<'_, Rule>,
        root: &mut Option<ast::VarId>,
        parts: &mut Vec<Part>,
    ) -> Result<()> {
        match part.as_rule() {
            Rule::ref_root => *root = Some(self.names.intern(part.as_str())),
            Rule::ref_prop => parts.push(Part::Property(Arc::from(part.as_str()))),
            Rule::ref_method => {
                let span = self.span(&part);
                let mut inner = part.into_inner();
                let name = inner.next().map(|n| n.as_str()).unwrap_or("");
                let name: Arc<str> = Arc::from(name);
                let args = match inner.next() {
                    Some(a) if a.as_rule() == Rule::missing_rparen => {
                        return Err(explain(
                            self.src,
                            a.as_span().start(),
                            Rule::method_args,
                            &format!(
                                "invalid arguments for {name}(...): arguments can be literals, \
                                 references, lists, maps or ranges, not expressions"
                            ),
                            ")",
                        ));
                    }
                    Some(a) => a
                        .into_inner()
                        .map(|x| self.param(x, true))
                        .collect::<Result<Vec<_>>>()?,
                    None => Vec::new(),
                };
                parts.push(Part::Method(Box::new(Method {
                    name,
                    args: args.into(),
                    span,
                })));
            }
            Rule::ref_index => {
                let Some(inner) = part.into_inner().next() else {
                    return Ok(());
                };
                if inner.as_rule() == Rule::missing_rbracket {
                    return Err(explain(
                        self.src,
                        inner.as_span().start(),
                        Rule::index_param,
                        "invalid index: expected a number, a string or a reference, then `]`",
                        "]",
                    ));
                }
                let Some(value) = inner.into_inner().next() else {
                    return Ok(());
                };
                let span = self.span(&value);
                parts.push(Part::Index(Box::new((self.param(value, false)?, span))));
            }
            Rule::missing_rbrace => {
                return Err(self.error_at(
                    part.as_span().start(),
                    "`${` reference is not closed: expected `}`".to_string(),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    /// A parameter: method argument, list or map element, directive argument, index.
    /// `in_call` allows references without `$` (inside method-call parentheses).
    fn param(&mut self, p: Pair<'_, Rule>, in_call: bool) -> Result<Expr> {
        Ok(match p.as_rule() {
            Rule::string => self.string(p)?,
            Rule::number | Rule::int_literal => self.number(&p)?,
            Rule::boolean => Expr::Bool(p.as_str() == "true"),
            Rule::reference => Expr::Ref(Box::new(self.reference(p)?)),
            Rule::bare_ref => {
                if !in_call {
                    return Err(self.error_at(
                        p.as_span().start(),
                        format!(
                            "unexpected `{}`: a variable needs a `$` here",
                            p.as_str().chars().take(40).collect::<String>()
                        ),
                    ));
                }
                Expr::Null
            }
            Rule::range => {
                let span = self.span(&p);
                let mut inner = p.into_inner();
                let (Some(a), Some(b)) = (inner.next(), inner.next()) else {
                    return Err(self.error_at(0, "invalid range".into()));
                };
                let a = self.param(a, in_call)?;
                let b = self.param(b, in_call)?;
                Expr::Range(Box::new(ast::Range {
                    from: a,
                    to: b,
                    span,
                }))
            }
            Rule::list => {
                let items = p
                    .into_inner()
                    .map(|x| self.param(x, in_call))
                    .collect::<Result<Vec<_>>>()?;
                Expr::List(items.into())
            }
            Rule::map => {
                let mut entries = Vec::new();
                for entry in p.into_inner() {
                    let mut kv = entry.into_inner();
                    if let (Some(k), Some(v)) = (kv.next(), kv.next()) {
                        entries.push((self.param(k, in_call)?, self.param(v, in_call)?));
                    }
                }
                Expr::Map(entries.into())
            }
            Rule::paren => match p.into_inner().next() {
                Some(e) => self.expr(e)?,
                None => Expr::Bool(false),
            },
            Rule::expr => self.expr(p)?,
            other => {
                return Err(self.error_at(
                    p.as_span().start(),
                    format!("internal: unexpected {other:?} in expression"),
                ));
            }
        })
    }

    fn number(&self, p: &Pair<'_, Rule>) -> Result<Expr> {
        let s = p.as_str();
        if s.contains(['.', 'e', 'E']) {
            let v: f64 = s
                .parse()
                .map_err(|_| self.error_at(p.as_span().start(), format!("invalid number `{s}`")))?;
            return Ok(Expr::Double(v));
        }
        if let Ok(v) = s.parse::<i32>() {
            Ok(Expr::Int(v))
        } else if let Ok(v) = s.parse::<i64>() {
            Ok(Expr::Long(v))
        } else {
            let v: BigInt = s
                .parse()
                .map_err(|_| self.error_at(p.as_span().start(), format!("invalid number `{s}`")))?;
            Ok(Expr::BigInt(Arc::new(v)))
        }
    }

    /// An operator expression, by precedence climbing over the flat operand/operator list.
    fn expr(&mut self, p: Pair<'_, Rule>) -> Result<Expr> {
        let operators = p.clone().into_inner().filter(is_operator).count();
        let open = self.operators_open + operators;
        if open > MAX_EXPRESSION_OPERATORS {
            return Err(Error::at(
                crate::error::ErrorKind::LimitExceeded {
                    limit: crate::error::Limit::ExpressionDepth,
                    max: MAX_EXPRESSION_OPERATORS as u64,
                },
                self.src,
                Span::new(p.as_span().start(), p.as_span().start()),
            ));
        }
        let outer = std::mem::replace(&mut self.operators_open, open);
        let e = self.operators(p);
        self.operators_open = outer;
        e
    }

    /// [`Lowerer::expr`] once its size is checked.
    fn operators(&mut self, p: Pair<'_, Rule>) -> Result<Expr> {
        let mut items = Vec::new();
        for x in p.into_inner() {
            let item = match x.as_rule() {
                Rule::prefix_not => Item::Not,
                Rule::op_or => Item::Op(BinOp::Or, self.span(&x)),
                Rule::op_and => Item::Op(BinOp::And, self.span(&x)),
                Rule::op_eq => Item::Op(BinOp::Eq, self.span(&x)),
                Rule::op_ne => Item::Op(BinOp::Ne, self.span(&x)),
                Rule::op_lt => Item::Op(BinOp::Lt, self.span(&x)),
                Rule::op_le => Item::Op(BinOp::Le, self.span(&x)),
                Rule::op_gt => Item::Op(BinOp::Gt, self.span(&x)),
                Rule::op_ge => Item::Op(BinOp::Ge, self.span(&x)),
                Rule::op_add => Item::Op(BinOp::Add, self.span(&x)),
                Rule::op_sub => Item::Op(BinOp::Sub, self.span(&x)),
                Rule::op_mul => Item::Op(BinOp::Mul, self.span(&x)),
                Rule::op_div => Item::Op(BinOp::Div, self.span(&x)),
                Rule::op_mod => Item::Op(BinOp::Mod, self.span(&x)),
                _ => Item::Operand(self.param(x, false)?),
            };
            items.push(item);
        }
        let mut pos = 0;
        let e = climb(&mut items, &mut pos, 0);
        e.ok_or_else(|| self.error_at(0, "invalid expression".into()))
    }

    fn string(&mut self, p: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&p);
        let Some(inner) = p.into_inner().next() else {
            return Ok(Expr::Str(Arc::from("")));
        };
        let image = inner.as_str();
        let body = &image[1..image.len() - 1];
        if inner.as_rule() == Rule::sq_string {
            return Ok(Expr::Str(Arc::from(body.replace("''", "'"))));
        }
        let text = unescape_unicode(&body.replace("\"\"", "\"")).map_err(|message| {
            Error::at(
                crate::error::ErrorKind::InvalidString { message },
                self.src,
                Span::new(span.start as usize - self.base as usize, 0),
            )
        })?;
        if !text.contains(['$', '#']) {
            return Ok(Expr::Str(Arc::from(text)));
        }
        self.interpolated(text, span)
    }

    /// A double-quoted string with `$` or `#`: parsed as a template of its own.
    fn interpolated(&mut self, text: String, span: Span) -> Result<Expr> {
        if self.string_depth >= self.options.max_depth {
            return Err(self.error_at(span.start as usize, "strings nested too deeply".into()));
        }
        // Velocity's "<MORE> kludge": it appends a space (so a trailing `$` or `#` lexes)
        // and drops the last character of the result, unless the string has a `##` comment.
        let strip_last = !text.contains("##");
        let source = if strip_last { format!("{text} ") } else { text };
        let outer_src = self.src;
        let body = self.sub_template(&source, span.start + 1).map_err(|e| {
            syntax(
                outer_src,
                (span.start - self.base) as usize,
                format!("in this string: {}", e.kind()),
            )
        })?;
        Ok(Expr::Interpolated(Box::new(Interpolated {
            body,
            strip_last,
        })))
    }
}

/// Whether `p` (a part of an `expr`) is an operator or a `!`.
fn is_operator(p: &Pair<'_, Rule>) -> bool {
    matches!(
        p.as_rule(),
        Rule::prefix_not
            | Rule::op_or
            | Rule::op_and
            | Rule::op_eq
            | Rule::op_ne
            | Rule::op_lt
            | Rule::op_le
            | Rule::op_gt
            | Rule::op_ge
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
            | Rule::op_mod
    )
}

/// Adjacent text pieces, merged into one text node.
#[derive(Default)]
struct TextRun {
    text: String,
    span: Option<Span>,
}

impl TextRun {
    fn push(&mut self, s: &str, span: Span) {
        self.text.push_str(s);
        self.span = Some(match self.span {
            Some(prev) => Span {
                start: prev.start,
                end: span.end,
            },
            None => span,
        });
    }

    /// Appends `node`, merging text into the run.
    fn push_node(&mut self, nodes: &mut Vec<Node>, node: Node) {
        if let Node::Text(t, span) = &node {
            self.push(t, *span);
            return;
        }
        self.flush(nodes);
        nodes.push(node);
    }

    fn flush(&mut self, nodes: &mut Vec<Node>) {
        if !self.text.is_empty() {
            let span = self.span.take().unwrap_or_default();
            nodes.push(Node::Text(std::mem::take(&mut self.text).into(), span));
        }
        self.span = None;
    }
}

/// A directive argument: an expression, or a bare word (`in` of `#foreach`, a macro name).
enum DirArg {
    Expr(Expr),
    Word(String),
}

impl DirArg {
    fn into_expr(self) -> Expr {
        match self {
            DirArg::Expr(e) => e,
            DirArg::Word(w) => Expr::Str(Arc::from(w)),
        }
    }
}

enum Item {
    Operand(Expr),
    Not,
    Op(BinOp, Span),
    Taken,
}

fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        BinOp::Eq | BinOp::Ne => 3,
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
        BinOp::Add | BinOp::Sub => 5,
        BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
    }
}

/// Parses `items[*pos..]` into an expression whose operators bind tighter than `min`.
fn climb(items: &mut [Item], pos: &mut usize, min: u8) -> Option<Expr> {
    let mut left = unary(items, pos)?;
    while let Some(Item::Op(op, span)) = items.get(*pos) {
        let (op, span) = (*op, *span);
        let prec = precedence(op);
        if prec <= min {
            break;
        }
        *pos += 1;
        let right = climb(items, pos, prec)?;
        left = Expr::Binary(Box::new(Binary {
            op,
            left,
            right,
            span,
        }));
    }
    Some(left)
}

fn unary(items: &mut [Item], pos: &mut usize) -> Option<Expr> {
    let item = std::mem::replace(items.get_mut(*pos)?, Item::Taken);
    *pos += 1;
    match item {
        Item::Not => Some(Expr::Not(Box::new(unary(items, pos)?))),
        Item::Operand(e) => Some(e),
        Item::Op(..) | Item::Taken => None,
    }
}

/// `\uXXXX` escapes in double-quoted strings (the only escape Velocity 1.7 processes).
/// Consecutive escapes are decoded together so surrogate pairs make one character. A `\u`
/// without four hex digits after it fails, as in Velocity.
fn unescape_unicode(s: &str) -> std::result::Result<String, String> {
    if !s.contains("\\u") {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut units: Vec<u16> = Vec::new();
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        if s[i..].starts_with("\\u") {
            let hex = s
                .get(i + 2..i + 6)
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u16::from_str_radix(h, 16).ok());
            match hex {
                Some(unit) => {
                    units.push(unit);
                    i += 6;
                    continue;
                }
                None => {
                    let bad: String = s[i..].chars().take(6).collect();
                    return Err(format!(
                        "invalid unicode escape `{bad}` in a string (expected \\u and four hex digits)"
                    ));
                }
            }
        }
        if !units.is_empty() {
            out.push_str(&String::from_utf16_lossy(&units));
            units.clear();
        }
        out.push(c);
        i += c.len_utf8();
    }
    out.push_str(&String::from_utf16_lossy(&units));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::unescape_unicode;

    #[test]
    fn unicode_escapes() {
        assert_eq!(unescape_unicode("\\u0041\\u00e9").unwrap(), "Aé");
        assert_eq!(unescape_unicode("x\\u0041y").unwrap(), "xAy");
        assert_eq!(unescape_unicode("\\ud83d\\ude80").unwrap(), "🚀");
        assert!(unescape_unicode("\\u00zz").is_err());
        assert!(unescape_unicode("\\u00").is_err());
        assert_eq!(unescape_unicode("a\\tb").unwrap(), "a\\tb");
    }
}
