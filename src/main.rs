//! `appsync-vtl`: render AppSync mapping templates from the command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use appsync_vtl::{Clock, Context, Engine, IdSource, Profile};
use clap::{Parser, Subcommand};

/// Exit status for a bad input file (missing, unreadable, invalid JSON).
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
    Render {
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
        /// Pin the clock (RFC 3339, e.g. 2024-03-15T12:34:56.789Z).
        #[arg(long)]
        now: Option<String>,
        /// Seed the id generator ($util.autoId...) for reproducible output.
        #[arg(long)]
        seed: Option<u64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Render {
            template,
            context,
            vars,
            profile,
            now,
            seed,
        } => render(
            &template,
            context.as_deref(),
            vars.as_deref(),
            profile,
            now,
            seed,
        ),
    }
}

fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("appsync-vtl: {message}");
    ExitCode::from(code)
}

fn read(path: &Path) -> Result<String, String> {
    if path.is_dir() {
        return Err(format!("{}: is a directory, not a file", path.display()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| format!("{}: not valid UTF-8 ({e})", path.display()))
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = read(path)?;
    serde_json::from_str(&text).map_err(|e| format!("{}: invalid JSON: {e}", path.display()))
}

fn render(
    template: &Path,
    context: Option<&Path>,
    vars: Option<&Path>,
    profile: Profile,
    now: Option<String>,
    seed: Option<u64>,
) -> ExitCode {
    let source = match read(template) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_INPUT, e),
    };
    let mut ctx = match vars.map(read_json).transpose() {
        Ok(Some(v)) => match Context::from_vars(v) {
            Ok(c) => c,
            Err(e) => return fail(EXIT_INPUT, e),
        },
        Ok(None) => Context::new(),
        Err(e) => return fail(EXIT_INPUT, e),
    };
    if let Some(path) = context {
        let json = match read_json(path) {
            Ok(j) => j,
            Err(e) => return fail(EXIT_INPUT, e),
        };
        ctx = match ctx.with_context(json) {
            Ok(c) => c,
            Err(e) => return fail(EXIT_INPUT, format!("{}: {e}", path.display())),
        };
    }
    let mut engine = Engine::new().with_profile(profile);
    if let Some(now) = now {
        match parse_rfc3339_millis(&now) {
            Some(ms) => engine = engine.with_clock(Clock::Fixed(ms)),
            None => {
                return fail(
                    EXIT_INPUT,
                    format!("--now: `{now}` is not an RFC 3339 time"),
                );
            }
        }
    }
    if let Some(seed) = seed {
        engine = engine.with_ids(IdSource::Seeded(seed));
    }
    let name = template.display().to_string();
    let compiled = match engine.compile(&name, &source) {
        Ok(t) => t,
        Err(e) => return fail(EXIT_PARSE, format!("{e:#}")),
    };
    match compiled.render(&ctx) {
        Ok(r) => {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(r.output.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                return ExitCode::from(EXIT_RENDER);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(EXIT_RENDER, format!("{e:#}")),
    }
}

/// Milliseconds since the epoch of an RFC 3339 time.
fn parse_rfc3339_millis(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
}
