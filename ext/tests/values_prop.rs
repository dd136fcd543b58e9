//! Each value type's rule, checked where the value appears: whatever the rule accepts goes
//! through a REST request, an SVAML reply and a callback unchanged; whatever it refuses is
//! refused by the REST builders and by SVAML validation alike, naming the field.

use proptest::prelude::*;
use serde_json::json;
use sinch_voice::callbacks::CallbackEvent;
use sinch_voice::svaml::{
    AceResponse, ConnectConf, ConnectMxp, ConnectPstn, ConnectSip, IceResponse, PieResponse,
};
use sinch_voice::{
    Callout, ConferenceCallout, ConferenceId, Destination, DestinationType, Dtmf, E164, Error,
    IntoRequest, TtsCallout, callout_body,
};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

fn e164() -> impl Strategy<Value = String> {
    "\\+[0-9]{2,15}"
}

fn room() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~-]{1,64}"
}

fn tones() -> impl Strategy<Value = String> {
    "[0-9#wW]{1,24}"
}

fn rest(callout: impl IntoRequest<Callout>) -> serde_json::Value {
    serde_json::to_value(callout_body(callout).expect("the rule accepted it")).unwrap()
}

fn refused_field(callout: impl IntoRequest<Callout>) -> String {
    match callout_body(callout) {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn ice_event(extra: serde_json::Value) -> Vec<u8> {
    let mut event = json!({"event": "ice", "callid": "c1"});
    event
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    serde_json::to_vec(&event).unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn e164_numbers_travel_unchanged(number in e164()) {
        let parsed = E164::parse(number.as_str()).unwrap();
        prop_assert_eq!(parsed.as_str(), number.as_str());
        // REST: destination and caller id.
        let body = rest(TtsCallout::to(parsed.clone()).cli(number.clone()).text("hi"));
        prop_assert_eq!(&body["ttsCallout"]["destination"]["endpoint"], &json!(number));
        prop_assert_eq!(&body["ttsCallout"]["cli"], &json!(number));
        // SVAML: connectPstn, built and parsed back.
        let ice = IceResponse::builder().connect_pstn(ConnectPstn::to(number.clone())).build().unwrap();
        let back = IceResponse::parse(ice.to_json().as_bytes()).unwrap();
        prop_assert_eq!(back, ice);
        // Callbacks: the caller id and the called number.
        let body = ice_event(json!({"cli": number, "to": {"type": "number", "endpoint": number}}));
        let CallbackEvent::Ice(event) = CallbackEvent::parse(&body).unwrap() else { unreachable!() };
        prop_assert_eq!(event.cli.as_deref(), Some(number.as_str()));
        let to = event.to.unwrap();
        prop_assert_eq!(to.kind, Some(DestinationType::Number));
        prop_assert_eq!(to.endpoint.as_ref(), number.as_str());
    }

    #[test]
    fn what_e164_refuses_rest_and_svaml_refuse(text in "\\PC{0,20}") {
        prop_assume!(E164::check(&text).is_err());
        prop_assert_eq!(refused_field(TtsCallout::to(text.clone()).text("hi")), "ttsCallout.destination.endpoint");
        let err = IceResponse::builder().connect_pstn(ConnectPstn::to(text.clone())).build().unwrap_err();
        prop_assert_eq!(err.issues[0].path.as_str(), "action.number");
    }

    #[test]
    fn conference_ids_travel_unchanged(id in room()) {
        ConferenceId::parse(id.as_str()).unwrap();
        let body = rest(ConferenceCallout::to("+46701234567", id.clone()));
        prop_assert_eq!(&body["conferenceCallout"]["conferenceId"], &json!(id));
        for reply in [
            IceResponse::builder().connect_conf(ConnectConf::room(id.clone())).build().map(|r| r.to_json()),
            AceResponse::builder().connect_conf(ConnectConf::room(id.clone())).build().map(|r| r.to_json()),
            PieResponse::builder().connect_conf(ConnectConf::room(id.clone())).build().map(|r| r.to_json()),
        ] {
            let json = reply.unwrap();
            let back = IceResponse::parse(json.as_bytes()).unwrap();
            let Some(sinch_voice::svaml::Action::ConnectConf(c)) = back.action() else { unreachable!() };
            prop_assert_eq!(c.conference_id.as_ref(), id.as_str());
        }
        let body = ice_event(json!({"conferenceId": id}));
        let CallbackEvent::Ice(event) = CallbackEvent::parse(&body).unwrap() else { unreachable!() };
        prop_assert_eq!(event.conference_id.as_deref(), Some(id.as_str()));
    }

    #[test]
    fn what_connect_conf_accepts_a_conference_callout_accepts(id in "\\PC{0,70}") {
        let svaml = IceResponse::builder().connect_conf(ConnectConf::room(id.clone())).build();
        let callout = callout_body(ConferenceCallout::to("+46701234567", id.clone()));
        prop_assert_eq!(svaml.is_ok(), callout.is_ok(), "{:?}", id);
        prop_assert_eq!(svaml.is_ok(), ConferenceId::check(&id).is_ok());
    }

    #[test]
    fn dtmf_strings_travel_unchanged(dtmf in tones()) {
        Dtmf::parse(dtmf.as_str()).unwrap();
        let body = rest(TtsCallout::to("+46701234567").cli("+14045001000").text("hi").dtmf(dtmf.clone()));
        prop_assert_eq!(&body["ttsCallout"]["dtmf"], &json!(dtmf));
        let ice = IceResponse::builder()
            .send_dtmf(dtmf.clone())
            .connect_pstn(ConnectPstn::to("+46701234567"))
            .build()
            .unwrap();
        prop_assert_eq!(IceResponse::parse(ice.to_json().as_bytes()).unwrap(), ice);
    }

    #[test]
    fn what_dtmf_refuses_rest_and_svaml_refuse(text in "\\PC{0,12}") {
        prop_assume!(Dtmf::check(&text).is_err());
        prop_assert_eq!(refused_field(TtsCallout::to("+46701234567").text("hi").dtmf(text.clone())), "ttsCallout.dtmf");
        let err = IceResponse::builder().send_dtmf(text.clone()).connect_pstn(ConnectPstn::to("+46701234567")).build().unwrap_err();
        prop_assert_eq!(err.issues[0].path.as_str(), "instructions[0].value");
    }

    #[test]
    fn destinations_travel_unchanged(user in "[a-z0-9._-]{1,30}", host in "[a-z]{1,10}\\.example\\.com") {
        let sip = format!("{user}@{host}");
        for (destination, kind) in [
            (Destination::username(user.clone()), "username"),
            (Destination::sip(sip.clone()), "sip"),
        ] {
            let body = rest(TtsCallout::to(destination.clone()).text("hi"));
            prop_assert_eq!(&body["ttsCallout"]["destination"], &json!({"type": kind, "endpoint": destination.endpoint}));
            let body = ice_event(json!({"to": {"type": kind, "endpoint": destination.endpoint}}));
            let CallbackEvent::Ice(event) = CallbackEvent::parse(&body).unwrap() else { unreachable!() };
            prop_assert_eq!(event.to.unwrap(), destination);
        }
        let mxp = IceResponse::builder()
            .action(ConnectMxp { destination: Some(Destination::username(user.clone())), ..ConnectMxp::default() })
            .build()
            .unwrap();
        prop_assert_eq!(IceResponse::parse(mxp.to_json().as_bytes()).unwrap(), mxp);
        let connect_sip = IceResponse::builder().action(ConnectSip::to(sip)).build().unwrap();
        prop_assert_eq!(IceResponse::parse(connect_sip.to_json().as_bytes()).unwrap(), connect_sip);
    }
}
