//! `from_env()` reads the three variables and names the one that is wrong. One test in its own
//! binary: the environment is process-wide.

use sinch_voice::{Client, ClientBuilder, Error, Region};

fn set(name: &str, value: Option<&str>) {
    // SAFETY: this test binary has a single test, so no other thread reads the environment.
    unsafe {
        match value {
            Some(v) => std::env::set_var(name, v),
            None => std::env::remove_var(name),
        }
    }
}

fn configuration_message(result: Result<Client, Error>) -> String {
    match result {
        Err(Error::Configuration(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn from_env_reads_key_secret_and_region() {
    set("SINCH_APPLICATION_KEY", None);
    set("SINCH_APPLICATION_SECRET", None);
    set("SINCH_VOICE_REGION", None);
    let message = configuration_message(Client::from_env());
    assert!(message.contains("SINCH_APPLICATION_KEY"), "{message}");

    set("SINCH_APPLICATION_KEY", Some("app-key"));
    let message = configuration_message(Client::from_env());
    assert!(message.contains("SINCH_APPLICATION_SECRET"), "{message}");

    set("SINCH_APPLICATION_SECRET", Some("not base64 at all!"));
    let message = configuration_message(Client::from_env());
    assert!(message.contains("secret"), "{message}");
    assert!(
        !message.contains("not base64 at all!"),
        "the secret must not be echoed: {message}"
    );

    set("SINCH_APPLICATION_SECRET", Some("c2VjcmV0LWJ5dGVz\n"));
    let client = Client::from_env().unwrap();
    assert_eq!(client.application_key(), "app-key");
    assert_eq!(client.region(), Region::Global);

    set("SINCH_VOICE_REGION", Some("euc1"));
    assert_eq!(Client::from_env().unwrap().region(), Region::Euc1);

    set("SINCH_VOICE_REGION", Some("mars1"));
    let message = configuration_message(ClientBuilder::from_env().build());
    assert!(
        message.contains("SINCH_VOICE_REGION") && message.contains("mars1"),
        "{message}"
    );
}
