//! Running the built `sinch-voice` binary and a shared in-process emulator.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sinch_voice_emulator::{Emulator, EmulatorHandle};

pub const BINARY: &str = env!("CARGO_BIN_EXE_sinch-voice");

/// What a finished run printed, and how it ended.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    pub fn context(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// A command line to run: arguments, environment (replacing the credential variables) and
/// stdin.
pub struct Invocation {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Vec<u8>,
    limit: Duration,
}

pub fn sv<I, S>(args: I) -> Invocation
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    Invocation {
        args: args.into_iter().map(|a| a.as_ref().to_string()).collect(),
        env: Vec::new(),
        stdin: Vec::new(),
        limit: Duration::from_secs(20),
    }
}

impl Invocation {
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    pub fn credentials(self, key: &str, secret: &str) -> Self {
        self.env("SINCH_APPLICATION_KEY", key)
            .env("SINCH_APPLICATION_SECRET", secret)
    }

    /// How long the run may take before it is killed and the test fails (default 20 s).
    pub fn limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    pub fn stdin(mut self, bytes: &[u8]) -> Self {
        self.stdin = bytes.to_vec();
        self
    }

    /// Runs the binary, killing it (and failing) after the limit.
    pub fn run(self) -> Run {
        let limit = self.limit;
        let mut command = Command::new(BINARY);
        command
            .args(&self.args)
            .env_remove("SINCH_APPLICATION_KEY")
            .env_remove("SINCH_APPLICATION_SECRET")
            .env_remove("SINCH_VOICE_REGION")
            .env_remove("SINCH_VOICE_CALLING_URL")
            .env_remove("SINCH_VOICE_CONFIGURATION_URL")
            // The client follows proxy variables even for 127.0.0.1.
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the sinch-voice binary starts");
        let mut input = child.stdin.take().expect("piped stdin");
        let stdin = self.stdin;
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(&stdin);
        });
        let mut out = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        let stdout = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = out.read_to_string(&mut text);
            text
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            text
        });
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting on the child") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`sinch-voice {}` still running after {limit:?}",
                    self.args.join(" ")
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let _ = writer.join();
        Run {
            status,
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        }
    }
}

/// The emulator every test of a binary shares, on its own runtime.
pub fn emulator() -> &'static EmulatorHandle {
    static EMULATOR: OnceLock<(tokio::runtime::Runtime, EmulatorHandle)> = OnceLock::new();
    let (_, handle) = EMULATOR.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let handle = runtime
            .block_on(Emulator::builder().start())
            .expect("the emulator starts on 127.0.0.1");
        (runtime, handle)
    });
    handle
}

/// A scratch file with `contents`, unique per name, in the target's test scratch directory.
pub fn scratch(name: &str, contents: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sinch-voice-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("scratch file");
    path.to_string_lossy().into_owned()
}

/// `ext/tests/data/...`.
pub fn data(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ext/tests/data")
        .join(relative)
}
