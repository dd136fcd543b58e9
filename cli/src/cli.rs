//! The command line, with clap.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "The Sinch Voice API from the command line: place and control calls, run \
conferences, manage numbers and callback URLs; sign requests, verify and parse callbacks, \
validate SVAML; run the local emulator.";

const AFTER_HELP: &str = "\
Credentials come from SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET (or --secret-stdin
for the secret), never from an option value.

Exit status:
  0  success
  1  validation or verification failed (invalid SVAML, malformed callback, bad signature,
     rejected argument), or the demo failed
  2  usage: bad options, missing credentials, unreadable file, unknown region
  3  the API answered with an error (errorCode, message and reference are printed)
  4  network: the request was not sent, got no answer, or timed out";

const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nusage: {usage}\n\n{all-args}{after-help}";

/// `sinch-voice --version`: the crate version and the spec (and corrections) the raw client
/// was generated from, as short sha256 prefixes, e.g.
/// `sinch-voice 0.1.0 (spec sha256 b1f1fcd2ead2, corrections sha256 9a1e965bd61c)`.
pub(crate) fn version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        let short = |digest: &str| digest.get(..12).unwrap_or(digest).to_string();
        let corrections = match sinch_voice::raw::CORRECTIONS_SHA256 {
            "" => "no corrections".to_string(),
            digest => format!("corrections sha256 {}", short(digest)),
        };
        format!(
            "{} (spec sha256 {}, {corrections})",
            env!("CARGO_PKG_VERSION"),
            short(sinch_voice::raw::SPEC_SHA256),
        )
    })
}

/// `sinch-voice`.
#[derive(Debug, Parser)]
#[command(
    name = "sinch-voice",
    version = version(),
    about = ABOUT,
    after_help = AFTER_HELP,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Region of the calling host: global, use1, euc1, sae1, apse1, apse2.
    #[arg(long, global = true, value_name = "KEY")]
    pub(crate) region: Option<String>,
    /// Base URL of the calling host (overrides --region), e.g. the emulator's URL.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) calling_url: Option<String>,
    /// Base URL of the configuration host (numbers, callback URLs).
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) config_url: Option<String>,
    /// How requests are authenticated.
    #[arg(long, global = true, value_enum, default_value_t = AuthArg::Signed)]
    pub(crate) auth: AuthArg,
    /// Machine-readable JSON output on stdout.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Log the client's requests on stderr (-vv for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Read the application secret from stdin instead of SINCH_APPLICATION_SECRET.
    #[arg(long, global = true)]
    pub(crate) secret_stdin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuthArg {
    /// Application-signed requests (HMAC-SHA256).
    Signed,
    /// Basic authentication.
    Basic,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Play an IVR call flow against a local emulator (no credentials needed).
    #[command(
        long_about = "Starts the Sinch Voice emulator and an IVR callback server on 127.0.0.1, \
then plays two calls: an inbound call that presses 1 and joins the conference \"sales\", and \
a callout whose callee presses 2 and hears goodbye. Every callback and SVAML reply is \
printed as it happens, then a summary. With --console the emulator and the IVR keep \
running afterwards, and the emulator's web console (a page to dial the IVR, press keys and \
watch every callback and reply) is printed to open in a browser."
    )]
    Demo(DemoArgs),
    /// Place a callout.
    #[command(subcommand)]
    Callout(CalloutOp),
    /// Read and control calls.
    #[command(subcommand)]
    Call(CallOp),
    /// Read and control conferences.
    #[command(subcommand)]
    Conference(ConferenceOp),
    /// The account's numbers.
    #[command(subcommand)]
    Numbers(NumbersOp),
    /// This application's callback URLs.
    #[command(subcommand)]
    Callbacks(CallbacksOp),
    /// Information about a number.
    #[command(subcommand)]
    Number(NumberOp),
    /// Print the Authorization value of an application-signed request.
    Sign(SignArgs),
    /// Check callbacks offline: verify a signature, parse a body.
    #[command(subcommand)]
    Callback(CallbackOp),
    /// Check SVAML offline.
    #[command(subcommand)]
    Svaml(SvamlOp),
    /// Serve the Sinch Voice emulator on 127.0.0.1 until interrupted (ctrl-c), or drive a
    /// running one (call, press, hangup, calls, events, requests, ...).
    Emulator(EmulatorArgs),
}

/// `demo`: play the two calls, and with `--console` keep going.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Keep the emulator and the IVR running after the demo, with the web console open to
    /// explore the demo's calls and place new ones (ctrl-c to stop).
    #[arg(long)]
    pub(crate) console: bool,
    /// Port of the emulator (0: any free port); with --console, a stable address to bookmark.
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
}

/// `emulator`: serve, or a subcommand that drives a running emulator.
#[derive(Debug, Args)]
pub(crate) struct EmulatorArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    /// Address to listen on instead of 127.0.0.1 (a warning is printed: the control API
    /// needs no credentials).
    #[arg(long, value_name = "IP")]
    pub(crate) listen: Option<String>,
    /// Where the application's callbacks go: a server that already runs, in any language.
    #[arg(long, value_name = "URL")]
    pub(crate) callback_url: Option<String>,
    /// The running emulator to drive (default: SINCH_VOICE_EMULATOR_URL, then
    /// --calling-url / SINCH_VOICE_CALLING_URL).
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) emulator: Option<String>,
    #[command(subcommand)]
    pub(crate) op: Option<EmulatorOp>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EmulatorOp {
    /// A caller dials in; optionally presses keys at each menu, then hangs up.
    Call {
        /// The caller's number.
        #[arg(long)]
        from: String,
        /// The number dialled (one assigned to the application).
        #[arg(long)]
        to: String,
        /// pstn (default) or mxp.
        #[arg(long, default_value = "pstn")]
        domain: String,
        /// Keys to press when a menu plays (repeat: one per menu).
        #[arg(long, value_name = "KEYS")]
        press: Vec<String>,
        /// Hang up as the caller at the end, and wait for the DiCE.
        #[arg(long)]
        hangup: bool,
        /// Wait until the call is over and its DiCE answered.
        #[arg(long)]
        wait: bool,
    },
    /// Press keys on a call.
    Press {
        /// The call id.
        id: String,
        /// DTMF keys (0-9, *, #).
        keys: String,
    },
    /// Say something on a call (heard by enableVoice menus).
    Speak {
        /// The call id.
        id: String,
        /// What is said.
        text: String,
    },
    /// Hang up a call as the caller (or --callee).
    Hangup {
        /// The call id.
        id: String,
        /// The callee hangs up instead.
        #[arg(long)]
        callee: bool,
    },
    /// Answer a ringing callout or leg by hand: as a person, a machine, or reject it as busy.
    Answer {
        /// The call id.
        id: String,
        /// human, machine or busy.
        #[arg(long = "as", value_name = "HOW", default_value = "human")]
        answer: String,
    },
    /// List the calls.
    Calls,
    /// List the conferences and their participants (muted, on hold).
    Conferences,
    /// Show one call: state, legs, transcript, every callback.
    Show {
        /// The call id.
        id: String,
    },
    /// Follow everything that happens (Server-Sent Events), until ctrl-c.
    Events {
        /// Stop once this call is over and its DiCE answered.
        #[arg(long, value_name = "CALL_ID")]
        until_finished: Option<String>,
    },
    /// The REST requests the emulator received.
    Requests {
        /// Only the requests about this call.
        #[arg(long, value_name = "CALL_ID")]
        call: Option<String>,
    },
    /// Script the next callee (or the callee at --number).
    Callee {
        /// answers, human, machine, busy, noAnswer, or manual (rings until `answer`).
        behaviour: String,
        /// Only for this number.
        #[arg(long)]
        number: Option<String>,
        /// Ring this long before answering (ms).
        #[arg(long)]
        after_ms: Option<u64>,
    },
    /// End live calls as a hangup does (each gets its DiCE); forget calls, conferences,
    /// scripted callees and the request log.
    Reset {
        /// Forget live calls at once, with no DiCE or other callback.
        #[arg(long)]
        quiet: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CalloutOp {
    /// Call a number and speak a text.
    Tts {
        /// Whom to call (E.164).
        #[arg(long)]
        to: String,
        /// Caller id shown (E.164).
        #[arg(long)]
        cli: String,
        /// What to say.
        #[arg(long)]
        text: String,
        /// Voice locale, e.g. en-US.
        #[arg(long)]
        locale: Option<String>,
    },
    /// Call a number and join it to a conference.
    Conference {
        /// Whom to call (E.164).
        #[arg(long)]
        to: String,
        /// The conference to join.
        #[arg(long)]
        conference_id: String,
        /// Caller id shown (E.164).
        #[arg(long)]
        cli: Option<String>,
    },
    /// A callout driven by SVAML files (ICE, and optionally ACE and PIE replies).
    Custom {
        /// File with the ICE reply (SVAML JSON).
        #[arg(long, value_name = "FILE")]
        ice: String,
        /// File with the ACE reply (SVAML JSON).
        #[arg(long, value_name = "FILE")]
        ace: Option<String>,
        /// File with the PIE reply (SVAML JSON).
        #[arg(long, value_name = "FILE")]
        pie: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CallOp {
    /// Show a call.
    Get {
        /// The call id.
        id: String,
    },
    /// Control a call with SVAML (PATCH).
    Update {
        /// The call id.
        id: String,
        /// File with the SVAML (JSON).
        #[arg(long, value_name = "FILE")]
        svaml: String,
    },
    /// Hang a call up.
    Hangup {
        /// The call id.
        id: String,
    },
    /// Play or say something on one leg of a call.
    Leg {
        /// The call id.
        id: String,
        /// Which leg.
        #[arg(value_enum)]
        leg: LegArg,
        /// File with the SVAML (JSON).
        #[arg(long, value_name = "FILE")]
        svaml: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LegArg {
    Caller,
    Callee,
    Both,
}

#[derive(Debug, Args)]
pub(crate) struct Participant {
    /// The conference id.
    pub(crate) id: String,
    /// The participant's call id.
    pub(crate) call_id: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConferenceOp {
    /// List a conference's participants.
    Get {
        /// The conference id.
        id: String,
    },
    /// Remove every participant.
    KickAll {
        /// The conference id.
        id: String,
    },
    /// Mute a participant.
    Mute(Participant),
    /// Unmute a participant.
    Unmute(Participant),
    /// Put a participant on hold.
    Hold(Participant),
    /// Take a participant off hold.
    Resume(Participant),
    /// Remove a participant.
    Kick(Participant),
}

#[derive(Debug, Subcommand)]
pub(crate) enum NumbersOp {
    /// List the account's numbers.
    List,
    /// Assign numbers to this application.
    Assign {
        /// Numbers (E.164).
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    /// Un-assign a number.
    Unassign {
        /// The number (E.164).
        number: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CallbacksOp {
    /// Show the callback URLs.
    Get,
    /// Set the callback URLs.
    Set {
        /// Primary callback URL.
        #[arg(long)]
        primary: String,
        /// Fallback callback URL.
        #[arg(long)]
        fallback: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum NumberOp {
    /// Type, country and rate of a number.
    Query {
        /// The number (E.164).
        number: String,
    },
}

/// `sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// HTTP method.
    #[arg(long)]
    pub(crate) method: String,
    /// Path as on the request line (a query is not signed).
    #[arg(long)]
    pub(crate) path: String,
    /// Content-Type exactly as sent; leave out when none is sent.
    #[arg(long)]
    pub(crate) content_type: Option<String>,
    /// File with the body exactly as sent (`-` for stdin); leave out when there is none.
    #[arg(long, value_name = "FILE")]
    pub(crate) body: Option<String>,
    /// The x-timestamp value exactly as sent.
    #[arg(long)]
    pub(crate) timestamp: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CallbackOp {
    /// Verify a callback's signature: exit 0 when genuine, 1 with the reason when not.
    Verify(VerifyArgs),
    /// Parse a callback body: exit 0 with the typed event, 1 with the JSON path of the problem.
    ///
    /// An event the crate does not know (not ice, ace, dice, pie or notify) is not an error:
    /// it is kept whole, as received, and the command still exits 0. Its output starts with
    /// a line saying so (`event NAME: not a known Sinch callback event ...; kept whole, N
    /// fields`); with --json, stdout is the body as received and that line goes to stderr.
    Parse {
        /// File with the body.
        file: String,
    },
}

/// `callback verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// HTTP method as received.
    #[arg(long)]
    pub(crate) method: String,
    /// Path of the callback URL as received.
    #[arg(long)]
    pub(crate) path: String,
    /// A received header, `Name: value` (repeat for each).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// File with the body exactly as received.
    #[arg(long, value_name = "FILE")]
    pub(crate) body: String,
    /// The verifier's "now" (ISO 8601 / RFC 3339); default: the system clock. The
    /// x-timestamp must be within 300 s of it.
    #[arg(long, value_name = "TS")]
    pub(crate) now: Option<String>,
    /// Skip the x-timestamp age check (signature only).
    #[arg(long, conflicts_with = "now")]
    pub(crate) no_age_check: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SvamlOp {
    /// Validate an SVAML document: exit 0 when accepted, 1 with each issue and its path.
    Validate {
        /// Which reply the document is.
        #[arg(long, value_enum)]
        context: SvamlContext,
        /// File with the document.
        file: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SvamlContext {
    /// Reply to an Incoming Call Event.
    Ice,
    /// Reply to an Answered Call Event.
    Ace,
    /// Reply to a Prompt Input Event.
    Pie,
    /// Body of update call / manage call leg.
    Patch,
}

/// The help template everywhere: `usage: ...` in lower case, as the tool always printed it.
pub(crate) fn with_template(command: clap::Command) -> clap::Command {
    command
        .help_template(TEMPLATE)
        .mut_subcommands(with_template)
}

/// Prints clap's error (help and version to stdout) and gives its exit status.
pub(crate) fn report_clap_error(error: clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{}", error.render());
            ExitCode::SUCCESS
        }
        ErrorKind::InvalidSubcommand => {
            let name = match error.get(ContextKind::InvalidSubcommand) {
                Some(ContextValue::String(name)) => name.clone(),
                _ => String::new(),
            };
            let usage = with_template(Cli::command()).render_usage().to_string();
            let usage = usage.trim_start_matches("Usage: ");
            eprintln!(
                "error: unknown command {name:?}\n\nusage: {usage}\n\nFor more information, try '--help'."
            );
            ExitCode::from(2)
        }
        _ => {
            let text = error.render().to_string().replace("Usage: ", "usage: ");
            eprint!("{text}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        with_template(Cli::command()).debug_assert();
    }

    #[test]
    fn credentials_are_never_options() {
        let help = with_template(Cli::command()).render_long_help().to_string();
        assert!(!help.contains("--secret "), "{help}");
        assert!(!help.contains("--key "), "{help}");
    }
}
