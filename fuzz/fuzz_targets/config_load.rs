//! Any bytes as deployment-config.yaml: a clean error or a config, never a
//! panic or a hang; rendering the diagnostics must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match rvmctl::config::load_str(std::path::Path::new("/nonexistent/deployment-config.yaml"), "deployment-config.yaml", text) {
        Ok(cfg) => {
            for name in cfg.env_names() {
                let _ = cfg.environment(&name);
            }
        }
        Err(e) => {
            let _ = e.render(false);
        }
    }
});
