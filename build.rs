//! Fingerprints the sources for the mentions cache (src/cache.rs): cached mentions are only
//! reused by a binary built from the same code, so a change to the parser or the matcher can
//! never serve mentions computed by the old rules. Any file under src/ counts (a change
//! elsewhere only costs one rebuild of the cache), and so does Cargo.lock (a new
//! aho-corasick could match differently).

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let mut files = Vec::new();
    walk(Path::new("src"), &mut files);
    files.sort();
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    for path in files
        .iter()
        .map(PathBuf::as_path)
        .chain([Path::new("Cargo.lock")])
    {
        // A missing Cargo.lock (notegraph built as a dependency) hashes as empty.
        let bytes = fs::read(path).unwrap_or_default();
        let name = path.to_string_lossy();
        // Lengths first, so that no two different file sets hash the same bytes.
        h.update(&(name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    println!(
        "cargo:rustc-env=NOTEGRAPH_SOURCE_HASH={:032x}",
        h.digest128()
    );
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}
