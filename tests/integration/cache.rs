//! The mentions cache: a warm run answers exactly as a cold one; hits and misses are per
//! file; a changed dictionary, a damaged cache file or an unwritable cache folder never
//! changes an answer; `--no-cache` neither reads nor writes. The same for the compiled
//! dictionary, and a broken dictionary is never cached.

use crate::common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

const DICT: &str = r#"
kind = "company"
[[entity]]
name = "OpenAI"
[[entity]]
name = "Google"
aliases = ["谷歌"]
[[entity]]
name = "Anthropic"
"#;

const A: &str = "# 20240901 A\n+ OpenAI 和谷歌\n+ 只有 OpenAI\n# 20241345 bad date\n+ Google\n";
const B: &str = "# 20240902 B\n+ Anthropic 与 OpenAI 合作\n";

/// Notes, a dictionary and an empty cache folder in a temporary folder.
fn fixture(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    dir.write("notes/a.md", A);
    dir.write("notes/b.md", B);
    dir.write("dict/d.toml", DICT);
    dir
}

/// Runs in the fixture with `cache` (relative to it) as the cache folder.
fn run_with(dir: &TempDir, cache: &str, args: &[&str]) -> Run {
    let cache = dir.join(cache);
    let mut all = args.to_vec();
    all.extend(["--input", "notes", "--dict", "dict"]);
    notegraph_env(
        dir.path(),
        &all,
        &[("NOTEGRAPH_CACHE_DIR", cache.to_str().unwrap())],
    )
}

fn run(dir: &TempDir, args: &[&str]) -> Run {
    run_with(dir, "cache", args)
}

/// `build --json` into `out`: the summary.
fn build(dir: &TempDir, out: &str, extra: &[&str]) -> Value {
    let mut args = vec!["build", "--no-image", "--json", "--out", out];
    args.extend(extra);
    let r = run(dir, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// (hits, misses, written) from a build summary.
fn stats(summary: &Value) -> (u64, u64, bool) {
    let c = &summary["cache"];
    (
        c["hits"].as_u64().unwrap(),
        c["misses"].as_u64().unwrap(),
        c["written"].as_bool().unwrap(),
    )
}

fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["graph.json", "graph.gexf", "graph.dot"]
        .iter()
        .map(|f| (f.to_string(), fs::read(dir.join(f)).unwrap()))
        .collect()
}

/// The cache folder's files whose names start with `prefix`.
fn cache_files_of(dir: &TempDir, prefix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir.join("cache"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|f| f.file_name().unwrap().to_string_lossy().starts_with(prefix));
    files.sort();
    files
}

/// The mentions cache files.
fn cache_files(dir: &TempDir) -> Vec<PathBuf> {
    cache_files_of(dir, "mentions-")
}

/// The compiled dictionary's file.
fn dictionary_file(dir: &TempDir) -> PathBuf {
    let mut files = cache_files_of(dir, "dictionary-");
    assert_eq!(files.len(), 1, "{files:?}");
    files.pop().unwrap()
}

/// Whether the dictionary came from the cache, from a build summary.
fn dictionary_hit(summary: &Value) -> bool {
    summary["cache"]["dictionary_hit"].as_bool().unwrap()
}

/// What `notes NAME` prints without any cache: the right answer.
/// Runs a command with the cache and with `--no-cache`: it succeeds, and both print the same.
fn assert_same_as_uncached(dir: &TempDir, args: &[&str]) {
    let cached = run(dir, args);
    let mut uncached_args = args.to_vec();
    uncached_args.push("--no-cache");
    let uncached = run(dir, &uncached_args);
    assert_eq!(cached.code, 0, "{args:?}: {}", cached.stderr);
    assert_eq!(cached.stdout, uncached.stdout, "{args:?}");
    assert_eq!(cached.stderr, uncached.stderr, "{args:?}");
}

fn uncached_notes(dir: &TempDir, name: &str) -> String {
    let r = run(dir, &["notes", name, "--no-cache"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn a_warm_run_hits_every_file_and_answers_byte_for_byte_the_same() {
    let dir = fixture("cache-warm");
    let cold = build(&dir, "out1", &[]);
    assert_eq!(stats(&cold), (0, 2, true));
    assert!(cold["automaton_bytes"].as_u64().unwrap() > 0);
    assert_eq!(cache_files(&dir).len(), 1);

    let warm_run = run(&dir, &["build", "--no-image", "--json", "--out", "out2"]);
    let warm: Value = serde_json::from_str(&warm_run.stdout).unwrap();
    assert_eq!(stats(&warm), (2, 0, false));
    assert_eq!(warm["automaton_bytes"], 0, "no automaton on a warm run");
    assert_eq!(warm["mentions"], cold["mentions"]);
    assert_eq!(outputs(&dir.join("out1")), outputs(&dir.join("out2")));
    // Warnings come from reading the notes, not from matching: a hit still reports them.
    assert!(
        warm_run.stderr.contains("notes/a.md:4:3: invalid date"),
        "{}",
        warm_run.stderr
    );

    for args in [
        &["notes", "OpenAI", "--json"][..],
        &["entity", "Google", "--json"],
        &["related", "OpenAI"],
        &["explain", "OpenAI", "Google"],
    ] {
        assert_same_as_uncached(&dir, args);
    }
}

#[test]
fn editing_one_note_rematches_only_that_file() {
    let dir = fixture("cache-edit");
    build(&dir, "out", &[]);
    assert!(!uncached_notes(&dir, "Anthropic").contains("谷歌"));
    dir.write(
        "notes/b.md",
        "# 20240902 B\n+ Anthropic 与谷歌\n+ 又是谷歌\n",
    );
    let edited = build(&dir, "out", &[]);
    assert_eq!(stats(&edited), (1, 1, true));
    let r = run(&dir, &["notes", "Google"]);
    assert!(r.stdout.contains("Anthropic 与谷歌"), "{}", r.stdout);
    assert_eq!(r.stdout, uncached_notes(&dir, "Google"));
    assert_eq!(stats(&build(&dir, "out", &[])), (2, 0, false));
    assert_eq!(cache_files(&dir).len(), 1);
}

#[test]
fn a_changed_dictionary_misses_every_file_and_replaces_the_cache_file() {
    let dir = fixture("cache-dict");
    build(&dir, "out", &[]);
    let before = cache_files(&dir);
    // A new entity sorts last, so stale cached ids would still look valid: only the key
    // tells the dictionary changed.
    let more = "[[entity]]\nname = \"Partnership\"\nkind = \"concept\"\naliases = [\"合作\"]\n";
    dir.write("dict/d.toml", format!("{DICT}{more}"));
    let changed = build(&dir, "out", &[]);
    assert_eq!(stats(&changed), (0, 2, true));
    let r = run(&dir, &["notes", "Partnership"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Anthropic 与 OpenAI 合作"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout, uncached_notes(&dir, "Partnership"));
    assert_eq!(cache_files(&dir), before);
}

#[test]
fn a_damaged_cache_file_is_a_miss_and_the_answer_stays_right() {
    let dir = fixture("cache-damage");
    build(&dir, "good", &[]);
    let expected = outputs(&dir.join("good"));
    let file = cache_files(&dir).pop().unwrap();
    let good = fs::read(&file).unwrap();
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x20;
    let mut wrong_version = good.clone();
    wrong_version[8] ^= 1;
    let damages: [(&str, Vec<u8>); 6] = [
        ("empty", Vec::new()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("one byte short", good[..good.len() - 1].to_vec()),
        (
            "garbage",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
        ("flipped bit", flipped),
        ("another version", wrong_version),
    ];
    for (what, bytes) in damages {
        fs::write(&file, bytes).unwrap();
        let summary = build(&dir, "out", &[]);
        assert_eq!(stats(&summary), (0, 2, true), "{what}");
        assert_eq!(outputs(&dir.join("out")), expected, "{what}");
        // Rewritten whole: the next run hits again.
        assert_eq!(fs::read(&file).unwrap(), good, "{what}");
    }
    // A folder where the cache file should be: a miss, and nothing is written over it.
    fs::remove_file(&file).unwrap();
    fs::create_dir(&file).unwrap();
    let summary = build(&dir, "out", &[]);
    assert_eq!(stats(&summary), (0, 2, false));
    assert_eq!(outputs(&dir.join("out")), expected);
}

#[test]
fn an_unwritable_cache_folder_still_answers_silently() {
    let dir = fixture("cache-readonly");
    let uncached = run(&dir, &["notes", "OpenAI", "--no-cache"]);
    let expected = (0, uncached.stdout.clone(), uncached.stderr.clone());
    // A file where the cache folder should be: it cannot be created.
    dir.write("blocked", "not a folder");
    for cache in ["blocked", "blocked/below"] {
        let r = run_with(&dir, cache, &["notes", "OpenAI"]);
        assert_eq!((r.code, r.stdout, r.stderr), expected, "{cache}");
        let b = run_with(
            &dir,
            cache,
            &["build", "--no-image", "--json", "--out", "out"],
        );
        assert_eq!(b.code, 0, "{cache}: {}", b.stderr);
        let summary: Value = serde_json::from_str(&b.stdout).unwrap();
        assert_eq!(stats(&summary), (0, 2, false), "{cache}");
        assert!(!b.stderr.contains("cache"), "{cache}: {}", b.stderr);
    }
    // A read-only folder (root writes there anyway; the answer must be right either way).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.join("ro");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        let writable = fs::write(ro.join("probe"), "").is_ok();
        let r = run_with(&dir, "ro", &["notes", "OpenAI"]);
        assert_eq!((r.code, r.stdout, r.stderr), expected);
        if !writable {
            assert_eq!(fs::read_dir(&ro).unwrap().count(), 0);
        }
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let dir = fixture("cache-off");
    let off = build(&dir, "out", &["--no-cache"]);
    assert_eq!(off["cache"], Value::Null);
    let r = run(&dir, &["notes", "OpenAI", "--no-cache"]);
    assert_eq!(r.code, 0);
    assert!(!dir.join("cache").exists());

    build(&dir, "out", &[]);
    let file = cache_files(&dir).pop().unwrap();
    let before = fs::read(&file).unwrap();
    // Notes changed, so a cached run would rewrite the file; an uncached one leaves it.
    dir.write("notes/b.md", "# 20240902 B\n+ Anthropic\n");
    let off = build(&dir, "out", &["--no-cache"]);
    assert!(off["automaton_bytes"].as_u64().unwrap() > 0, "not read");
    assert_eq!(fs::read(&file).unwrap(), before, "not written");
    assert_eq!(cache_files(&dir), [file]);
}

#[test]
fn a_deleted_note_is_dropped_from_the_cache_file() {
    let dir = fixture("cache-delete");
    build(&dir, "out", &[]);
    let size = fs::metadata(&cache_files(&dir)[0]).unwrap().len();
    fs::remove_file(dir.join("notes/b.md")).unwrap();
    assert_eq!(stats(&build(&dir, "out", &[])), (1, 0, true));
    assert!(fs::metadata(&cache_files(&dir)[0]).unwrap().len() < size);
    assert_eq!(stats(&build(&dir, "out", &[])), (1, 0, false));
}

#[test]
fn concurrent_runs_share_one_cache_safely() {
    let dir = fixture("cache-concurrent");
    let expected = uncached_notes(&dir, "OpenAI");
    let cache = dir.join("cache");
    let children: Vec<_> = (0..4)
        .map(|i| {
            // Two input sets, so two cache files written at the same time.
            let input = if i % 2 == 0 { "notes" } else { "notes/a.md" };
            command()
                .args(["notes", "OpenAI", "--input", input, "--dict", "dict"])
                .current_dir(dir.path())
                .env("NOTEGRAPH_CACHE_DIR", &cache)
                .env("NO_COLOR", "1")
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        if i % 2 == 0 {
            assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
        }
    }
    let names: Vec<String> = cache_files_of(&dir, "")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "no temporary file left: {names:?}");
    assert!(names[0].starts_with("dictionary-"), "{names:?}");
    assert!(
        names[1..].iter().all(|n| n.starts_with("mentions-")),
        "{names:?}"
    );
    let warm = run(&dir, &["notes", "OpenAI"]);
    assert_eq!(warm.stdout, expected);
}

#[test]
fn the_seeds_build_the_same_warm_cold_and_uncached() {
    let dir = TempDir::new("cache-seeds");
    let cache = dir.join("cache");
    let seeds_build = |out: &str, extra: &[&str]| -> Value {
        let out = dir.join(out);
        let mut args = vec![
            "build",
            "--no-image",
            "--json",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let r = notegraph_env(
            &root(),
            &args,
            &[("NOTEGRAPH_CACHE_DIR", cache.to_str().unwrap())],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    let cold = seeds_build("cold", &[]);
    let warm = seeds_build("warm", &[]);
    seeds_build("uncached", &["--no-cache"]);
    let files = cold["files"].as_u64().unwrap();
    assert_eq!(stats(&cold), (0, files, true));
    assert_eq!(stats(&warm), (files, 0, false));
    let expected = outputs(&dir.join("uncached"));
    assert_eq!(outputs(&dir.join("cold")), expected);
    assert_eq!(outputs(&dir.join("warm")), expected);
}

#[test]
fn a_warm_run_takes_the_dictionary_from_the_cache_and_answers_the_same() {
    let dir = fixture("dict-cache-warm");
    let cold = build(&dir, "out1", &[]);
    assert!(!dictionary_hit(&cold));
    let file = dictionary_file(&dir);
    let compiled = fs::read(&file).unwrap();
    let warm = build(&dir, "out2", &[]);
    assert!(dictionary_hit(&warm));
    assert_eq!(outputs(&dir.join("out1")), outputs(&dir.join("out2")));
    assert_eq!(
        fs::read(&file).unwrap(),
        compiled,
        "a hit does not rewrite it"
    );
    // Names resolve through the cached claims as through parsed ones.
    for args in [&["entity", "谷歌"][..], &["notes", "openai", "--json"]] {
        assert_same_as_uncached(&dir, args);
    }
}

#[test]
fn an_edited_dictionary_file_misses_and_its_new_alias_works() {
    let dir = fixture("dict-cache-edit");
    build(&dir, "out", &[]);
    let file = dictionary_file(&dir);
    let before = fs::read(&file).unwrap();
    dir.write(
        "dict/d.toml",
        DICT.replace(
            "name = \"Anthropic\"",
            "name = \"Anthropic\"\naliases = [\"合作\"]",
        ),
    );
    let edited = build(&dir, "out", &[]);
    assert!(!dictionary_hit(&edited));
    assert_eq!(dictionary_file(&dir), file, "replaced, not added");
    assert_ne!(fs::read(&file).unwrap(), before);
    let r = run(&dir, &["notes", "Anthropic"]);
    assert!(
        r.stdout.contains("Anthropic 与 OpenAI 合作"),
        "{}",
        r.stdout
    );
    assert!(dictionary_hit(&build(&dir, "out", &[])));
}

#[test]
fn a_damaged_compiled_dictionary_is_a_miss_and_the_answer_stays_right() {
    let dir = fixture("dict-cache-damage");
    build(&dir, "good", &[]);
    let expected = outputs(&dir.join("good"));
    let file = dictionary_file(&dir);
    let good = fs::read(&file).unwrap();
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x20;
    for (what, bytes) in [
        ("empty", Vec::new()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("flipped bit", flipped),
    ] {
        fs::write(&file, bytes).unwrap();
        let summary = build(&dir, "out", &[]);
        assert!(!dictionary_hit(&summary), "{what}");
        assert_eq!(outputs(&dir.join("out")), expected, "{what}");
        assert_eq!(fs::read(&file).unwrap(), good, "{what}: rewritten");
    }
}

#[test]
fn a_broken_dictionary_gives_the_same_error_on_every_run() {
    let dir = fixture("dict-cache-broken");
    let broken = format!("{DICT}[[entity]]\nname = \"Other\"\naliases = [\"谷歌\"]\n");
    dir.write("dict/d.toml", &broken);
    let first = run(&dir, &["notes", "OpenAI"]);
    assert_eq!(first.code, 2, "{}", first.stderr);
    assert!(
        first.stderr.contains("is also claimed by"),
        "{}",
        first.stderr
    );
    assert!(cache_files_of(&dir, "dictionary-").is_empty());
    let second = run(&dir, &["notes", "OpenAI"]);
    assert_eq!((second.code, second.stderr), (first.code, first.stderr));
    // Fixed, it is cached; broken again, the error is back.
    dir.write("dict/d.toml", DICT);
    assert!(run(&dir, &["notes", "OpenAI"]).stdout.contains("OpenAI"));
    dictionary_file(&dir);
    dir.write("dict/d.toml", &broken);
    let third = run(&dir, &["notes", "OpenAI"]);
    assert_eq!(
        third.stderr,
        run(&dir, &["notes", "OpenAI", "--no-cache"]).stderr
    );
    assert!(
        third.stderr.contains("is also claimed by"),
        "{}",
        third.stderr
    );
}
