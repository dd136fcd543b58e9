//! `sinch-voice-emulator [--port N]`: serves the emulated platform until interrupted.

use sinch_voice_emulator::Emulator;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|v| v.parse::<u16>())) {
            ("--port", Some(Ok(p))) => port = p,
            _ => {
                eprintln!("usage: sinch-voice-emulator [--port N]");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let emulator = match Emulator::builder().start_on(port).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("Sinch Voice emulator at {}", emulator.url());
    println!("SINCH_APPLICATION_KEY={}", emulator.application_key());
    println!("SINCH_APPLICATION_SECRET={}", emulator.application_secret());
    let _ = tokio::signal::ctrl_c().await;
    std::process::ExitCode::SUCCESS
}
