//! `appsync-vtl`: run AppSync mapping templates from the command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use appsync_vtl::{AuthMode, Clock, Context, Engine, IdSource, Profile};
use clap::{Args, Parser, Subcommand};

/// Exit status for a bad input file (missing, unreadable, invalid JSON) or flag value.
const EXIT_INPUT: u8 = 2;
/// Exit status for a template that does not parse.
const EXIT_PARSE: u8 = 3;
/// Exit status for an error while rendering.
const EXIT_RENDER: u8 = 4;

#[derive(Parser)]
#[command(
    name = "appsync-vtl",
    version,
    about = "Run AWS AppSync VTL mapping templates offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a template and print the result exactly (no newline added).
    Render(RenderArgs),
}

/// What a render needs: the template and its inputs.
#[derive(Args)]
struct RenderArgs {
    /// The template file.
    template: PathBuf,
    /// AppSync context JSON ($ctx: arguments, identity, source, stash, result...).
    #[arg(long)]
    context: Option<PathBuf>,
    /// JSON object whose top-level keys become variables; a `ctx`/`context` key is the
    /// context.
    #[arg(long)]
    vars: Option<PathBuf>,
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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, message)) => {
            eprintln!("appsync-vtl: {message}");
            ExitCode::from(code)
        }
    }
}

fn input_error(message: impl std::fmt::Display) -> Failure {
    Failure(EXIT_INPUT, message.to_string())
}

fn read(path: &Path) -> Result<String, Failure> {
    if path.is_dir() {
        return Err(input_error(format!(
            "{}: is a directory, not a file",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| input_error(format!("{}: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|e| input_error(format!("{}: not valid UTF-8 ({e})", path.display())))
}

fn read_json(path: &Path) -> Result<serde_json::Value, Failure> {
    let text = read(path)?;
    serde_json::from_str(&text)
        .map_err(|e| input_error(format!("{}: invalid JSON: {e}", path.display())))
}

impl RenderArgs {
    fn context(&self) -> Result<Context, Failure> {
        let mut ctx = match &self.vars {
            Some(path) => Context::from_vars(read_json(path)?)
                .map_err(|e| input_error(format!("{}: {e}", path.display())))?,
            None => Context::new(),
        };
        if let Some(path) = &self.context {
            ctx = ctx
                .with_context(read_json(path)?)
                .map_err(|e| input_error(format!("{}: {e}", path.display())))?;
        }
        if let Some(mode) = self.auth_mode {
            ctx = ctx.with_auth_mode(mode);
        }
        Ok(ctx)
    }

    fn engine(&self) -> Result<Engine, Failure> {
        let mut engine = Engine::new().with_profile(self.profile);
        if let Some(now) = &self.now {
            let ms = chrono::DateTime::parse_from_rfc3339(now)
                .map_err(|_| input_error(format!("--now: `{now}` is not an RFC 3339 time")))?
                .timestamp_millis();
            engine = engine.with_clock(Clock::Fixed(ms));
        }
        if let Some(seed) = self.seed {
            engine = engine.with_ids(IdSource::Seeded(seed));
        }
        Ok(engine)
    }
}

fn render(args: &RenderArgs) -> Result<(), Failure> {
    let source = read(&args.template)?;
    let ctx = args.context()?;
    let engine = args.engine()?;
    let name = args.template.display().to_string();
    let template = engine
        .compile(&name, &source)
        .map_err(|e| Failure(EXIT_PARSE, format!("{e:#}")))?;
    let rendered = template
        .render(&ctx)
        .map_err(|e| Failure(EXIT_RENDER, format!("{e:#}")))?;
    let mut out = std::io::stdout().lock();
    out.write_all(rendered.output.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Failure(EXIT_RENDER, format!("writing the output: {e}")))
}
