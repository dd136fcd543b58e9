//! `sinch-voice`: the command-line companion of the `sinch-voice` crate.
//!
//! For now it has one subcommand, `demo`, which shows the whole stack working together with
//! nothing but 127.0.0.1: it starts the Sinch Voice emulator in-process and a callback server
//! built on `sinch_voice::callbacks::CallbackRouter` that runs a small IVR, then plays an
//! inbound call and an outbound callout through it, printing every callback and SVAML reply
//! as it happens. No credentials are needed. Exit status: 0 when the demo ran as expected,
//! 1 when something failed, 2 for a usage error.

mod demo;

use std::process::ExitCode;

const USAGE: &str = "\
usage: sinch-voice <command>

commands:
  demo    play an IVR call flow against a local emulator (no credentials needed)

options:
  -h, --help    print this help";

const DEMO_USAGE: &str = "\
usage: sinch-voice demo

Starts the Sinch Voice emulator and an IVR callback server on 127.0.0.1, then plays two
calls: an inbound call that presses 1 and joins the conference \"sales\", and a callout
whose callee presses 2 and hears goodbye. Every callback and SVAML reply is printed as it
happens, then a summary.";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help(&'static str),
    Demo,
}

/// Reads the arguments (without the program name); `Err` carries the usage error message.
fn parse(args: &[String]) -> Result<Command, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["-h" | "--help" | "help"] => Ok(Command::Help(USAGE)),
        ["demo"] => Ok(Command::Demo),
        ["demo", "-h" | "--help"] => Ok(Command::Help(DEMO_USAGE)),
        ["demo", extra, ..] => Err(format!("unexpected argument {extra:?} for `demo`")),
        [] => Err("no command given".into()),
        [option, ..] if option.starts_with('-') => Err(format!("unknown option {option:?}")),
        [command, ..] => Err(format!("unknown command {command:?}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(Command::Help(text)) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Ok(Command::Demo) => match demo::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_the_demo_and_help() {
        assert_eq!(parse(&args(&["demo"])), Ok(Command::Demo));
        assert_eq!(parse(&args(&["--help"])), Ok(Command::Help(USAGE)));
        assert_eq!(parse(&args(&["-h"])), Ok(Command::Help(USAGE)));
        assert_eq!(
            parse(&args(&["demo", "--help"])),
            Ok(Command::Help(DEMO_USAGE))
        );
    }

    #[test]
    fn refuses_anything_else() {
        assert!(parse(&args(&[])).is_err());
        assert!(
            parse(&args(&["frobnicate"]))
                .unwrap_err()
                .contains("frobnicate")
        );
        assert!(
            parse(&args(&["--verbose"]))
                .unwrap_err()
                .contains("--verbose")
        );
        assert!(parse(&args(&["demo", "now"])).unwrap_err().contains("now"));
    }
}
