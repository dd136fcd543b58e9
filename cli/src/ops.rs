//! The API operations: callouts, calls, conferences, numbers, callback URLs.

use std::io::Read;
use std::time::Duration;

use serde_json::json;
use sinch_voice::svaml::{
    AceResponse, CallUpdate, IceResponse, LegUpdate, PieResponse, Svaml, SvamlError,
};
use sinch_voice::{
    AssignNumbers, AuthMode, CallLeg, CallbackUrls, Client, ConferenceCallout, Credentials,
    CustomCallout, KEY_VAR, Region, SECRET_VAR, TtsCallout, UnassignNumber,
};

use crate::cli::{
    AuthArg, CallOp, CallbacksOp, CalloutOp, Command, ConferenceOp, Global, LegArg, NumberOp,
    NumbersOp, Participant,
};
use crate::failure::Failure;
use crate::print;

/// Longest a command waits for the API, retries included.
const OVERALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The credentials: key from SINCH_APPLICATION_KEY, secret from SINCH_APPLICATION_SECRET or
/// (with `--secret-stdin`) stdin.
pub(crate) fn credentials(global: &Global) -> Result<Credentials, Failure> {
    let key = std::env::var(KEY_VAR).ok().filter(|k| !k.trim().is_empty());
    let secret = if global.secret_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Usage(format!("cannot read the secret from stdin: {e}")))?;
        Some(text.trim().to_string()).filter(|s| !s.is_empty())
    } else {
        std::env::var(SECRET_VAR)
            .ok()
            .filter(|s| !s.trim().is_empty())
    };
    match (key, secret) {
        (Some(key), Some(secret)) => Credentials::new(key, secret)
            .map_err(|e| Failure::Usage(format!("invalid credentials: {e}"))),
        (None, _) => Err(Failure::Usage(format!(
            "missing credentials: set {KEY_VAR} and {SECRET_VAR} (or pass --secret-stdin) \
             to the application key and secret from the Sinch dashboard; {KEY_VAR} is not set"
        ))),
        (Some(_), None) => Err(Failure::Usage(if global.secret_stdin {
            "missing credentials: --secret-stdin read an empty secret from stdin".to_string()
        } else {
            format!(
                "missing credentials: set {KEY_VAR} and {SECRET_VAR} (or pass --secret-stdin); \
                 {SECRET_VAR} is not set"
            )
        })),
    }
}

fn client(global: &Global) -> Result<Client, Failure> {
    let mut builder = Client::builder()
        .auth(match global.auth {
            AuthArg::Signed => AuthMode::Signed,
            AuthArg::Basic => AuthMode::Basic,
        })
        .overall_timeout(Some(OVERALL_TIMEOUT))
        .connect_timeout(Duration::from_secs(5));
    // The same sources, in the same order, as `Client::from_env`: an option, then the
    // variable (`sinch-voice emulator` prints the variables' lines to export).
    let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let region = global
        .region
        .clone()
        .or_else(|| from_env(sinch_voice::REGION_VAR));
    let calling_url =
        (global.calling_url.clone()).or_else(|| from_env(sinch_voice::CALLING_URL_VAR));
    let config_url =
        (global.config_url.clone()).or_else(|| from_env(sinch_voice::CONFIGURATION_URL_VAR));
    if let Some(region) = &region {
        let region: Region = region.parse().map_err(|e: sinch_voice::UnknownRegion| {
            let valid: Vec<&str> = Region::ALL.iter().map(|r| r.key()).collect();
            Failure::Usage(format!(
                "unknown region {:?}; valid regions: {}",
                e.0,
                valid.join(", ")
            ))
        })?;
        builder = builder.region(region);
    }
    // Credentials after the region, so an unknown region is reported first.
    builder = builder.credentials(credentials(global)?);
    if let Some(url) = calling_url {
        builder = builder.calling_url(url);
    }
    if let Some(url) = config_url {
        builder = builder.configuration_url(url);
    }
    builder.build().map_err(|e| match e {
        sinch_voice::Error::Configuration(m) => Failure::Usage(m),
        other => Failure::from(other),
    })
}

/// Reads a file named on the command line; unreadable is a usage error (exit 2).
pub(crate) fn read_file(path: &str) -> Result<Vec<u8>, Failure> {
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::unreadable("stdin", &e))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| Failure::unreadable(path, &e))
}

/// An SVAML problem report: every issue with its JSON path (exit 1).
pub(crate) fn svaml_failure(file: &str, error: &SvamlError) -> Failure {
    let mut text = format!("{file} is not valid SVAML for {}:", error.context);
    for issue in &error.issues {
        text.push_str(&format!("\n  {}: {}", issue.path, issue.message));
    }
    Failure::Failed(text)
}

fn read_svaml<C: sinch_voice::svaml::Context>(file: &str) -> Result<Svaml<'static, C>, Failure> {
    let bytes = read_file(file)?;
    Svaml::<C>::parse(&bytes).map_err(|e| svaml_failure(file, &e))
}

/// Runs an API command on its own runtime.
pub(crate) fn run(global: &Global, command: Command) -> Result<(), Failure> {
    // Read and check every input before anything is sent.
    let job = prepare(command)?;
    let client = client(global)?;
    let hosts = format!(
        "{} (calling), {} (configuration)",
        client.calling_url(),
        client.configuration_url()
    );
    if global.verbose > 0 {
        eprintln!("sending to {hosts}");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Failed(format!("cannot start the async runtime: {e}")))?;
    runtime
        .block_on(with_progress(execute(global.json, &client, job)))
        .map_err(|failure| failure.sent_to(&hosts))
}

/// On a terminal, a request that takes more than a second shows how long it has waited
/// (retries and backoff can take a while); pipes and CI logs see nothing.
async fn with_progress<T>(work: impl std::future::Future<Output = T>) -> T {
    use std::io::{IsTerminal, Write};
    if !std::io::stderr().is_terminal() {
        return work.await;
    }
    let started = std::time::Instant::now();
    let mut next_tick = std::time::Duration::from_secs(1);
    tokio::pin!(work);
    let result = loop {
        tokio::select! {
            result = &mut work => break result,
            () = tokio::time::sleep(next_tick.saturating_sub(started.elapsed())) => {
                eprint!("\rwaiting for Sinch… {:.0} s ", started.elapsed().as_secs_f64());
                let _ = std::io::stderr().flush();
                next_tick += std::time::Duration::from_millis(500);
            }
        }
    };
    if started.elapsed() >= std::time::Duration::from_secs(1) {
        eprint!("\r\x1b[2K");
    }
    result
}

/// A command with its files read and parsed.
enum Job {
    Callout(CalloutOp),
    Custom(Box<CustomCallout>),
    Call(CallOp),
    CallUpdate(String, CallUpdate<'static>),
    LegUpdate(String, CallLeg, LegUpdate<'static>),
    Conference(ConferenceOp),
    Numbers(NumbersOp),
    Callbacks(CallbacksOp),
    Number(NumberOp),
}

fn prepare(command: Command) -> Result<Job, Failure> {
    Ok(match command {
        Command::Callout(CalloutOp::Custom { ice, ace, pie }) => {
            let ice: IceResponse<'static> = read_svaml(&ice)?;
            let mut callout = CustomCallout::new().ice(ice);
            if let Some(ace) = ace {
                let svaml: AceResponse<'static> = read_svaml(&ace)?;
                callout = callout.ace(svaml);
            }
            if let Some(pie) = pie {
                let svaml: PieResponse<'static> = read_svaml(&pie)?;
                callout = callout.pie(svaml);
            }
            Job::Custom(Box::new(callout))
        }
        Command::Callout(op) => Job::Callout(op),
        Command::Call(CallOp::Update { id, svaml }) => {
            let update: CallUpdate<'static> = read_svaml(&svaml)?;
            Job::CallUpdate(id, update)
        }
        Command::Call(CallOp::Leg { id, leg, svaml }) => {
            let update: LegUpdate<'static> = read_svaml(&svaml)?;
            let leg = match leg {
                LegArg::Caller => CallLeg::Caller,
                LegArg::Callee => CallLeg::Callee,
                LegArg::Both => CallLeg::Both,
            };
            Job::LegUpdate(id, leg, update)
        }
        Command::Call(op) => Job::Call(op),
        Command::Conference(op) => Job::Conference(op),
        Command::Numbers(op) => Job::Numbers(op),
        Command::Callbacks(op) => Job::Callbacks(op),
        Command::Number(op) => Job::Number(op),
        Command::Demo(_)
        | Command::Emulator { .. }
        | Command::Sign(_)
        | Command::Callback(_)
        | Command::Svaml(_) => {
            return Err(Failure::Failed("not an API command".into()));
        }
    })
}

/// What a command that returns nothing prints.
fn done(json: bool, text: String) {
    if json {
        print::json(&json!({ "ok": true }));
    } else {
        println!("{text}");
    }
}

fn call_id(json: bool, id: String) {
    if json {
        print::json(&json!({ "callId": id }));
    } else {
        println!("{id}");
    }
}

async fn execute(json: bool, client: &Client, job: Job) -> Result<(), Failure> {
    match job {
        Job::Callout(CalloutOp::Tts {
            to,
            cli,
            text,
            locale,
        }) => {
            let mut callout = TtsCallout::to(to).cli(cli).text(text);
            if let Some(locale) = locale {
                callout = callout.locale(locale);
            }
            call_id(json, client.callout(callout).await?.into_string())
        }
        Job::Callout(CalloutOp::Conference {
            to,
            conference_id,
            cli,
        }) => {
            let mut callout = ConferenceCallout::to(to, conference_id);
            if let Some(cli) = cli {
                callout = callout.cli(cli);
            }
            call_id(json, client.callout(callout).await?.into_string())
        }
        Job::Callout(CalloutOp::Custom { .. }) => unreachable!("prepared as Job::Custom"),
        Job::Custom(callout) => call_id(json, client.callout(*callout).await?.into_string()),
        Job::Call(CallOp::Get { id }) => {
            let call = client.get_call(&id).await?;
            if json {
                print::json(&call);
            } else {
                print::fields(&serde_json::to_value(&call).unwrap_or_default());
            }
        }
        Job::Call(CallOp::Hangup { id }) => {
            let hangup = CallUpdate::builder()
                .hangup()
                .build()
                .map_err(|e| Failure::Failed(e.to_string()))?;
            client.update_call(&id, &hangup).await?;
            done(json, format!("call {id}: hung up"));
        }
        Job::Call(CallOp::Update { .. } | CallOp::Leg { .. }) => {
            unreachable!("prepared as Job::CallUpdate")
        }
        Job::CallUpdate(id, update) => {
            client.update_call(&id, &update).await?;
            done(json, format!("call {id}: updated"));
        }
        Job::LegUpdate(id, leg, update) => {
            client.manage_call_leg(&id, leg.clone(), &update).await?;
            done(json, format!("call {id}: {leg} leg updated"));
        }
        Job::Conference(op) => conference(json, client, op).await?,
        Job::Numbers(NumbersOp::List) => {
            let list = client.list_numbers().await?;
            if json {
                print::json(&list);
            } else {
                let rows: Vec<Vec<String>> = list
                    .numbers
                    .iter()
                    .map(|n| {
                        vec![
                            print::opt(n.number.as_deref()),
                            print::opt(n.applicationkey.as_deref()),
                            print::opt(n.capability.as_ref().map(|c| c.as_str())),
                        ]
                    })
                    .collect();
                print::table(&["NUMBER", "APPLICATION", "CAPABILITY"], &rows);
            }
        }
        Job::Numbers(NumbersOp::Assign { numbers }) => {
            let count = numbers.len();
            client.assign_numbers(AssignNumbers::new(numbers)).await?;
            done(json, format!("assigned {count} number(s)"));
        }
        Job::Numbers(NumbersOp::Unassign { number }) => {
            client
                .unassign_number(UnassignNumber::new(number.as_str()))
                .await?;
            done(json, format!("unassigned {number}"));
        }
        Job::Callbacks(CallbacksOp::Get) => {
            let callbacks = client.get_callback_urls().await?;
            let url = callbacks.url.clone().unwrap_or_default();
            if json {
                print::json(&callbacks);
            } else {
                print::table(
                    &["URL", "VALUE"],
                    &[
                        vec!["primary".into(), print::opt(url.primary.as_deref())],
                        vec!["fallback".into(), print::opt(url.fallback.as_deref())],
                    ],
                );
            }
        }
        Job::Callbacks(CallbacksOp::Set { primary, fallback }) => {
            let mut urls = CallbackUrls::primary(primary);
            if let Some(fallback) = fallback {
                urls = urls.fallback(fallback);
            }
            client.update_callback_urls(urls).await?;
            done(json, "callback URLs updated".into());
        }
        Job::Number(NumberOp::Query { number }) => {
            // Printed in the API's own shape (`{"number": {...}}`).
            let answer = client.query_number(&number).await?;
            if json {
                print::json(&answer);
            } else {
                print::fields(&serde_json::to_value(&answer).unwrap_or_default());
            }
        }
    }
    Ok(())
}

async fn conference(json: bool, client: &Client, op: ConferenceOp) -> Result<(), Failure> {
    enum ParticipantAction {
        Mute,
        Unmute,
        Hold,
        Resume,
    }
    let (participant, command, verb) = match op {
        ConferenceOp::Get { id } => {
            let info = client.get_conference(&id).await?;
            if json {
                print::json(&info);
            } else {
                let yes_no = |b: Option<bool>| match b {
                    Some(true) => "yes".to_string(),
                    Some(false) => "no".to_string(),
                    None => "-".to_string(),
                };
                let rows: Vec<Vec<String>> = info
                    .participants
                    .iter()
                    .map(|p| {
                        vec![
                            print::opt(p.id.as_deref()),
                            print::opt(p.cli.as_deref()),
                            yes_no(p.muted),
                            yes_no(p.onhold),
                            p.duration.map(|d| d.to_string()).unwrap_or("-".into()),
                        ]
                    })
                    .collect();
                print::table(&["CALL ID", "CLI", "MUTED", "ON HOLD", "DURATION"], &rows);
            }
            return Ok(());
        }
        ConferenceOp::KickAll { id } => {
            client.kick_all_from_conference(&id).await?;
            done(json, format!("conference {id}: everyone kicked"));
            return Ok(());
        }
        ConferenceOp::Kick(Participant { id, call_id }) => {
            client
                .kick_participant_from_conference(&id, &call_id)
                .await?;
            done(json, format!("conference {id}: {call_id} kicked"));
            return Ok(());
        }
        ConferenceOp::Mute(p) => (p, ParticipantAction::Mute, "muted"),
        ConferenceOp::Unmute(p) => (p, ParticipantAction::Unmute, "unmuted"),
        ConferenceOp::Hold(p) => (p, ParticipantAction::Hold, "on hold"),
        ConferenceOp::Resume(p) => (p, ParticipantAction::Resume, "resumed"),
    };
    let (room, call) = (participant.id.as_str(), participant.call_id.as_str());
    match command {
        ParticipantAction::Mute => client.mute_participant(room, call).await?,
        ParticipantAction::Unmute => client.unmute_participant(room, call).await?,
        ParticipantAction::Hold => client.hold_participant(room, call, None).await?,
        ParticipantAction::Resume => client.resume_participant(room, call).await?,
    }
    done(
        json,
        format!(
            "conference {}: {} {verb}",
            participant.id, participant.call_id
        ),
    );
    Ok(())
}
