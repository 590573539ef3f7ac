//! Shared helpers: a temp-dir builder, running the binary, and finding external tools.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh temporary folder under the target dir, removed on drop. Tests never write into
/// `seeds/` or `out/`.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A new empty folder.
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "notegraph-test-{}-{}-{}",
            std::process::id(),
            tag,
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir { path }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a file (creating parent folders) and returns its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(&p, contents).unwrap();
        p
    }

    /// Joins a relative path.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.path.join(rel)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Result of running the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs `notegraph` with arguments from the repository root.
pub fn notegraph(args: &[&str]) -> Run {
    notegraph_in(&root(), args)
}

/// The binary, run with a private cache folder: tests never write into the user's
/// `~/.cache`, and every run of the suite starts cold.
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_notegraph"));
    c.env("NOTEGRAPH_CACHE_DIR", test_cache_dir());
    c
}

/// One cache folder per run of the test binary, shared by its tests (so they also exercise
/// concurrent runs on one cache). Folders left by earlier runs more than an hour old are
/// removed: a process-wide folder has no owner to drop it.
fn test_cache_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let parent = Path::new(env!("CARGO_TARGET_TMPDIR")).join("notegraph-test-cache");
        if let Ok(old) = std::fs::read_dir(&parent) {
            for e in old.flatten() {
                let stale = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t.elapsed().is_ok_and(|d| d.as_secs() > 3600));
                if stale {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = parent.join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

/// Runs `notegraph` with arguments in a folder.
pub fn notegraph_in(dir: &Path, args: &[&str]) -> Run {
    let out = command()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the notegraph binary runs");
    let run = Run::from(out);
    assert_ne!(run.code, 101, "notegraph panicked: {}", run.stderr);
    run
}

/// True when running under CI, where a missing external tool is a failure, not a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Gate for an interop test that needs something outside the repository. Outside CI a
/// missing requirement skips the test with a loud message; under CI=true it fails the test.
pub fn require(ok: bool, what: &str, hint: &str) -> bool {
    if !ok {
        if in_ci() {
            panic!(
                "{what} is required under CI=true but is missing; .ci/run must provide it ({hint})"
            );
        }
        eprintln!("\n!!! SKIPPED: {what} is missing ({hint}); CI fails here !!!\n");
    }
    ok
}

/// Finds an external tool for an interop test (see [`require`]).
pub fn require_tool(name: &str, probe: &[&str]) -> bool {
    let ok = Command::new(name)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    require(ok, name, "install it to run this interop test")
}

/// Runs `notegraph` in a folder with extra environment variables.
pub fn notegraph_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = command()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("the notegraph binary runs");
    let run = Run::from(out);
    assert_ne!(run.code, 101, "notegraph panicked: {}", run.stderr);
    run
}

/// Builds the seeds with the bundled dictionaries into a fresh folder.
pub fn build_seeds(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    let out = dir.path().to_str().unwrap().to_string();
    let run = notegraph(&["build", "--out", &out]);
    assert_eq!(run.code, 0, "build failed: {}", run.stderr);
    dir
}

/// A two-company dictionary (OpenAI; Google with its Chinese name) that tests of the
/// pipeline's plumbing share when the entities themselves do not matter.
pub const COMPANIES: &str = r#"
kind = "company"
[[entity]]
name = "OpenAI"
[[entity]]
name = "Google"
aliases = ["谷歌"]
"#;
