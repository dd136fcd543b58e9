//! `sinch-voice`: the command-line companion of the `sinch-voice` crate.
//!
//! Every Voice API operation (callouts, calls, conferences, numbers, callback URLs), tools
//! for debugging signatures, callbacks and SVAML offline, the local emulator, and `demo`,
//! which plays an IVR call flow against the emulator with nothing but 127.0.0.1.

mod cli;
mod demo;
mod emulator;
mod failure;
mod ops;
mod print;
mod tools;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, Command};
use failure::Failure;

fn main() -> ExitCode {
    let command = cli::with_template(Cli::command());
    let matches = match command.try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return cli::report_clap_error(error),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return cli::report_clap_error(error),
    };
    if cli.global.verbose > 0 {
        let level = if cli.global.verbose > 1 {
            tracing_subscriber::filter::LevelFilter::TRACE
        } else {
            tracing_subscriber::filter::LevelFilter::DEBUG
        };
        tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(std::io::stderr)
            .init();
    }
    let result = match cli.command {
        Command::Demo(args) => demo::run(&args).map_err(Failure::Failed),
        Command::Emulator(args) => emulator::run(&cli.global, args),
        Command::Sign(args) => tools::sign(&cli.global, &args),
        Command::Callback(op) => tools::callback(&cli.global, op),
        Command::Svaml(op) => tools::svaml(&cli.global, op),
        command => ops::run(&cli.global, command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
