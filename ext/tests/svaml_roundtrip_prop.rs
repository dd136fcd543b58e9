//! Property: any SVAML reply built from valid parts (svaml.md §3–§7) builds, serialises, and
//! parses back equal, in each of the four contexts with exactly the actions and instructions
//! that context allows (§2).
//!
//! The generators stay inside the documented limits: say text 1..=600 characters, TTS prompts
//! well under 600, cookies far under 1024 bytes, E.164 numbers, `maxDuration` ≤ 14400 (≤ 600
//! for park), conference ids of 1..=64 safe characters, menus whose first is `main` with
//! unique ids and unique keys whose `menu(..)` targets exist.

use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use sinch_voice::svaml::{
    Ace, Amd, CallHeader, CallUpdate, ConferenceDtmfOptions, ConnectConf, ConnectMxp, ConnectPstn,
    ConnectSip, ConnectStream, Context, Destination, DtmfMode, Ice, Indications, Menu, MenuOption,
    MusicOnHold, OptionAction, Park, Patch, Pie, Prompt, RunMenu, Say, StartRecording,
    StartRecordingOptions, StopRecording, StreamingOptions, Svaml, SvamlBuilder,
    TranscriptionOptions, Transport,
};

type S = String;

// ------------------------------------------------------------------ leaf strategies

fn locale() -> impl Strategy<Value = S> {
    select(vec![
        "en-US",
        "en-GB",
        "sv-SE",
        "de-DE",
        "fr-CA",
        "en-US/female",
        "Joanna",
        "Céline",
        "Vitória",
    ])
    .prop_map(str::to_owned)
}

/// 1..=600 characters, no control characters, not blank.
fn say_text() -> impl Strategy<Value = S> {
    "[^\\p{Cc}]{1,600}".prop_filter("say text must not be blank", |t| !t.trim().is_empty())
}

/// Text for a `#tts[...]` prompt: any non-control text but brackets and `;`, which the
/// platform cannot carry in a chain and the builder refuses (it edits nothing).
fn tts_text() -> impl Strategy<Value = S> {
    "[^\\p{Cc}\\[\\];]{0,120}"
}

fn prompt_part() -> impl Strategy<Value = Prompt<'static>> {
    prop_oneof![
        3 => tts_text().prop_map(Prompt::tts),
        1 => "[a-zA-Z ,.]{0,40}".prop_map(|t| Prompt::ssml(format!("<speak>{t}</speak>"))),
        1 => "[a-z0-9]{1,12}".prop_map(|p| Prompt::href(format!("https://media.example.com/{p}.mp3"))),
        1 => "[a-z][a-z0-9_-]{0,15}".prop_map(Prompt::file),
    ]
}

fn prompt() -> impl Strategy<Value = Prompt<'static>> {
    prop::collection::vec(prompt_part(), 1..=4).prop_map(|parts| {
        let mut parts = parts.into_iter();
        let first = parts.next().expect("at least one part");
        parts.fold(first, Prompt::then)
    })
}

fn e164() -> impl Strategy<Value = S> {
    "\\+[1-9][0-9]{6,14}"
}

fn cli() -> impl Strategy<Value = Option<S>> {
    prop::option::of(prop_oneof![e164(), Just("private".to_owned())])
}

fn dtmf_tones() -> impl Strategy<Value = S> {
    "[0-9#w]{1,20}"
}

fn call_headers() -> impl Strategy<Value = Vec<CallHeader<'static>>> {
    prop::collection::vec(
        (
            prop::option::of("[A-Za-z-]{1,12}"),
            prop::option::of("[ -~]{0,20}"),
        )
            .prop_map(|(key, value)| CallHeader {
                key: key.map(Into::into),
                value: value.map(Into::into),
            }),
        0..3,
    )
}

fn moh() -> impl Strategy<Value = Option<MusicOnHold>> {
    prop::option::of(select(MusicOnHold::KNOWN).prop_map(MusicOnHold::parse))
}

fn recording_options() -> impl Strategy<Value = StartRecordingOptions<'static>> {
    (
        prop::option::of("s3://acme-rec/[a-z]{0,8}"),
        prop::option::of("[A-Z0-9]{8}:[a-zA-Z0-9]{12}:eu-central-1"),
        prop::option::of(select(vec!["mp3", "wav"]).prop_map(str::to_owned)),
        prop::option::of(any::<bool>()),
        prop::option::of(
            (prop::option::of(any::<bool>()), prop::option::of(locale())).prop_map(
                |(enabled, locale)| TranscriptionOptions {
                    enabled,
                    locale: locale.map(Into::into),
                    ..Default::default()
                },
            ),
        ),
    )
        .prop_map(
            |(destination_url, credentials, format, notification_events, transcription_options)| {
                StartRecordingOptions {
                    destination_url: destination_url.map(Into::into),
                    credentials: credentials.map(Into::into),
                    format: format.map(Into::into),
                    notification_events,
                    transcription_options,
                    ..Default::default()
                }
            },
        )
}

// ------------------------------------------------------------------ instructions

#[derive(Debug, Clone)]
enum Ins {
    Say(Option<S>, S),
    Play(Prompt<'static>, S),
    Cookie(S, S),
    StartRecording(Option<StartRecordingOptions<'static>>),
    StopRecording,
    SendDtmf(S),
    Answer,
}

/// The instructions every context allows.
fn common_instruction() -> impl Strategy<Value = Ins> {
    prop_oneof![
        (prop::option::of(locale()), say_text()).prop_map(|(l, t)| Ins::Say(l, t)),
        (prompt(), locale()).prop_map(|(p, l)| Ins::Play(p, l)),
        ("[a-z][a-z0-9_]{0,7}", "[ -~]{0,16}").prop_map(|(k, v)| Ins::Cookie(k, v)),
        prop::option::of(recording_options()).prop_map(Ins::StartRecording),
        Just(Ins::StopRecording),
    ]
}

fn ice_instruction() -> BoxedStrategy<Ins> {
    prop_oneof![
        5 => common_instruction(),
        1 => dtmf_tones().prop_map(Ins::SendDtmf),
        1 => Just(Ins::Answer),
    ]
    .boxed()
}

fn ace_instruction() -> BoxedStrategy<Ins> {
    common_instruction().boxed()
}

fn pie_instruction() -> BoxedStrategy<Ins> {
    prop_oneof![5 => common_instruction(), 1 => dtmf_tones().prop_map(Ins::SendDtmf)].boxed()
}

/// Appends the instructions every context allows; `$extra` handles the rest.
macro_rules! apply_instruction {
    ($b:ident, $i:expr, $($extra:tt)*) => {
        match $i {
            Ins::Say(Some(locale), text) => $b.say(text, locale),
            Ins::Say(None, text) => $b.instruction(Say { text: text.into(), locale: None, ..Default::default() }),
            Ins::Play(prompt, locale) => $b.play(prompt, locale),
            Ins::Cookie(key, value) => $b.set_cookie(key, value),
            Ins::StartRecording(Some(options)) => $b.start_recording(options),
            Ins::StartRecording(None) => $b.instruction(StartRecording { options: None, ..Default::default() }),
            Ins::StopRecording => $b.instruction(StopRecording { ..Default::default() }),
            $($extra)*
        }
    };
}

// ------------------------------------------------------------------ actions

#[derive(Debug, Clone)]
enum Act {
    Hangup,
    Continue,
    Pstn(ConnectPstn<'static>),
    Mxp(ConnectMxp<'static>),
    Conf(ConnectConf<'static>),
    Sip(ConnectSip<'static>),
    Stream(ConnectStream<'static>),
    Menu(RunMenu<'static>),
    Park(Park<'static>),
}

fn connect_pstn() -> impl Strategy<Value = ConnectPstn<'static>> {
    (
        prop::option::of(e164()),
        prop::option::of(locale()),
        prop::option::of(0u64..=14_400),
        prop::option::of(1u64..=120),
        cli(),
        prop::option::of(any::<bool>()),
        prop::option::of(dtmf_tones()),
        prop::option::of(select(Indications::KNOWN).prop_map(Indications::parse)),
        prop::option::of(
            (
                prop::option::of(any::<bool>()),
                prop::option::of(any::<bool>()),
            )
                .prop_map(|(enabled, asynchronous)| Amd {
                    enabled,
                    asynchronous,
                    ..Default::default()
                }),
        ),
    )
        .prop_map(
            |(
                number,
                locale,
                max_duration,
                dial_timeout,
                cli,
                suppress_callbacks,
                dtmf,
                indications,
                amd,
            )| {
                ConnectPstn {
                    number: number.map(Into::into),
                    locale: locale.map(Into::into),
                    max_duration,
                    dial_timeout,
                    cli: cli.map(Into::into),
                    suppress_callbacks,
                    dtmf: dtmf.map(Into::into),
                    indications,
                    amd,
                    ..Default::default()
                }
            },
        )
}

fn connect_conf() -> impl Strategy<Value = ConnectConf<'static>> {
    (
        "[A-Za-z0-9_.-]{1,64}",
        prop::option::of(
            (
                prop::option::of(select(DtmfMode::KNOWN).prop_map(DtmfMode::parse)),
                prop::option::of(1u64..=10),
                prop::option::of(500u64..=10_000),
            )
                .prop_map(|(mode, max_digits, timeout_mills)| ConferenceDtmfOptions {
                    mode,
                    max_digits,
                    timeout_mills,
                    ..Default::default()
                }),
        ),
        moh(),
    )
        .prop_map(|(id, conference_dtmf_options, moh)| ConnectConf {
            conference_id: id.into(),
            conference_dtmf_options,
            moh,
            ..Default::default()
        })
}

fn connect_sip() -> impl Strategy<Value = ConnectSip<'static>> {
    (
        "[a-z0-9+]{1,12}@sip\\.example\\.com",
        any::<bool>(),
        prop::option::of(0u64..=14_400),
        cli(),
        prop::option::of(select(Transport::KNOWN).prop_map(Transport::parse)),
        prop::option::of(any::<bool>()),
        call_headers(),
        moh(),
    )
        .prop_map(
            |(
                address,
                typed,
                max_duration,
                cli,
                transport,
                suppress_callbacks,
                call_headers,
                moh,
            )| {
                let mut destination = Destination::sip(address);
                if !typed {
                    destination.kind = None; // older senders omit it
                }
                ConnectSip {
                    destination,
                    max_duration,
                    cli: cli.map(Into::into),
                    transport,
                    suppress_callbacks,
                    call_headers,
                    moh,
                    ..Default::default()
                }
            },
        )
}

fn connect_mxp() -> impl Strategy<Value = ConnectMxp<'static>> {
    (prop::option::of("[a-z0-9_]{1,16}"), call_headers()).prop_map(|(user, call_headers)| {
        ConnectMxp {
            destination: user.map(Destination::username),
            call_headers,
            ..Default::default()
        }
    })
}

fn connect_stream() -> impl Strategy<Value = ConnectStream<'static>> {
    (
        "wss://[a-z]{1,10}\\.example\\.com/[a-z]{0,8}",
        prop::option::of(
            (
                prop::option::of(1i64..=3),
                prop::option::of(select(vec![8000i64, 16_000, 44_100])),
            )
                .prop_map(|(version, sample_rate)| StreamingOptions {
                    version,
                    sample_rate,
                    ..Default::default()
                }),
        ),
        prop::option::of(0u64..=14_400),
        call_headers(),
    )
        .prop_map(
            |(url, streaming_options, max_duration, call_headers)| ConnectStream {
                destination: Destination::websocket(url),
                streaming_options,
                max_duration,
                call_headers,
                ..Default::default()
            },
        )
}

const KEYS: [&str; 12] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"];

/// A menu with id `id` whose options point at `ids` (all menus of the run) or return values.
fn menu(id: String, ids: Vec<String>) -> impl Strategy<Value = Menu<'static>> {
    let option_action = prop_oneof![
        select(ids).prop_map(OptionAction::menu),
        "[a-z0-9_]{1,10}".prop_map(OptionAction::returns),
    ];
    (
        prop::option::of(prompt()),
        prop::option::of((prompt(), 0u64..=5)),
        prop::option::of(1u64..=10),
        prop::option::of(1_000u64..=30_000),
        prop::option::of(5_000u64..=60_000),
        subsequence(KEYS.to_vec(), 0..=5).prop_flat_map(move |keys| {
            prop::collection::vec(option_action.clone(), keys.len())
                .prop_map(move |actions| (keys.clone(), actions))
        }),
    )
        .prop_map(
            move |(main, repeat, max_digits, timeout, max_timeout, (keys, actions))| {
                let mut menu = Menu::new(id.clone());
                if let Some(p) = main {
                    menu = menu.prompt(p);
                }
                if let Some((p, times)) = repeat {
                    menu = menu.repeat(p, times);
                }
                menu.max_digits = max_digits;
                menu.timeout_mills = timeout;
                menu.max_timeout_mills = max_timeout;
                menu.options = keys
                    .into_iter()
                    .zip(actions)
                    .map(|(key, action)| MenuOption {
                        dtmf: key.into(),
                        action,
                        extra: Default::default(),
                    })
                    .collect();
                menu
            },
        )
}

fn run_menu() -> impl Strategy<Value = RunMenu<'static>> {
    prop::collection::btree_set("[a-z][a-z0-9_]{0,9}", 0..=3)
        .prop_map(|others| {
            let mut ids = vec!["main".to_owned()];
            ids.extend(others.into_iter().filter(|id| id != "main"));
            ids
        })
        .prop_flat_map(|ids| {
            let menus: Vec<_> = ids.iter().map(|id| menu(id.clone(), ids.clone())).collect();
            (
                menus,
                prop::option::of(select(ids)),
                prop::option::of(any::<bool>()),
                prop::option::of(locale()),
                prop::option::of(any::<bool>()),
            )
        })
        .prop_map(|(menus, main_menu, barge, locale, enable_voice)| {
            // a voice menu needs a locale to recognise speech in
            let locale = match (enable_voice, locale) {
                (Some(true), None) => Some("en-US".to_owned()),
                (_, l) => l,
            };
            RunMenu {
                barge,
                locale: locale.map(Into::into),
                main_menu: main_menu.map(Into::into),
                enable_voice,
                menus,
                ..Default::default()
            }
        })
}

fn park() -> impl Strategy<Value = Park<'static>> {
    (
        prop::option::of(locale()),
        prop::option::of(prompt()),
        prop::option::of(prompt()),
        prop::option::of(0u64..=600),
    )
        .prop_map(|(locale, intro, hold, max_duration)| Park {
            locale: locale.map(Into::into),
            intro_prompt: intro.map(Prompt::render),
            hold_prompt: hold.map(Prompt::render),
            max_duration,
            ..Default::default()
        })
}

fn ice_action() -> BoxedStrategy<Act> {
    prop_oneof![
        Just(Act::Hangup),
        connect_pstn().prop_map(Act::Pstn),
        connect_mxp().prop_map(Act::Mxp),
        connect_conf().prop_map(Act::Conf),
        connect_sip().prop_map(Act::Sip),
        connect_stream().prop_map(Act::Stream),
        run_menu().prop_map(Act::Menu),
        park().prop_map(Act::Park),
    ]
    .boxed()
}

fn ace_action() -> BoxedStrategy<Act> {
    prop_oneof![
        Just(Act::Hangup),
        Just(Act::Continue),
        connect_conf().prop_map(Act::Conf),
        run_menu().prop_map(Act::Menu),
    ]
    .boxed()
}

fn pie_action() -> BoxedStrategy<Act> {
    prop_oneof![
        Just(Act::Hangup),
        Just(Act::Continue),
        connect_pstn().prop_map(Act::Pstn),
        connect_conf().prop_map(Act::Conf),
        connect_sip().prop_map(Act::Sip),
        run_menu().prop_map(Act::Menu),
    ]
    .boxed()
}

fn patch_action() -> BoxedStrategy<Option<Act>> {
    prop::option::of(prop_oneof![
        Just(Act::Hangup),
        Just(Act::Continue),
        park().prop_map(Act::Park),
    ])
    .boxed()
}

// ------------------------------------------------------------------ per context

fn build_ice(instructions: Vec<Ins>, action: Act) -> SvamlBuilder<'static, Ice> {
    let mut b = Svaml::<Ice>::builder();
    for i in instructions {
        b = apply_instruction!(b, i,
            Ins::SendDtmf(tones) => b.send_dtmf(tones),
            Ins::Answer => b.answer(),
        );
    }
    match action {
        Act::Hangup => b.hangup(),
        Act::Pstn(a) => b.connect_pstn(a),
        Act::Mxp(a) => b.action(a),
        Act::Conf(a) => b.connect_conf(a),
        Act::Sip(a) => b.action(a),
        Act::Stream(a) => b.action(a),
        Act::Menu(a) => b.run_menu(a),
        Act::Park(a) => b.action(a),
        other => unreachable!("{other:?} is not an ICE action"),
    }
}

fn build_ace(instructions: Vec<Ins>, action: Act) -> SvamlBuilder<'static, Ace> {
    let mut b = Svaml::<Ace>::builder();
    for i in instructions {
        b = apply_instruction!(b, i, other => unreachable!("{other:?} is not an ACE instruction"),);
    }
    match action {
        Act::Hangup => b.hangup(),
        Act::Continue => b.proceed(),
        Act::Conf(a) => b.connect_conf(a),
        Act::Menu(a) => b.run_menu(a),
        other => unreachable!("{other:?} is not an ACE action"),
    }
}

fn build_pie(instructions: Vec<Ins>, action: Act) -> SvamlBuilder<'static, Pie> {
    let mut b = Svaml::<Pie>::builder();
    for i in instructions {
        b = apply_instruction!(b, i,
            Ins::SendDtmf(tones) => b.send_dtmf(tones),
            other => unreachable!("{other:?} is not a PIE instruction"),
        );
    }
    match action {
        Act::Hangup => b.hangup(),
        Act::Continue => b.proceed(),
        Act::Pstn(a) => b.connect_pstn(a),
        Act::Conf(a) => b.connect_conf(a),
        Act::Sip(a) => b.action(a),
        Act::Menu(a) => b.run_menu(a),
        other => unreachable!("{other:?} is not a PIE action"),
    }
}

fn build_patch(instructions: Vec<Ins>, action: Option<Act>) -> SvamlBuilder<'static, Patch> {
    let mut b = CallUpdate::builder();
    for i in instructions {
        b = apply_instruction!(b, i,
            Ins::SendDtmf(tones) => b.send_dtmf(tones),
            Ins::Answer => b.answer(),
        );
    }
    match action {
        None => b,
        Some(Act::Hangup) => b.hangup(),
        Some(Act::Continue) => b.proceed(),
        Some(Act::Park(a)) => b.action(a),
        Some(other) => unreachable!("{other:?} is not a PATCH action"),
    }
}

/// Builds, serialises and parses back; the parsed reply must equal the built one, and
/// writing it again must give the same text.
fn check<C: Context + PartialEq + std::fmt::Debug>(
    builder: SvamlBuilder<'static, C>,
) -> Result<(), TestCaseError> {
    let built = match builder.build() {
        Ok(built) => built,
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "valid parts did not build: {e}"
            )));
        }
    };
    let json = built.to_json();
    let parsed = match Svaml::<C>::parse(json.as_bytes()) {
        Ok(parsed) => parsed,
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "{json}\ndid not parse back: {e}"
            )));
        }
    };
    prop_assert_eq!(&parsed, &built, "{}", json);
    prop_assert_eq!(parsed.to_json(), json);
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ice_replies_round_trip(
        instructions in prop::collection::vec(ice_instruction(), 0..6),
        action in ice_action(),
    ) {
        check(build_ice(instructions, action))?;
    }

    #[test]
    fn ace_replies_round_trip(
        instructions in prop::collection::vec(ace_instruction(), 0..6),
        action in ace_action(),
    ) {
        check(build_ace(instructions, action))?;
    }

    #[test]
    fn pie_replies_round_trip(
        instructions in prop::collection::vec(pie_instruction(), 0..6),
        action in pie_action(),
    ) {
        check(build_pie(instructions, action))?;
    }

    #[test]
    fn call_updates_round_trip(
        instructions in prop::collection::vec(ice_instruction(), 0..6),
        action in patch_action(),
    ) {
        check(build_patch(instructions, action))?;
    }
}
