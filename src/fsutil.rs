//! File discovery in a stable order and atomic writes.

use crate::error::Location;
use crate::error::{Error, Result, Warning};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Note files have these extensions (compared case-insensitively).
pub const NOTE_EXTENSIONS: &[&str] = &["txt", "md", "markdown"];

fn has_extension(path: &Path, exts: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Finds the files under `inputs` with one of `exts`. A file given by name is taken whatever
/// its extension; folders are walked recursively. The result is sorted by path and free of
/// duplicates, so the directory order of the file system never shows in an output. Symlink
/// loops are walked once, and a file reached twice (through a symlink, or named twice) is
/// read once; both are reported as warnings, as are broken links.
pub fn discover(inputs: &[PathBuf], exts: &[&str]) -> Result<Discovered> {
    // Path -> size in bytes.
    let mut files = BTreeMap::new();
    let mut warnings = Vec::new();
    for input in inputs {
        let meta = fs::metadata(input).map_err(|e| Error::input(input, e))?;
        if meta.is_dir() {
            let mut seen = BTreeSet::new();
            walk(input, exts, &mut files, &mut seen, &mut warnings)?;
        } else {
            files.insert(input.clone(), meta.len());
        }
    }
    // Canonical paths identify one file behind several names; the first name in sorted
    // order is kept, so the choice does not depend on the directory order either.
    let mut canonical: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    let mut unique = Vec::with_capacity(files.len());
    let mut bytes = 0;
    for (path, len) in files {
        match fs::canonicalize(&path) {
            Ok(c) => match canonical.get(&c) {
                Some(first) => warnings.push(Warning::new(
                    Location::new(&path, 0),
                    format!(
                        "same file as {}; read once",
                        crate::error::display_path(first)
                    ),
                    "remove the duplicate symlink or input",
                )),
                None => {
                    canonical.insert(c, path.clone());
                    unique.push(path);
                    bytes += len;
                }
            },
            Err(_) => {
                unique.push(path);
                bytes += len;
            }
        }
    }
    Ok(Discovered {
        paths: unique,
        bytes,
        warnings,
    })
}

/// What [`discover`] found.
#[derive(Debug)]
pub struct Discovered {
    /// The files, sorted by path.
    pub paths: Vec<PathBuf>,
    /// Their total size when listed, in bytes.
    pub bytes: u64,
    /// Loops, duplicates and broken links, skipped.
    pub warnings: Vec<Warning>,
}

fn walk(
    dir: &Path,
    exts: &[&str],
    files: &mut BTreeMap<PathBuf, u64>,
    seen: &mut BTreeSet<PathBuf>,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    // Canonical paths identify folders reached twice through symlinks.
    let canonical = fs::canonicalize(dir).map_err(|e| Error::input(dir, e))?;
    if !seen.insert(canonical) {
        warnings.push(Warning::new(
            Location::new(dir, 0),
            "folder reached twice through a symlink; read once",
            "remove the symlink loop",
        ));
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| Error::input(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, exts, files, seen, warnings)?,
            Ok(m) if m.is_file() && has_extension(&path, exts) => {
                files.insert(path, m.len());
            }
            Ok(_) => {}
            // Only a symlink can fail here: the folder listing itself worked.
            Err(e) => {
                let what = match e.kind() {
                    io::ErrorKind::NotFound => {
                        "broken symlink (its target does not exist); skipped".to_string()
                    }
                    // ELOOP reads "too many levels of symbolic links": clear as it is.
                    _ => format!("cannot follow: {}; skipped", crate::error::io_message(&e)),
                };
                warnings.push(Warning::new(
                    Location::new(&path, 0),
                    what,
                    "fix or remove the link",
                ));
            }
        }
    }
    Ok(())
}

/// A file written under a temporary name in its target's folder, waiting to be renamed over
/// the target by [`commit`]. Dropped uncommitted, it removes the temporary file.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    path: PathBuf,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes a file's bytes to a temporary file in the same folder as `path` (so the rename is
/// atomic: same file system). Nothing at `path` changes yet. On failure the temporary file
/// is removed.
///
/// There is no fsync: the outputs are derived from the notes and a rebuild restores them,
/// while syncing a large corpus's 1.5 GB of exports cost seconds (measured at 170 MB/s here,
/// more than the rest of the build). ext4's rename-over-existing heuristic (auto_da_alloc)
/// still writes the data before the rename reaches the disk.
pub fn stage<F>(path: &Path, write: F) -> Result<Staged>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Process id and a counter: two runs, or two threads of one (library tests building
    // into one cache folder), never share a temporary file.
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let staged = Staged {
        tmp: dir.join(format!(".{name}.tmp{}-{n}", std::process::id())),
        path: path.to_path_buf(),
    };
    let result = (|| -> io::Result<()> {
        let file = fs::File::create(&staged.tmp)?;
        let mut buf = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut buf)?;
        buf.into_inner().map_err(|e| e.into_error())?;
        Ok(())
    })();
    // On error `staged` drops here and removes whatever part of the file was written.
    result.map_err(|e| Error::output(path, e))?;
    Ok(staged)
}

/// Renames staged files over their targets, in order. Everything was written before, so a
/// full disk or a failing exporter has already stopped the caller with every previous file
/// intact; a failing rename (a folder in the way) stops here, and the temporary files not
/// yet renamed are removed.
pub fn commit(staged: Vec<Staged>) -> Result<()> {
    // A folder in the way is the one failure a rename is likely to meet: check every target
    // first, so that it, too, leaves all previous files as they were.
    for s in &staged {
        if fs::symlink_metadata(&s.path).is_ok_and(|m| m.is_dir()) {
            return Err(Error::output(&s.path, is_a_directory()));
        }
    }
    for mut s in staged {
        fs::rename(&s.tmp, &s.path).map_err(|e| Error::output(&s.path, e))?;
        s.tmp = PathBuf::new();
    }
    Ok(())
}

/// The error `rename` gives when the target is a folder (EISDIR).
fn is_a_directory() -> io::Error {
    #[cfg(unix)]
    return io::Error::from_raw_os_error(21);
    #[cfg(not(unix))]
    return io::Error::other("is a directory");
}

/// Writes a file atomically: the bytes go to a temporary file in the same folder, which is
/// then renamed over `path`, so a reader sees the old file or the new one, never half of one.
/// A failure leaves the previous file intact and removes the temporary one.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    commit(vec![stage(path, write)?])
}

/// Makes sure `dir` exists and is a folder.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::output(
            dir,
            io::Error::new(io::ErrorKind::AlreadyExists, "exists and is not a folder"),
        ));
    }
    fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))
}
