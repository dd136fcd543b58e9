//! Every way an SVAML reply can be wrong that svaml.md names (§1 envelope, §2 context matrix,
//! §3–§6 fields, §7 limits), each checked to be rejected with an issue at the exact JSON path
//! and an informative message. Where the builder can make the same mistake, `build()` must
//! fail with the same path.

use serde_json::{Value, json};
use sinch_voice::svaml::{
    AceResponse, CallUpdate, ConferenceDtmfOptions, ConnectConf, ConnectPstn, ConnectSip,
    ConnectStream, Context, Destination, DtmfMode, IceResponse, Menu, Park, PieResponse, PlayFiles,
    Prompt, RunMenu, Say, SetCookie, Svaml, SvamlError,
};

// ------------------------------------------------------------------ helpers

/// Asserts `err` has an issue at exactly `path` whose message mentions every word of
/// `mentions` (case-insensitively) and is more than a word long.
#[track_caller]
fn expect_issue(err: &SvamlError, path: &str, mentions: &[&str]) {
    let Some(issue) = err.issues.iter().find(|i| i.path == path) else {
        panic!(
            "expected an issue at `{path}`, got {:?}",
            err.issues
                .iter()
                .map(|i| (&i.path, &i.message))
                .collect::<Vec<_>>()
        );
    };
    let message = issue.message.to_lowercase();
    assert!(
        message.len() >= 8,
        "message at `{path}` is not informative: {:?}",
        issue.message
    );
    for word in mentions {
        assert!(
            message.contains(&word.to_lowercase()),
            "message at `{path}` should mention {word:?}: {:?}",
            issue.message
        );
    }
    // the Display of the error names the context and the path
    let shown = err.to_string();
    assert!(
        shown.contains(err.context) && shown.contains(path),
        "{shown}"
    );
}

/// Parses `json` as a `C` reply and returns the error it must produce.
#[track_caller]
fn reject<C: Context>(json: &str) -> SvamlError {
    match Svaml::<C>::parse(json.as_bytes()) {
        Ok(_) => panic!("{} accepted {json}", C::NAME),
        Err(e) => {
            assert!(
                e.context.contains(C::NAME),
                "the error should name the context {}: {:?}",
                C::NAME,
                e.context
            );
            assert!(!e.issues.is_empty());
            e
        }
    }
}

#[track_caller]
fn reject_ice(json: Value) -> SvamlError {
    reject::<sinch_voice::svaml::Ice>(&json.to_string())
}

#[track_caller]
fn reject_built<T: std::fmt::Debug>(result: Result<T, SvamlError>) -> SvamlError {
    match result {
        Ok(v) => panic!("build() accepted {v:?}"),
        Err(e) => e,
    }
}

fn menus(menus: Value) -> Value {
    json!({"action": {"name": "runMenu", "locale": "en-US", "menus": menus}})
}

// ------------------------------------------------------------------ one action only

#[test]
fn duplicate_action_key_is_two_actions() {
    let err = reject::<sinch_voice::svaml::Ice>(
        r#"{"action":{"name":"hangup"},"action":{"name":"connectConf","conferenceId":"x"}}"#,
    );
    expect_issue(&err, "action", &["one action"]);
    // the key is matched case-insensitively, so `Action` is the same key
    let err = reject::<sinch_voice::svaml::Pie>(
        r#"{"action":{"name":"hangup"},"Action":{"name":"continue"}}"#,
    );
    expect_issue(&err, "action", &["one action"]);
}

#[test]
fn action_given_as_an_array_is_rejected() {
    let err = reject_ice(json!({"action": [{"name": "say"}, {"name": "hangup"}]}));
    expect_issue(&err, "action", &["one action", "array"]);
    let err = reject_ice(json!({"action": [{"name": "hangup"}]}));
    expect_issue(&err, "action", &["one action"]);
}

#[test]
fn builder_with_two_actions_fails() {
    let err = reject_built(PieResponse::builder().hangup().proceed().build());
    expect_issue(&err, "action", &["one action"]);
    let err = reject_built(
        IceResponse::builder()
            .connect_conf(ConnectConf::room("a"))
            .connect_pstn(ConnectPstn::to("+46701234567"))
            .hangup()
            .build(),
    );
    expect_issue(&err, "action", &["2"]);
}

// ------------------------------------------------------------------ context matrix (§2)

#[test]
fn ace_cannot_park() {
    let err = reject::<sinch_voice::svaml::Ace>(r#"{"action":{"name":"park","maxDuration":60}}"#);
    expect_issue(&err, "action.name", &["park", "ACE"]);
}

#[test]
fn ace_cannot_connect_pstn() {
    let err = reject::<sinch_voice::svaml::Ace>(
        r#"{"action":{"name":"connectPstn","number":"+46701234567"}}"#,
    );
    expect_issue(&err, "action.name", &["connectPstn", "ACE"]);
}

#[test]
fn ice_cannot_continue() {
    let err = reject_ice(json!({"action": {"name": "continue"}}));
    expect_issue(&err, "action.name", &["continue", "ICE"]);
}

#[test]
fn patch_cannot_run_a_menu() {
    let err = reject::<sinch_voice::svaml::Patch>(
        r#"{"action":{"name":"runMenu","menus":[{"id":"main"}]}}"#,
    );
    expect_issue(&err, "action.name", &["runMenu", "PATCH"]);
}

#[test]
fn answer_is_not_allowed_in_ace_or_pie() {
    let err = reject::<sinch_voice::svaml::Ace>(
        r#"{"instructions":[{"name":"answer"}],"action":{"name":"hangup"}}"#,
    );
    expect_issue(&err, "instructions[0].name", &["answer", "ACE"]);
    let err = reject::<sinch_voice::svaml::Pie>(
        r#"{"instructions":[{"name":"say","text":"hi","locale":"en-US"},{"name":"answer"}],
            "action":{"name":"hangup"}}"#,
    );
    expect_issue(&err, "instructions[1].name", &["answer", "PIE"]);
}

#[test]
fn send_dtmf_is_not_allowed_in_ace() {
    let err = reject::<sinch_voice::svaml::Ace>(
        r#"{"instructions":[{"name":"sendDtmf","value":"1"}],"action":{"name":"continue"}}"#,
    );
    expect_issue(&err, "instructions[0].name", &["sendDtmf", "ACE"]);
}

#[test]
fn ice_ace_and_pie_replies_need_an_action() {
    let only_say = r#"{"instructions":[{"name":"say","text":"hello","locale":"en-US"}]}"#;
    expect_issue(
        &reject::<sinch_voice::svaml::Ice>(only_say),
        "action",
        &["action"],
    );
    expect_issue(
        &reject::<sinch_voice::svaml::Ace>(only_say),
        "action",
        &["action"],
    );
    expect_issue(
        &reject::<sinch_voice::svaml::Pie>("{}"),
        "action",
        &["action"],
    );
    expect_issue(
        &reject::<sinch_voice::svaml::Ice>(r#"{"action":null}"#),
        "action",
        &["action"],
    );
    // and the builder agrees
    let err = reject_built(IceResponse::builder().say("hello", "en-US").build());
    expect_issue(&err, "action", &["action"]);
    let err = reject_built(AceResponse::builder().build());
    expect_issue(&err, "action", &["action"]);
    // a PATCH body may carry instructions only
    assert!(CallUpdate::builder().say("hello", "en-US").build().is_ok());
}

// ------------------------------------------------------------------ limits (§7)

#[test]
fn connect_pstn_max_duration_over_four_hours() {
    let err = reject_ice(
        json!({"action": {"name": "connectPstn", "number": "+46701234567", "maxDuration": 14401}}),
    );
    expect_issue(&err, "action.maxDuration", &["14400"]);
    let err = reject_built(
        IceResponse::builder()
            .connect_pstn(ConnectPstn::to("+46701234567").max_duration(14_401))
            .build(),
    );
    expect_issue(&err, "action.maxDuration", &["14400"]);
    // the limit itself is allowed
    assert!(
        IceResponse::builder()
            .connect_pstn(ConnectPstn::to("+46701234567").max_duration(14_400))
            .build()
            .is_ok()
    );
}

#[test]
fn connect_sip_max_duration_over_four_hours() {
    let err = reject_ice(json!({"action": {
        "name": "connectSip", "destination": {"type": "sip", "endpoint": "a@sip.example.com"},
        "maxDuration": 14401}}));
    expect_issue(&err, "action.maxDuration", &["14400"]);
    let mut sip = ConnectSip::to("a@sip.example.com");
    sip.max_duration = Some(14_401);
    let err = reject_built(PieResponse::builder().action(sip).build());
    expect_issue(&err, "action.maxDuration", &["14400"]);
}

#[test]
fn connect_stream_max_duration_over_four_hours() {
    let err = reject_ice(json!({"action": {
        "name": "connectStream",
        "destination": {"type": "Websocket", "endpoint": "wss://media.example.com/s"},
        "maxDuration": 14401}}));
    expect_issue(&err, "action.maxDuration", &["14400"]);
    let stream = ConnectStream {
        destination: Destination::websocket("wss://media.example.com/s"),
        max_duration: Some(14_401),
        ..ConnectStream::default()
    };
    let err = reject_built(IceResponse::builder().action(stream).build());
    expect_issue(&err, "action.maxDuration", &["14400"]);
}

#[test]
fn park_max_duration_over_ten_minutes() {
    let err = reject_ice(
        json!({"action": {"name": "park", "holdPrompt": "#tts[Hold]", "locale": "en-US", "maxDuration": 601}}),
    );
    expect_issue(&err, "action.maxDuration", &["600"]);
    let err =
        reject::<sinch_voice::svaml::Patch>(r#"{"action":{"name":"park","maxDuration":601}}"#);
    expect_issue(&err, "action.maxDuration", &["600"]);
    let park = Park {
        max_duration: Some(601),
        ..Park::default()
    };
    let err = reject_built(CallUpdate::builder().action(park).build());
    expect_issue(&err, "action.maxDuration", &["600"]);
    let park = Park {
        max_duration: Some(600),
        ..Park::default()
    };
    assert!(IceResponse::builder().action(park).build().is_ok());
}

#[test]
fn conference_id_of_65_characters() {
    let long = "c".repeat(65);
    let err = reject_ice(json!({"action": {"name": "connectConf", "conferenceId": long}}));
    expect_issue(&err, "action.conferenceId", &["64"]);
    let err = reject_built(
        AceResponse::builder()
            .connect_conf(ConnectConf::room(long.clone()))
            .build(),
    );
    expect_issue(&err, "action.conferenceId", &["64"]);
    // 64 characters is fine; anything a REST path would have to escape is not, so every
    // room joined here can be read with get_conference.
    assert!(
        AceResponse::builder()
            .connect_conf(ConnectConf::room("r".repeat(64)))
            .build()
            .is_ok()
    );
    let err = reject_built(
        AceResponse::builder()
            .connect_conf(ConnectConf::room("é"))
            .build(),
    );
    expect_issue(&err, "action.conferenceId", &["letters, digits"]);
}

#[test]
fn empty_conference_id() {
    let err = reject_ice(json!({"action": {"name": "connectConf", "conferenceId": ""}}));
    expect_issue(&err, "action.conferenceId", &["empty"]);
    let err = reject_built(
        PieResponse::builder()
            .connect_conf(ConnectConf::room(""))
            .build(),
    );
    expect_issue(&err, "action.conferenceId", &["empty"]);
}

#[test]
fn say_text_of_601_characters() {
    let long = "a".repeat(601);
    let err = reject_ice(json!({
        "instructions": [{"name": "say", "text": long, "locale": "en-US"}],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[0].text", &["600"]);
    let err = reject_built(AceResponse::builder().say(long, "en-US").hangup().build());
    expect_issue(&err, "instructions[0].text", &["600"]);
    assert!(
        AceResponse::builder()
            .say("ü".repeat(600), "de-DE")
            .hangup()
            .build()
            .is_ok()
    );
}

#[test]
fn tts_prompt_over_600_characters_in_a_menu() {
    let prompt = format!("#tts[{}]", "x".repeat(601));
    let err = reject_ice(menus(json!([{"id": "main", "mainPrompt": prompt}])));
    expect_issue(&err, "action.menus[0].mainPrompt", &["600"]);
    let err = reject_built(
        IceResponse::builder()
            .run_menu(
                RunMenu::new([Menu::new("main").prompt(Prompt::tts("x".repeat(601)))])
                    .locale("en-US"),
            )
            .build(),
    );
    expect_issue(&err, "action.menus[0].mainPrompt", &["600"]);
    // the limit is per prompt of a chain, not per chain
    let chain = Prompt::tts("x".repeat(600)).then(Prompt::tts("y".repeat(600)));
    assert!(
        IceResponse::builder()
            .run_menu(RunMenu::new([Menu::new("main").prompt(chain)]).locale("en-US"))
            .build()
            .is_ok()
    );
}

#[test]
fn a_prompt_already_in_prompt_syntax_is_sent_as_written_not_wrapped_again() {
    // As the Node SDK and Sinch's docs write it.
    let ice = IceResponse::builder()
        .run_menu(
            RunMenu::new([Menu::new("main")
                .prompt("#tts[Press 1 to confirm.]")
                .repeat("#tts[Sorry.];#href[https://x/y.mp3]", 2)
                .max_digits(1)])
            .locale("en-US"),
        )
        .build()
        .unwrap();
    let sent: Value = serde_json::from_str(&ice.to_json()).unwrap();
    assert_eq!(
        sent["action"]["menus"][0]["mainPrompt"],
        "#tts[Press 1 to confirm.]"
    );
    assert_eq!(
        sent["action"]["menus"][0]["repeatPrompt"],
        "#tts[Sorry.];#href[https://x/y.mp3]"
    );
    let ice = IceResponse::builder()
        .play("#tts[Hello];welcome", "en-US")
        .hangup()
        .build()
        .unwrap();
    let sent: Value = serde_json::from_str(&ice.to_json()).unwrap();
    assert_eq!(
        sent["instructions"][0]["ids"],
        json!(["#tts[Hello]", "welcome"])
    );
}

#[test]
fn tts_text_the_platform_cannot_carry_is_refused_not_edited() {
    for text in [
        "Press [1] to confirm.",
        "Press ] to confirm.",
        "Press [1 to confirm.",
    ] {
        let err = reject_built(
            IceResponse::builder()
                .run_menu(
                    RunMenu::new([Menu::new("main").prompt(Prompt::tts(text))]).locale("en-US"),
                )
                .build(),
        );
        expect_issue(&err, "action.menus[0].mainPrompt", &["inside"]);
    }
    // In a `;`-joined field the platform splits at `;`; one playFiles element is one prompt.
    let err = reject_built(
        IceResponse::builder()
            .run_menu(
                RunMenu::new([
                    Menu::new("main").prompt(Prompt::tts("a; b").then(Prompt::file("x")))
                ])
                .locale("en-US"),
            )
            .build(),
    );
    expect_issue(&err, "action.menus[0].mainPrompt", &["';'", "split"]);
    let err = reject_ice(menus(
        json!([{"id": "main", "mainPrompt": "#tts[a; b];welcome"}]),
    ));
    expect_issue(&err, "action.menus[0].mainPrompt", &["';'"]);
    assert!(
        IceResponse::builder()
            .play(Prompt::tts("a; b").then(Prompt::file("x")), "en-US")
            .hangup()
            .build()
            .is_ok()
    );
}

#[test]
fn tts_and_ssml_prompts_over_600_characters_in_play_files_and_park() {
    let err = reject_ice(json!({
        "instructions": [{"name": "playFiles", "ids": ["welcome", format!("#tts[{}]", "x".repeat(601))], "locale": "en-US"}],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[0].ids[1]", &["600"]);
    let err = reject_ice(json!({
        "action": {"name": "park", "locale": "en-US", "holdPrompt": format!("#ssml[<speak>{}</speak>]", "x".repeat(600))}
    }));
    expect_issue(&err, "action.holdPrompt", &["600"]);
}

#[test]
fn ssml_prompt_over_600_characters_with_entities_in_play_files() {
    // Each playFiles element is one prompt (svaml.md §5), so the `;` of an SSML entity does
    // not split it: this SSML text is 700+ characters and must be rejected.
    let ssml = format!("#ssml[<speak>{}</speak>]", "Tom &amp; Jerry ".repeat(45));
    let err = reject_ice(json!({
        "instructions": [{"name": "playFiles", "ids": [ssml], "locale": "en-US"}],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[0].ids[0]", &["600"]);
    // the same for TTS text with a `;` in it, which a single playFiles element may hold
    let err = reject_built(
        IceResponse::builder()
            .play(Prompt::tts("Press 1; or 2. ".repeat(50)), "en-US")
            .hangup()
            .build(),
    );
    expect_issue(&err, "instructions[0].ids[0]", &["600"]);
}

#[test]
fn cookies_over_1024_bytes() {
    let value = "v".repeat(600);
    let err = reject_ice(json!({
        "instructions": [
            {"name": "setCookie", "key": "a", "value": value},
            {"name": "setCookie", "key": "b", "value": value}
        ],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[1].value", &["1024"]);
    let err = reject_built(
        PieResponse::builder()
            .set_cookie("a", value.clone())
            .set_cookie("b", value.clone())
            .hangup()
            .build(),
    );
    expect_issue(&err, "instructions[1].value", &["1024"]);
    // one cookie alone over the limit
    let err = reject_built(
        AceResponse::builder()
            .set_cookie("k", "v".repeat(1024))
            .proceed()
            .build(),
    );
    expect_issue(&err, "instructions[0].value", &["1024"]);
    // exactly 1024 bytes in all is fine
    assert!(
        AceResponse::builder()
            .set_cookie("k", "v".repeat(1023))
            .proceed()
            .build()
            .is_ok()
    );
}

// ------------------------------------------------------------------ menus (§3.8, §6.1, §6.2)

#[test]
fn option_pointing_at_a_missing_menu() {
    let err = reject_ice(menus(json!([
        {"id": "main", "options": [{"dtmf": "1", "action": "menu(sub)"}]},
        {"id": "sub", "options": [{"dtmf": "1", "action": "menu(nope)"}]}
    ])));
    expect_issue(&err, "action.menus[1].options[0].action", &["nope"]);
    let err = reject_built(
        IceResponse::builder()
            .run_menu(RunMenu::new([
                Menu::new("main").on_key_menu("1", "sub"),
                Menu::new("sub").on_key_menu("1", "nope"),
            ]))
            .build(),
    );
    expect_issue(&err, "action.menus[1].options[0].action", &["nope"]);
}

#[test]
fn no_main_menu() {
    let err = reject_ice(menus(
        json!([{"id": "start", "options": [{"dtmf": "1", "action": "return(x)"}]}]),
    ));
    expect_issue(&err, "action.menus", &["main"]);
    let err = reject_built(
        PieResponse::builder()
            .run_menu(RunMenu::new([Menu::new("start")]))
            .build(),
    );
    expect_issue(&err, "action.menus", &["main"]);
    // no menus at all
    let err = reject_built(PieResponse::builder().run_menu(RunMenu::new([])).build());
    expect_issue(&err, "action.menus", &["main"]);
    let err = reject_ice(json!({"action": {"name": "runMenu"}}));
    expect_issue(&err, "action.menus", &["menu"]);
}

#[test]
fn main_menu_naming_no_menu() {
    let mut j = menus(json!([{"id": "main"}]));
    j["action"]["mainMenu"] = json!("intro");
    let err = reject_ice(j);
    expect_issue(&err, "action.mainMenu", &["intro"]);
    let err = reject_built(
        AceResponse::builder()
            .run_menu(RunMenu::new([Menu::new("main")]).main_menu("intro"))
            .build(),
    );
    expect_issue(&err, "action.mainMenu", &["intro"]);
}

#[test]
fn duplicate_menu_id() {
    let err = reject_ice(menus(json!([{"id": "main"}, {"id": "sub"}, {"id": "sub"}])));
    expect_issue(&err, "action.menus[2].id", &["sub", "twice"]);
    let err = reject_built(
        IceResponse::builder()
            .run_menu(RunMenu::new([Menu::new("main"), Menu::new("main")]))
            .build(),
    );
    expect_issue(&err, "action.menus[1].id", &["main"]);
}

#[test]
fn duplicate_dtmf_key_in_a_menu() {
    let err = reject_ice(menus(json!([{"id": "main", "options": [
        {"dtmf": "1", "action": "return(a)"},
        {"dtmf": "2", "action": "return(b)"},
        {"dtmf": 1, "action": "return(c)"}
    ]}])));
    expect_issue(&err, "action.menus[0].options[2].dtmf", &["1", "twice"]);
    let err = reject_built(
        IceResponse::builder()
            .run_menu(RunMenu::new([Menu::new("main")
                .on_key_return("#", "a")
                .on_key_return("#", "b")]))
            .build(),
    );
    expect_issue(&err, "action.menus[0].options[1].dtmf", &["#"]);
}

#[test]
fn dtmf_key_that_is_not_one_key() {
    for key in ["12", "a", "", "w", "**"] {
        let err = reject_ice(menus(json!([
            {"id": "main"},
            {"id": "sub", "options": [{"dtmf": "0", "action": "return(z)"}, {"dtmf": key, "action": "return(x)"}]}
        ])));
        expect_issue(&err, "action.menus[1].options[1].dtmf", &["0-9"]);
    }
    let err = reject_ice(menus(
        json!([{"id": "main", "options": [{"dtmf": 12, "action": "return(x)"}]}]),
    ));
    expect_issue(&err, "action.menus[0].options[0].dtmf", &["12"]);
    let err = reject_built(
        IceResponse::builder()
            .run_menu(RunMenu::new([Menu::new("main").on_key_return("a", "x")]))
            .build(),
    );
    expect_issue(&err, "action.menus[0].options[0].dtmf", &["0-9"]);
}

#[test]
fn malformed_option_action() {
    for action in ["goto(x)", "return", "menu(main", "", "return x"] {
        let err = reject_ice(menus(json!([
            {"id": "main", "options": [{"dtmf": "1", "action": "return(ok)"}]},
            {"id": "sub", "options": [{"dtmf": "1", "action": action}]}
        ])));
        expect_issue(
            &err,
            "action.menus[1].options[0].action",
            &["menu(", "return("],
        );
    }
}

#[test]
fn menu_option_missing_its_fields() {
    let err = reject_ice(menus(json!([{"id": "main", "options": [{"dtmf": "1"}]}])));
    expect_issue(&err, "action.menus[0].options[0].action", &["action"]);
    let err = reject_ice(menus(
        json!([{"id": "main", "options": [{"action": "return(x)"}]}]),
    ));
    expect_issue(&err, "action.menus[0].options[0].dtmf", &["dtmf"]);
    let err = reject_ice(menus(json!([{"mainPrompt": "#tts[hi]"}])));
    expect_issue(&err, "action.menus[0].id", &["id"]);
}

#[test]
fn enable_voice_without_locale() {
    let err = reject_ice(
        json!({"action": {"name": "runMenu", "enableVoice": true, "menus": [{"id": "main"}]}}),
    );
    expect_issue(&err, "action.locale", &["enableVoice"]);
    let mut run = RunMenu::new([Menu::new("main").on_key_return("1", "a")]);
    run.enable_voice = Some(true);
    let err = reject_built(PieResponse::builder().run_menu(run.clone()).build());
    expect_issue(&err, "action.locale", &["enableVoice"]);
    assert!(
        PieResponse::builder()
            .run_menu(run.locale("en-US"))
            .build()
            .is_ok()
    );
}

#[test]
fn menu_max_digits_of_zero() {
    let err = reject_ice(menus(json!([{"id": "main", "maxDigits": 0}])));
    expect_issue(&err, "action.menus[0].maxDigits", &["1"]);
    let err = reject_built(
        IceResponse::builder()
            .run_menu(RunMenu::new([Menu::new("main").max_digits(0)]))
            .build(),
    );
    expect_issue(&err, "action.menus[0].maxDigits", &["1"]);
}

// ------------------------------------------------------------------ instruction fields (§4)

#[test]
fn play_files_with_tts_and_no_locale() {
    let err = reject_ice(json!({
        "instructions": [{"name": "playFiles", "ids": ["welcome", "#tts[Hello]"]}],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[0].locale", &["tts"]);
    let err = reject_built(
        IceResponse::builder()
            .instruction(PlayFiles::new(Prompt::ssml("<speak>Hi</speak>")))
            .hangup()
            .build(),
    );
    expect_issue(&err, "instructions[0].locale", &["ssml"]);
    // files and URLs need no locale
    assert!(
        IceResponse::builder()
            .instruction(PlayFiles::new(
                Prompt::file("welcome").then(Prompt::href("https://x.example/a.mp3"))
            ))
            .hangup()
            .build()
            .is_ok()
    );
}

#[test]
fn play_files_with_no_ids() {
    let err = reject_ice(json!({
        "instructions": [{"name": "playFiles", "ids": [], "locale": "en-US"}],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[0].ids", &["prompt"]);
    let err = reject_built(
        AceResponse::builder()
            .instruction(PlayFiles::default())
            .hangup()
            .build(),
    );
    expect_issue(&err, "instructions[0].ids", &["prompt"]);
    let err = reject_ice(json!({
        "instructions": [{"name": "playFiles", "ids": ["welcome", " "]}],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[0].ids[1]", &["empty"]);
}

#[test]
fn send_dtmf_outside_the_alphabet() {
    let err = reject_ice(json!({
        "instructions": [{"name": "sendDtmf", "value": "12x"}],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[0].value", &["0-9", "#", "w"]);
    let err = reject_built(PieResponse::builder().send_dtmf("12x").hangup().build());
    expect_issue(&err, "instructions[0].value", &["0-9"]);
    let err = reject_built(PieResponse::builder().send_dtmf("").hangup().build());
    expect_issue(&err, "instructions[0].value", &["0-9"]);
    let err = reject_built(
        IceResponse::builder()
            .connect_pstn(ConnectPstn {
                dtmf: Some("1*2".into()),
                ..ConnectPstn::to("+46701234567")
            })
            .build(),
    );
    expect_issue(&err, "action.dtmf", &["0-9"]);
}

#[test]
fn say_with_empty_text() {
    let err = reject_built(
        AceResponse::builder()
            .instruction(Say {
                text: "  ".into(),
                locale: None,
                ..Default::default()
            })
            .hangup()
            .build(),
    );
    expect_issue(&err, "instructions[0].text", &["empty"]);
}

#[test]
fn set_cookie_with_empty_key() {
    let err = reject_built(
        AceResponse::builder()
            .instruction(SetCookie {
                key: "".into(),
                value: "v".into(),
                ..Default::default()
            })
            .hangup()
            .build(),
    );
    expect_issue(&err, "instructions[0].key", &["empty"]);
}

// ------------------------------------------------------------------ action fields (§3)

#[test]
fn connect_pstn_number_without_plus() {
    let err = reject_ice(json!({"action": {"name": "connectPstn", "number": "46701234567"}}));
    expect_issue(&err, "action.number", &["E.164"]);
    let err = reject_built(
        IceResponse::builder()
            .connect_pstn(ConnectPstn::to("0701234567"))
            .build(),
    );
    expect_issue(&err, "action.number", &["E.164"]);
    let err = reject_built(
        PieResponse::builder()
            .connect_pstn(ConnectPstn::to("+46 70 123"))
            .build(),
    );
    expect_issue(&err, "action.number", &["E.164"]);
}

#[test]
fn connect_stream_endpoint_not_a_websocket() {
    let err = reject_ice(json!({"action": {
        "name": "connectStream",
        "destination": {"type": "Websocket", "endpoint": "https://media.example.com/s"}}}));
    expect_issue(&err, "action.destination.endpoint", &["wss://"]);
    let stream = ConnectStream {
        destination: Destination::websocket("media.example.com"),
        ..ConnectStream::default()
    };
    let err = reject_built(IceResponse::builder().action(stream).build());
    expect_issue(&err, "action.destination.endpoint", &["wss://"]);
}

#[test]
fn connect_sip_to_an_empty_or_non_sip_destination() {
    let err = reject_ice(
        json!({"action": {"name": "connectSip", "destination": {"type": "sip", "endpoint": ""}}}),
    );
    expect_issue(&err, "action.destination.endpoint", &["sip"]);
    let err = reject_ice(
        json!({"action": {"name": "connectSip", "destination": {"type": "username", "endpoint": "bob"}}}),
    );
    expect_issue(&err, "action.destination.type", &["sip"]);
}

#[test]
fn conference_dtmf_max_digits_of_zero() {
    let conf = ConnectConf {
        conference_dtmf_options: Some(ConferenceDtmfOptions {
            mode: Some(DtmfMode::Detect),
            max_digits: Some(0),
            timeout_mills: None,
            ..Default::default()
        }),
        ..ConnectConf::room("room")
    };
    let err = reject_built(IceResponse::builder().connect_conf(conf).build());
    expect_issue(&err, "action.conferenceDtmfOptions.maxDigits", &["1"]);
}

// ------------------------------------------------------------------ wrong types

#[test]
fn max_duration_given_as_a_string() {
    let err = reject_ice(
        json!({"action": {"name": "connectPstn", "number": "+46701234567", "maxDuration": "3600"}}),
    );
    expect_issue(&err, "action.maxDuration", &["string"]);
    let err = reject_ice(json!({"action": {"name": "park", "maxDuration": -1}}));
    expect_issue(&err, "action.maxDuration", &["-1"]);
}

#[test]
fn barge_given_as_a_string() {
    let mut j = menus(json!([{"id": "main"}]));
    j["action"]["barge"] = json!("true");
    let err = reject_ice(j);
    expect_issue(&err, "action.barge", &["boolean"]);
}

#[test]
fn menus_not_an_array() {
    let err = reject_ice(json!({"action": {"name": "runMenu", "menus": {"id": "main"}}}));
    expect_issue(&err, "action.menus", &["sequence"]);
}

#[test]
fn instructions_not_an_array() {
    let err = reject_ice(
        json!({"instructions": {"name": "say", "text": "hi"}, "action": {"name": "hangup"}}),
    );
    expect_issue(&err, "instructions", &["array"]);
    let err = reject_ice(json!({"instructions": "say", "action": {"name": "hangup"}}));
    expect_issue(&err, "instructions", &["array", "string"]);
}

#[test]
fn an_instruction_that_is_a_string() {
    let err = reject_ice(json!({"instructions": ["answer"], "action": {"name": "hangup"}}));
    expect_issue(&err, "instructions[0]", &["object", "string"]);
    let err =
        reject_ice(json!({"instructions": [{"name": "answer"}, 7], "action": {"name": "hangup"}}));
    expect_issue(&err, "instructions[1]", &["object", "number"]);
}

#[test]
fn action_that_is_not_an_object() {
    let err = reject_ice(json!({"action": "hangup"}));
    expect_issue(&err, "action", &["object", "string"]);
}

#[test]
fn name_given_as_a_number() {
    let err = reject_ice(json!({"action": {"name": 1}}));
    expect_issue(&err, "action.name", &["string", "number"]);
    let err = reject_ice(json!({"instructions": [{"name": true}], "action": {"name": "hangup"}}));
    expect_issue(&err, "instructions[0].name", &["string", "boolean"]);
}

#[test]
fn missing_name() {
    let err = reject_ice(json!({"action": {"number": "+46701234567"}}));
    expect_issue(&err, "action.name", &["name"]);
    let err = reject_ice(json!({"instructions": [{"text": "hi"}], "action": {"name": "hangup"}}));
    expect_issue(&err, "instructions[0].name", &["name"]);
}

#[test]
fn wrong_type_inside_an_instruction() {
    let err = reject_ice(json!({
        "instructions": [{"name": "playFiles", "ids": "welcome"}],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[0].ids", &["sequence"]);
    let err = reject_ice(json!({
        "instructions": [{"name": "say", "text": "ok", "locale": "en-US"},
                         {"name": "startRecording", "options": {"notificationEvents": "yes"}}],
        "action": {"name": "hangup"}
    }));
    expect_issue(
        &err,
        "instructions[1].options.notificationEvents",
        &["boolean"],
    );
}

// ------------------------------------------------------------------ unknown names

#[test]
fn unknown_action_name() {
    let err = reject_ice(json!({"action": {"name": "transfer"}}));
    expect_issue(&err, "action.name", &["transfer", "connectPstn"]);
}

#[test]
fn unknown_instruction_name() {
    let err = reject_ice(
        json!({"instructions": [{"name": "ReportCallStatus", "value": "x"}], "action": {"name": "hangup"}}),
    );
    expect_issue(
        &err,
        "instructions[0].name",
        &["ReportCallStatus", "playFiles"],
    );
    // an action name where an instruction belongs is unknown as an instruction
    let err =
        reject_ice(json!({"instructions": [{"name": "hangup"}], "action": {"name": "hangup"}}));
    expect_issue(&err, "instructions[0].name", &["hangup"]);
}

// ------------------------------------------------------------------ missing required fields

#[test]
fn connect_conf_without_conference_id() {
    let err = reject_ice(json!({"action": {"name": "connectConf", "moh": "ring"}}));
    expect_issue(&err, "action.conferenceId", &["conferenceId"]);
}

#[test]
fn set_cookie_without_value() {
    let err = reject_ice(json!({
        "instructions": [{"name": "setCookie", "key": "k"}],
        "action": {"name": "hangup"}
    }));
    expect_issue(&err, "instructions[0].value", &["value"]);
}

#[test]
fn connect_sip_without_destination() {
    let err = reject_ice(json!({"action": {"name": "connectSip", "cli": "private"}}));
    expect_issue(&err, "action.destination", &["destination"]);
}

#[test]
fn say_and_send_dtmf_without_their_field() {
    let err = reject_ice(
        json!({"instructions": [{"name": "say", "locale": "en-US"}], "action": {"name": "hangup"}}),
    );
    expect_issue(&err, "instructions[0].text", &["text"]);
    let err =
        reject_ice(json!({"instructions": [{"name": "sendDtmf"}], "action": {"name": "hangup"}}));
    expect_issue(&err, "instructions[0].value", &["value"]);
}

// ------------------------------------------------------------------ not SVAML at all

#[test]
fn truncated_json() {
    let err = reject::<sinch_voice::svaml::Ice>(r#"{"action":{"name":"hangup""#);
    expect_issue(&err, "$", &["JSON"]);
    let err = reject::<sinch_voice::svaml::Ace>("");
    expect_issue(&err, "$", &["JSON"]);
}

#[test]
fn trailing_garbage() {
    let err = reject::<sinch_voice::svaml::Ice>(r#"{"action":{"name":"hangup"}} x"#);
    expect_issue(&err, "$", &["JSON"]);
    let err = reject::<sinch_voice::svaml::Pie>(r#"{"action":{"name":"hangup"}}{}"#);
    expect_issue(&err, "$", &["JSON"]);
}

#[test]
fn invalid_utf8() {
    let err = IceResponse::parse(b"{\"action\":{\"name\":\"hang\xffup\"}}").unwrap_err();
    expect_issue(&err, "$", &["JSON"]);
}

#[test]
fn body_that_is_an_array() {
    let err = reject::<sinch_voice::svaml::Ice>(r#"[{"action":{"name":"hangup"}}]"#);
    expect_issue(&err, "$", &["object"]);
}

#[test]
fn body_that_is_a_string() {
    let err = reject::<sinch_voice::svaml::Ace>(r#""{\"action\":{\"name\":\"hangup\"}}""#);
    expect_issue(&err, "$", &["object"]);
}

#[test]
fn body_that_is_a_number() {
    let err = reject::<sinch_voice::svaml::Pie>("42");
    expect_issue(&err, "$", &["object"]);
}

#[test]
fn body_that_is_null() {
    let err = reject::<sinch_voice::svaml::Patch>("null");
    expect_issue(&err, "$", &["object"]);
}

// ------------------------------------------------------------------ several problems at once

#[test]
fn every_problem_is_reported_in_document_order() {
    let err = reject_built(
        IceResponse::builder()
            .say("", "en-US")
            .send_dtmf("x")
            .run_menu(
                RunMenu::new([Menu::new("start").on_key_menu("1", "nope")]).main_menu("intro"),
            )
            .build(),
    );
    let paths: Vec<&str> = err.paths().collect();
    for expected in [
        "instructions[0].text",
        "instructions[1].value",
        "action.menus",
        "action.mainMenu",
        "action.menus[0].options[0].action",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
    let first_action = paths.iter().position(|p| p.starts_with("action")).unwrap();
    assert!(
        paths[..first_action]
            .iter()
            .all(|p| p.starts_with("instructions")),
        "{paths:?}"
    );
}

#[test]
fn ssml_with_a_closing_bracket_inside_is_rejected() {
    // `]` ends the bracket and nothing documents an escape (svaml.md §5); prompt.rs says
    // validation rejects a `]` inside SSML (TTS text has it stripped by the builder instead).
    let err = reject_built(
        IceResponse::builder()
            .play(Prompt::ssml("<speak>Press [1]</speak>"), "en-US")
            .hangup()
            .build(),
    );
    expect_issue(&err, "instructions[0].ids[0]", &["]"]);
    let err = reject_built(
        IceResponse::builder()
            .run_menu(
                RunMenu::new([Menu::new("main").prompt(Prompt::ssml("<speak>a]b</speak>"))])
                    .locale("en-US"),
            )
            .build(),
    );
    expect_issue(&err, "action.menus[0].mainPrompt", &["]"]);
}
