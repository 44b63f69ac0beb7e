//! Template text → [`ast::Template`]. The only module that knows about pest.
//!
//! Parsing runs in three steps: a cheap pre-pass that rejects nesting deep enough to
//! overflow pest's recursion ([`depth`]), the pest grammar (`grammar/vtl.pest`), and the
//! lowering of pest pairs into the owned tree ([`lower`]), which also words every syntax
//! error for a template author ([`diagnostics`]).

mod depth;
mod diagnostics;
mod lower;

use pest::Parser as _;

use crate::ast;
use crate::error::{ErrorKind, Limit, Result};
use crate::profile::Profile;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/vtl.pest"]
pub(crate) struct VtlParser;

/// What the parser needs to know besides the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParseOptions {
    /// Which directives exist (`#macro`, `#evaluate`, `#return`...).
    pub profile: Profile,
    /// Maximum nesting of directives and brackets.
    pub max_depth: usize,
}

/// Parses a whole template.
pub(crate) fn parse(source: &str, options: &ParseOptions) -> Result<ast::Template> {
    check_depth(source, options.max_depth)?;
    // (Room for the built-ins and a typical template's own names: no regrowth.)
    let mut names = ast::Names::with_capacity(builtin::NAMES.len() + 16);
    for builtin in builtin::NAMES {
        names.intern(builtin);
    }
    let root = parse_rule(Rule::template, source)?;
    // Macro names count as directives for `\#name` escapes even where macros are disabled.
    let macro_names = if source.contains("macro") {
        lower::macro_names(root.clone())
    } else {
        Vec::new()
    };
    let mut lowerer = lower::Lowerer::new(source, options, &mut names, &macro_names);
    let body = lowerer.template(root)?;
    let macros = lowerer.finish_macros()?;
    Ok(ast::Template {
        body,
        names,
        macros,
        loop_vars: reads_loop_vars(source),
    })
}

/// Whether `source` can read `$foreach`, `$velocityCount` or `$velocityHasNext`: only by
/// naming them, or through text it `#evaluate`s (which may be built at render time).
fn reads_loop_vars(source: &str) -> bool {
    ["foreach", "velocityCount", "velocityHasNext", "evaluate"]
        .iter()
        .any(|name| {
            // `#foreach` names the directive, not the variable.
            source.match_indices(name).any(|(at, _)| {
                *name != "foreach"
                    || !source
                        .get(..at)
                        .is_some_and(|s| s.ends_with('#') || s.ends_with("#{"))
            })
        })
}

/// Runs one grammar rule over `source`, turning a pest failure into our error.
fn parse_rule(rule: Rule, source: &str) -> Result<pest::iterators::Pair<'_, Rule>> {
    match VtlParser::parse(rule, source) {
        Ok(mut pairs) => pairs.next().ok_or_else(|| {
            crate::Error::new(ErrorKind::Syntax {
                message: "empty parse".into(),
            })
        }),
        Err(e) => Err(diagnostics::from_pest(source, &e)),
    }
}

/// The variable names every template knows: one table, interned first in every template, so
/// a builtin's number is its place here.
pub(crate) mod builtin {
    use crate::ast::VarId;

    /// The builtin names, in the order of their numbers.
    pub const NAMES: [&str; 9] = [
        "ctx",
        "context",
        "util",
        "utils",
        "foreach",
        "velocityCount",
        "velocityHasNext",
        "bodyContent",
        "extensions",
    ];

    /// The number of `name` in [`NAMES`]; a name missing from the table fails the build.
    // (Only ever evaluated by the compiler, for the constants below: a panic is a build error.)
    #[allow(clippy::indexing_slicing, clippy::panic)]
    const fn id(name: &str) -> VarId {
        let mut i = 0;
        while i < NAMES.len() {
            if eq(NAMES[i].as_bytes(), name.as_bytes()) {
                return VarId(i as u32);
            }
            i += 1;
        }
        panic!("not a builtin variable name")
    }

    #[allow(clippy::indexing_slicing)]
    const fn eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }

    /// `$ctx`
    pub const CTX: VarId = id("ctx");
    /// `$context`
    pub const CONTEXT: VarId = id("context");
    /// `$util`
    pub const UTIL: VarId = id("util");
    /// `$utils`
    pub const UTILS: VarId = id("utils");
    /// `$foreach`
    pub const FOREACH: VarId = id("foreach");
    /// `$velocityCount`
    pub const VELOCITY_COUNT: VarId = id("velocityCount");
    /// `$velocityHasNext`
    pub const VELOCITY_HAS_NEXT: VarId = id("velocityHasNext");
    /// `$bodyContent`
    pub const BODY_CONTENT: VarId = id("bodyContent");
    /// `$extensions`
    pub const EXTENSIONS: VarId = id("extensions");
}

/// Parses template text at render time (`#evaluate`), numbering new names after the
/// template's own and binding calls to the template's macros.
///
/// Macros the fragment defines under new names are returned, indexed after `macro_names`
/// (Velocity keeps them for the rest of the render).
pub(crate) fn parse_fragment(
    source: &str,
    profile: Profile,
    max_depth: usize,
    names: &mut ast::Names,
    macro_names: &[std::sync::Arc<str>],
) -> Result<(ast::Block, Vec<Option<ast::MacroDef>>)> {
    let options = ParseOptions { profile, max_depth };
    check_depth(source, max_depth)?;
    let root = parse_rule(Rule::template, source)?;
    let mut all_names = macro_names.to_vec();
    if source.contains("macro") {
        for name in lower::macro_names(root.clone()) {
            if !all_names.contains(&name) {
                all_names.push(name);
            }
        }
    }
    let mut lowerer = lower::Lowerer::new(source, &options, names, &all_names);
    lowerer.record_macros_from(macro_names.len());
    let block = lowerer.template(root)?;
    let defined = lowerer.finish_fragment_macros(macro_names.len());
    Ok((block, defined))
}

fn check_depth(source: &str, max_depth: usize) -> Result<()> {
    match depth::first_too_deep(source, max_depth) {
        Some(offset) => Err(crate::Error::at(
            ErrorKind::LimitExceeded {
                limit: Limit::NestingDepth,
                max: max_depth as u64,
            },
            source,
            crate::span::Span::new(offset, offset),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod loop_var_tests {
    use super::reads_loop_vars;

    #[test]
    fn loop_variables_are_read_only_where_named_or_evaluated() {
        assert!(!reads_loop_vars("#foreach($x in $l)$x#end"));
        assert!(!reads_loop_vars("#{foreach}($x in $l)$x#{end}"));
        assert!(reads_loop_vars("#foreach($x in $l)$foreach.count#end"));
        assert!(reads_loop_vars("#foreach($x in $l)$!{foreach.hasNext}#end"));
        assert!(reads_loop_vars("#foreach($x in $l)#break($foreach)#end"));
        assert!(reads_loop_vars("#foreach($x in $l)$velocityCount#end"));
        assert!(reads_loop_vars("#foreach($x in $l)$velocityHasNext#end"));
        assert!(reads_loop_vars("#foreach($x in $l)#evaluate($t)#end"));
    }

    #[test]
    fn loops_without_readers_behave_the_same() {
        let engine = crate::Engine::velocity();
        let ctx = crate::Context::from_vars(serde_json::json!({"l": [1, 2, 3]})).unwrap();
        let render = |t: &str| engine.compile("t", t).unwrap().render(&ctx).unwrap().output;
        // (Expected outputs as Apache Velocity 1.7 renders these templates.) The loop
        // variable is restored after the loop either way; #break still ends it.
        assert_eq!(
            render("#set($x = 'k')#foreach($x in $l)$x#if($x == 2)#break#end#end $x"),
            "12 k"
        );
        assert_eq!(
            render("#foreach($x in $l)$foreach.count#end $foreach"),
            "123 $foreach"
        );
        assert_eq!(
            render("#set($t = '$velocityCount')#foreach($x in $l)#evaluate($t)#end"),
            "123"
        );
    }
}
