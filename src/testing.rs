//! Golden-file testing of mapping templates: a folder per case, run from `cargo test` or
//! with `appsync-vtl test DIR [--bless]`.
//!
//! # Layout
//!
//! A **case folder** holds one template and what it must give:
//!
//! | file | meaning |
//! | --- | --- |
//! | `template.vtl` (or `request.vtl`, `response.vtl`) | the template; or `template` in `case.json`: the path of one shared by several cases, relative to the case folder |
//! | `context.json` | AppSync's context (`arguments`, `identity`, `source`, `result`, `stash`...) |
//! | `vars.json` | optional: extra top-level variables |
//! | `expected.out` | the exact evaluation result (`{{uuid}}`, `{{iso8601}}`, `{{any}}` match generated parts) |
//! | `expected.json` | the result read as JSON (object key order ignored; same wildcards in strings) |
//! | `expected.pattern` | a regular expression the whole result must match |
//! | `expected.err` | the error the template must raise: its message as AppSync reports it |
//! | `case.json` | optional settings (below) |
//!
//! # `case.json`
//!
//! A key the runner does not know fails the case, with the closest known key: a typo must
//! not let a case pass unchecked. Keys starting with `x_` are left to your own tools.
//!
//! | key | meaning |
//! | --- | --- |
//! | `match` | how the result is compared: `exact` (`expected.out`, byte for byte, wildcards allowed), `json` (`expected.json`, or `expected.out` read as JSON: key order and whitespace ignored), `json-template` (as `json`, for outputs with wildcards in strings), `pattern` (`expected.pattern`), `error` (`expected_error` or `expected.err`), `none` (only that it renders, and the `expected_*` records). Default: every expected file present is checked |
//! | `template` | the template's path relative to the case folder, for several cases of one template |
//! | `engine_options` | `{"authType": "AMAZON_COGNITO_USER_POOLS" \| "OPENID_CONNECT" \| "AWS_IAM" \| "API_KEY" \| "AWS_LAMBDA"}`: the auth mode (`$util.authType()`, how `$ctx.identity` is completed); inferred from the identity when absent |
//! | `profile` | `appsync` or `velocity` (overrides a `profile` file) |
//! | `now` | the clock, RFC 3339 (default 2018-02-06T19:01:35.758Z) |
//! | `seed` | the seed of `$util.autoId()` and the other random helpers (default 42) |
//! | `expected_error` | the error the render must raise: `message`, `type` (errorType), `data`, `errorInfo`; each one given is compared |
//! | `expected_out_errors` | the errors `$util.appendError` recorded: `[{"message", "errorType"}]` |
//! | `expected_logs` | the `$util.log` lines: `["INFO: ..."]` |
//! | `expected_headers` | the headers `$util.http.addResponseHeader(s)` set |
//! | `expected_extensions` | the `$extensions` calls: `evictions`, `subscription_filter`, `subscription_invalidation_filter`, `invalidations` |
//! | `expected_stash` | the stash after the render (JSON-compared, wildcards allowed) |
//! | `expected_args` | `$ctx.args` after the render, as the next step of a pipeline sees it |
//! | `id`, `notes`, `basis`, `source_url`, `simulator`, `decision` | documentation: where the expectation comes from |
//!
//! Keys of `context.json` that AppSync's context does not have (`arguments`, `args`,
//! `identity`, `source`, `result`, `stash`, `prev`, `info`, `request`, `error`, `outErrors`)
//! are reported as warnings: the template still sees them, but they are most likely typos
//! or settings in the wrong file (an auth mode goes in `engine_options`).
//!
//! A **flat case** is `NAME.vtl` next to `NAME.out` (exact output) or `NAME.err` (first line
//! `exit 3` for a syntax error or `exit 4` for a render error, then the message; a
//! `[line L, ...]` in it must match our line), with variables in `NAME.json`: the layout of
//! the Velocity conformance fixtures.
//!
//! A file named `profile` holding `appsync` or `velocity` sets the profile for the folder and
//! everything below it (default `appsync`). Renders are deterministic: the clock is pinned
//! at 2018-02-06T19:01:35.758Z and ids are seeded, unless `case.json` says otherwise.
//!
//! ```no_run
//! // In a user's tests/templates.rs: one test for the whole tree.
//! appsync_vtl::testing::assert_tree("resolvers/tests");
//! ```
//!
//! [`run_as_tests`] makes each case its own named test instead (filtered and listed like any
//! `cargo test` test).

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value as J;

use crate::resolver::DataSourceKind;
use crate::{AuthMode, Clock, Context, Engine, IdSource, Profile};

/// The clock of every test render unless a case says otherwise (the AppSync developer
/// guide's example instant).
pub const DEFAULT_NOW_MILLIS: i64 = 1_517_943_695_758;
/// The id seed of every test render unless a case says otherwise.
pub const DEFAULT_SEED: u64 = 42;

/// What happened to one case.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CaseReport {
    /// The case folder, or the template of a flat case.
    pub path: PathBuf,
    /// `None` when the case passed; else what differed (with a diff where it helps).
    pub failure: Option<String>,
    /// Whether `--bless` rewrote its expected files.
    pub blessed: bool,
    /// What looks wrong without failing the case (a context key AppSync does not have).
    pub warnings: Vec<String>,
}

/// The result of running a tree of cases.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Summary {
    /// Every case, in path order.
    pub reports: Vec<CaseReport>,
}

impl Summary {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.reports.iter().filter(|r| r.failure.is_none()).count()
    }

    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.reports.len() - self.passed()
    }
}

impl fmt::Display for Summary {
    /// Each failure with its explanation, then `N passed, N failed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for r in &self.reports {
            for w in &r.warnings {
                writeln!(f, "warning: {}: {w}", r.path.display())?;
            }
            if let Some(why) = &r.failure {
                writeln!(f, "FAILED {}\n{}\n", r.path.display(), why.trim_end())?;
            }
        }
        write!(f, "{} passed, {} failed", self.passed(), self.failed())
    }
}

/// How to run a tree of cases.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RunOptions {
    /// Rewrite the expectations of failing cases from what the engine produces (review the
    /// diff before committing); a case still failing after it is reported.
    pub bless: bool,
    /// Run only the cases whose path (below the tree's folder) contains this text.
    pub filter: Option<String>,
    /// Colour the diffs (ANSI escapes; for a terminal).
    pub color: bool,
}

/// Runs every case under `dir`; with `bless`, failing cases get their expected files
/// rewritten from what the engine produced (review the diff before committing).
pub fn run_tree(dir: impl AsRef<Path>, bless: bool) -> std::io::Result<Summary> {
    run_tree_with(
        dir,
        &RunOptions {
            bless,
            ..RunOptions::default()
        },
    )
}

/// [`run_tree`] with [`RunOptions`].
pub fn run_tree_with(dir: impl AsRef<Path>, options: &RunOptions) -> std::io::Result<Summary> {
    let dir = dir.as_ref();
    let bless = options.bless;
    let color = COLOR.replace(options.color);
    let summary = run_cases(dir, bless, options.filter.as_deref());
    COLOR.set(color);
    summary
}

fn run_cases(dir: &Path, bless: bool, filter: Option<&str>) -> std::io::Result<Summary> {
    let mut cases = Vec::new();
    find_cases(dir, &mut cases)?;
    if let Some(filter) = filter {
        cases.retain(|c| {
            let path = c.path().strip_prefix(dir).unwrap_or(c.path());
            path.to_string_lossy().contains(filter)
        });
    }
    cases.sort();
    let mut summary = Summary::default();
    for case in cases {
        // A rewritten case is checked again: --bless reports only what now passes.
        let (failure, blessed) = match check(&case) {
            Ok(()) => (None, false),
            Err(why) if bless => match rewrite(&case).and_then(|()| check(&case)) {
                Ok(()) => (None, true),
                Err(still) => (
                    Some(format!("{why}\n--bless did not fix it: {still}")),
                    false,
                ),
            },
            Err(why) => (Some(why), false),
        };
        let warnings = match &case {
            Case::Folder(dir) => read_json(&dir.join("context.json"))
                .map(|c| context_warnings(&c))
                .unwrap_or_default(),
            Case::Flat(_) => Vec::new(),
        };
        summary.reports.push(CaseReport {
            path: case.path().to_path_buf(),
            failure,
            blessed,
            warnings,
        });
    }
    Ok(summary)
}

/// Runs the cases under `dir` and panics with every failure if one fails (for `cargo test`).
#[allow(clippy::panic)]
pub fn assert_tree(dir: impl AsRef<Path>) -> Summary {
    let dir = dir.as_ref();
    let summary = run_tree(dir, false).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    assert!(summary.failed() == 0, "{summary}");
    summary
}

/// Runs every case under `dirs` as its own named test, with libtest's command line
/// (`cargo test -- FILTER`, `--exact`, `--list`, `--skip`...), through libtest-mimic. For a
/// test target without libtest's own harness:
///
/// ```toml
/// # Cargo.toml
/// [[test]]
/// name = "templates"
/// harness = false
/// ```
///
/// ```no_run
/// // tests/templates.rs: its `main` is this one call.
/// appsync_vtl::testing::run_as_tests(&["resolvers/tests"]);
/// ```
///
/// Each test is named by the folder's name and the case's path below it
/// (`tests/getDog/owner` for `resolvers/tests`). Exits the process with libtest's status.
pub fn run_as_tests<P: AsRef<Path>>(dirs: &[P]) -> ! {
    let args = libtest_mimic::Arguments::from_args();
    let mut trials = Vec::new();
    for dir in dirs {
        let dir = dir.as_ref();
        let mut cases = Vec::new();
        if let Err(e) = find_cases(dir, &mut cases) {
            let message = format!("{}: {e}", dir.display());
            trials.push(libtest_mimic::Trial::test(
                dir.display().to_string(),
                move || Err(message.into()),
            ));
            continue;
        }
        cases.sort();
        // Named from the folder's own name down, whatever path led to it.
        let top = dir.parent().unwrap_or(Path::new(""));
        for case in cases {
            let name = case.path().strip_prefix(top).unwrap_or(case.path());
            let name = name.display().to_string();
            trials.push(libtest_mimic::Trial::test(name, move || {
                check(&case).map_err(Into::into)
            }));
        }
    }
    libtest_mimic::run(&args, trials).exit()
}

/// Runs one case folder and panics with what differed.
#[allow(clippy::panic)]
pub fn assert_case_dir(dir: impl AsRef<Path>) {
    let case = Case::Folder(dir.as_ref().to_path_buf());
    if let Err(why) = check(&case) {
        panic!("{}: {why}", dir.as_ref().display());
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Case {
    Folder(PathBuf),
    Flat(PathBuf),
}

impl Case {
    fn path(&self) -> &Path {
        match self {
            Case::Folder(p) | Case::Flat(p) => p,
        }
    }
}

const TEMPLATE_NAMES: [&str; 3] = ["template.vtl", "request.vtl", "response.vtl"];

/// Whether `dir`'s `case.json` names a shared template.
fn names_a_template(dir: &Path) -> bool {
    let path = dir.join("case.json");
    path.is_file() && read_json(&path).is_ok_and(|s| s.get("template").is_some_and(J::is_string))
}

fn find_cases(dir: &Path, out: &mut Vec<Case>) -> std::io::Result<()> {
    if TEMPLATE_NAMES.iter().any(|n| dir.join(n).is_file()) || names_a_template(dir) {
        out.push(Case::Folder(dir.to_path_buf()));
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            find_cases(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "vtl")
            && (path.with_extension("out").exists() || path.with_extension("err").exists())
        {
            out.push(Case::Flat(path));
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_json(path: &Path) -> Result<J, String> {
    serde_json::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// The profile set by the nearest `profile` file.
fn profile_for(path: &Path) -> Profile {
    for dir in path.ancestors().skip(1) {
        if let Ok(text) = std::fs::read_to_string(dir.join("profile")) {
            return text.trim().parse().unwrap_or_default();
        }
    }
    Profile::AppSync
}

fn engine_for(path: &Path, settings: &J) -> Result<Engine, String> {
    let profile = match settings.get("profile").and_then(J::as_str) {
        Some(p) => p.parse()?,
        None => profile_for(path),
    };
    let now = match settings.get("now").and_then(J::as_str) {
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|e| format!("case.json `now`: {e}"))?
            .timestamp_millis(),
        None => DEFAULT_NOW_MILLIS,
    };
    let seed = settings
        .get("seed")
        .and_then(J::as_u64)
        .unwrap_or(DEFAULT_SEED);
    Ok(Engine::new()
        .with_profile(profile)
        .with_clock(Clock::Fixed(now))
        .with_ids(IdSource::Seeded(seed)))
}

fn check(case: &Case) -> Result<(), String> {
    match case {
        Case::Folder(dir) => check_folder(dir),
        Case::Flat(template) => check_flat(template),
    }
}

// ---------------------------------------------------------------------------------------------
// Flat cases (Velocity conformance layout)

fn check_flat(template: &Path) -> Result<(), String> {
    let source = read(template)?;
    let vars_path = template.with_extension("json");
    let vars = if vars_path.exists() {
        read_json(&vars_path)?
    } else {
        J::Null
    };
    let ctx = Context::from_vars(vars).map_err(|e| e.to_string())?;
    let engine = engine_for(template, &J::Null)?;
    let name = template
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let result = engine.compile(&name, &source).and_then(|t| t.render(&ctx));
    let out_path = template.with_extension("out");
    if out_path.exists() {
        let expected = read(&out_path)?;
        return match result {
            Ok(r) if r.output == expected => Ok(()),
            Ok(r) => Err(diff(&expected, &r.output)),
            Err(e) => Err(format!("expected output, got error: {e:#}")),
        };
    }
    let expected = read(&template.with_extension("err"))?;
    let syntax = expected.starts_with("exit 3");
    let line = expected.find("[line ").and_then(|at| {
        expected[at + 6..]
            .split(',')
            .next()?
            .trim()
            .parse::<u32>()
            .ok()
    });
    match result {
        Ok(r) => Err(format!("expected an error, got output {:?}", r.output)),
        Err(e) if e.is_syntax() != syntax => Err(format!(
            "expected a {} error, got: {e:#}",
            if syntax { "syntax" } else { "render" }
        )),
        Err(e) if line.is_some() && e.line() != line => Err(format!(
            "expected an error on line {}, got: {e:#}",
            line.unwrap_or(0)
        )),
        Err(_) => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Case folders

struct Evaluated {
    rendered: Option<crate::Rendered>,
    error: Option<crate::Error>,
    /// The context's `$ctx.args` (`arguments` or `args`), as given.
    arguments: J,
}

fn template_path(dir: &Path, settings: &J) -> Result<PathBuf, String> {
    if let Some(shared) = settings.get("template").and_then(J::as_str) {
        return Ok(dir.join(shared));
    }
    TEMPLATE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "{}: no template.vtl, request.vtl or response.vtl",
                dir.display()
            )
        })
}

fn settings(dir: &Path) -> Result<J, String> {
    let path = dir.join("case.json");
    if !path.exists() {
        return Ok(J::Object(Default::default()));
    }
    let settings = read_json(&path)?;
    check_settings(&settings).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(settings)
}

/// The keys `case.json` may have: those the runner reads, then those that only document the
/// case. Keys starting with `x_` are left to the user's own tools.
const SETTINGS_KEYS: [&str; 19] = [
    "match",
    "template",
    "engine_options",
    "profile",
    "now",
    "seed",
    "expected_error",
    "expected_out_errors",
    "expected_logs",
    "expected_headers",
    "expected_extensions",
    "expected_stash",
    "expected_args",
    "id",
    "notes",
    "basis",
    "source_url",
    "simulator",
    "decision",
];
const MATCH_KINDS: [&str; 6] = ["exact", "json", "json-template", "pattern", "error", "none"];
const ENGINE_OPTIONS_KEYS: [&str; 1] = ["authType"];
const EXPECTED_ERROR_KEYS: [&str; 4] = ["message", "type", "data", "errorInfo"];

/// `word`, and the closest of `known` when one is close enough to be a likely typo.
fn unknown(what: &str, word: &str, known: &[&str]) -> String {
    let closest = known
        .iter()
        .map(|k| (strsim::jaro_winkler(word, k), k))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.7);
    match closest {
        Some((_, k)) => format!("unknown {what} `{word}`: did you mean `{k}`?"),
        None => format!("unknown {what} `{word}` (known: {})", known.join(", ")),
    }
}

/// A typo in `case.json` must fail the case: a key the runner ignored would let it pass.
fn check_settings(settings: &J) -> Result<(), String> {
    let J::Object(map) = settings else {
        return Err("case.json must hold a JSON object".into());
    };
    for (key, value) in map {
        if key.starts_with("x_") {
            continue;
        }
        if !SETTINGS_KEYS.contains(&key.as_str()) {
            return Err(unknown("key", key, &SETTINGS_KEYS));
        }
        let sub_keys: &[&str] = match key.as_str() {
            "engine_options" => &ENGINE_OPTIONS_KEYS,
            "expected_error" => &EXPECTED_ERROR_KEYS,
            _ => &[],
        };
        if let J::Object(sub) = value
            && !sub_keys.is_empty()
            && let Some(k) = sub.keys().find(|k| !sub_keys.contains(&k.as_str()))
        {
            return Err(unknown(&format!("key in `{key}`"), k, sub_keys));
        }
    }
    if let Some(kind) = map.get("match") {
        match kind.as_str() {
            Some(k) if MATCH_KINDS.contains(&k) => {}
            Some(k) => return Err(unknown("match kind", k, &MATCH_KINDS)),
            None => return Err(format!("`match` must be a string, not {kind}")),
        }
    }
    Ok(())
}

/// The keys AppSync's context has (`$ctx.arguments`...), for warning about others.
const CONTEXT_KEYS: [&str; 11] = [
    "arguments",
    "args",
    "identity",
    "source",
    "result",
    "stash",
    "prev",
    "info",
    "request",
    "error",
    "outErrors",
];

/// Warnings about `context.json`: a key AppSync's context does not have is most likely a
/// typo or a setting in the wrong file; the template still sees it as `$ctx.<key>`.
fn context_warnings(context: &J) -> Vec<String> {
    let J::Object(map) = context else {
        return Vec::new();
    };
    map.keys()
        .filter(|k| !CONTEXT_KEYS.contains(&k.as_str()))
        .map(|k| match k.to_ascii_lowercase().as_str() {
            "authmode" | "authtype" | "auth_mode" | "auth_type" => format!(
                "context.json: `{k}` is not part of AppSync's context; the auth mode goes in case.json (`\"engine_options\": {{\"authType\": \"...\"}}`) or on the command line (`--auth-mode`)"
            ),
            _ => format!(
                "context.json: {} (the template still sees it as `$ctx.{k}`)",
                unknown("context key", k, &CONTEXT_KEYS)
            ),
        })
        .collect()
}

fn evaluate(dir: &Path, settings: &J) -> Result<Evaluated, String> {
    let template = template_path(dir, settings)?;
    let source = read(&template)?;
    let ctx_path = dir.join("context.json");
    let mut arguments = J::Object(Default::default());
    let mut ctx = if ctx_path.exists() {
        let json = read_json(&ctx_path)?;
        if let Some(a) = json.get("arguments").or_else(|| json.get("args")) {
            arguments = a.clone();
        }
        Context::appsync(json).map_err(|e| e.to_string())?
    } else {
        Context::new()
    };
    let vars_path = dir.join("vars.json");
    if vars_path.exists()
        && let J::Object(vars) = read_json(&vars_path)?
    {
        for (k, v) in vars {
            ctx = ctx.with_var(&k, v);
        }
    }
    if let Some(mode) = settings
        .pointer("/engine_options/authType")
        .and_then(J::as_str)
    {
        ctx = ctx.with_auth_mode(mode.parse::<AuthMode>()?);
    }
    let engine = engine_for(&template, settings)?;
    let name = template
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(
        // As a step of a resolution: `Rendered::args` then says what the next step sees.
        match engine
            .compile(&name, &source)
            .and_then(|t| t.render_step(&ctx, 0, true))
        {
            Ok(r) => Evaluated {
                rendered: Some(r),
                error: None,
                arguments,
            },
            Err(e) => Evaluated {
                rendered: None,
                error: Some(e),
                arguments,
            },
        },
    )
}

/// The error AppSync would report for a rendered request: the output is not one JSON value,
/// or (for documents that look like data-source requests) a required field is missing.
fn post_render_error(r: &crate::Rendered) -> Option<crate::Error> {
    let json = match r.to_json() {
        Ok(j) => j,
        Err(e) => return Some(e),
    };
    json.get("version")?;
    let kind = if json.get("payload").is_some() {
        DataSourceKind::AwsLambda
    } else {
        DataSourceKind::AmazonDynamoDb
    };
    crate::resolver::validate_request(kind, &json).err()
}

fn check_folder(dir: &Path) -> Result<(), String> {
    let settings = settings(dir)?;
    let kind = settings
        .get("match")
        .and_then(J::as_str)
        .map(str::to_string);
    let expected_error = match settings.get("expected_error") {
        Some(e) => Some(e.clone()),
        None if dir.join("expected.err").exists() => Some(
            serde_json::json!({ "message": read(&dir.join("expected.err"))?.trim_end_matches('\n') }),
        ),
        None => None,
    };
    let evaluated = evaluate(dir, &settings)?;
    if kind.as_deref() == Some("error") || (kind.is_none() && expected_error.is_some()) {
        let error = match (&evaluated.error, &evaluated.rendered) {
            (Some(e), _) => e.clone(),
            (None, Some(r)) => match post_render_error(r) {
                Some(e) => e,
                None => {
                    return Err(format!(
                        "expected an error, got {:?}",
                        r.evaluation_result()
                    ));
                }
            },
            (None, None) => return Err("nothing rendered".into()),
        };
        return compare_error(expected_error.as_ref().unwrap_or(&J::Null), &error);
    }
    let rendered = match (evaluated.rendered, evaluated.error) {
        (Some(r), _) => r,
        (None, Some(e)) => return Err(format!("{e:#}")),
        (None, None) => return Err("nothing rendered".into()),
    };
    let result = rendered.evaluation_result();
    let exact = dir.join("expected.out");
    let json = dir.join("expected.json");
    let pattern = dir.join("expected.pattern");
    let mut checked = false;
    match kind.as_deref() {
        Some("json" | "json-template") if !json.exists() => {
            let expected: J = serde_json::from_str(read(&exact)?.trim())
                .map_err(|e| format!("expected.out: {e}"))?;
            compare_json(&expected, &rendered)?;
            checked = true;
        }
        Some("none") => checked = true,
        _ => {
            if exact.exists() {
                let expected = read(&exact)?;
                if !wildcard_match(&expected, &result) {
                    return Err(diff(&expected, &result));
                }
                checked = true;
            }
        }
    }
    if json.exists() {
        compare_json(&read_json(&json)?, &rendered)?;
        checked = true;
    }
    if pattern.exists() {
        let p = read(&pattern)?;
        let re = fancy_regex::Regex::new(&p).map_err(|e| format!("expected.pattern: {e}"))?;
        if !re.is_match(result.as_ref()).unwrap_or(false) {
            return Err(format!("{result:?} does not match the pattern {p:?}"));
        }
        checked = true;
    }
    compare_records(&settings, &rendered, &evaluated.arguments)?;
    if !checked {
        return Err(
            "no expectation: add expected.out, expected.json, expected.pattern or expected.err"
                .into(),
        );
    }
    Ok(())
}

fn compare_error(expected: &J, error: &crate::Error) -> Result<(), String> {
    let got = error.appsync_error();
    if let Some(m) = expected.get("message")
        && *m != J::String(got.message.clone())
    {
        return Err(format!(
            "error message {:?}, expected {m}\n({error:#})",
            got.message
        ));
    }
    if let Some(t) = expected.get("type")
        && *t != J::from(got.error_type.clone())
    {
        return Err(format!("error type {:?}, expected {t}", got.error_type));
    }
    for (key, value) in [("data", &got.data), ("errorInfo", &got.error_info)] {
        if let Some(e) = expected.get(key)
            && Some(e) != value.as_ref()
        {
            return Err(format!("error {key} {value:?}, expected {e}"));
        }
    }
    Ok(())
}

fn compare_json(expected: &J, rendered: &crate::Rendered) -> Result<(), String> {
    let actual = rendered
        .to_json()
        .map_err(|e| format!("{e}: {:?}", rendered.output))?;
    if json_matches(expected, &actual) {
        Ok(())
    } else {
        let pretty = |v: &J| serde_json::to_string_pretty(v).unwrap_or_default();
        Err(diff(&pretty(expected), &pretty(&actual)))
    }
}

/// The `case.json` keys that expect what a render records besides its text, and what each
/// is called in a failure.
const RECORD_KEYS: [(&str, &str); 6] = [
    ("expected_out_errors", "appended errors"),
    ("expected_logs", "logs"),
    ("expected_headers", "response headers"),
    ("expected_extensions", "extensions"),
    ("expected_stash", "stash"),
    ("expected_args", "arguments"),
];

/// What the render recorded for `key` of [`RECORD_KEYS`], as `case.json` writes it.
fn recorded(key: &str, r: &crate::Rendered, arguments: &J) -> J {
    match key {
        "expected_out_errors" => r
            .errors
            .iter()
            .map(|e| {
                let mut m = serde_json::Map::new();
                m.insert("message".into(), J::from(e.message.clone()));
                if let Some(t) = &e.error_type {
                    m.insert("errorType".into(), J::from(t.clone()));
                }
                J::Object(m)
            })
            .collect(),
        "expected_logs" => J::from(r.logs.clone()),
        "expected_headers" => J::Object(r.response_headers.clone()),
        "expected_extensions" => {
            let ext = &r.extensions;
            let mut got = serde_json::Map::new();
            if !ext.evictions.is_empty() {
                got.insert("evictions".into(), J::from(ext.evictions.clone()));
            }
            if let Some(f) = &ext.subscription_filter {
                got.insert("subscription_filter".into(), f.clone());
            }
            if let Some(f) = &ext.subscription_invalidation_filter {
                got.insert("subscription_invalidation_filter".into(), f.clone());
            }
            if !ext.invalidations.is_empty() {
                got.insert("invalidations".into(), J::from(ext.invalidations.clone()));
            }
            J::Object(got)
        }
        "expected_stash" => J::Object(r.stash.clone()),
        "expected_args" => match &r.args {
            Some(args) => J::Object(args.clone()),
            None => arguments.clone(),
        },
        _ => J::Null,
    }
}

/// What a render records besides its text: appended errors, logs, headers, `$extensions`,
/// the stash and arguments it leaves.
fn compare_records(settings: &J, r: &crate::Rendered, arguments: &J) -> Result<(), String> {
    for (key, what) in RECORD_KEYS {
        if let Some(expected) = settings.get(key) {
            let got = recorded(key, r, arguments);
            if !json_matches(expected, &got) {
                return Err(format!("{what} {got}, expected {expected}"));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Comparison helpers

fn is_uuid_v4(s: &str) -> bool {
    s.len() == 36
        && uuid::Uuid::parse_str(s).is_ok_and(|u| u.get_version_num() == 4)
        && !s.chars().any(|c| c.is_ascii_uppercase())
}

fn wildcard(placeholder: &str, s: &str) -> bool {
    match placeholder {
        "{{uuid}}" => is_uuid_v4(s),
        "{{iso8601}}" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "{{any}}" => true,
        _ => false,
    }
}

fn json_matches(expected: &J, actual: &J) -> bool {
    match (expected, actual) {
        (J::String(e), J::String(a)) if e.starts_with("{{") && e.ends_with("}}") => wildcard(e, a),
        (J::Object(e), J::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, v)| a.get(k).is_some_and(|w| json_matches(v, w)))
        }
        (J::Array(e), J::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| json_matches(x, y))
        }
        (J::Number(e), J::Number(a)) => e == a || e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

const PLACEHOLDERS: [&str; 3] = ["{{uuid}}", "{{iso8601}}", "{{any}}"];

/// Exact comparison where `{{uuid}}`, `{{iso8601}}` and `{{any}}` stand for generated text.
///
/// The expected text is literals between placeholders. Which ends a placeholder can take is
/// tried from each position at most once (a set of positions reached after each literal),
/// so the work is bounded by placeholders × positions × candidate ends: trying every end
/// recursively took exponential time (`{{any}}` four times against 3000 bytes ran for
/// minutes).
fn wildcard_match(expected: &str, actual: &str) -> bool {
    // Literals and the placeholders between them: `lit0 ph1 lit1 ph2 lit2 ...`.
    let mut literals = Vec::new();
    let mut placeholders = Vec::new();
    let mut rest = expected;
    while let Some((at, ph)) = PLACEHOLDERS
        .iter()
        .filter_map(|p| rest.find(p).map(|i| (i, *p)))
        .min()
    {
        literals.push(&rest[..at]);
        placeholders.push(ph);
        rest = &rest[at + ph.len()..];
    }
    literals.push(rest);
    let Some(first) = literals.first() else {
        return false;
    };
    if !actual.starts_with(first) {
        return false;
    }
    // Positions of `actual` reached just after literal `j`.
    let mut reached = std::collections::BTreeSet::from([first.len()]);
    for (ph, literal) in placeholders.iter().zip(literals.iter().skip(1)) {
        let mut next = std::collections::BTreeSet::new();
        // `{{any}}` from the earliest start reaches every end any later start would.
        let starts: Vec<usize> = match *ph {
            "{{any}}" => reached.first().copied().into_iter().collect(),
            _ => reached.iter().copied().collect(),
        };
        for start in starts {
            let Some(tail) = actual.get(start..) else {
                continue;
            };
            // Ends the placeholder may take: each place the next literal follows it.
            let ends: Box<dyn Iterator<Item = usize>> = match *ph {
                "{{uuid}}" => Box::new(std::iter::once(36)),
                // The longest RFC 3339 date-times (nanoseconds and an offset) are 35 bytes.
                "{{iso8601}}" => Box::new(0..=tail.len().min(40)),
                _ => Box::new(occurrences(tail, literal)),
            };
            for end in ends {
                if tail.is_char_boundary(end)
                    && end <= tail.len()
                    && wildcard(ph, &tail[..end])
                    && tail[end..].starts_with(literal)
                {
                    next.insert(start + end + literal.len());
                }
            }
        }
        reached = next;
        if reached.is_empty() {
            return false;
        }
    }
    reached.contains(&actual.len())
}

/// Every position where `needle` starts in `hay`, overlapping ones included (every
/// character boundary for an empty needle).
fn occurrences<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + hay.get(from..)?.find(needle)?;
        // The next search starts one character further.
        from = at + hay.get(at..)?.chars().next().map_or(1, char::len_utf8);
        Some(at)
    })
}

thread_local! {
    /// Whether diffs of the current run are coloured ([`RunOptions::color`]); a run sets it
    /// for its duration rather than threading it through every comparison.
    static COLOR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A unified diff of `expected` and `actual` where what is hard to see shows: tabs as `→`,
/// trailing spaces as `·`, carriage returns as `␍`, a missing final newline as its own
/// line, and within a changed line the part that changed (`[-old-]`/`{+new+}`, or in
/// colour when the run is coloured).
fn diff(expected: &str, actual: &str) -> String {
    use similar::ChangeTag;
    use std::fmt::Write as _;
    let color = COLOR.get();
    let (red, green, bold, inverse, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[7m", "\x1b[0m")
    } else {
        ("", "", "", "", "")
    };
    let text = similar::TextDiff::from_lines(expected, actual);
    let mut out = format!("{bold}--- expected\n+++ actual{reset}\n");
    for group in text.grouped_ops(3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (old, new) = (
            first.old_range().start..last.old_range().end,
            first.new_range().start..last.new_range().end,
        );
        let _ = writeln!(
            out,
            "{bold}@@ -{},{} +{},{} @@{reset}",
            old.start + 1,
            old.len(),
            new.start + 1,
            new.len()
        );
        for op in &group {
            for change in text.iter_inline_changes(op) {
                let (sign, paint) = match change.tag() {
                    ChangeTag::Delete => ('-', red),
                    ChangeTag::Insert => ('+', green),
                    ChangeTag::Equal => (' ', ""),
                };
                let parts: Vec<(bool, String)> = change
                    .iter_strings_lossy()
                    .map(|(emphasized, s)| (emphasized, s.into_owned()))
                    .collect();
                // Only a line that changed in part gets its changed part marked.
                let partial = parts.iter().any(|p| p.0) && parts.iter().any(|p| !p.0);
                let line: String = parts.iter().map(|p| p.1.as_str()).collect();
                let line = line.strip_suffix('\n').unwrap_or(&line);
                let tail = line.trim_end_matches([' ', '\t', '\r']).len();
                let mut at = 0;
                let _ = write!(out, "{paint}{sign}");
                for (emphasized, piece) in &parts {
                    let piece = piece.strip_suffix('\n').unwrap_or(piece);
                    let shown = visible(piece, at, tail);
                    at += piece.len();
                    match (partial && *emphasized, color, sign) {
                        (false, _, _) => out.push_str(&shown),
                        (true, true, _) => {
                            let _ = write!(out, "{inverse}{shown}{reset}{paint}");
                        }
                        (true, false, '-') => {
                            let _ = write!(out, "[-{shown}-]");
                        }
                        (true, false, _) => {
                            let _ = write!(out, "{{+{shown}+}}");
                        }
                    }
                }
                let _ = writeln!(out, "{reset}");
                if change.missing_newline() {
                    out.push_str("\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// `piece`, which starts at byte `at` of its line, with tabs and carriage returns made
/// visible, and the spaces from byte `tail` on (those that end the line).
fn visible(piece: &str, at: usize, tail: usize) -> String {
    piece
        .char_indices()
        .map(|(i, c)| match c {
            '\t' => '→',
            '\r' => '␍',
            ' ' if at + i >= tail => '·',
            c => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Blessing

fn rewrite(case: &Case) -> Result<(), String> {
    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    match case {
        Case::Flat(template) => {
            let source = read(template)?;
            let vars_path = template.with_extension("json");
            let vars = if vars_path.exists() {
                read_json(&vars_path)?
            } else {
                J::Null
            };
            let ctx = Context::from_vars(vars).map_err(|e| e.to_string())?;
            let engine = engine_for(template, &J::Null)?;
            let (out, err) = (
                template.with_extension("out"),
                template.with_extension("err"),
            );
            let _ = std::fs::remove_file(&out);
            let _ = std::fs::remove_file(&err);
            match engine.compile("t", &source).and_then(|t| t.render(&ctx)) {
                Ok(r) => write(out, &r.output),
                Err(e) => {
                    let code = if e.is_syntax() { 3 } else { 4 };
                    let line = e
                        .line()
                        .map(|l| format!(" [line {l}, column {}]", e.column().unwrap_or(0)))
                        .unwrap_or_default();
                    write(err, &format!("exit {code}\n{}{line}\n", e.kind()))
                }
            }
        }
        Case::Folder(dir) => bless_folder(dir),
    }
}

/// Rewrites every expectation of a case folder from what the engine gives, in the files the
/// case already uses: a JSON-only case stays JSON-only, an error expected in `case.json`
/// stays there, and the records `case.json` expects (logs, stash...) are rewritten too.
fn bless_folder(dir: &Path) -> Result<(), String> {
    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let remove = |name: &str| {
        let _ = std::fs::remove_file(dir.join(name));
    };
    let mut settings = settings(dir)?;
    let evaluated = evaluate(dir, &settings)?;
    let kind = settings
        .get("match")
        .and_then(J::as_str)
        .unwrap_or("")
        .to_string();
    let kind = kind.as_str();
    let expects_error = kind == "error"
        || (kind.is_empty()
            && (settings.get("expected_error").is_some() || dir.join("expected.err").exists()));
    let outcome = match (evaluated.rendered, evaluated.error) {
        (_, Some(e)) => Err(e),
        // Output AppSync would refuse is the error of a case that expects one.
        (Some(r), None) if expects_error => match post_render_error(&r) {
            Some(e) => Err(e),
            None => Ok(r),
        },
        (Some(r), None) => Ok(r),
        (None, None) => return Err("nothing rendered".into()),
    };
    let map = settings
        .as_object_mut()
        .ok_or("case.json must hold a JSON object")?;
    match outcome {
        Ok(r) => {
            remove("expected.err");
            map.remove("expected_error");
            if kind == "error" {
                map.remove("match");
            }
            let has = |name: &str| dir.join(name).exists();
            let json_only = has("expected.json") && !has("expected.out");
            if kind == "none" {
            } else if json_only
                || (matches!(kind, "json" | "json-template") && !has("expected.out"))
            {
                let json = r
                    .to_json()
                    .map_err(|e| format!("the result is not JSON: {e}"))?;
                write(
                    dir.join("expected.json"),
                    &(serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"),
                )?;
            } else if has("expected.pattern") && !has("expected.out") {
                return Err("a pattern is not rewritten: edit expected.pattern".into());
            } else {
                write(dir.join("expected.out"), &r.evaluation_result())?;
            }
            for (key, _) in RECORD_KEYS {
                if map.contains_key(key) {
                    map.insert(key.into(), recorded(key, &r, &evaluated.arguments));
                }
            }
        }
        Err(e) => {
            remove("expected.out");
            remove("expected.json");
            let got = e.appsync_error();
            if dir.join("expected.err").exists() && !map.contains_key("expected_error") {
                write(dir.join("expected.err"), &format!("{}\n", got.message))?;
            } else {
                let old = map.remove("expected_error").unwrap_or(J::Null);
                let mut error = serde_json::Map::new();
                error.insert("message".into(), got.message.into());
                for (key, value) in [
                    ("type", got.error_type.map(J::from)),
                    ("data", got.data),
                    ("errorInfo", got.error_info),
                ] {
                    if old.get(key).is_some() || value.as_ref().is_some_and(|v| !v.is_null()) {
                        error.insert(key.into(), value.unwrap_or(J::Null));
                    }
                }
                map.insert("expected_error".into(), J::Object(error));
            }
            if !kind.is_empty() {
                map.insert("match".into(), "error".into());
            }
        }
    }
    if dir.join("case.json").exists() || !map.is_empty() {
        write(
            dir.join("case.json"),
            &(serde_json::to_string_pretty(&settings).unwrap_or_default() + "\n"),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_exact_output() {
        assert!(wildcard_match(
            "id: {{uuid}}!",
            "id: 3dfeb5aa-e597-4c88-b1be-d1b6cdbd33a8!"
        ));
        assert!(!wildcard_match(
            "id: {{uuid}}!",
            "id: 3dfeb5aa-e597-1c88-b1be-d1b6cdbd33a8!"
        ));
        assert!(wildcard_match(
            "t={{iso8601}}",
            "t=2018-02-06T19:01:35.758Z"
        ));
        assert!(wildcard_match("a{{any}}b", "a 123 b"));
        assert!(!wildcard_match("a{{any}}b", "a 123 c"));
        assert!(wildcard_match("plain", "plain"));
        assert!(!wildcard_match("plain", "plain!"));
        // Ends that only an overlapping occurrence of the next literal gives.
        assert!(wildcard_match("{{any}}aa", "aaa"));
        assert!(wildcard_match("{{any}}{{any}}", ""));
        assert!(wildcard_match("x{{any}}y{{any}}z", "x1y2y3z"));
        assert!(!wildcard_match("x{{any}}y{{any}}z", "x1y2y3"));
        assert!(wildcard_match(
            "[{{uuid}},{{iso8601}}]",
            "[3dfeb5aa-e597-4c88-b1be-d1b6cdbd33a8,2018-02-06T19:01:35+01:00]"
        ));
        assert!(wildcard_match("é{{any}}日", "é🚀日"));
    }

    #[test]
    fn many_wildcards_against_long_output_finish() {
        // Tried recursively, this ran for minutes (a hang, not a figure: no timing here).
        let actual = "a".repeat(3000);
        assert!(!wildcard_match("{{any}}{{any}}{{any}}{{any}}X", &actual));
        assert!(wildcard_match("{{any}}{{any}}{{any}}{{any}}a", &actual));
    }

    #[test]
    fn cases_share_a_template_and_check_the_stash_and_arguments_they_leave() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("auth.vtl"),
            r#"$util.qr($ctx.stash.put("hasAuth", true))$util.qr($ctx.args.input.put("owner", $ctx.identity.sub)){}"#,
        )
        .unwrap();
        let case = root.join("cases/owner");
        std::fs::create_dir_all(&case).unwrap();
        std::fs::write(
            case.join("context.json"),
            r#"{"arguments": {"input": {"name": "x"}}, "identity": {"sub": "u1", "issuer": "i", "claims": {}}}"#,
        )
        .unwrap();
        std::fs::write(case.join("expected.out"), "{}").unwrap();
        let settings = |args: &str| {
            format!(
                r#"{{"template": "../../auth.vtl", "engine_options": {{"authType": "OPENID_CONNECT"}},
                   "expected_stash": {{"hasAuth": true}}, "expected_args": {args}}}"#
            )
        };
        std::fs::write(
            case.join("case.json"),
            settings(r#"{"input": {"name": "x", "owner": "u1"}}"#),
        )
        .unwrap();
        let summary = run_tree(root, false).unwrap();
        assert_eq!((summary.passed(), summary.failed()), (1, 0), "{summary}");
        std::fs::write(
            case.join("case.json"),
            settings(r#"{"input": {"name": "x"}}"#),
        )
        .unwrap();
        let summary = run_tree(root, false).unwrap();
        assert_eq!(summary.failed(), 1, "{summary}");
        assert!(summary.to_string().contains("arguments"), "{summary}");
    }

    fn case_with(settings: &str, context: &str) -> Summary {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("template.vtl"), "$ctx.args.x").unwrap();
        std::fs::write(dir.path().join("expected.out"), "1").unwrap();
        std::fs::write(dir.path().join("case.json"), settings).unwrap();
        std::fs::write(dir.path().join("context.json"), context).unwrap();
        run_tree(dir.path(), false).unwrap()
    }

    #[test]
    fn a_typo_in_case_json_fails_the_case_and_names_the_key_meant() {
        let ctx = r#"{"arguments": {"x": 1}}"#;
        assert_eq!(
            case_with(r#"{"match": "exact", "x_mine": 1}"#, ctx).failed(),
            0
        );
        for (settings, says) in [
            (r#"{"mtach": "json"}"#, "did you mean `match`?"),
            (r#"{"expected_log": []}"#, "did you mean `expected_logs`?"),
            (
                r#"{"engine_options": {"authtype": "AWS_IAM"}}"#,
                "did you mean `authType`?",
            ),
            (r#"{"match": "jsno"}"#, "did you mean `json`?"),
            (
                r#"{"expected_error": {"mesage": "x"}}"#,
                "did you mean `message`?",
            ),
        ] {
            let summary = case_with(settings, ctx);
            assert_eq!(summary.failed(), 1, "{settings}");
            assert!(summary.to_string().contains(says), "{settings}: {summary}");
        }
    }

    #[test]
    fn unknown_context_keys_are_warnings() {
        let summary = case_with(
            "{}",
            r#"{"arguments": {"x": 1}, "authMode": "AWS_IAM", "identiy": {}}"#,
        );
        assert_eq!(summary.failed(), 0, "{summary}");
        let text = summary.to_string();
        assert!(text.contains("the auth mode goes in case.json"), "{text}");
        assert!(text.contains("did you mean `identity`?"), "{text}");
    }

    /// A case folder with `files`, blessed once; what the run reported and the files after.
    fn blessed(files: &[(&str, &str)]) -> (Summary, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let summary = run_tree(dir.path(), true).unwrap();
        (summary, dir)
    }

    #[test]
    fn bless_keeps_a_json_case_json_and_rewrites_the_records() {
        let template = r#"$util.log.info("hi"){"a": $ctx.args.a}"#;
        let (summary, dir) = blessed(&[
            ("template.vtl", template),
            ("context.json", r#"{"arguments": {"a": 2}}"#),
            ("expected.json", r#"{"a": 1}"#),
            (
                "case.json",
                r#"{"match": "json", "expected_logs": ["INFO: bye"]}"#,
            ),
        ]);
        assert_eq!((summary.failed(), summary.reports[0].blessed), (0, true));
        assert!(!dir.path().join("expected.out").exists());
        let json = read_json(&dir.path().join("expected.json")).unwrap();
        assert_eq!(json, serde_json::json!({"a": 2}));
        let settings = read_json(&dir.path().join("case.json")).unwrap();
        assert_eq!(settings["expected_logs"], serde_json::json!(["INFO: hi"]));
        assert_eq!(run_tree(dir.path(), false).unwrap().failed(), 0);
    }

    #[test]
    fn bless_turns_an_expected_error_into_an_expected_output_and_back() {
        let (summary, dir) = blessed(&[("template.vtl", "{}"), ("expected.err", "it failed\n")]);
        assert_eq!(summary.failed(), 0, "{summary}");
        assert!(!dir.path().join("expected.err").exists());
        assert_eq!(read(&dir.path().join("expected.out")).unwrap(), "{}");

        let (summary, dir) = blessed(&[
            ("template.vtl", r#"$util.error("boom", "Custom")"#),
            ("expected.out", "ok"),
        ]);
        assert_eq!(summary.failed(), 0, "{summary}");
        assert!(!dir.path().join("expected.out").exists());
        let settings = read_json(&dir.path().join("case.json")).unwrap();
        assert_eq!(
            settings["expected_error"],
            serde_json::json!({"message": "boom", "type": "Custom"})
        );
    }

    #[test]
    fn bless_reports_what_it_could_not_fix() {
        let (summary, _dir) = blessed(&[("template.vtl", "abc"), ("expected.pattern", "x+")]);
        assert_eq!(summary.failed(), 1);
        assert!(!summary.reports[0].blessed);
        assert!(
            summary.to_string().contains("--bless did not fix it"),
            "{summary}"
        );
    }

    #[test]
    fn diffs_show_what_is_hard_to_see() {
        let d = diff("a\tb\nkeep\nend", "a b  \nkeep\nend\n");
        assert!(d.contains("-a[-→-]b\n"), "{d}");
        assert!(d.contains("+a{+ +}b{+··+}\n"), "{d}");
        assert!(d.contains("-end\n\\ No newline at end of file\n"), "{d}");
        assert!(d.contains("+end\n"), "{d}");
        COLOR.set(true);
        let d = diff(
            "\"index\" : \"userId-index\",",
            "\"index\" : \"ownerId-index\",",
        );
        COLOR.set(false);
        assert!(d.contains("\x1b[31m-"), "{d:?}");
        assert!(d.contains("\x1b[7m"), "{d:?}");
    }
}
