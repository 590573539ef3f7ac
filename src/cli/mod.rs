//! The binary: parse arguments, call the library, print, map the outcome to an exit code.

mod args;
mod build;
mod explore;
mod progress;
mod show;
mod term;

use args::{Cli, Command, DictCommand};
use clap::Parser;
use notegraph::dictionary::EntityId;
use notegraph::error::Error;
use notegraph::workspace::Workspace;
use std::io::{self, Write};
use std::process::ExitCode;

/// What a command found.
pub enum Outcome {
    /// Something was found or done: exit 0.
    Found,
    /// The query found nothing: exit 1.
    Nothing,
}

/// Errors of the binary: the library's, or a failed write to stdout.
pub enum CliError {
    /// A library error: exit 2 with its message.
    Lib(Error),
    /// Writing to stdout failed.
    Io(io::Error),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Lib(e)
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Io(e)
    }
}

/// Runs the command line and turns the result into the documented exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(Outcome::Found) => ExitCode::SUCCESS,
        Ok(Outcome::Nothing) => ExitCode::from(1),
        // `notegraph notes OpenAI | head -1` closes the pipe early; that is not an error.
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(CliError::Io(e)) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
        Err(CliError::Lib(e)) => {
            // Several problems (a broken dictionary, --strict) come one per line: each line
            // is an error of its own and says so.
            let mut err = io::stderr().lock();
            for line in e.to_string().lines() {
                let _ = writeln!(err, "error: {line}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<Outcome, CliError> {
    match cli.command {
        Command::Build(a) => build::build(&a),
        Command::Render(a) => build::render(&a),
        Command::Dict(DictCommand::Check(a)) => build::dict_check(&a),
        Command::Dict(DictCommand::Suggest(a)) => build::dict_suggest(&a),
        Command::Notes(a) => explore::notes(&a),
        Command::Explain(a) => explore::explain(&a),
        Command::Entity(a) => explore::entity(&a),
        Command::Related(a) => explore::related(&a),
        Command::Path(a) => explore::path(&a),
        Command::Top(a) => explore::top(&a),
        Command::Stats(a) => explore::stats(&a),
        Command::Timeline(a) => explore::timeline(&a),
    }
}

/// Builds the workspace and keeps it until the process exits. Every command runs once and
/// exits, so the workspace is leaked rather than freed: dropping a large corpus's entries
/// and mentions one allocation at a time cost ~0.1 s (1.8% of a 100 MB build's CPU profile)
/// after the work was done.
pub fn open(opts: &notegraph::workspace::Options) -> Result<&'static Workspace, Error> {
    Ok(Box::leak(Box::new(Workspace::build(opts)?)))
}

/// Prints warnings about damaged notes to stderr, one per line.
pub fn print_warnings(ws: &Workspace, all: bool) {
    let mut err = io::stderr().lock();
    // A folder of damaged exports can produce thousands of warnings; past a screenful they
    // bury the summary, and the rest are usually more of the same.
    let shown = if all {
        ws.warnings.len()
    } else {
        ws.warnings.len().min(MAX_WARNINGS)
    };
    for w in &ws.warnings[..shown] {
        let _ = writeln!(err, "warning: {w}");
    }
    let hidden = ws.warnings.len() - shown;
    if hidden > 0 {
        let _ = writeln!(
            err,
            "warning: {hidden} more warnings not shown (hint: pass --all-warnings to list them)"
        );
    }
}

/// Warnings printed before the rest are summed up in one line.
const MAX_WARNINGS: usize = 30;

/// Resolves a name typed by the user, or explains what it could have meant.
pub fn resolve(ws: &Workspace, name: &str) -> Result<EntityId, Error> {
    if name.trim().is_empty() {
        return Err(Error::query(
            "empty entity name",
            "name an entity, e.g. notegraph notes OpenAI",
        ));
    }
    ws.dictionary.resolve(name).ok_or_else(|| {
        let hints = ws.dictionary.suggest(name, 5);
        let hint = if hints.is_empty() {
            "check the spelling, or add the entity to dictionaries/".to_string()
        } else {
            format!("did you mean {}?", hints.join(", "))
        };
        Error::query(format!("unknown entity {name:?}"), hint)
    })
}

/// Resolves `--around`: the entity must exist and be mentioned, or the ego network would be
/// silently empty.
pub fn resolve_around(ws: &Workspace, name: Option<&str>) -> Result<Option<EntityId>, Error> {
    let Some(name) = name else {
        return Ok(None);
    };
    let id = resolve(ws, name)?;
    if ws.graph.position(id).is_none() {
        return Err(Error::query(
            format!(
                "--around {name:?}: no note mentions {}",
                ws.dictionary.get(id).name
            ),
            "pick an entity the notes mention, or check its aliases in the dictionary",
        ));
    }
    Ok(Some(id))
}
