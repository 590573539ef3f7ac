//! Terminal text: colour only where it belongs, note text made safe to print, widths,
//! sparklines and the small words of English output.

use super::args::ColorArg;
use notegraph::dictionary::{EntityId, Kind};
use notegraph::notes::Date;
use notegraph::workspace::Workspace;
use std::borrow::Cow;
use std::io::{self, BufWriter, IsTerminal};

/// Buffered stdout; a closed pipe shows up as an error on write or flush.
pub type Out = BufWriter<io::StdoutLock<'static>>;

/// Buffered, locked stdout.
pub fn stdout() -> Out {
    BufWriter::new(io::stdout().lock())
}

/// ANSI styling, or nothing. Colour only reaches a terminal, and never with NO_COLOR set
/// (https://no-color.org: present and not empty).
#[derive(Clone, Copy)]
pub struct Paint(pub bool);

pub const BOLD: &str = "1";
pub const MATCH: &str = "1;31";
pub const PATH: &str = "35";
pub const LINE: &str = "32";
pub const DIM: &str = "2";

impl Paint {
    pub fn new(when: ColorArg) -> Paint {
        Paint(match when {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => io::stdout().is_terminal() && !no_color(),
        })
    }

    /// `s`, escaped, in the style `sgr`.
    pub fn paint(self, sgr: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{sgr}m{}\x1b[0m", escape(s))
        } else {
            escape(s).into_owned()
        }
    }
}

/// NO_COLOR is set: present and not empty.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Note text made safe for a terminal: control characters (an ESC in a note could restyle
/// or retitle the terminal) and bidirectional overrides are shown as `\u{..}` escapes.
pub fn escape(s: &str) -> Cow<'_, str> {
    // Tabs stay: they are layout in a note, harmless on a terminal.
    let bad = |c: char| c != '\t' && notegraph::text::is_unsafe_to_print(c);
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Display width: CJK characters take two columns.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if notegraph::text::is_cjk(c) { 2 } else { 1 })
        .sum()
}

pub fn pad(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A small sparkline: ▁ for zero, then ▂ for the smallest count up to █ for the largest,
/// linear in between.
pub fn sparkline(values: &[usize]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| match v {
            0 => BARS[0],
            _ if max == 1 => BARS[7],
            _ => BARS[1 + ((v - 1) * 6 + (max - 1) / 2) / (max - 1)],
        })
        .collect()
}

pub fn name(ws: &Workspace, id: EntityId) -> &str {
    &ws.dictionary.get(id).name
}

/// `A`, `A or B`, `A, B or C`.
pub fn join_names(ws: &Workspace, ids: &[EntityId], word: &str) -> String {
    let names: Vec<&str> = ids.iter().map(|&id| name(ws, id)).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} {word} {last}", rest.join(", ")),
    }
}

pub fn a_kind(k: Kind) -> &'static str {
    match k {
        Kind::Person => "a person",
        Kind::Company => "a company",
        Kind::Model => "a model",
        Kind::Concept => "a concept",
    }
}

pub fn date_or_blank(d: Option<Date>) -> String {
    d.map_or_else(|| "(undated) ".to_string(), |d| d.to_string())
}

/// `x` rounded to `digits` decimals, so JSON floats do not carry noise.
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_the_largest_value() {
        assert_eq!(sparkline(&[0, 1, 6, 3]), "▁▂█▄");
        assert_eq!(sparkline(&[1, 2, 3, 4, 5, 6, 7]), "▂▃▄▅▆▇█");
        assert_eq!(sparkline(&[0, 0]), "▁▁");
        assert_eq!(sparkline(&[5]), "█");
    }

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(escape("a\x1b[31mb\tc"), "a\\u{1b}[31mb\tc");
        assert_eq!(escape("x\u{202E}y"), "x\\u{202e}y");
        assert!(matches!(escape("OpenAI 草莓"), Cow::Borrowed(_)));
    }
}
