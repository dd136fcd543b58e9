#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sinch_voice_emulator::fuzzing::rest_body(data));
