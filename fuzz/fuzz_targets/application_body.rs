//! Any bytes as an application body: parsing either succeeds or reports field errors, and a
//! parsed body's footprint computes; nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = zerolabel::application::parse_application(data) {
        let _ = zerolabel::footprint::calculate(&input.activity).report();
    }
});
