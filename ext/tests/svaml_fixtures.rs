//! Checks `sinch_voice::svaml` against every SVAML fixture of `tests/data/svaml` (copied from
//! the team's reference folder; see its README). The directory is read at run time, so a file
//! added to it is a new check without touching this file.
//!
//! * Each file parses into the reply type(s) its name gives (`ice_` → ICE, `ace_` → ACE,
//!   `pie_` → PIE; `hangup_with_goodbye` → ICE, ACE and PIE; `ace_continue` → ACE, PIE and
//!   PATCH) and re-serialises to the same JSON (compared as values, after normalising only the
//!   leniencies svaml.md documents; the fixtures are canonical, so none should need it).
//! * parse → `to_json` → parse is a fixed point.
//! * The documented leniencies (svaml.md §1, §6.2, §10): names in any case, `callheaders`,
//!   numeric DTMF keys, lower-case transport, unknown enum values and fields, `return (x)`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use sinch_voice::svaml::{
    AceResponse, ActionKind, CallUpdate, Context, DestinationType, DtmfMode, IceResponse,
    Indications, InstructionKind, MusicOnHold, OptionAction, PieResponse, Svaml, Transport,
};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/svaml")
}

/// Every `*.json` of the fixture directory, sorted by name, with its parsed content.
fn fixtures() -> Vec<(String, Vec<u8>, Value)> {
    let dir = fixture_dir();
    let mut out = Vec::new();
    for entry in
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
    {
        let path = entry.expect("directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {name}: {e}"));
        let value: Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
        out.push((name, bytes, value));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The contexts a fixture answers, from its name.
fn contexts_of(name: &str) -> &'static [&'static str] {
    match name {
        "hangup_with_goodbye.json" => &["ICE", "ACE", "PIE"],
        "ace_continue.json" => &["ACE", "PIE", "PATCH"],
        n if n.starts_with("ice_") => &["ICE"],
        n if n.starts_with("ace_") => &["ACE"],
        n if n.starts_with("pie_") => &["PIE"],
        n => panic!(
            "{n}: a fixture name must start with ice_, ace_ or pie_ (or be one of the shared \
             files listed in tests/data/svaml/README.md)"
        ),
    }
}

// ------------------------------------------------------------------ normalisation

/// Rewrites what svaml.md documents as accepted-but-not-canonical into the canonical form:
/// action / instruction names in any case, `callheaders`, numeric option keys, `return (x)`,
/// enum values in any case, `destination` for `destinationUrl`. Nothing else.
fn normalise(value: &Value) -> Value {
    let mut value = value.clone();
    let Some(root) = value.as_object_mut() else {
        return value;
    };
    if let Some(Value::Array(instructions)) = root.get_mut("instructions") {
        for instruction in instructions {
            if let Some(object) = instruction.as_object_mut() {
                canonical_name(object, |n| InstructionKind::from_name(n).map(|k| k.name()));
                if let Some(Value::Object(options)) = object.get_mut("options") {
                    rename_key(options, "destination", "destinationUrl");
                }
            }
        }
    }
    if let Some(Value::Object(action)) = root.get_mut("action") {
        canonical_name(action, |n| ActionKind::from_name(n).map(|k| k.name()));
        rename_key(action, "callheaders", "callHeaders");
        canonical_enum(action, "transport", |s| {
            Transport::parse(s).as_str().to_owned()
        });
        canonical_enum(action, "moh", |s| MusicOnHold::parse(s).as_str().to_owned());
        canonical_enum(action, "indications", |s| {
            Indications::parse(s).as_str().to_owned()
        });
        if let Some(Value::Object(destination)) = action.get_mut("destination") {
            canonical_enum(destination, "type", |s| {
                DestinationType::parse(s).as_str().to_owned()
            });
        }
        if let Some(Value::Object(options)) = action.get_mut("conferenceDtmfOptions") {
            canonical_enum(options, "mode", |s| DtmfMode::parse(s).as_str().to_owned());
        }
        if let Some(Value::Array(menus)) = action.get_mut("menus") {
            for menu in menus {
                let Some(Value::Array(options)) = menu.get_mut("options") else {
                    continue;
                };
                for option in options.iter_mut().filter_map(Value::as_object_mut) {
                    if let Some(Value::Number(n)) = option.get("dtmf") {
                        let text = n.to_string();
                        option.insert("dtmf".into(), Value::String(text));
                    }
                    if let Some(Value::String(text)) = option.get("action")
                        && let Some(parsed) = OptionAction::parse(text)
                    {
                        option.insert("action".into(), serde_json::to_value(parsed).unwrap());
                    }
                }
            }
        }
    }
    value
}

fn canonical_name(
    object: &mut Map<String, Value>,
    canonical: impl Fn(&str) -> Option<&'static str>,
) {
    if let Some(Value::String(name)) = object.get("name")
        && let Some(c) = canonical(name)
    {
        object.insert("name".into(), Value::String(c.to_owned()));
    }
}

fn canonical_enum(object: &mut Map<String, Value>, key: &str, canonical: impl Fn(&str) -> String) {
    if let Some(Value::String(text)) = object.get(key) {
        let c = canonical(text);
        object.insert(key.to_owned(), Value::String(c));
    }
}

fn rename_key(object: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = object.remove(from) {
        object.insert(to.to_owned(), v);
    }
}

// ------------------------------------------------------------------ round trip

/// Parses `bytes` as a `C` reply, checks the JSON it writes equals `expected` (normalised)
/// and that parsing that JSON gives the same document again.
fn round_trip<C: Context + PartialEq + std::fmt::Debug>(
    name: &str,
    bytes: &[u8],
    expected: &Value,
) {
    let parsed = Svaml::<C>::parse(bytes)
        .unwrap_or_else(|e| panic!("{name} does not parse as a {} reply: {e}", C::NAME));
    let json = parsed.to_json();
    let written: Value = serde_json::from_str(&json).expect("to_json writes JSON");
    assert_eq!(
        written,
        normalise(expected),
        "{name} as {}: re-serialised JSON differs from the file\n  wrote: {json}",
        C::NAME
    );
    let again = Svaml::<C>::parse(json.as_bytes())
        .unwrap_or_else(|e| panic!("{name} as {}: its own output does not parse: {e}", C::NAME));
    assert_eq!(
        again,
        parsed,
        "{name} as {}: parse → to_json → parse changed the document",
        C::NAME
    );
    assert_eq!(
        again.to_json(),
        json,
        "{name} as {}: to_json is not stable",
        C::NAME
    );
    let mut buffer = Vec::new();
    again.write_json(&mut buffer);
    assert_eq!(
        buffer,
        json.as_bytes(),
        "{name} as {}: write_json differs from to_json",
        C::NAME
    );
}

#[test]
fn every_fixture_round_trips_in_the_contexts_its_name_gives() {
    let all = fixtures();
    assert!(
        !all.is_empty(),
        "no fixtures found in {}",
        fixture_dir().display()
    );
    let mut checks = 0;
    for (name, bytes, value) in &all {
        for context in contexts_of(name) {
            match *context {
                "ICE" => round_trip::<sinch_voice::svaml::Ice>(name, bytes, value),
                "ACE" => round_trip::<sinch_voice::svaml::Ace>(name, bytes, value),
                "PIE" => round_trip::<sinch_voice::svaml::Pie>(name, bytes, value),
                "PATCH" => round_trip::<sinch_voice::svaml::Patch>(name, bytes, value),
                other => unreachable!("{other}"),
            }
            checks += 1;
        }
    }
    assert!(checks >= all.len());
}

#[test]
fn fixtures_are_already_canonical() {
    // The comparison above normalises documented leniencies; the shared fixtures are meant to
    // be canonical, so normalising must change none of them.
    let all = fixtures();
    assert!(!all.is_empty());
    let needing: Vec<&str> = all
        .iter()
        .filter(|(_, _, value)| normalise(value) != *value)
        .map(|(name, _, _)| name.as_str())
        .collect();
    assert!(
        needing.is_empty(),
        "fixtures that needed normalising: {needing:?}"
    );
}

#[test]
fn fixture_names_map_to_known_contexts() {
    for (name, _, _) in fixtures() {
        assert!(!contexts_of(&name).is_empty());
    }
}

// ------------------------------------------------------------------ leniencies

fn ice(json: Value) -> Value {
    let parsed = IceResponse::parse(json.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("{json} should parse as ICE: {e}"));
    let written: Value = serde_json::from_str(&parsed.to_json()).unwrap();
    // and the canonical output is itself accepted unchanged
    let again = IceResponse::parse(written.to_string().as_bytes()).unwrap();
    assert_eq!(again, parsed);
    written
}

#[test]
fn names_in_other_cases_parse_and_are_emitted_in_camel_case() {
    let written = ice(json!({
        "instructions": [
            {"name": "Say", "text": "Hi", "locale": "en-US"},
            {"name": "SETCOOKIE", "key": "k", "value": "v"},
            {"name": "playfiles", "ids": ["welcome"]},
            {"name": "StartRecording"},
            {"name": "ANSWER"}
        ],
        "action": {"name": "ConnectPstn", "number": "+46701234567"}
    }));
    assert_eq!(
        written,
        json!({
            "instructions": [
                {"name": "say", "text": "Hi", "locale": "en-US"},
                {"name": "setCookie", "key": "k", "value": "v"},
                {"name": "playFiles", "ids": ["welcome"]},
                {"name": "startRecording"},
                {"name": "answer"}
            ],
            "action": {"name": "connectPstn", "number": "+46701234567"}
        })
    );

    let written = ice(json!({
        "action": {"name": "RUNMENU", "menus": [{"id": "main", "options": [{"dtmf": "1", "action": "return(a)"}]}]}
    }));
    assert_eq!(written["action"]["name"], "runMenu");

    for (raw, canonical) in [
        ("connectPSTN", "connectPstn"),
        ("ConnectMXP", "connectMxp"),
        ("connectSIP", "connectSip"),
        ("Park", "park"),
        ("Hangup", "hangup"),
    ] {
        let mut action = json!({"name": raw});
        match canonical {
            "connectPstn" => action["number"] = json!("+46701234567"),
            "connectSip" => action["destination"] = json!({"type": "sip", "endpoint": "a@b.c"}),
            _ => {}
        }
        let written = ice(json!({ "action": action }));
        assert_eq!(written["action"]["name"], canonical, "{raw}");
    }

    let pie = PieResponse::parse(br#"{"action":{"name":"CONTINUE"}}"#).unwrap();
    assert_eq!(pie.to_json(), r#"{"action":{"name":"continue"}}"#);
}

#[test]
fn connect_mxp_callheaders_is_read_and_emitted_as_call_headers() {
    let written = ice(json!({
        "action": {
            "name": "connectMxp",
            "destination": {"type": "username", "endpoint": "bob"},
            "callheaders": [{"key": "ringtone", "value": "classic"}]
        }
    }));
    assert_eq!(
        written["action"],
        json!({
            "name": "connectMxp",
            "destination": {"type": "username", "endpoint": "bob"},
            "callHeaders": [{"key": "ringtone", "value": "classic"}]
        })
    );
    // the canonical spelling is read too
    let written = ice(json!({
        "action": {"name": "connectMxp", "callHeaders": [{"key": "a", "value": "b"}]}
    }));
    assert_eq!(
        written["action"]["callHeaders"],
        json!([{"key": "a", "value": "b"}])
    );
}

#[test]
fn numeric_menu_keys_are_read_and_emitted_as_strings() {
    let written = ice(json!({
        "action": {
            "name": "runMenu",
            "menus": [{
                "id": "main",
                "options": [
                    {"dtmf": 1, "action": "return(sales)"},
                    {"dtmf": "2", "action": "return(support)"},
                    {"dtmf": 0, "action": "menu(main)"}
                ]
            }]
        }
    }));
    let options = &written["action"]["menus"][0]["options"];
    assert_eq!(options[0]["dtmf"], json!("1"));
    assert_eq!(options[1]["dtmf"], json!("2"));
    assert_eq!(options[2]["dtmf"], json!("0"));
}

#[test]
fn lower_case_transport_is_emitted_upper_case() {
    let written = ice(json!({
        "action": {
            "name": "connectSip",
            "destination": {"type": "sip", "endpoint": "alice@sip.example.com"},
            "transport": "tls"
        }
    }));
    assert_eq!(written["action"]["transport"], json!("TLS"));
    let written = ice(json!({
        "action": {"name": "connectSip", "destination": {"endpoint": "a@b.c"}, "transport": "Tcp"}
    }));
    assert_eq!(written["action"]["transport"], json!("TCP"));
}

#[test]
fn unknown_enum_values_are_kept_as_written() {
    let written = ice(json!({
        "action": {"name": "connectConf", "conferenceId": "room", "moh": "music9"}
    }));
    assert_eq!(written["action"]["moh"], json!("music9"));
    let written = ice(json!({
        "action": {"name": "connectPstn", "number": "+46701234567", "indications": "xx"}
    }));
    assert_eq!(written["action"]["indications"], json!("xx"));
    let written = ice(json!({
        "action": {
            "name": "connectSip",
            "destination": {"type": "sip", "endpoint": "a@b.c"},
            "transport": "QUIC"
        }
    }));
    assert_eq!(written["action"]["transport"], json!("QUIC"));
    let written = ice(json!({
        "action": {
            "name": "connectConf",
            "conferenceId": "room",
            "conferenceDtmfOptions": {"mode": "record"}
        }
    }));
    assert_eq!(
        written["action"]["conferenceDtmfOptions"]["mode"],
        json!("record")
    );
    // known values in another case are canonicalised
    let written = ice(json!({
        "action": {"name": "connectConf", "conferenceId": "room", "moh": "RING"}
    }));
    assert_eq!(written["action"]["moh"], json!("ring"));
}

#[test]
fn unknown_fields_are_kept_and_written_back() {
    // At every level: the document, actions, instructions and their nested objects.
    let sent = json!({
        "version": 2,
        "instructions": [
            {"name": "say", "text": "Hi", "locale": "en-US", "altLocale": "en-GB"}
        ],
        "action": {
            "name": "connectPstn",
            "number": "+46701234567",
            "record": true,
            "recordingOptions": {"format": "wav"},
            "suppressErrorPrompts": true,
            "amd": {"enabled": true, "sensitivity": "high"}
        }
    });
    assert_eq!(ice(sent.clone()), sent);

    let sent = json!({
        "action": {
            "name": "runMenu",
            "menus": [{
                "id": "main",
                "mainText": "legacy",
                "options": [{"dtmf": "1", "action": "return(a)", "input": "sales"}]
            }]
        }
    });
    assert_eq!(ice(sent.clone()), sent);
    // The tag is written once, whatever case it came in.
    let written = ice(json!({"action": {"NAME": "hangup", "reason": "x"}}));
    assert_eq!(
        written,
        json!({"action": {"name": "hangup", "reason": "x"}})
    );
}

#[test]
fn return_with_a_space_before_the_parenthesis_parses() {
    let written = ice(json!({
        "action": {
            "name": "runMenu",
            "menus": [
                {"id": "main", "options": [
                    {"dtmf": "1", "action": "return (sales)"},
                    {"dtmf": "2", "action": "menu (other)"}
                ]},
                {"id": "other"}
            ]
        }
    }));
    let options = &written["action"]["menus"][0]["options"];
    assert_eq!(options[0]["action"], json!("return(sales)"));
    assert_eq!(options[1]["action"], json!("menu(other)"));
}

#[test]
fn recording_destination_alias_is_emitted_as_destination_url() {
    let written = ice(json!({
        "instructions": [{"name": "startRecording", "options": {"destination": "s3://bucket/x/"}}],
        "action": {"name": "hangup"}
    }));
    assert_eq!(
        written["instructions"][0]["options"],
        json!({"destinationUrl": "s3://bucket/x/"})
    );
}

#[test]
fn destination_type_in_any_case_or_absent_is_accepted() {
    let written = ice(json!({
        "action": {"name": "connectSip", "destination": {"type": "Sip", "endpoint": "a@b.c"}}
    }));
    assert_eq!(
        written["action"]["destination"],
        json!({"type": "sip", "endpoint": "a@b.c"})
    );
    let written = ice(json!({
        "action": {"name": "connectSip", "destination": {"endpoint": "a@b.c"}}
    }));
    assert_eq!(
        written["action"]["destination"],
        json!({"endpoint": "a@b.c"})
    );
}

#[test]
fn non_ascii_prompts_and_file_ids_do_not_break_validation() {
    // svaml.md §6.7: never assume ASCII. Prompt strings whose first bytes are multi-byte
    // characters must be accepted (and must not make the validator slice inside a character).
    let json = json!({
        "instructions": [
            {"name": "playFiles", "ids": ["ééé", "välkommen", "#tts[Grüße]", "日本語のファイル"], "locale": "de-DE"}
        ],
        "action": {
            "name": "park",
            "introPrompt": "ééé",
            "holdPrompt": "ääää;#tts[Bitte warten]",
            "locale": "de-DE"
        }
    });
    let text = json.to_string();
    let parsed = std::panic::catch_unwind(|| IceResponse::parse(text.as_bytes()))
        .expect("parsing non-ASCII prompt strings panicked");
    let parsed = parsed.expect("non-ASCII prompt strings are valid");
    assert_eq!(
        serde_json::from_str::<Value>(&parsed.to_json()).unwrap(),
        json
    );

    let menu = json!({
        "action": {"name": "runMenu", "locale": "sv-SE", "menus": [
            {"id": "main", "mainPrompt": "ööö", "repeatPrompt": "åå;#ssml[<speak>Hej</speak>]"}
        ]}
    })
    .to_string();
    let parsed = std::panic::catch_unwind(|| AceResponse::parse(menu.as_bytes()))
        .expect("parsing non-ASCII menu prompts panicked");
    parsed.expect("non-ASCII menu prompts are valid");
}

#[test]
fn instruction_only_patch_bodies_and_empty_instruction_lists_are_accepted() {
    let update =
        CallUpdate::parse(br#"{"instructions":[{"name":"say","text":"Hello","locale":"en-US"}]}"#)
            .expect("PATCH bodies may carry instructions only");
    assert!(update.action().is_none());
    assert_eq!(update.instructions().len(), 1);
    let ace = AceResponse::parse(br#"{"instructions":[],"action":{"name":"hangup"}}"#).unwrap();
    assert_eq!(ace.to_json(), r#"{"action":{"name":"hangup"}}"#);
}
