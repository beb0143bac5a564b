//! Prompts, only ever at a terminal: without a TTY or with CI=true a prompt
//! is an error that names the flag to pass instead.

use std::io::IsTerminal;

/// True when rvmctl may ask the operator something.
pub fn interactive() -> bool {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    !ci && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error(
        "{what} needs confirmation, and there is no terminal to ask (stdin is not a TTY or CI=true); pass {flag} to proceed"
    )]
    NotInteractive { what: String, flag: String },
    #[error("{0}: declined")]
    Declined(String),
    #[error("prompt failed: {0}")]
    Io(String),
}

/// Makes the operator type `expected` (like GitHub's "type the repository
/// name"): for approvals and what cannot be undone. Without a terminal it
/// refuses, naming `flag`, the way to say yes there.
pub fn type_to_confirm(expected: &str, question: &str, flag: &str) -> Result<(), PromptError> {
    if !interactive() {
        return Err(PromptError::NotInteractive { what: question.to_string(), flag: flag.into() });
    }
    let typed: String = dialoguer::Input::new()
        .with_prompt(question)
        .allow_empty(true)
        .interact_text()
        .map_err(|e| PromptError::Io(e.to_string()))?;
    if typed.trim() == expected {
        Ok(())
    } else {
        Err(PromptError::Declined(format!("typed '{}', expected '{expected}'", typed.trim())))
    }
}

/// Asks "proceed?" unless `yes`; refuses without a terminal.
pub fn confirm(question: &str, yes: bool, flag: &str) -> Result<(), PromptError> {
    if yes {
        return Ok(());
    }
    if !interactive() {
        return Err(PromptError::NotInteractive { what: question.to_string(), flag: flag.to_string() });
    }
    let ok = dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(|e| PromptError::Io(e.to_string()))?;
    if ok { Ok(()) } else { Err(PromptError::Declined(question.to_string())) }
}
