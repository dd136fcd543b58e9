#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sinch_voice::fuzzing::callback_verify(data));
