#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sinch_voice::fuzzing::svaml_parse(data));
