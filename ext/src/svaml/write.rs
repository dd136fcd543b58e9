//! SVAML written straight to bytes: each key with its punctuation as one constant, strings
//! searched for escapes eight bytes at a time. The output is the serde form of the same
//! value, byte for byte (`Serialize` stays the definition; tests and the `svaml_parse` fuzz
//! target compare the two). What is rare in replies (destinations, headers, enums) goes
//! through serde_json.
//!
//! A field added to an SVAML type must be added here too, in the same place as in the
//! struct. A test fails until the new field is set in the tests' "every field set" values,
//! and then the comparison with serde fails until the writer has it.

use std::borrow::Cow;

use serde::Serialize;

use super::document::{Context, Svaml};
use super::model::*;
use crate::json;

type Extra = serde_json::Map<String, serde_json::Value>;

/// A value written as JSON.
pub(crate) trait WriteJson {
    fn write_json(&self, out: &mut Vec<u8>);
}

/// An object being written: `{`, fields with commas between them, `}`.
struct Object<'b> {
    out: &'b mut Vec<u8>,
    first: bool,
}

/// `"name":` as one constant.
macro_rules! key {
    ($name:literal) => {
        concat!("\"", $name, "\":")
    };
}

impl<'b> Object<'b> {
    #[inline]
    fn open(out: &'b mut Vec<u8>) -> Self {
        out.push(b'{');
        Object { out, first: true }
    }

    /// An internally tagged object: `{"name":"<tag>"`.
    #[inline]
    fn tagged(out: &'b mut Vec<u8>, opening: &'static str) -> Self {
        out.extend_from_slice(opening.as_bytes());
        Object { out, first: false }
    }

    /// The key (`"name":`, from [`key!`]), after a comma unless it is the first.
    #[inline]
    fn key(&mut self, key: &'static str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.extend_from_slice(key.as_bytes());
        self.out
    }

    #[inline]
    fn text(&mut self, key: &'static str, value: &str) {
        json::string(self.key(key), value);
    }

    #[inline]
    fn opt_text(&mut self, key: &'static str, value: &Option<Cow<'_, str>>) {
        if let Some(value) = value {
            self.text(key, value);
        }
    }

    #[inline]
    fn opt_u64(&mut self, key: &'static str, value: Option<u64>) {
        if let Some(value) = value {
            unsigned(self.key(key), value);
        }
    }

    #[inline]
    fn opt_i64(&mut self, key: &'static str, value: Option<i64>) {
        if let Some(value) = value {
            let out = self.key(key);
            if value < 0 {
                out.push(b'-');
            }
            unsigned(out, value.unsigned_abs());
        }
    }

    #[inline]
    fn opt_bool(&mut self, key: &'static str, value: Option<bool>) {
        if let Some(value) = value {
            let text: &[u8] = if value { b"true" } else { b"false" };
            self.key(key).extend_from_slice(text);
        }
    }

    #[inline]
    fn value<T: WriteJson>(&mut self, key: &'static str, value: &T) {
        value.write_json(self.key(key));
    }

    #[inline]
    fn opt_value<T: WriteJson>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.value(key, value);
        }
    }

    /// An array, written even when empty.
    #[inline]
    fn array<T: WriteJson>(&mut self, key: &'static str, items: &[T]) {
        let out = self.key(key);
        out.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            item.write_json(out);
        }
        out.push(b']');
    }

    /// An array, left out when empty.
    #[inline]
    fn non_empty<T: WriteJson>(&mut self, key: &'static str, items: &[T]) {
        if !items.is_empty() {
            self.array(key, items);
        }
    }

    /// What serde_json writes for a value rare in replies.
    fn serde<T: Serialize>(&mut self, key: &'static str, value: &T) {
        serde(self.key(key), value);
    }

    fn opt_serde<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.serde(key, value);
        }
    }

    fn non_empty_serde<T: Serialize>(&mut self, key: &'static str, items: &[T]) {
        if !items.is_empty() {
            self.serde(key, &items);
        }
    }

    /// The fields this crate does not know, last, as serde's `flatten` writes them.
    #[inline]
    fn close(mut self, extra: &Extra) {
        if !extra.is_empty() {
            for (key, value) in extra {
                if !self.first {
                    self.out.push(b',');
                }
                self.first = false;
                json::string(self.out, key);
                self.out.push(b':');
                serde(self.out, value);
            }
        }
        self.out.push(b'}');
    }
}

fn serde<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(out, value).expect("SVAML values always serialise");
}

/// Decimal digits, as serde_json writes an unsigned integer.
#[inline]
fn unsigned(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

impl WriteJson for Cow<'_, str> {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) {
        json::string(out, self);
    }
}

impl<C: Context> WriteJson for Svaml<'_, C> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = Object::open(out);
        object.non_empty(key!("instructions"), &self.instructions);
        object.opt_value(key!("action"), &self.action);
        object.close(&self.extra);
    }
}

// ---------------------------------------------------------------- the tagged unions

/// `{"name":"<tag>"` as one constant.
macro_rules! tagged {
    ($out:expr, $tag:literal) => {
        Object::tagged($out, concat!("{\"name\":\"", $tag, "\""))
    };
}

impl WriteJson for Action<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Action::Hangup(Hangup { extra }) => tagged!(out, "hangup").close(extra),
            Action::Continue(Continue { extra }) => tagged!(out, "continue").close(extra),
            Action::ConnectPstn(action) => action.fields(tagged!(out, "connectPstn")),
            Action::ConnectMxp(action) => action.fields(tagged!(out, "connectMxp")),
            Action::ConnectConf(action) => action.fields(tagged!(out, "connectConf")),
            Action::ConnectSip(action) => action.fields(tagged!(out, "connectSip")),
            Action::ConnectStream(action) => action.fields(tagged!(out, "connectStream")),
            Action::RunMenu(action) => action.fields(tagged!(out, "runMenu")),
            Action::Park(action) => action.fields(tagged!(out, "park")),
        }
    }
}

impl WriteJson for Instruction<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Instruction::PlayFiles(PlayFiles { ids, locale, extra }) => {
                let mut object = tagged!(out, "playFiles");
                object.array(key!("ids"), ids);
                object.opt_text(key!("locale"), locale);
                object.close(extra);
            }
            Instruction::Say(Say {
                text,
                locale,
                extra,
            }) => {
                let mut object = tagged!(out, "say");
                object.text(key!("text"), text);
                object.opt_text(key!("locale"), locale);
                object.close(extra);
            }
            Instruction::SendDtmf(SendDtmf { value, extra }) => {
                let mut object = tagged!(out, "sendDtmf");
                object.text(key!("value"), value);
                object.close(extra);
            }
            Instruction::SetCookie(SetCookie { key, value, extra }) => {
                let mut object = tagged!(out, "setCookie");
                object.text(key!("key"), key);
                object.text(key!("value"), value);
                object.close(extra);
            }
            Instruction::Answer(Answer { extra }) => tagged!(out, "answer").close(extra),
            Instruction::StartRecording(StartRecording { options, extra }) => {
                let mut object = tagged!(out, "startRecording");
                object.opt_value(key!("options"), options);
                object.close(extra);
            }
            Instruction::StopRecording(StopRecording { extra }) => {
                tagged!(out, "stopRecording").close(extra)
            }
        }
    }
}

// ---------------------------------------------------------------- actions

impl ConnectPstn<'_> {
    fn fields(&self, mut object: Object<'_>) {
        object.opt_text(key!("number"), &self.number);
        object.opt_text(key!("locale"), &self.locale);
        object.opt_u64(key!("maxDuration"), self.max_duration);
        object.opt_u64(key!("dialTimeout"), self.dial_timeout);
        object.opt_text(key!("cli"), &self.cli);
        object.opt_bool(key!("suppressCallbacks"), self.suppress_callbacks);
        object.opt_text(key!("dtmf"), &self.dtmf);
        object.opt_serde(key!("indications"), &self.indications);
        object.opt_value(key!("amd"), &self.amd);
        object.close(&self.extra);
    }
}

impl ConnectMxp<'_> {
    fn fields(&self, mut object: Object<'_>) {
        object.opt_serde(key!("destination"), &self.destination);
        object.non_empty_serde(key!("callHeaders"), &self.call_headers);
        object.close(&self.extra);
    }
}

impl ConnectConf<'_> {
    fn fields(&self, mut object: Object<'_>) {
        object.text(key!("conferenceId"), &self.conference_id);
        object.opt_value(key!("conferenceDtmfOptions"), &self.conference_dtmf_options);
        object.opt_serde(key!("moh"), &self.moh);
        object.close(&self.extra);
    }
}

impl ConnectSip<'_> {
    fn fields(&self, mut object: Object<'_>) {
        object.serde(key!("destination"), &self.destination);
        object.opt_u64(key!("maxDuration"), self.max_duration);
        object.opt_text(key!("cli"), &self.cli);
        object.opt_serde(key!("transport"), &self.transport);
        object.opt_bool(key!("suppressCallbacks"), self.suppress_callbacks);
        object.non_empty_serde(key!("callHeaders"), &self.call_headers);
        object.opt_serde(key!("moh"), &self.moh);
        object.close(&self.extra);
    }
}

impl ConnectStream<'_> {
    fn fields(&self, mut object: Object<'_>) {
        object.serde(key!("destination"), &self.destination);
        object.opt_value(key!("streamingOptions"), &self.streaming_options);
        object.opt_u64(key!("maxDuration"), self.max_duration);
        object.non_empty_serde(key!("callHeaders"), &self.call_headers);
        object.close(&self.extra);
    }
}

impl RunMenu<'_> {
    fn fields(&self, mut object: Object<'_>) {
        object.opt_bool(key!("barge"), self.barge);
        object.opt_text(key!("locale"), &self.locale);
        object.opt_text(key!("mainMenu"), &self.main_menu);
        object.opt_bool(key!("enableVoice"), self.enable_voice);
        object.non_empty(key!("menus"), &self.menus);
        object.close(&self.extra);
    }
}

impl Park<'_> {
    fn fields(&self, mut object: Object<'_>) {
        object.opt_text(key!("locale"), &self.locale);
        object.opt_text(key!("introPrompt"), &self.intro_prompt);
        object.opt_text(key!("holdPrompt"), &self.hold_prompt);
        object.opt_u64(key!("maxDuration"), self.max_duration);
        object.close(&self.extra);
    }
}

// ---------------------------------------------------------------- nested objects

impl WriteJson for Menu<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = Object::open(out);
        object.text(key!("id"), &self.id);
        object.opt_text(key!("mainPrompt"), &self.main_prompt);
        object.opt_text(key!("repeatPrompt"), &self.repeat_prompt);
        object.opt_u64(key!("repeats"), self.repeats);
        object.opt_u64(key!("maxDigits"), self.max_digits);
        object.opt_u64(key!("timeoutMills"), self.timeout_mills);
        object.opt_u64(key!("maxTimeoutMills"), self.max_timeout_mills);
        object.non_empty(key!("options"), &self.options);
        object.close(&self.extra);
    }
}

impl WriteJson for MenuOption<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = Object::open(out);
        object.text(key!("dtmf"), &self.dtmf);
        object.value(key!("action"), &self.action);
        object.close(&self.extra);
    }
}

impl WriteJson for OptionAction<'_> {
    #[inline]
    fn write_json(&self, out: &mut Vec<u8>) {
        let (prefix, inner): (&[u8], _) = match self {
            OptionAction::Menu(id) => (b"\"menu(", id),
            OptionAction::Return(value) => (b"\"return(", value),
        };
        out.extend_from_slice(prefix);
        json::string_contents(out, inner);
        out.extend_from_slice(b")\"");
    }
}

impl WriteJson for ConferenceDtmfOptions {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = Object::open(out);
        object.opt_serde(key!("mode"), &self.mode);
        object.opt_u64(key!("maxDigits"), self.max_digits);
        object.opt_u64(key!("timeoutMills"), self.timeout_mills);
        object.close(&self.extra);
    }
}

impl WriteJson for Amd {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = Object::open(out);
        object.opt_bool(key!("enabled"), self.enabled);
        object.opt_bool(key!("async"), self.asynchronous);
        object.close(&self.extra);
    }
}

impl WriteJson for StreamingOptions {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = Object::open(out);
        object.opt_i64(key!("version"), self.version);
        object.opt_i64(key!("sampleRate"), self.sample_rate);
        object.close(&self.extra);
    }
}

impl WriteJson for TranscriptionOptions<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = Object::open(out);
        object.opt_bool(key!("enabled"), self.enabled);
        object.opt_text(key!("locale"), &self.locale);
        object.close(&self.extra);
    }
}

impl WriteJson for StartRecordingOptions<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = Object::open(out);
        object.opt_text(key!("destinationUrl"), &self.destination_url);
        object.opt_text(key!("credentials"), &self.credentials);
        object.opt_text(key!("format"), &self.format);
        object.opt_bool(key!("notificationEvents"), self.notification_events);
        object.opt_value(key!("transcriptionOptions"), &self.transcription_options);
        object.close(&self.extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{CallHeader, Destination, MusicOnHold};
    use serde_json::json;

    fn extra(tag: &str) -> Extra {
        json!({ format!("unknown\"{tag}"): {"nested": [1, "two\n", null]}, "z": -1.5 })
            .as_object()
            .unwrap()
            .clone()
    }

    fn same_as_serde<T: WriteJson + Serialize>(value: &T) {
        let mut ours = b"prefix ".to_vec();
        value.write_json(&mut ours);
        assert_eq!(
            String::from_utf8(ours[7..].to_vec()).unwrap(),
            serde_json::to_string(value).unwrap()
        );
    }

    fn text(s: &'static str) -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(s))
    }

    fn menu(id: &'static str, full: bool) -> Menu<'static> {
        Menu {
            id: id.into(),
            main_prompt: full.then(|| "#tts[Press \"1\"]".into()),
            repeat_prompt: full.then(|| "#ssml[<speak>again</speak>]".into()),
            repeats: full.then_some(2),
            max_digits: full.then_some(4),
            timeout_mills: full.then_some(5000),
            max_timeout_mills: full.then_some(u64::MAX),
            options: if full {
                vec![
                    MenuOption {
                        dtmf: "1".into(),
                        action: OptionAction::returns("sales\\eu"),
                        extra: extra("option"),
                    },
                    MenuOption {
                        dtmf: "#".into(),
                        action: OptionAction::menu("main"),
                        extra: Extra::new(),
                    },
                ]
            } else {
                Vec::new()
            },
            extra: if full { extra("menu") } else { Extra::new() },
        }
    }

    /// Every action, with every field set (and extra fields), and with none.
    fn actions() -> Vec<Action<'static>> {
        let headers = vec![CallHeader::new("X-A", "1"), CallHeader::default()];
        let mut full = vec![
            Action::Hangup(Hangup { extra: extra("h") }),
            Action::Continue(Continue { extra: extra("c") }),
            Action::ConnectPstn(ConnectPstn {
                number: text("+46700000000"),
                locale: text("sv-SE"),
                max_duration: Some(14400),
                dial_timeout: Some(0),
                cli: text("private"),
                suppress_callbacks: Some(false),
                dtmf: text("1w2#"),
                indications: Some("se".parse().unwrap()),
                amd: Some(Amd {
                    enabled: Some(true),
                    asynchronous: Some(false),
                    extra: extra("amd"),
                }),
                extra: extra("pstn"),
            }),
            Action::ConnectMxp(ConnectMxp {
                destination: Some(Destination::number("+1")),
                call_headers: headers.clone(),
                extra: extra("mxp"),
            }),
            Action::ConnectConf(ConnectConf {
                conference_id: "room".into(),
                conference_dtmf_options: Some(ConferenceDtmfOptions {
                    mode: Some("detect".parse().unwrap()),
                    max_digits: Some(3),
                    timeout_mills: Some(100),
                    extra: extra("dtmf"),
                }),
                moh: Some(MusicOnHold::Music2),
                extra: extra("conf"),
            }),
            Action::ConnectSip(ConnectSip {
                destination: Destination::sip("a@b.c"),
                max_duration: Some(1),
                cli: text("46"),
                transport: Some("tls".parse().unwrap()),
                suppress_callbacks: Some(true),
                call_headers: headers.clone(),
                moh: Some("custom-moh".parse().unwrap()),
                extra: extra("sip"),
            }),
            Action::ConnectStream(ConnectStream {
                destination: Destination::sip("wss://x"),
                streaming_options: Some(StreamingOptions {
                    version: Some(-1),
                    sample_rate: Some(i64::MIN),
                    extra: extra("stream"),
                }),
                max_duration: Some(7),
                call_headers: headers,
                extra: extra("cs"),
            }),
            Action::RunMenu(RunMenu {
                barge: Some(true),
                locale: text("en-US"),
                main_menu: text("main"),
                enable_voice: Some(false),
                menus: vec![menu("main", true), menu("empty", false)],
                extra: extra("run"),
            }),
            Action::Park(Park {
                locale: text("en-GB"),
                intro_prompt: text("#tts[Hold]"),
                hold_prompt: text("#href[https://x/y.wav]"),
                max_duration: Some(600),
                extra: extra("park"),
            }),
        ];
        full.extend([
            Action::Hangup(Hangup::default()),
            Action::Continue(Continue::default()),
            Action::ConnectPstn(ConnectPstn::default()),
            Action::ConnectMxp(ConnectMxp::default()),
            Action::ConnectConf(ConnectConf::default()),
            Action::ConnectSip(ConnectSip::default()),
            Action::ConnectStream(ConnectStream::default()),
            Action::RunMenu(RunMenu::default()),
            Action::Park(Park::default()),
        ]);
        full
    }

    fn instructions() -> Vec<Instruction<'static>> {
        let mut full = vec![
            Instruction::PlayFiles(PlayFiles {
                ids: vec!["#tts[a]".into(), "file\t1".into()],
                locale: text("en-US"),
                extra: extra("play"),
            }),
            Instruction::Say(Say {
                text: "Hello \"world\" é😀".into(),
                locale: text("en-US"),
                extra: extra("say"),
            }),
            Instruction::SendDtmf(SendDtmf {
                value: "12w#".into(),
                extra: extra("dtmf"),
            }),
            Instruction::SetCookie(SetCookie {
                key: "k\u{1}".into(),
                value: "v".into(),
                extra: extra("cookie"),
            }),
            Instruction::Answer(Answer { extra: extra("a") }),
            Instruction::StartRecording(StartRecording {
                options: Some(StartRecordingOptions {
                    destination_url: text("s3://bucket/"),
                    credentials: text("A:B:C"),
                    format: text("wav"),
                    notification_events: Some(true),
                    transcription_options: Some(TranscriptionOptions {
                        enabled: Some(true),
                        locale: text("de-DE"),
                        extra: extra("tr"),
                    }),
                    extra: extra("opts"),
                }),
                extra: extra("rec"),
            }),
            Instruction::StopRecording(StopRecording { extra: extra("s") }),
        ];
        full.extend([
            Instruction::PlayFiles(PlayFiles::default()),
            Instruction::Say(Say::default()),
            Instruction::SendDtmf(SendDtmf::default()),
            Instruction::SetCookie(SetCookie::default()),
            Instruction::Answer(Answer::default()),
            Instruction::StartRecording(StartRecording {
                options: Some(StartRecordingOptions::default()),
                extra: Extra::new(),
            }),
            Instruction::StartRecording(StartRecording::default()),
            Instruction::StopRecording(StopRecording::default()),
        ]);
        full
    }

    /// Fails when `T` has a field (by its JSON schema) that `value` leaves out: a new field
    /// must be set in the values above, so that the comparison with serde covers it.
    fn sets_every_field<T: schemars::JsonSchema + Serialize>(value: &T) {
        let schema = schemars::schema_for!(T);
        let properties = schema
            .get("properties")
            .and_then(|p| p.as_object())
            .expect("a struct schema has properties");
        let written = serde_json::to_value(value).unwrap();
        for name in properties.keys() {
            assert!(
                written.get(name).is_some(),
                "{}: `{name}` is not set in the test value",
                std::any::type_name::<T>()
            );
        }
    }

    #[test]
    fn the_test_values_set_every_field_of_every_type() {
        for action in actions().into_iter().take(ActionKind::ALL.len()) {
            match action {
                Action::Hangup(_) | Action::Continue(_) => {}
                Action::ConnectPstn(a) => {
                    sets_every_field(&a);
                    sets_every_field(a.amd.as_ref().unwrap());
                }
                Action::ConnectMxp(a) => sets_every_field(&a),
                Action::ConnectConf(a) => {
                    sets_every_field(&a);
                    sets_every_field(a.conference_dtmf_options.as_ref().unwrap());
                }
                Action::ConnectSip(a) => sets_every_field(&a),
                Action::ConnectStream(a) => {
                    sets_every_field(&a);
                    sets_every_field(a.streaming_options.as_ref().unwrap());
                }
                Action::RunMenu(a) => {
                    sets_every_field(&a);
                    sets_every_field(&a.menus[0]);
                    sets_every_field(&a.menus[0].options[0]);
                }
                Action::Park(a) => sets_every_field(&a),
            }
        }
        for instruction in instructions().into_iter().take(InstructionKind::ALL.len()) {
            match instruction {
                Instruction::PlayFiles(i) => sets_every_field(&i),
                Instruction::Say(i) => sets_every_field(&i),
                Instruction::SendDtmf(i) => sets_every_field(&i),
                Instruction::SetCookie(i) => sets_every_field(&i),
                Instruction::StartRecording(i) => {
                    sets_every_field(&i);
                    let options = i.options.as_ref().unwrap();
                    sets_every_field(options);
                    sets_every_field(options.transcription_options.as_ref().unwrap());
                }
                Instruction::Answer(_) | Instruction::StopRecording(_) => {}
            }
        }
    }

    #[test]
    fn every_action_is_written_as_serde_writes_it() {
        for action in actions() {
            same_as_serde(&action);
        }
    }

    #[test]
    fn every_instruction_is_written_as_serde_writes_it() {
        for instruction in instructions() {
            same_as_serde(&instruction);
        }
    }

    #[test]
    fn documents_with_and_without_instructions_action_and_extra_fields() {
        use super::super::context::{Ace, Patch};
        let document = |instructions, action, extra| Svaml::<Patch> {
            instructions,
            action,
            extra,
            context: std::marker::PhantomData,
        };
        same_as_serde(&document(instructions(), actions().pop(), extra("doc")));
        same_as_serde(&document(Vec::new(), None, Extra::new()));
        same_as_serde(&document(Vec::new(), None, extra("only")));
        same_as_serde(&Svaml::<Ace> {
            instructions: Vec::new(),
            action: Some(Action::Continue(Continue::default())),
            extra: Extra::new(),
            context: std::marker::PhantomData,
        });
    }

    #[test]
    fn integers_are_written_in_every_length() {
        for value in [0u64, 1, 9, 10, 99, 100, 12345, u64::MAX / 10, u64::MAX] {
            let mut ours = Vec::new();
            unsigned(&mut ours, value);
            assert_eq!(ours, value.to_string().as_bytes());
        }
        let mut object_out = Vec::new();
        let mut object = Object::open(&mut object_out);
        object.opt_i64(key!("a"), Some(i64::MIN));
        object.opt_i64(key!("b"), Some(-7));
        object.opt_i64(key!("c"), Some(0));
        object.opt_i64(key!("d"), None);
        object.close(&Extra::new());
        assert_eq!(
            String::from_utf8(object_out).unwrap(),
            format!(r#"{{"a":{},"b":-7,"c":0}}"#, i64::MIN)
        );
    }
}
