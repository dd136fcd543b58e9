//! Why a command failed, and the exit status that says so.

use std::process::ExitCode;

/// A failed command. The exit status is the variant: see [`Failure::code`].
#[derive(Debug)]
pub(crate) enum Failure {
    /// Validation or verification failed, or a command failed for another reason (exit 1).
    Failed(String),
    /// Usage: missing credentials, unreadable file, unknown region, bad option value (exit 2).
    Usage(String),
    /// The API answered with an error (exit 3).
    Api(String),
    /// The request did not get an answer: not sent, no answer or timed out (exit 4).
    Network(String),
}

impl Failure {
    pub(crate) fn code(&self) -> u8 {
        match self {
            Failure::Failed(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Api(_) => 3,
            Failure::Network(_) => 4,
        }
    }

    fn message(&self) -> &str {
        match self {
            Failure::Failed(m) | Failure::Usage(m) | Failure::Api(m) | Failure::Network(m) => m,
        }
    }

    /// Prints the message on stderr and gives the exit status. `error:` is red only when
    /// stderr is a terminal, so scripts and logs get plain text.
    pub(crate) fn report(&self) -> ExitCode {
        use std::io::IsTerminal;
        let label = if std::io::stderr().is_terminal() {
            "\x1b[1;31merror:\x1b[0m"
        } else {
            "error:"
        };
        eprintln!("{label} {}", self.message());
        ExitCode::from(self.code())
    }

    /// The same failure, naming the hosts the request went to when it got that far (an API
    /// answer or no answer), so a request that reached production by mistake says so.
    pub(crate) fn sent_to(self, hosts: &str) -> Failure {
        match self {
            Failure::Api(m) => Failure::Api(format!("{m}\n  sent to    {hosts}")),
            Failure::Network(m) => Failure::Network(format!("{m}\n  sent to    {hosts}")),
            other => other,
        }
    }

    /// A file that cannot be read (a usage error: the argument names no readable file).
    pub(crate) fn unreadable(path: &str, error: &std::io::Error) -> Failure {
        Failure::Usage(format!("cannot read {path}: {error}"))
    }
}

/// The error's text and, when it has sources, the innermost one (for a refused connection,
/// the operating system's words), which says most about what to fix.
fn with_root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut root = None;
    let mut next = error.source();
    while let Some(e) = next {
        root = Some(e);
        next = e.source();
    }
    match root {
        Some(root) => format!("{error} ({root})"),
        None => error.to_string(),
    }
}

impl From<sinch_voice::Error> for Failure {
    fn from(error: sinch_voice::Error) -> Self {
        use sinch_voice::Error;
        match &error {
            Error::Api(api) => {
                let code = match api.error_code() {
                    Some(sinch_voice::ErrorCode::Integer(n)) => n.to_string(),
                    Some(sinch_voice::ErrorCode::String(s)) => s.clone(),
                    None => "-".into(),
                };
                Failure::Api(format!(
                    "{} failed with HTTP {}\n  errorCode  {code}\n  message    {}\n  reference  {}",
                    api.operation(),
                    api.status(),
                    api.message().unwrap_or("-"),
                    api.reference().unwrap_or("-"),
                ))
            }
            Error::NotSent { .. } | Error::NoAnswer { .. } | Error::Timeout { .. } => {
                Failure::Network(with_root_cause(&error))
            }
            Error::Decode { .. } | Error::ResponseTooLarge { .. } => {
                Failure::Api(error.to_string())
            }
            Error::InvalidInput { .. } => Failure::Failed(error.to_string()),
            Error::Configuration(_) => Failure::Usage(error.to_string()),
            _ => Failure::Failed(error.to_string()),
        }
    }
}
