//! What a notification says, written once: the Slack line, the email's
//! subject and body, and the webhook's JSON all come from one [`Event`].

use serde::Serialize;

use crate::config::schema::NotifyEvent;

/// The facts of one notification.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub event: NotifyEvent,
    pub project: String,
    pub environment: String,
    pub version: String,
    pub result: String,
    pub user: String,
    pub duration_ms: u128,
}

impl Event {
    /// What happened, without decoration: `edge 1.4.2 → production: success`.
    pub fn headline(&self) -> String {
        format!("{} {} → {}: {}", self.project, self.version, self.environment, self.result)
    }

    /// One line for chat: the headline with an icon, who and how long.
    pub fn text(&self) -> String {
        let icon = match self.event {
            NotifyEvent::Start => "🚀",
            NotifyEvent::Success => "✅",
            NotifyEvent::Failure => "❌",
            NotifyEvent::Rollback => "↩️",
        };
        format!("{icon} {} (by {}, {:.1}s)", self.headline(), self.user, self.duration_ms as f64 / 1000.0)
    }

    /// An email's subject: the headline, recognisable in a list of mails
    /// and in filters (no icon).
    pub fn subject(&self) -> String {
        format!("[rvmctl] {}", self.headline())
    }

    /// An email's plain-text body: the chat line, then each fact on its own
    /// line for whoever searches or forwards it.
    pub fn body(&self) -> String {
        let facts = [
            ("project", self.project.clone()),
            ("environment", self.environment.clone()),
            ("version", self.version.clone()),
            ("event", crate::model::wire_name(&self.event)),
            ("result", self.result.clone()),
            ("by", self.user.clone()),
            ("duration", format!("{:.1}s", self.duration_ms as f64 / 1000.0)),
        ];
        let mut body = format!("{}\n\n", self.text());
        for (name, value) in facts {
            body.push_str(&format!("{:<12} {value}\n", format!("{name}:")));
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event: NotifyEvent, result: &str) -> Event {
        Event {
            event,
            project: "edge".into(),
            environment: "production".into(),
            version: "1.4.2".into(),
            result: result.into(),
            user: "ana".into(),
            duration_ms: 83_450,
        }
    }

    #[test]
    fn the_chat_line_subject_and_body_say_the_same_facts() {
        let e = event(NotifyEvent::Success, "success");
        assert_eq!(e.text(), "✅ edge 1.4.2 → production: success (by ana, 83.5s)");
        assert_eq!(e.subject(), "[rvmctl] edge 1.4.2 → production: success");
        assert_eq!(
            e.body(),
            "✅ edge 1.4.2 → production: success (by ana, 83.5s)\n\n\
             project:     edge\n\
             environment: production\n\
             version:     1.4.2\n\
             event:       success\n\
             result:      success\n\
             by:          ana\n\
             duration:    83.5s\n"
        );
    }

    #[test]
    fn a_rollback_says_its_outcome_in_the_subject() {
        let e = event(NotifyEvent::Rollback, "rolled_back");
        assert_eq!(e.subject(), "[rvmctl] edge 1.4.2 → production: rolled_back");
        assert!(e.text().starts_with("↩️ "), "{}", e.text());
        assert!(e.body().contains("event:       rollback\n"), "{}", e.body());
    }
}
