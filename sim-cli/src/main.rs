//! `breakersim`: find out what Envoy's circuit breakers and outlier detection do with your
//! settings, by simulation.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sim_cli::commands::check::{CheckArgs, check_command};
use sim_cli::commands::compare::{CompareArgs, compare_command};
use sim_cli::commands::explain::{ExplainArgs, explain_command};
use sim_cli::commands::import::{ImportArgs, import_command};
use sim_cli::commands::merge::{MergeArgs, merge_command};
use sim_cli::commands::report::{ReportArgs, report_command};
use sim_cli::commands::run::{RunArgs, run_command};
use sim_cli::commands::schema::{SchemaArgs, schema_command};
use sim_cli::commands::sweep::{SweepArgs, sweep_command};
use sim_cli::commands::tune::{TuneArgs, tune_command};
use sim_cli::diagnostics::{MessageFormat, emit, message_format, set_message_format};
use sim_cli::exit::{CliError, CliResult};
use sim_core::diagnostic::Diagnostic;

#[derive(Parser)]
#[command(
    name = "breakersim",
    version,
    about = "Simulate Envoy circuit breaking and outlier detection"
)]
struct Cli {
    /// How errors and warnings are printed on stderr: with the offending line (human), one
    /// line each (short), or one JSON object per line (json).
    #[arg(long, value_enum, global = true, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Run(RunArgs),
    Sweep(SweepArgs),
    Compare(CompareArgs),
    Explain(ExplainArgs),
    Tune(TuneArgs),
    Merge(MergeArgs),
    Report(ReportArgs),
    Import(ImportArgs),
    Check(CheckArgs),
    Schema(SchemaArgs),
}

fn execute(command: &Command) -> CliResult<String> {
    match command {
        Command::Run(args) => run_command(args),
        Command::Check(args) => check_command(args),
        Command::Import(args) => import_command(args),
        Command::Report(args) => report_command(args),
        Command::Sweep(args) => sweep_command(args),
        Command::Compare(args) => compare_command(args),
        Command::Explain(args) => explain_command(args),
        Command::Tune(args) => tune_command(args),
        Command::Merge(args) => merge_command(args),
        Command::Schema(args) => schema_command(args),
    }
}

/// The format asked for on the command line, read before clap so that a usage error is
/// printed in it too.
fn format_from_args() -> MessageFormat {
    let args: Vec<String> = std::env::args().collect();
    let value = args.iter().enumerate().find_map(|(i, a)| match a.as_str() {
        "--message-format" => args.get(i + 1).map(String::as_str),
        _ => a.strip_prefix("--message-format="),
    });
    match value {
        Some("json") => MessageFormat::Json,
        Some("short") => MessageFormat::Short,
        _ => MessageFormat::Human,
    }
}

/// A usage error (or `--help`, `--version`): clap's own text, or in JSON one diagnostic.
fn usage(e: &clap::Error) -> ExitCode {
    let code = if e.use_stderr() { 2 } else { 0 };
    if e.use_stderr() && format_from_args() == MessageFormat::Json {
        set_message_format(MessageFormat::Json);
        emit(&usage_diagnostic(&e.render().to_string()));
    } else {
        let _ = e.print();
    }
    ExitCode::from(code)
}

/// clap's usage error as a diagnostic: its first line the message, its tip the hint, its usage
/// line what is expected.
fn usage_diagnostic(rendered: &str) -> Diagnostic {
    let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("bad command line");
    let mut d = Diagnostic::command_line(first.trim_start_matches("error: "));
    for line in lines {
        if let Some(tip) = line.strip_prefix("tip: ") {
            d = d.hint(tip);
        } else if let Some(usage) = line.strip_prefix("Usage: ") {
            d = d.expected(usage);
        }
    }
    d
}

/// The stack the command runs on. The YAML parser (saphyr) recurses once per level of a block
/// mapping, so a hostile file nested a few thousand levels deep overflowed the main thread's
/// 8 MiB before the import could refuse it (it refuses more than 100 levels, as protobuf's
/// JSON parser does); 256 MiB of address space, touched only as deep as a file goes, lets it
/// get there.
const STACK_BYTES: usize = 256 << 20;

/// Runs `f` on a thread with `STACK_BYTES` of stack; a panic there stays a panic (exit 101).
fn on_a_large_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let thread = std::thread::Builder::new()
        .name("breakersim".into())
        .stack_size(STACK_BYTES)
        .spawn(f)
        .expect("a thread for the command");
    match thread.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
    set_message_format(cli.message_format);
    match on_a_large_stack(move || execute(&cli.command)) {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(output.as_bytes())
                .and_then(|_| stdout.flush())
            {
                // A reader that went away (`breakersim run x | head`) needs no message.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    let message = format!("cannot write the output to stdout: {e}");
                    emit(&Diagnostic::command_line(message));
                }
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&e);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Prints the failure: every diagnostic of bad input; an internal failure as one message.
fn report(e: &CliError) {
    for d in e.diagnostics() {
        emit(&d);
    }
    if message_format() == MessageFormat::Human
        && let CliError::Input(ds) = e
        && ds.len() > 1
    {
        sim_cli::exit::note(&format!("error: {} problems in the input\n", ds.len()));
    }
}
