//! Any text: compiling never panics, in both profiles.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        let _ = appsync_vtl::Engine::new().compile("fuzz", source);
        let _ = appsync_vtl::Engine::velocity().compile("fuzz", source);
    }
});
