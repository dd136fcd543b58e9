//! Offline tools (`sign`, `callback verify|parse`, `svaml validate`) and `emulator`.

use serde_json::json;
use sinch_voice::callbacks::{CallbackEvent, Timestamp, Verifier};
use sinch_voice::signing::{SigningInput, sign as sign_request};
use sinch_voice::svaml::{AceResponse, CallUpdate, IceResponse, PieResponse, SvamlError};

use crate::cli::{CallbackOp, Global, SignArgs, SvamlContext, SvamlOp, VerifyArgs};
use crate::failure::Failure;
use crate::ops::{credentials, read_file, svaml_failure};
use crate::print;

/// `sign`: the Authorization value (with `--json`, the intermediates too).
pub(crate) fn sign(global: &Global, args: &SignArgs) -> Result<(), Failure> {
    if global.secret_stdin && args.body.as_deref() == Some("-") {
        return Err(Failure::Usage(
            "--secret-stdin and --body - cannot both read stdin".into(),
        ));
    }
    let credentials = credentials(global)?;
    let body = args.body.as_deref().map(read_file).transpose()?;
    let signature = sign_request(
        &credentials,
        &SigningInput {
            method: &args.method,
            path: &args.path,
            content_type: args.content_type.as_deref(),
            body: body.as_deref(),
            timestamp: &args.timestamp,
        },
    );
    if global.json {
        print::json(&json!({
            "content_md5": signature.content_md5,
            "string_to_sign": signature.string_to_sign,
            "authorization": signature.authorization,
        }));
    } else {
        println!("{}", signature.authorization);
    }
    Ok(())
}

pub(crate) fn callback(global: &Global, op: CallbackOp) -> Result<(), Failure> {
    match op {
        CallbackOp::Verify(args) => verify(global, &args),
        CallbackOp::Parse { file } => parse(global, &file),
    }
}

/// `callback verify`: exit 0 when genuine, 1 with the reason when not.
fn verify(global: &Global, args: &VerifyArgs) -> Result<(), Failure> {
    let mut headers = http::HeaderMap::new();
    for header in &args.headers {
        let (name, value) = header.split_once(':').ok_or_else(|| {
            Failure::Usage(format!("--header {header:?}: expected `Name: value`"))
        })?;
        let name = http::HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|e| Failure::Usage(format!("--header {header:?}: bad name: {e}")))?;
        let value = http::HeaderValue::from_str(value.trim_start())
            .map_err(|e| Failure::Usage(format!("--header {header:?}: bad value: {e}")))?;
        headers.append(name, value);
    }
    let now = match &args.now {
        Some(text) => Some(Timestamp::parse(text).ok_or_else(|| {
            Failure::Usage(format!("--now {text:?}: not an ISO 8601 / RFC 3339 time"))
        })?),
        None => None,
    };
    let body = read_file(&args.body)?;
    let mut verifier = Verifier::new(&credentials(global)?);
    if let Some(now) = now {
        let at = now.0;
        verifier = verifier.clock(move || at);
    }
    if args.no_age_check {
        verifier = verifier.tolerance(None);
    }
    match verifier.verify(&args.method, &args.path, &headers, &body) {
        Ok(()) => {
            if global.json {
                print::json(&json!({ "valid": true }));
            } else {
                println!("genuine");
            }
            Ok(())
        }
        Err(reason) => {
            if global.json {
                print::json(&json!({ "valid": false, "reason": reason.to_string() }));
            }
            Err(Failure::Failed(format!("not genuine: {reason}")))
        }
    }
}

/// `callback parse`: the typed event, or the JSON path of the problem.
fn parse(global: &Global, file: &str) -> Result<(), Failure> {
    let body = read_file(file)?;
    let event = CallbackEvent::parse(&body).map_err(|e| {
        Failure::Failed(format!(
            "{file} is not a valid callback body: at `{}`: {}",
            e.path, e.message
        ))
    })?;
    let note = unknown_note(&event);
    if global.json {
        match serde_json::to_string(&event) {
            Ok(text) => println!("{text}"),
            Err(e) => return Err(Failure::Failed(format!("cannot write the event: {e}"))),
        }
        // stdout stays the event's JSON; the note is for the person reading.
        if let Some(note) = note {
            eprintln!("{note}");
        }
    } else {
        if let Some(note) = note {
            println!("{note}");
        }
        print::fields(&serde_json::to_value(&event).unwrap_or_default());
    }
    Ok(())
}

/// For an event the crate does not know: a line saying so. `None` for a known event.
fn unknown_note(event: &CallbackEvent<'_>) -> Option<String> {
    let CallbackEvent::Unknown(unknown) = event else {
        return None;
    };
    let fields = unknown
        .body
        .parse::<serde_json::Map<String, serde_json::Value>>()
        .map(|map| map.len())
        .unwrap_or(0);
    let plural = if fields == 1 { "" } else { "s" };
    Some(format!(
        "event {}: not a known Sinch callback event (known: ice, ace, dice, pie, notify); \
         kept whole, {fields} field{plural}",
        unknown.name
    ))
}

/// `svaml validate`: exit 0 when accepted, 1 with each issue and its path.
pub(crate) fn svaml(global: &Global, op: SvamlOp) -> Result<(), Failure> {
    let SvamlOp::Validate { context, file } = op;
    let bytes = read_file(&file)?;
    let result: Result<String, SvamlError> = match context {
        SvamlContext::Ice => IceResponse::parse(&bytes).map(|s| s.to_json()),
        SvamlContext::Ace => AceResponse::parse(&bytes).map(|s| s.to_json()),
        SvamlContext::Pie => PieResponse::parse(&bytes).map(|s| s.to_json()),
        SvamlContext::Patch => CallUpdate::parse(&bytes).map(|s| s.to_json()),
    };
    match result {
        Ok(canonical) => {
            if global.json {
                let svaml: serde_json::Value = serde_json::from_str(&canonical).unwrap_or_default();
                print::json(&json!({ "valid": true, "svaml": svaml }));
            } else {
                println!("{file}: valid");
            }
            Ok(())
        }
        Err(error) => {
            if global.json {
                let issues: Vec<_> = error
                    .issues
                    .iter()
                    .map(|i| json!({ "path": i.path, "message": i.message }))
                    .collect();
                print::json(&json!({ "valid": false, "issues": issues }));
            }
            Err(svaml_failure(&file, &error))
        }
    }
}
