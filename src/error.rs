//! Errors and warnings, each carrying the place it is about.
//!
//! Messages are one lowercase line: `path:line[:col]: what is wrong (hint: how to fix it)`.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A place in an input file. `line` and `col` are 1-based; 0 means "the whole file".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The path as the user gave it (or as discovered under a folder they gave).
    pub path: PathBuf,
    /// 1-based line, or 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column in characters, or 0 when not useful.
    pub col: usize,
}

impl Location {
    /// A location at a line of a file.
    pub fn new(path: impl Into<PathBuf>, line: usize) -> Self {
        Location {
            path: path.into(),
            line,
            col: 0,
        }
    }

    /// The same location with a column.
    pub fn with_col(mut self, col: usize) -> Self {
        self.col = col;
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
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
        write!(f, "{}: {}", self.location, self.message)?;
        if !self.hint.is_empty() {
            write!(f, " (hint: {})", self.hint)?;
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
            io::ErrorKind::NotFound => "check the path; --input takes files or folders",
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
            _ if source.raw_os_error() == Some(28) => "the disk is full; free some space",
            _ => "check that --out is a writable folder",
        };
        Error::Output {
            path: path.into(),
            source,
            hint: hint.into(),
        }
    }
}

fn io_message(e: &io::Error) -> String {
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
                path.display(),
                io_message(source)
            ),
            Error::Dictionary {
                location,
                message,
                hint,
            } => write!(f, "{location}: {message} (hint: {hint})"),
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
                write!(
                    f,
                    "\n{} warning(s) with --strict (hint: fix the notes or drop --strict)",
                    warnings.len()
                )
            }
            Error::Query { message, hint } => write!(f, "{message} (hint: {hint})"),
            Error::Output { path, source, hint } => write!(
                f,
                "{}: cannot write: {} (hint: {hint})",
                path.display(),
                io_message(source)
            ),
            Error::Render { message, hint } => write!(f, "{message} (hint: {hint})"),
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
