//! `appsync-vtl`: run AppSync mapping templates from the command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use appsync_vtl::{AuthMode, Clock, Context, Engine, IdSource, Profile};
use clap::{Args, Parser, Subcommand};
use serde_json::Value as J;

/// Exit status for a bad input file (missing, unreadable, invalid JSON) or flag value.
const EXIT_INPUT: u8 = 2;
/// Exit status for a template that does not parse.
const EXIT_PARSE: u8 = 3;
/// Exit status for an error while rendering.
const EXIT_RENDER: u8 = 4;
/// Exit status for a resolver file that does not describe a resolver (`resolve`): no
/// `pipelineConfig.functions`, a missing template file, an unknown data source...
const EXIT_RESOLVER: u8 = 5;

#[derive(Parser)]
#[command(
    name = "appsync-vtl",
    version,
    about = "Run AWS AppSync VTL mapping templates offline",
    after_help = "Files are taken as the AWS CLI takes them: a path or file://path, - for \
standard input, and for JSON arguments the JSON itself (--context '{\"arguments\": {}}')."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a template and print the result exactly (no newline added). A template that
    /// runs `#return(value)` prints that value as JSON instead, as AppSync then takes it as
    /// the template's result (a bare `#return` prints `null`).
    Render(RenderArgs),
    /// Evaluate a template like `aws appsync evaluate-mapping-template`: print one JSON
    /// object with evaluationResult (or error), logs, stash and outErrors. Exits 0 whenever
    /// it printed that object, even for a template error, as the AWS API answers 200.
    Evaluate(EvaluateArgs),
    /// Run a whole unit or pipeline resolver described by a JSON file and print
    /// `{"data": ..., "errors": [...]}`.
    Resolve(ResolveArgs),
    /// Run a tree of golden-file cases (see `appsync_vtl::testing`); print a diff for each
    /// failure and `N passed, N failed`. Exit 1 if any failed.
    Test(TestArgs),
    /// Time a template: compile once and render it many times (warm), compile and render
    /// each time (cold), compile only (parse). Prints the median ns per render of several
    /// runs. Takes every flag of `render`.
    Bench(BenchArgs),
    /// Print a shell completion script: `appsync-vtl completions bash > /etc/bash_completion.d/appsync-vtl`,
    /// `... zsh > "${fpath[1]}/_appsync-vtl"`, `... fish > ~/.config/fish/completions/appsync-vtl.fish`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
struct BenchArgs {
    #[command(flatten)]
    render: RenderArgs,
    /// Renders per timed run (default: enough for about 0.2 s per run).
    #[arg(long)]
    iterations: Option<u64>,
    /// Timed runs per measurement; the median is reported.
    #[arg(long, default_value_t = 5)]
    runs: u32,
    /// Print `{"warm_ns": .., "cold_ns": .., "parse_ns": .., "iterations": .., "runs": ..}`.
    #[arg(long)]
    json: bool,
}

/// The inputs of evaluate and resolve: an AppSync context, an identity from a token, a
/// pinned clock and ids.
#[derive(Args)]
struct CallArgs {
    /// The context JSON (what `--context` of evaluate-mapping-template takes: arguments,
    /// identity, source, info, request...).
    #[arg(long)]
    context: Option<Input>,
    /// How the caller was authorized (default: from the token, else from the identity).
    #[arg(long)]
    auth_mode: Option<AuthMode>,
    /// A JWT (Auth0/OIDC or Cognito): `$ctx.identity` is built from its claims.
    #[arg(long, conflicts_with = "jwt_file")]
    jwt: Option<String>,
    /// A file holding the JWT.
    #[arg(long)]
    jwt_file: Option<Input>,
    /// Pin the clock (RFC 3339).
    #[arg(long)]
    now: Option<String>,
    /// Seed the id generator.
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Args)]
struct EvaluateArgs {
    /// The template file.
    #[arg(long)]
    template: Input,
    #[command(flatten)]
    call: CallArgs,
}

#[derive(Args)]
struct ResolveArgs {
    /// The resolver description (kind, templates, data sources with canned responses).
    resolver: Input,
    #[command(flatten)]
    call: CallArgs,
    /// Also print every step (templates' results, data-source requests and answers) to stderr.
    #[arg(long)]
    trace: bool,
    /// Write every step as JSON to FILE: `[{"name", "output", "context"}]`, where `context`
    /// is the `$ctx` a template step was given (to render that step alone).
    #[arg(long, value_name = "FILE")]
    trace_json: Option<PathBuf>,
}

#[derive(Args)]
struct TestArgs {
    /// Folders of cases.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Rewrite the expected files of failing cases from what the engine produces.
    #[arg(long)]
    bless: bool,
    /// Run only the cases whose path (below the folder given) contains PATTERN.
    #[arg(long, value_name = "PATTERN")]
    filter: Option<String>,
    /// Run again whenever a file under the folders changes (Ctrl-C to stop).
    #[arg(long, conflicts_with = "bless")]
    watch: bool,
    /// Colour the diffs: auto (when stdout is a terminal and NO_COLOR is not set), always,
    /// never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    color: ColorWhen,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// What a render needs: the template and its inputs.
#[derive(Args)]
struct RenderArgs {
    /// The template file.
    template: Input,
    /// AppSync context JSON ($ctx: arguments, identity, source, stash, result...).
    #[arg(long)]
    context: Option<Input>,
    /// JSON object whose top-level keys become variables; a `ctx`/`context` key is the
    /// context.
    #[arg(long)]
    vars: Option<Input>,
    /// appsync (default) or velocity.
    #[arg(long, default_value = "appsync")]
    profile: Profile,
    /// How the caller was authorized: API_KEY, AWS_IAM, AMAZON_COGNITO_USER_POOLS,
    /// OPENID_CONNECT or AWS_LAMBDA (default: inferred from the context's identity).
    #[arg(long)]
    auth_mode: Option<AuthMode>,
    /// Pin the clock (RFC 3339, e.g. 2024-03-15T12:34:56.789Z).
    #[arg(long)]
    now: Option<String>,
    /// Seed the id generator ($util.autoId...) for reproducible output.
    #[arg(long)]
    seed: Option<u64>,
}

/// A failure with its exit status.
struct Failure(u8, String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render(args) => render(&args),
        Command::Evaluate(args) => evaluate(&args),
        Command::Resolve(args) => resolve(&args),
        Command::Test(args) => test(&args),
        Command::Bench(args) => bench(&args),
        Command::Completions { shell } => {
            use clap::CommandFactory as _;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "appsync-vtl",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, message)) => {
            // (A closed stderr is no reason to panic: the status still says it failed.)
            let _ = writeln!(std::io::stderr().lock(), "appsync-vtl: {message}");
            ExitCode::from(code)
        }
    }
}

/// Writes a line to standard output; a reader that went away (`| head`) ends the output,
/// it does not panic (`println!` does).
fn say(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

fn input_error(message: impl std::fmt::Display) -> Failure {
    Failure(EXIT_INPUT, message.to_string())
}

/// A file argument, as the AWS CLI takes them: a path or `file://path`, `-` for standard
/// input, and where JSON is expected the JSON itself (`{...}` or `[...]`, inline).
#[derive(Clone, Debug)]
struct Input(String);

impl std::str::FromStr for Input {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Input, Self::Err> {
        Ok(Input(s.to_string()))
    }
}

impl Input {
    fn is_stdin(&self) -> bool {
        self.0 == "-"
    }

    fn is_inline_json(&self) -> bool {
        self.0.trim_start().starts_with(['{', '['])
    }

    /// The file, for an argument that names one.
    fn path(&self) -> Option<&Path> {
        if self.is_stdin() || self.is_inline_json() {
            return None;
        }
        Some(Path::new(self.0.strip_prefix("file://").unwrap_or(&self.0)))
    }

    /// Where paths inside the input start from: the file's folder, else the current one.
    fn base_dir(&self) -> &Path {
        self.path()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }
}

impl std::fmt::Display for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.path() {
            Some(p) => write!(f, "{}", p.display()),
            None if self.is_stdin() => f.write_str("<stdin>"),
            None => f.write_str("<inline JSON>"),
        }
    }
}

/// The text of a file argument (inline JSON is not text here: a template or a token).
fn read(input: &Input) -> Result<String, Failure> {
    let bytes = if input.is_stdin() {
        static TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if TAKEN.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return Err(input_error("only one argument can read standard input (-)"));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| input_error(format!("<stdin>: {e}")))?;
        bytes
    } else {
        let path = Path::new(input.0.strip_prefix("file://").unwrap_or(&input.0));
        if path.is_dir() {
            return Err(input_error(format!(
                "{}: is a directory, not a file",
                path.display()
            )));
        }
        std::fs::read(path).map_err(|e| input_error(format!("{}: {e}", path.display())))?
    };
    String::from_utf8(bytes).map_err(|e| input_error(format!("{input}: not valid UTF-8 ({e})")))
}

fn read_json(input: &Input) -> Result<serde_json::Value, Failure> {
    let text = if input.is_inline_json() {
        input.0.clone()
    } else {
        read(input)?
    };
    serde_json::from_str(&text).map_err(|e| input_error(format!("{input}: invalid JSON: {e}")))
}

impl RenderArgs {
    fn context(&self) -> Result<Context, Failure> {
        let mut ctx = match &self.vars {
            Some(path) => Context::from_vars(read_json(path)?)
                .map_err(|e| input_error(format!("{path}: {e}")))?,
            None => Context::new(),
        };
        if let Some(path) = &self.context {
            ctx = ctx
                .with_context(read_json(path)?)
                .map_err(|e| input_error(format!("{path}: {e}")))?;
        }
        if let Some(mode) = self.auth_mode {
            ctx = ctx.with_auth_mode(mode);
        }
        Ok(ctx)
    }

    fn engine(&self) -> Result<Engine, Failure> {
        engine(self.profile, self.now.as_deref(), self.seed)
    }
}

fn engine(profile: Profile, now: Option<&str>, seed: Option<u64>) -> Result<Engine, Failure> {
    let mut engine = Engine::new().with_profile(profile);
    if let Some(now) = now {
        let ms = chrono::DateTime::parse_from_rfc3339(now)
            .map_err(|_| input_error(format!("--now: `{now}` is not an RFC 3339 time")))?
            .timestamp_millis();
        engine = engine.with_clock(Clock::Fixed(ms));
    }
    if let Some(seed) = seed {
        engine = engine.with_ids(IdSource::Seeded(seed));
    }
    Ok(engine)
}

/// The context of evaluate and resolve: the context file, the identity from a token, the
/// auth mode.
/// The context of `--context`, with the identity of `--jwt`. `field` (the resolver file's
/// `typeName` and `fieldName`) fills `$ctx.info` where the context leaves it out, as AppSync
/// always knows which field it resolves (and names it in each error's `path`).
fn appsync_context(args: &CallArgs, field: Option<(&J, &J)>) -> Result<Context, Failure> {
    let json = match &args.context {
        Some(path) => Some((read_json(path)?, path)),
        None => None,
    };
    let mut ctx = match (json, field) {
        (None, None) => Context::new(),
        (json, field) => {
            let (mut json, path) = match json {
                Some((json, path)) => (json, Some(path)),
                None => (J::Object(Default::default()), None),
            };
            if let (Some((type_name, field_name)), Some(ctx)) = (field, json.as_object_mut()) {
                let info = ctx
                    .entry("info")
                    .or_insert_with(|| J::Object(Default::default()));
                if let Some(info) = info.as_object_mut() {
                    if !type_name.is_null() {
                        info.entry("parentTypeName")
                            .or_insert_with(|| type_name.clone());
                    }
                    if !field_name.is_null() {
                        info.entry("fieldName")
                            .or_insert_with(|| field_name.clone());
                    }
                }
            }
            Context::appsync(json).map_err(|e| match path {
                Some(path) => input_error(format!("{path}: {e}")),
                None => input_error(e.to_string()),
            })?
        }
    };
    let token = match (&args.jwt, &args.jwt_file) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(path)) => Some(read(path)?.trim().to_string()),
        (None, None) => None,
    };
    if let Some(token) = token {
        let source_ip: Vec<String> = ctx
            .appsync_context()
            .and_then(|c| c.pointer("/identity/sourceIp"))
            .and_then(|ips| ips.as_array())
            .map(|ips| {
                ips.iter()
                    .filter_map(|ip| ip.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let (mode, identity) =
            appsync_vtl::resolver::identity_from_jwt(&token, args.auth_mode, &source_ip)
                .map_err(|e| input_error(format!("--jwt: {e}")))?;
        ctx = ctx.with_identity(identity).with_auth_mode(mode);
    }
    if let Some(mode) = args.auth_mode {
        ctx = ctx.with_auth_mode(mode);
    }
    Ok(ctx)
}

fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|_| out.flush())
        .map_err(|e| Failure(EXIT_RENDER, format!("writing the output: {e}")))
}

/// `EvaluateMappingTemplate`'s response: `evaluationResult` or `error`, `logs`, and `stash`
/// and `outErrors` as JSON strings. The error also says where (`line`, `column`).
fn evaluate(args: &EvaluateArgs) -> Result<(), Failure> {
    let source = read(&args.template)?;
    let ctx = appsync_context(&args.call, None)?;
    let engine = engine(Profile::AppSync, args.call.now.as_deref(), args.call.seed)?;
    let name = args.template.to_string();
    let mut response = serde_json::Map::new();
    match engine.compile(&name, &source).and_then(|t| t.render(&ctx)) {
        Ok(r) => {
            response.insert(
                "evaluationResult".into(),
                r.evaluation_result().into_owned().into(),
            );
            response.insert("logs".into(), r.logs.clone().into());
            response.insert(
                "stash".into(),
                serde_json::Value::Object(r.stash.clone())
                    .to_string()
                    .into(),
            );
            let out_errors: Vec<serde_json::Value> = r
                .errors
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "errorType": e.error_type, "message": e.message,
                        "data": e.data, "errorInfo": e.error_info,
                    })
                })
                .collect();
            response.insert(
                "outErrors".into(),
                serde_json::Value::from(out_errors).to_string().into(),
            );
        }
        Err(e) => {
            let a = e.appsync_error();
            let mut error = serde_json::Map::new();
            error.insert("message".into(), a.message.into());
            if let Some(t) = a.error_type {
                error.insert("errorType".into(), t.into());
            }
            if let (Some(l), Some(c)) = (e.line(), e.column()) {
                error.insert("line".into(), l.into());
                error.insert("column".into(), c.into());
            }
            response.insert("error".into(), error.into());
            response.insert("logs".into(), e.logs().to_vec().into());
        }
    }
    print_json(&serde_json::Value::Object(response))
}

fn resolve(args: &ResolveArgs) -> Result<(), Failure> {
    let config = read_json(&args.resolver)?;
    let base = args.resolver.base_dir();
    let engine = engine(Profile::AppSync, args.call.now.as_deref(), args.call.seed)?;
    // With the `dynamodb` feature, AMAZON_DYNAMODB data sources without canned responses
    // run against the endpoint the AWS environment names.
    #[cfg(feature = "dynamodb")]
    let resolver = appsync_vtl::Resolver::from_config_with(
        &config,
        base,
        &engine,
        &appsync_vtl::resolver::DynamoDbFactory,
    );
    #[cfg(not(feature = "dynamodb"))]
    let resolver = appsync_vtl::Resolver::from_config(&config, base, &engine);
    let resolver = resolver.map_err(|e| {
        let code = if e.is_syntax() {
            EXIT_PARSE
        } else {
            EXIT_RESOLVER
        };
        Failure(code, format!("{}: {e:#}", args.resolver))
    })?;
    let field = (
        config.get("typeName").unwrap_or(&J::Null),
        config.get("fieldName").unwrap_or(&J::Null),
    );
    let ctx = appsync_context(&args.call, Some(field))?;
    let resolution = match &args.trace_json {
        Some(_) => resolver.resolve_traced(&ctx),
        None => resolver.resolve(&ctx),
    };
    if let Some(path) = &args.trace_json {
        let steps: Vec<J> = resolution
            .steps
            .iter()
            .map(|s| {
                let mut m = serde_json::Map::new();
                m.insert("name".into(), s.name.clone().into());
                m.insert("output".into(), s.output.clone().into());
                if let Some(c) = &s.context {
                    m.insert("context".into(), c.clone());
                }
                J::Object(m)
            })
            .collect();
        let text = serde_json::to_string_pretty(&J::Array(steps)).unwrap_or_default();
        std::fs::write(path, text + "\n")
            .map_err(|e| input_error(format!("{}: {e}", path.display())))?;
    }
    if args.trace {
        for step in &resolution.steps {
            let _ = writeln!(
                std::io::stderr().lock(),
                "== {}\n{}",
                step.name,
                step.output
            );
        }
    }
    print_json(&resolution.to_json())
}

fn test(args: &TestArgs) -> Result<(), Failure> {
    if !args.watch {
        return test_once(args);
    }
    use notify::Watcher as _;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(tx).map_err(|e| input_error(format!("watching: {e}")))?;
    for dir in &args.dirs {
        watcher
            .watch(dir, notify::RecursiveMode::Recursive)
            .map_err(|e| input_error(format!("watching {}: {e}", dir.display())))?;
    }
    loop {
        // A failing run is reported and watched again; only bad input ends the watch.
        match test_once(args) {
            Err(Failure(code, message)) if code == EXIT_INPUT => {
                return Err(Failure(code, message));
            }
            Err(Failure(_, message)) => say(format_args!("{message}")),
            Ok(()) => {}
        }
        say(format_args!("watching for changes (Ctrl-C to stop)"));
        // One run for a burst of changes (an editor's save is several events).
        loop {
            match rx.recv() {
                Ok(Ok(event)) if !event.kind.is_access() => break,
                Ok(_) => continue,
                Err(_) => return Ok(()),
            }
        }
        while rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_ok()
        {}
    }
}

fn test_once(args: &TestArgs) -> Result<(), Failure> {
    let mut total = appsync_vtl::testing::Summary::default();
    for dir in &args.dirs {
        if !dir.is_dir() {
            return Err(input_error(format!("{}: not a folder", dir.display())));
        }
        let mut options = appsync_vtl::testing::RunOptions::default();
        options.bless = args.bless;
        options.filter = args.filter.clone();
        options.color = match args.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                std::io::IsTerminal::is_terminal(&std::io::stdout())
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let summary = appsync_vtl::testing::run_tree_with(dir, &options)
            .map_err(|e| input_error(format!("{}: {e}", dir.display())))?;
        total.reports.extend(summary.reports);
    }
    let blessed = total.reports.iter().filter(|r| r.blessed).count();
    say(format_args!("{total}"));
    if blessed > 0 {
        say(format_args!(
            "{blessed} {} rewritten by --bless and now passing: review the diff before committing",
            if blessed == 1 { "case" } else { "cases" }
        ));
    }
    if total.reports.is_empty() {
        if let Some(filter) = &args.filter {
            return Err(input_error(format!("no test case matches `{filter}`")));
        }
        return Err(input_error("no test cases found in the given folders"));
    }
    if total.failed() > 0 {
        let n = total.failed();
        let cases = if n == 1 { "case" } else { "cases" };
        return Err(Failure(1, format!("{n} {cases} failed")));
    }
    Ok(())
}

fn render(args: &RenderArgs) -> Result<(), Failure> {
    let source = read(&args.template)?;
    let ctx = args.context()?;
    let engine = args.engine()?;
    let name = args.template.to_string();
    let template = engine
        .compile(&name, &source)
        .map_err(|e| Failure(EXIT_PARSE, format!("{e:#}")))?;
    let rendered = template
        .render(&ctx)
        .map_err(|e| Failure(EXIT_RENDER, format!("{e:#}")))?;
    let mut out = std::io::stdout().lock();
    out.write_all(rendered.evaluation_result().as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Failure(EXIT_RENDER, format!("writing the output: {e}")))
}

/// The process's resident memory in kB, where the system tells it (`/proc/self/status`).
fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bench(args: &BenchArgs) -> Result<(), Failure> {
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    let source = read(&args.render.template)?;
    let ctx = args.render.context()?;
    let engine = args.render.engine()?;
    let name = args.render.template.to_string();
    let compile = || {
        engine
            .compile(&name, black_box(&source))
            .map_err(|e| Failure(EXIT_PARSE, format!("{e:#}")))
    };
    let template = compile()?;
    // Renders that fail would time the error path: refuse them.
    template
        .render(&ctx)
        .map_err(|e| Failure(EXIT_RENDER, format!("{e:#}")))?;

    // ns per iteration of `body` over `n` iterations, median of `runs` runs.
    let median = |n: u64, body: &dyn Fn()| -> f64 {
        let mut times: Vec<f64> = (0..args.runs.max(1))
            .map(|_| {
                let start = Instant::now();
                for _ in 0..n {
                    body();
                }
                start.elapsed().as_nanos() as f64 / n as f64
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times.get(times.len() / 2).copied().unwrap_or_default()
    };
    let warm_body = || {
        let _ = black_box(template.render(black_box(&ctx)));
    };
    let iterations = match args.iterations {
        Some(n) => n.max(1),
        None => {
            // Calibrate on warm renders, and warm the caches while at it.
            let mut n = 1u64;
            loop {
                let start = Instant::now();
                for _ in 0..n {
                    warm_body();
                }
                if start.elapsed() >= Duration::from_millis(20) || n >= 1 << 30 {
                    break (n * 10).max(1);
                }
                n *= 2;
            }
        }
    };
    // Memory after warming up and after all the warm renders: a render that leaks shows
    // as growth between the two.
    let rss_before = resident_kb();
    let warm = median(iterations, &warm_body);
    let rss_after = resident_kb();
    // Cold runs are slower; fewer iterations keep the total time near the warm one's.
    let cold_iterations = (iterations / 4).max(1);
    let cold = median(cold_iterations, &|| {
        if let Ok(t) = compile() {
            let _ = black_box(t.render(black_box(&ctx)));
        }
    });
    let parse = median(cold_iterations, &|| {
        let _ = black_box(compile());
    });
    let report = if args.json {
        serde_json::json!({
            "warm_ns": warm.round() as u64,
            "cold_ns": cold.round() as u64,
            "parse_ns": parse.round() as u64,
            "iterations": iterations,
            "runs": args.runs.max(1),
            "rss_before_kb": rss_before,
            "rss_after_kb": rss_after,
        })
        .to_string()
    } else {
        format!(
            "{name}\n  warm render (compiled once): {warm:>12.0} ns\n  cold (compile + render):     {cold:>12.0} ns\n  compile only:                {parse:>12.0} ns\n  median of {} runs of {iterations} renders ({cold_iterations} cold){}",
            args.runs.max(1),
            match (rss_before, rss_after) {
                (Some(b), Some(a)) =>
                    format!("\n  resident memory before and after the warm runs: {b} kB, {a} kB"),
                _ => String::new(),
            }
        )
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{report}")
        .and_then(|_| out.flush())
        .map_err(|e| Failure(EXIT_RENDER, format!("writing the output: {e}")))
}
