//! The journal grammar: entries under `# ` headers, with dates, titles, tags, links and
//! bullets. See the README's "Note grammar" section for the full description.

mod parse;

pub use parse::parse_file;

use serde::Serialize;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

/// A calendar date (proleptic Gregorian), validated on construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A date, or a description of what is wrong with it.
    pub fn new(year: u32, month: u32, day: u32) -> Result<Date, String> {
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is not 1-12"));
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day == 0 || day > days {
            return Err(format!("day {day} is not in 1-{days} for month {month}"));
        }
        if !(1000..=9999).contains(&year) {
            return Err(format!("year {year} is not a four-digit year"));
        }
        Ok(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The year.
    pub fn year(self) -> u32 {
        self.year.into()
    }

    /// The month, 1-12.
    pub fn month(self) -> u32 {
        self.month.into()
    }

    /// The day of the month.
    pub fn day(self) -> u32 {
        self.day.into()
    }

    /// The next calendar day.
    pub fn succ(self) -> Date {
        let (y, m, d) = (self.year(), self.month(), self.day());
        Date::new(y, m, d + 1)
            .or_else(|_| Date::new(y, m + 1, 1))
            .or_else(|_| Date::new(y + 1, 1, 1))
            .unwrap_or(self)
    }

    /// `YYYY-MM`, the bucket of monthly timelines.
    pub fn month_key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = String;
    /// Accepts `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` and `YYYYMMDD`.
    fn from_str(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
        let nums: Option<Vec<u32>> = match parts.len() {
            3 => parts.iter().map(|p| p.parse().ok()).collect(),
            1 if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) => Some(vec![
                s[..4].parse().unwrap_or(0),
                s[4..6].parse().unwrap_or(0),
                s[6..].parse().unwrap_or(0),
            ]),
            _ => None,
        };
        match nums {
            Some(n) if parts.len() == 1 || parts[0].len() == 4 => Date::new(n[0], n[1], n[2]),
            _ => Err(format!("{s:?} is not a date like 2024-08-31")),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a line of an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The `# ...` header (its text is the title with date and tags).
    Header,
    /// A bullet (`+`, `-`, `*`) at a depth starting from 1.
    Bullet {
        /// 1 for top-level bullets, 2 for the first nesting, and so on.
        depth: u16,
        /// The marker character.
        marker: char,
    },
    /// Any other non-blank line (a bare link, a paragraph).
    Text,
}

/// One non-blank line of an entry. Numbers and offsets are kept as u32 (files over 4 GiB
/// are not read): a 100 MB corpus has about two million lines, held for the whole run, and
/// they were 40 bytes each with usize fields, 24 now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    number: u32,
    /// Header, bullet or text.
    pub kind: LineKind,
    start: u32,
    end: u32,
    /// The top-level block this line belongs to: 0 for the header, then one number per
    /// top-level bullet or text line, shared by the bullets nested under it.
    pub group: u32,
}

impl Line {
    /// A line numbered `number` (1-based) whose content is `span` of its file's text.
    /// Panics past 4 GiB, which [`MAX_FILE_BYTES`] keeps out.
    pub fn new(number: usize, kind: LineKind, span: Range<usize>, group: u32) -> Line {
        let small = |x: usize| u32::try_from(x).expect("note files are under 4 GiB");
        Line {
            number: small(number),
            kind,
            start: small(span.start),
            end: small(span.end),
            group,
        }
    }

    /// 1-based line number in the file.
    pub fn number(&self) -> usize {
        self.number as usize
    }

    /// Byte range of the content in the file's text (after the marker, without the line
    /// terminator). Matching and display use this; nothing is copied.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Note files larger than this are skipped with a warning: line offsets are 32-bit.
pub const MAX_FILE_BYTES: u64 = u32::MAX as u64;

/// One journal entry: a header and everything up to the next header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Index of the file in the corpus.
    pub file: usize,
    /// 1-based line of the header (or of the first line, for text before any header).
    pub line: usize,
    /// 1-based last non-blank line of the entry.
    pub end_line: usize,
    /// The date from the header, when it has a valid one.
    pub date: Option<Date>,
    /// The title: the header without date and tags.
    pub title: String,
    /// Tags from the header, without `#`, in order.
    pub tags: Vec<String>,
    /// Every distinct URL in the entry, in order of appearance.
    pub urls: Vec<String>,
    /// The header (first, when there is one) and every non-blank line.
    pub lines: Vec<Line>,
}

/// A note file as read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as given or discovered.
    pub path: PathBuf,
    /// The decoded text (BOM removed, invalid UTF-8 replaced).
    pub text: String,
}

impl SourceFile {
    /// The text of a line's content.
    pub fn slice(&self, span: &Range<usize>) -> &str {
        &self.text[span.clone()]
    }
}
