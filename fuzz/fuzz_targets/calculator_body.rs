//! Any bytes as a calculator request: refused with field errors or computed; nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = zerolabel::footprint::parse_request(data) {
        let _ = zerolabel::footprint::calculate(&request).report();
    }
});
