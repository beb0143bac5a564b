//! Deployment windows in their own time zone: DST-correct (jiff), windows
//! that cross midnight, optional weekdays.

use jiff::Timestamp;
use jiff::civil::{Date, Weekday as JWeekday};

use crate::config::schema::{DeploymentWindow, Weekday};

#[derive(Debug, Clone, PartialEq)]
pub struct WindowDecision {
    pub open: bool,
    pub next_open: Option<Timestamp>,
}

impl WindowDecision {
    pub fn describe(&self, w: &DeploymentWindow) -> String {
        let span = format!("{}–{} {}", w.start, w.end, w.timezone);
        if self.open {
            return format!("inside deployment window {span}");
        }
        match self.next_open {
            Some(t) => format!(
                "outside deployment window {span}; next opening {}",
                t.to_zoned(w.timezone.tz()).strftime("%Y-%m-%d %H:%M %Z")
            ),
            None => format!("outside deployment window {span}"),
        }
    }
}

fn day_allowed(w: &DeploymentWindow, d: Date) -> bool {
    if w.days.is_empty() {
        return true;
    }
    let wd = match d.weekday() {
        JWeekday::Monday => Weekday::Mon,
        JWeekday::Tuesday => Weekday::Tue,
        JWeekday::Wednesday => Weekday::Wed,
        JWeekday::Thursday => Weekday::Thu,
        JWeekday::Friday => Weekday::Fri,
        JWeekday::Saturday => Weekday::Sat,
        JWeekday::Sunday => Weekday::Sun,
    };
    w.days.contains(&wd)
}

/// Start and end instants of the window that opens on local date `d`.
fn window_on(w: &DeploymentWindow, d: Date) -> Option<(Timestamp, Timestamp)> {
    let tz = w.timezone.tz();
    let start = d.at(w.start.hour, w.start.minute, 0, 0).to_zoned(tz.clone()).ok()?;
    let end_date = if w.end <= w.start { d.tomorrow().ok()? } else { d };
    let end = end_date.at(w.end.hour, w.end.minute, 0, 0).to_zoned(tz).ok()?;
    Some((start.timestamp(), end.timestamp()))
}

pub fn evaluate(w: &DeploymentWindow, now: Timestamp) -> WindowDecision {
    let today = now.to_zoned(w.timezone.tz()).date();
    // A window that opened yesterday may still be open (crossing midnight).
    let mut d = today.yesterday().unwrap_or(today);
    let mut next_open = None;
    for _ in 0..10 {
        if day_allowed(w, d) {
            if let Some((start, end)) = window_on(w, d) {
                if start <= now && now < end {
                    return WindowDecision { open: true, next_open: None };
                }
                if start > now && next_open.is_none() {
                    next_open = Some(start);
                }
            }
        }
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    WindowDecision { open: false, next_open }
}

/// The first instant at or after `now` when `w` is open: `now` itself inside
/// the window, else the start of the next window on an allowed day, in the
/// window's own time zone (DST included). `None` only when no opening is
/// representable (the end of the calendar).
pub fn next_opening(w: &DeploymentWindow, now: Timestamp) -> Option<Timestamp> {
    let d = evaluate(w, now);
    if d.open { Some(now) } else { d.next_open }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::types::{TimeOfDay, TimeZoneName};

    fn win(start: &str, end: &str, tz: &str, days: Vec<Weekday>) -> DeploymentWindow {
        DeploymentWindow {
            start: start.parse::<TimeOfDay>().unwrap(),
            end: end.parse::<TimeOfDay>().unwrap(),
            timezone: tz.parse::<TimeZoneName>().unwrap(),
            days,
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn jakarta_night_window() {
        let w = win("02:00", "06:00", "Asia/Jakarta", vec![]);
        // 03:00 WIB = 20:00 UTC the day before
        assert!(evaluate(&w, at("2026-11-23T20:00:00Z")).open);
        let d = evaluate(&w, at("2026-11-23T12:00:00Z")); // 19:00 WIB
        assert!(!d.open);
        assert_eq!(d.next_open, Some(at("2026-11-23T19:00:00Z"))); // 02:00 WIB next day
        assert!(d.describe(&w).contains("next opening 2026-11-24 02:00 WIB"), "{}", d.describe(&w));
    }

    #[test]
    fn crossing_midnight() {
        let w = win("22:00", "02:00", "UTC", vec![]);
        assert!(evaluate(&w, at("2026-11-23T23:30:00Z")).open);
        assert!(evaluate(&w, at("2026-11-24T01:59:00Z")).open);
        assert!(!evaluate(&w, at("2026-11-24T02:00:00Z")).open);
        assert_eq!(evaluate(&w, at("2026-11-24T12:00:00Z")).next_open, Some(at("2026-11-24T22:00:00Z")));
    }

    #[test]
    fn dst_spring_forward_in_berlin() {
        // 2026-03-29: clocks jump 02:00 → 03:00 CET→CEST. A 01:00–04:00 window is 2 real hours.
        let w = win("01:00", "04:00", "Europe/Berlin", vec![]);
        assert!(evaluate(&w, at("2026-03-29T00:30:00Z")).open); // 01:30 CET
        assert!(evaluate(&w, at("2026-03-29T01:30:00Z")).open); // 03:30 CEST
        assert!(!evaluate(&w, at("2026-03-29T02:00:00Z")).open); // 04:00 CEST
        // A window starting inside the gap (02:30) opens at 03:30 CEST? jiff's compatible
        // disambiguation moves forward by the gap length.
        let g = win("02:30", "05:00", "Europe/Berlin", vec![]);
        let d = evaluate(&g, at("2026-03-28T23:00:00Z"));
        assert_eq!(d.next_open, Some(at("2026-03-29T01:30:00Z")));
    }

    #[test]
    fn dst_fall_back_in_new_york() {
        // 2026-11-01: 02:00 EDT → 01:00 EST. 00:00–03:00 local is 4 real hours.
        let w = win("00:00", "03:00", "America/New_York", vec![]);
        assert!(evaluate(&w, at("2026-11-01T04:30:00Z")).open); // 00:30 EDT
        assert!(evaluate(&w, at("2026-11-01T07:30:00Z")).open); // 02:30 EST
        assert!(!evaluate(&w, at("2026-11-01T08:00:00Z")).open); // 03:00 EST
    }

    #[test]
    fn weekdays_only() {
        let w = win("09:00", "17:00", "UTC", vec![Weekday::Mon, Weekday::Tue]);
        // 2026-11-28 is a Saturday.
        let d = evaluate(&w, at("2026-11-28T10:00:00Z"));
        assert!(!d.open);
        assert_eq!(d.next_open, Some(at("2026-11-30T09:00:00Z")));
    }

    #[test]
    fn next_opening_same_day_later() {
        let w = win("14:00", "16:00", "UTC", vec![]);
        assert_eq!(next_opening(&w, at("2026-11-23T09:30:00Z")), Some(at("2026-11-23T14:00:00Z")));
        // One second before: the same opening, one second away.
        assert_eq!(next_opening(&w, at("2026-11-23T13:59:59Z")), Some(at("2026-11-23T14:00:00Z")));
    }

    #[test]
    fn next_opening_is_now_inside_the_window() {
        let w = win("14:00", "16:00", "UTC", vec![]);
        let now = at("2026-11-23T14:00:00Z");
        assert_eq!(next_opening(&w, now), Some(now));
        let now = at("2026-11-23T15:59:59Z");
        assert_eq!(next_opening(&w, now), Some(now));
        // Crossing midnight: still open after it, from the window that opened yesterday.
        let night = win("22:00", "02:00", "UTC", vec![]);
        let now = at("2026-11-24T01:00:00Z");
        assert_eq!(next_opening(&night, now), Some(now));
    }

    #[test]
    fn next_opening_next_day() {
        let w = win("14:00", "16:00", "UTC", vec![]);
        // At the closing instant the window is closed: tomorrow's opening.
        assert_eq!(next_opening(&w, at("2026-11-23T16:00:00Z")), Some(at("2026-11-24T14:00:00Z")));
        assert_eq!(next_opening(&w, at("2026-11-23T23:59:00Z")), Some(at("2026-11-24T14:00:00Z")));
    }

    #[test]
    fn next_opening_follows_the_weekday_rules() {
        // 2026-11-27 is a Friday.
        let w = win("09:00", "17:00", "UTC", vec![Weekday::Mon, Weekday::Wed]);
        assert_eq!(next_opening(&w, at("2026-11-27T08:00:00Z")), Some(at("2026-11-30T09:00:00Z")));
        // Monday after the window: Wednesday.
        assert_eq!(next_opening(&w, at("2026-11-30T17:00:00Z")), Some(at("2026-12-02T09:00:00Z")));
        // Only Sundays, asked on a Sunday after it closed: a week later.
        let sun = win("09:00", "10:00", "UTC", vec![Weekday::Sun]);
        assert_eq!(next_opening(&sun, at("2026-11-29T10:30:00Z")), Some(at("2026-12-06T09:00:00Z")));
        // A night window on Fridays only is still open early on Saturday.
        let fri = win("22:00", "02:00", "UTC", vec![Weekday::Fri]);
        let sat = at("2026-11-28T01:00:00Z");
        assert_eq!(next_opening(&fri, sat), Some(sat));
        assert_eq!(next_opening(&fri, at("2026-11-28T02:00:00Z")), Some(at("2026-12-04T22:00:00Z")));
    }

    #[test]
    fn next_opening_in_the_windows_time_zone() {
        // 02:00 in Jakarta (UTC+7, no DST) is 19:00 UTC the day before.
        let w = win("02:00", "06:00", "Asia/Jakarta", vec![]);
        assert_eq!(next_opening(&w, at("2026-11-23T12:00:00Z")), Some(at("2026-11-23T19:00:00Z")));
        // Weekdays are the zone's: Monday 02:00 WIB is Sunday 19:00 UTC.
        let mon = win("02:00", "06:00", "Asia/Jakarta", vec![Weekday::Mon]);
        assert_eq!(next_opening(&mon, at("2026-11-27T12:00:00Z")), Some(at("2026-11-29T19:00:00Z")));
        // Across a DST change: 01:00 in New York is 05:00 UTC before the fall-back, 06:00 after.
        let ny = win("01:00", "03:00", "America/New_York", vec![]);
        assert_eq!(next_opening(&ny, at("2026-10-31T12:00:00Z")), Some(at("2026-11-01T05:00:00Z")));
        assert_eq!(next_opening(&ny, at("2026-11-01T12:00:00Z")), Some(at("2026-11-02T06:00:00Z")));
    }
}
