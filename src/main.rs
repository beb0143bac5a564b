use clap::Parser;

fn main() -> std::process::ExitCode {
    // Before anything else: a shell asking for completions gets only those.
    rvmctl::cli::complete_if_asked();
    // One TLS backend for kube, reqwest and octocrab (see README, design notes).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = rvmctl::cli::Cli::parse();
    rvmctl::cli::init_tracing(cli.global.verbose);
    let code = rvmctl::cli::main(cli);
    std::process::ExitCode::from(code as u8)
}
