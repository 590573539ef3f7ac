//! Errors and warnings, each carrying the place it is about.
//!
//! Messages are one lowercase line: `path:line[:col]: what is wrong (hint: how to fix it)`.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A place in an input file. `line` and `col` are 1-based; 0 means "the whole file".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The path as the user gave it (or as discovered under a folder they gave). Shared:
    /// every one of the dictionary's 25k aliases keeps its location, and copying the path
    /// for each was a tenth of the allocations of loading it.
    pub path: Arc<Path>,
    /// 1-based line, or 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column in characters, or 0 when not useful.
    pub col: usize,
}

impl Location {
    /// A location at a line of a file.
    pub fn new(path: impl Into<PathBuf>, line: usize) -> Self {
        Location::in_file(Arc::from(path.into()), line)
    }

    /// A location at a line of a file whose path is already shared.
    pub fn in_file(path: Arc<Path>, line: usize) -> Self {
        Location { path, line, col: 0 }
    }

    /// The same location with a column.
    pub fn with_col(mut self, col: usize) -> Self {
        self.col = col;
        self
    }
}

/// Text as part of a message: control characters (a newline, an escape sequence) and bidi
/// overrides are written escaped, so a message stays one line, reads in order and cannot
/// drive the terminal, whatever a file name, an entity name or a note says.
pub fn printable(s: &str) -> Cow<'_, str> {
    let bad = crate::text::is_unsafe_to_print;
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if bad(c) {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A path as message text, escaped like [`printable`].
pub fn display_path(path: &Path) -> String {
    printable(&path.display().to_string()).into_owned()
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.path))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        Ok(())
    }
}

/// Something wrong with a note that did not stop the build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where it is.
    pub location: Location,
    /// What is wrong, lowercase, no location.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Warning {
    /// A warning at `location`.
    pub fn new(location: Location, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Warning {
            location,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, printable(&self.message))?;
        if !self.hint.is_empty() {
            write!(f, " (hint: {})", printable(&self.hint))?;
        }
        Ok(())
    }
}

/// Everything that stops notegraph from producing an answer.
#[derive(Debug)]
pub enum Error {
    /// An input path could not be read.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
        /// What to do about it.
        hint: String,
    },
    /// The notes cannot be read as asked (nothing to read, say).
    Input {
        /// Where the problem is.
        location: Location,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },
    /// The dictionary is broken; nothing is written.
    Dictionary {
        /// Where the problem is.
        location: Location,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },
    /// Several dictionary problems at once (reported together so one run shows them all).
    DictionaryProblems(Vec<Error>),
    /// A note was damaged and `--strict` was asked for.
    Strict(Vec<Warning>),
    /// A query the user typed cannot be answered as asked.
    Query {
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },
    /// An output could not be written.
    Output {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
        /// What to do about it.
        hint: String,
    },
    /// Graphviz failed or is missing.
    Render {
        /// What went wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },
}

impl Error {
    /// A dictionary error at a place.
    pub fn dictionary(
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Error::Dictionary {
            location,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// A problem with the notes as a whole, at a place.
    pub fn input_problem(
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Error::Input {
            location,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// A query error.
    pub fn query(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Query {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// An input error, with a hint chosen from the kind of failure.
    pub fn input(path: impl Into<PathBuf>, source: io::Error) -> Self {
        let hint = match source.kind() {
            io::ErrorKind::NotFound => "check the path; --input and --dict take files or folders",
            io::ErrorKind::PermissionDenied => "check the file's permissions",
            _ => "check that the path is a readable file or folder",
        };
        Error::Io {
            path: path.into(),
            source,
            hint: hint.into(),
        }
    }

    /// An output error, with a hint chosen from the kind of failure.
    pub fn output(path: impl Into<PathBuf>, source: io::Error) -> Self {
        let hint = match source.kind() {
            io::ErrorKind::PermissionDenied => "choose a writable folder with --out",
            io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory => {
                "--out must be a folder, not a file"
            }
            // Raw errno values (the same on Linux and the BSDs): their ErrorKinds need a
            // newer Rust than the crate's minimum.
            _ if source.raw_os_error() == Some(28) => "the disk is full; free some space",
            _ if source.raw_os_error() == Some(30) => {
                "the file system is read-only; choose another folder with --out"
            }
            _ if source.raw_os_error() == Some(21) => {
                "a folder is in the way of the file; remove or rename it"
            }
            _ => "check that --out is a writable folder",
        };
        Error::Output {
            path: path.into(),
            source,
            hint: hint.into(),
        }
    }
}

/// An `io::Error` as message text: its first letter lowercased, like every message here.
pub fn io_message(e: &io::Error) -> String {
    // io::Error's Display ends with "(os error N)"; keep it, but lowercase the first letter
    // so every message reads the same way.
    let s = e.to_string();
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source, hint } => write!(
                f,
                "{}: cannot read: {} (hint: {hint})",
                display_path(path),
                io_message(source)
            ),
            Error::Dictionary {
                location,
                message,
                hint,
            }
            | Error::Input {
                location,
                message,
                hint,
            } => write!(
                f,
                "{location}: {} (hint: {})",
                printable(message),
                printable(hint)
            ),
            Error::DictionaryProblems(all) => {
                for (i, e) in all.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            Error::Strict(warnings) => {
                for (i, w) in warnings.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{w}")?;
                }
                let n = warnings.len();
                let s = if n == 1 { "" } else { "s" };
                write!(
                    f,
                    "\n{n} warning{s} with --strict; nothing written (hint: fix the notes, or drop --strict to build anyway)"
                )
            }
            Error::Query { message, hint } | Error::Render { message, hint } => {
                write!(f, "{} (hint: {})", printable(message), printable(hint))
            }
            Error::Output { path, source, hint } => write!(
                f,
                "{}: cannot write: {} (hint: {hint})",
                display_path(path),
                io_message(source)
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } | Error::Output { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_escape_controls_and_bidi_overrides() {
        assert_eq!(
            printable("a\nb\u{1b}[2J\u{202e}c\t"),
            "a\\nb\\u{1b}[2J\\u{202e}c\\t"
        );
        assert!(matches!(printable("马斯克 OK"), Cow::Borrowed(_)));
        let w = Warning::new(
            Location::new("x\ny.md", 2).with_col(3),
            "bad \"\u{7}\"",
            "fix\r",
        );
        assert_eq!(w.to_string(), "x\\ny.md:2:3: bad \"\\u{7}\" (hint: fix\\r)");
    }
}
