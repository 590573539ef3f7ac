//! Exports of the graph, one module per format behind one small trait. Exporters write to
//! any `io::Write`; paths, atomic writes and rendering belong to the caller.

pub mod dot;
pub mod gexf;
pub mod json;

use crate::graph::Selection;
use crate::notes::Date;
use crate::workspace::Workspace;
use std::io;

/// A graph file format.
pub trait Exporter {
    /// File extension, without the dot.
    fn extension(&self) -> &'static str;
    /// Writes the selected part of the graph.
    fn write(&self, ws: &Workspace, sel: &Selection, out: &mut dyn io::Write) -> io::Result<()>;
}

/// Colour of each kind, as RGB: also the legend in the README.
pub fn kind_color(kind: crate::dictionary::Kind) -> (u8, u8, u8) {
    use crate::dictionary::Kind::*;
    match kind {
        Person => (66, 133, 244),
        Company => (219, 68, 55),
        Model => (244, 160, 0),
        Concept => (15, 157, 88),
    }
}

/// Merges sorted distinct days into runs of consecutive days: `[(start, end)]`.
pub fn day_runs(days: &[Date]) -> Vec<(Date, Date)> {
    let mut runs: Vec<(Date, Date)> = Vec::new();
    for &d in days {
        match runs.last_mut() {
            Some(r) if r.1.succ() == d => r.1 = d,
            _ => runs.push((d, d)),
        }
    }
    runs
}

/// Removes characters XML 1.0 and Graphviz cannot carry (C0 controls other than tab, newline
/// and carriage return, and the non-characters U+FFFE/U+FFFF).
pub fn strip_controls(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
            || c == '\u{FFFE}'
            || c == '\u{FFFF}'
            || c == '\u{7F}'
    };
    if s.chars().any(bad) {
        s.chars().filter(|&c| !bad(c)).collect::<String>().into()
    } else {
        s.into()
    }
}

/// `YYYY-MM-DD`, without the formatting machinery: a large export writes millions of dates.
pub fn date_bytes(d: Date) -> [u8; 10] {
    let mut b = *b"0000-00-00";
    let (y, m, day) = (d.year(), d.month(), d.day());
    for (i, p) in [1000, 100, 10, 1].into_iter().enumerate() {
        b[i] = b'0' + (y / p % 10) as u8;
    }
    (b[5], b[6]) = (b'0' + (m / 10) as u8, b'0' + (m % 10) as u8);
    (b[8], b[9]) = (b'0' + (day / 10) as u8, b'0' + (day % 10) as u8);
    b
}

/// Writes an unsigned integer in decimal, without the formatting machinery.
pub fn write_uint(out: &mut impl io::Write, mut n: u64) -> io::Result<()> {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(&buf[at..])
}

/// Writes `x` rounded to 6 decimals as `Display` writes the rounded f64 (`0.5`, `-2.031982`,
/// `3`), without the float formatting machinery: a large GEXF has two per edge, and the
/// generic shortest-representation search was most of the cost of writing them.
pub fn write_fixed6(out: &mut impl io::Write, x: f64) -> io::Result<()> {
    let scaled = (x * 1e6).round();
    // Out of the exact range (never for Jaccard or PMI): the general path.
    if !scaled.is_finite() || scaled.abs() >= 9e15 {
        return write!(out, "{}", round(x, 6));
    }
    let n = scaled as i64;
    if n < 0 {
        out.write_all(b"-")?;
    }
    let n = n.unsigned_abs();
    write_uint(out, n / 1_000_000)?;
    let mut frac = n % 1_000_000;
    if frac == 0 {
        return Ok(());
    }
    let mut digits = 6;
    while frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    let mut buf = *b".000000";
    for i in (1..=digits).rev() {
        buf[i] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    out.write_all(&buf[..=digits])
}

/// Rounds for output, so tiny floating-point noise never shows in a file.
pub fn round(x: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    let r = (x * p).round() / p;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_integers_print_as_display_does() {
        for s in ["2024-01-30", "1999-12-09", "1000-10-01"] {
            let d = s.parse::<Date>().unwrap();
            assert_eq!(&date_bytes(d), d.to_string().as_bytes());
        }
        for n in [0, 7, 10, 12345, u64::MAX] {
            let mut buf = Vec::new();
            write_uint(&mut buf, n).unwrap();
            assert_eq!(buf, n.to_string().as_bytes());
        }
    }

    #[test]
    fn fixed_point_matches_display_of_the_rounded_value() {
        let mut xs = vec![
            0.0, -0.0, 1.0, 0.5, -0.178824, 0.0019305, 3.0000004, -2.0319824,
        ];
        xs.extend([
            12.5e-7,
            -4e-7,
            1e9 + 0.25,
            123456.7890125,
            1e17,
            f64::NAN,
            f64::INFINITY,
        ]);
        // A deterministic spread of magnitudes and signs.
        let mut v = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            v ^= v << 13;
            v ^= v >> 7;
            v ^= v << 17;
            let unit = (v >> 11) as f64 / (1u64 << 53) as f64;
            xs.push((unit - 0.5) * 10f64.powi((v % 12) as i32 - 3));
        }
        for x in xs {
            let mut buf = Vec::new();
            write_fixed6(&mut buf, x).unwrap();
            assert_eq!(
                String::from_utf8(buf).unwrap(),
                round(x, 6).to_string(),
                "{x}"
            );
        }
    }

    #[test]
    fn consecutive_days_merge_across_month_ends() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let runs = day_runs(&[
            d("2024-01-30"),
            d("2024-01-31"),
            d("2024-02-01"),
            d("2024-02-03"),
        ]);
        assert_eq!(
            runs,
            [
                (d("2024-01-30"), d("2024-02-01")),
                (d("2024-02-03"), d("2024-02-03"))
            ]
        );
    }
}
