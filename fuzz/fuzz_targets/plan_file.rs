//! Any bytes as a plan file for `rvmctl apply`: parsed and checked, or a
//! clean error; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rvmctl::plan::file::parse(text);
    }
});
