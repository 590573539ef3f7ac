//! Hostile input: every kind of damaged note, broken dictionary and failing output gets a
//! clear answer. One test per input; whole messages are pinned. `notegraph_in` asserts on
//! every run that the binary did not panic (exit 101).

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `build` in `dir` on `notes/` with `dict/` into `out/`, plus extra arguments.
fn build(dir: &TempDir, extra: &[&str]) -> Run {
    let mut args = vec![
        "build",
        "--input",
        "notes",
        "--dict",
        "dict",
        "--out",
        "out",
        "--no-image",
    ];
    args.extend_from_slice(extra);
    notegraph_in(dir.path(), &args)
}

/// A temp dir with the shared dictionary and the given note files.
fn fixture(tag: &str, notes: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new(tag);
    dir.write("dict/d.toml", COMPANIES);
    for (name, bytes) in notes {
        dir.write(&format!("notes/{name}"), bytes);
    }
    dir
}

fn warnings(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect()
}

fn errors(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect()
}

fn graph_json(dir: &TempDir) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("out/graph.json")).unwrap()).unwrap()
}

/// `(line, title, entity ids)` of every note in graph.json.
fn notes_of(v: &Value) -> Vec<(u64, String, Vec<String>)> {
    v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["line"].as_u64().unwrap(),
                n["title"].as_str().unwrap().to_string(),
                n["entities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Runs a command that must work (test set-up, not the code under test).
fn sh(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn skip_loudly(what: &str, why: &str) {
    eprintln!("\n!!! SKIPPED: {what}: {why} !!!\n");
}

// ---------------------------------------------------------------------------------------
// Notes

#[test]
fn invalid_utf8_is_replaced_and_reported_at_its_first_line_and_column() {
    let dir = fixture(
        "utf8",
        &[(
            "a.md",
            b"# 20240101 T\n+ caf\xE9 OpenAI\n+ ok\n+ \xFF\xFE \xC3 \xE8\xB0\xB7\xE6\xAD\x8C\n",
        )],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        warnings(&run),
        ["warning: notes/a.md:2:6: invalid utf-8 here and on 1 more line; the bad bytes now read as \u{FFFD} (hint: save the note as utf-8 (from gbk: iconv -f gbk -t utf-8))"]
    );
    // The rest of each damaged line is still read.
    let v = graph_json(&dir);
    assert_eq!(
        notes_of(&v),
        [(1, "T".to_string(), strs(&["google", "openai"]))]
    );
    assert_eq!(v["notes"][0]["mentions"][1]["line"], 4);
}

#[test]
fn a_utf8_bom_is_not_part_of_the_first_header() {
    let dir = fixture(
        "bom",
        &[("a.md", "\u{feff}# 20240831 OpenAI day\n+ x\n".as_bytes())],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(warnings(&run), Vec::<&str>::new());
    let v = graph_json(&dir);
    assert_eq!(v["notes"][0]["date"], "2024-08-31");
    assert_eq!(v["notes"][0]["mentions"][0]["col"], 12);
}

#[test]
fn crlf_and_lone_cr_end_lines_and_count_once() {
    let dir = fixture(
        "crlf",
        &[(
            "a.md",
            b"# 20240101 A\r\n+ x\r\n\r\n+ OpenAI\r# 20241345 B\r+ \xe8\xb0\xb7\xe6\xad\x8c\r\n",
        )],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        warnings(&run),
        ["warning: notes/a.md:5:3: invalid date \"20241345\": month 13 is not 1-12 (hint: write the date as YYYYMMDD, e.g. # 20240831 Title; the entry is kept without a date)"]
    );
    let v = graph_json(&dir);
    assert_eq!(
        notes_of(&v),
        [
            (1, "A".to_string(), strs(&["openai"])),
            (5, "B".to_string(), strs(&["google"])),
        ]
    );
    assert_eq!(v["notes"][0]["mentions"][0]["line"], 4);
    assert_eq!(v["notes"][1]["mentions"][0]["line"], 6);
}

#[test]
fn a_binary_file_is_skipped_with_a_warning_at_its_nul_byte() {
    let dir = fixture(
        "binary",
        &[
            ("a.md", b"# 20240101 T\n+ OpenAI\n"),
            ("b.md", b"\x89PNG\r\n\x1a\nab\x00\x00\x00IHDR"),
        ],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        warnings(&run),
        ["warning: notes/b.md:3:3: binary file (a nul byte here); skipped (hint: keep only text notes (.txt, .md, .markdown) in the input folder)"]
    );
    assert_eq!(graph_json(&dir)["graph"]["entries"], 1);
}

#[test]
fn an_empty_file_and_a_blank_file_have_nothing_to_read() {
    let dir = fixture(
        "empty",
        &[
            ("a.md", b"# 20240101 T\n+ OpenAI\n"),
            ("b.md", b""),
            ("c.md", b" \n\t\r\n"),
        ],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        warnings(&run),
        [
            "warning: notes/b.md:1: empty file; nothing to read (hint: write notes under a header such as # 20240831 Title, or remove the file)",
            "warning: notes/c.md:1: only blank lines; nothing to read (hint: write notes under a header such as # 20240831 Title, or remove the file)",
        ]
    );
    assert_eq!(graph_json(&dir)["graph"]["entries"], 1);
}

#[test]
fn an_empty_folder_is_an_error_and_writes_nothing() {
    let dir = fixture("emptydir", &[]);
    std::fs::create_dir_all(dir.join("notes/sub")).unwrap();
    dir.write("notes/sub/readme.pdf", "not a note");
    let run = build(&dir, &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: notes: no note files (*.txt, *.md, *.markdown) found (hint: point --input at a folder of notes or at a note file)\n"
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn a_missing_input_path_is_an_error() {
    let dir = fixture("missing", &[]);
    let run = notegraph_in(
        dir.path(),
        &["build", "-i", "nope", "-d", "dict", "-o", "out"],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: nope: cannot read: no such file or directory (os error 2) (hint: check the path; --input and --dict take files or folders)\n"
    );
    let run = notegraph_in(
        dir.path(),
        &["build", "-i", "dict", "-d", "nodict", "-o", "out"],
    );
    assert_eq!(
        run.stderr,
        "error: nodict: cannot read: no such file or directory (os error 2) (hint: check the path; --input and --dict take files or folders)\n"
    );
}

/// About 20 MB of prose on one bullet line, with names, links, bold, brackets and an
/// unclosed link at the very end. Every step must stay linear: before, JSON columns, URL
/// deduplication and the URL overlap check were quadratic and this never finished.
#[test]
fn a_20_mb_single_line_is_read_in_linear_time() {
    let unit = "马斯克说 OpenAI 和谷歌的**模型**很好，见[帖子](https://x.com/p?q=1) (注：这是一段很长的中文笔记，用来测试) ";
    let mut line = String::from("# 20240101 Long\n+ ");
    while line.len() < 20_000_000 {
        line.push_str(unit);
    }
    line.push_str("[end](https://y.org/z\n");
    let dir = fixture("20mb", &[("a.md", line.as_bytes())]);
    let started = Instant::now();
    let run = build(&dir, &[]);
    let took = started.elapsed();
    eprintln!("20 MB line: {took:.1?}");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let col = line.lines().nth(1).unwrap().chars().count() - "(https://y.org/z".chars().count() + 1;
    assert_eq!(
        warnings(&run),
        [format!("warning: notes/a.md:2:{col}: link without a closing ')' (hint: write links as [text](url))")]
    );
    let v = graph_json(&dir);
    assert_eq!(
        v["notes"][0]["urls"],
        serde_json::json!(["https://x.com/p?q=1", "https://y.org/z"])
    );
    // A generous bound for a loaded machine: the quadratic spots took minutes.
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

#[test]
fn text_before_the_first_header_becomes_an_untitled_entry() {
    let dir = fixture(
        "preamble",
        &[(
            "a.md",
            "some words about OpenAI\n\nmore\n# 20240101 T\n+ 谷歌\n".as_bytes(),
        )],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        warnings(&run),
        ["warning: notes/a.md:1: text before the first header; kept as an untitled entry (hint: start the file with a header such as # 20240831 Title)"]
    );
    assert_eq!(
        notes_of(&graph_json(&dir)),
        [
            (1, String::new(), strs(&["openai"])),
            (4, "T".to_string(), strs(&["google"])),
        ]
    );
}

#[test]
fn headers_without_a_title_warn() {
    let dir = fixture(
        "notitle",
        &[("a.md", b"# 20240831\n+ OpenAI\n#\n# #tag\n#   \t\n")],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hint = "(hint: write a title after the date, e.g. # 20240831 Title)";
    assert_eq!(
        warnings(&run),
        [1, 3, 4, 5]
            .iter()
            .map(|n| format!("warning: notes/a.md:{n}: header has no title {hint}"))
            .collect::<Vec<_>>()
    );
    let v = graph_json(&dir);
    assert_eq!(v["notes"][0]["date"], "2024-08-31");
    assert_eq!(v["notes"][2]["tags"], serde_json::json!(["tag"]));
}

#[test]
fn a_flood_of_warnings_is_cut_to_thirty_lines_unless_all_are_asked_for() {
    let notes: String = (1..=45)
        .map(|i| format!("# 2024130{} T{i}\n", i % 10))
        .collect();
    let dir = fixture("flood", &[("a.md", notes.as_bytes())]);
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = warnings(&run);
    assert_eq!(shown.len(), 31, "{}", run.stderr);
    assert!(shown[29].starts_with("warning: notes/a.md:30:3: invalid date"));
    assert_eq!(
        shown[30],
        "warning: 15 more warnings not shown (hint: pass --all-warnings to list them)"
    );
    let all = build(&dir, &["--all-warnings"]);
    assert_eq!(warnings(&all).len(), 45);
    assert!(warnings(&all)
        .iter()
        .all(|w| w.starts_with("warning: notes/a.md:")));
}

#[test]
fn bad_dates_warn_and_other_date_forms_are_read() {
    let dir = fixture(
        "dates",
        &[(
            "a.md",
            "# 20241345 A\n# 2024083 B\n# 2024-08-31 C\n# 2024/8/1 D\n# 2024.02.29 E\n# 2024年8月3日 F\n# 2023-02-29 G\n# ２０２４０８３１ H\n# 42 Solar\n# 202408311 I\n".as_bytes(),
        )],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hint = "(hint: write the date as YYYYMMDD, e.g. # 20240831 Title; the entry is kept without a date)";
    assert_eq!(
        warnings(&run),
        [
            format!("warning: notes/a.md:1:3: invalid date \"20241345\": month 13 is not 1-12 {hint}"),
            format!("warning: notes/a.md:2:3: \"2024083\" looks like a date but has 7 digits, not 8 {hint}"),
            format!("warning: notes/a.md:7:3: invalid date \"2023-02-29\": day 29 is not in 1-28 for month 2 {hint}"),
            format!("warning: notes/a.md:8:3: \"２０２４０８３１\" is written in full-width digits and is not read as a date {hint}"),
            format!("warning: notes/a.md:10:3: \"202408311\" looks like a date but has 9 digits, not 8 {hint}"),
        ]
    );
    let v = graph_json(&dir);
    let dates: Vec<&Value> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["date"])
        .collect();
    assert_eq!(
        dates,
        [
            &Value::Null,
            &Value::Null,
            &Value::from("2024-08-31"),
            &Value::from("2024-08-01"),
            &Value::from("2024-02-29"),
            &Value::from("2024-08-03"),
            &Value::Null,
            &Value::Null,
            &Value::Null,
            &Value::Null,
        ]
    );
    assert_eq!(v["notes"][8]["title"], "42 Solar");
}

#[test]
fn thousands_of_hash_lines_finish_quickly() {
    let mut text = String::from("# 20240101 T\n+ OpenAI\n");
    for _ in 0..5000 {
        text.push_str("#\n");
    }
    for _ in 0..5000 {
        text.push_str("## OpenAI heading\n");
    }
    // A line of hashes is text; `# # # ...` is a header titled `# # ...` (a `#` before a
    // space is no tag); `# t#a#a...` has 100k tags.
    text.push_str(&"#".repeat(200_000));
    text.push('\n');
    text.push_str(&"# ".repeat(100_000));
    text.push('\n');
    text.push_str("# t");
    text.push_str(&"#a".repeat(100_000));
    text.push('\n');
    let dir = fixture("hashes", &[("a.md", text.as_bytes())]);
    let started = Instant::now();
    let run = build(&dir, &["--all-warnings"]);
    eprintln!("hash lines: {:.1?}", started.elapsed());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let w = warnings(&run);
    // One "no title" per bare `#`.
    assert_eq!(w.len(), 5000);
    assert_eq!(
        w[0],
        "warning: notes/a.md:3: header has no title (hint: write a title after the date, e.g. # 20240831 Title)"
    );
    let v = graph_json(&dir);
    assert_eq!(v["graph"]["entries"], 5003);
    // `##` headings are text of the entry before them: the last bare `#`.
    assert_eq!(v["notes"][5000]["mentions"].as_array().unwrap().len(), 5000);
    assert_eq!(v["notes"][5001]["title"].as_str().unwrap().len(), 199_997);
    assert_eq!(v["notes"][5002]["title"], "t");
    assert_eq!(v["notes"][5002]["tags"].as_array().unwrap().len(), 100_000);
}

#[test]
fn deeply_nested_bullets_keep_their_lines() {
    let mut text = String::from("# 20240101 Deep\n");
    for i in 0..3000 {
        text.push_str(&" ".repeat(i));
        text.push_str(if i % 2 == 0 {
            "+ OpenAI\n"
        } else {
            "- 谷歌\n"
        });
    }
    text.push_str("+ back at the top\n");
    let dir = fixture("nested", &[("a.md", text.as_bytes())]);
    let run = build(&dir, &["--scope", "bullet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(warnings(&run), Vec::<&str>::new());
    let v = graph_json(&dir);
    let m = v["notes"][0]["mentions"].as_array().unwrap();
    assert_eq!(m.len(), 3000);
    assert_eq!(
        (&m[2999]["line"], &m[2999]["col"]),
        (&Value::from(3001), &Value::from(3002))
    );
    assert_eq!(v["links"][0]["weight"], 1);
}

#[test]
fn unbalanced_bold_and_brackets_are_just_text() {
    let dir = fixture(
        "unbalanced",
        &[(
            "a.md",
            "# 20240101 **Open**AI ((( [[[ **\n+ ***OpenAI** ]]] ))) **谷歌\n+ [x] (y) [[z]] **\n+ a) [b](c) (d\n".as_bytes(),
        )],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(warnings(&run), Vec::<&str>::new());
    let v = graph_json(&dir);
    assert_eq!(v["notes"][0]["title"], "**Open**AI ((( [[[ **");
    let texts: Vec<&str> = v["notes"][0]["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Open**AI", "OpenAI", "谷歌"]);
}

#[test]
fn a_link_without_a_closing_paren_warns_at_its_paren() {
    let dir = fixture(
        "unclosed",
        &[(
            "a.md",
            "# 20240101 T\n+ 见 [OpenAI 的帖子](https://openai.com/x 和谷歌\n    - [ok](https://en.wikipedia.org/wiki/A_(b)) fine\n".as_bytes(),
        )],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        warnings(&run),
        ["warning: notes/a.md:2:17: link without a closing ')' (hint: write links as [text](url))"]
    );
    let v = graph_json(&dir);
    assert_eq!(v["notes"][0]["urls"][0], "https://openai.com/x");
    assert_eq!(
        v["notes"][0]["entities"],
        serde_json::json!(["google", "openai"])
    );
}

#[cfg(target_os = "linux")]
#[test]
fn symlink_loops_and_duplicates_are_read_once() {
    use std::os::unix::fs::symlink;
    let dir = fixture("symlinks", &[("a.md", b"# 20240101 T\n+ OpenAI\n")]);
    let notes = dir.join("notes");
    symlink(".", notes.join("loop")).unwrap();
    symlink("..", notes.join("up")).unwrap();
    symlink("a.md", notes.join("again.md")).unwrap();
    symlink("missing.md", notes.join("dangling.md")).unwrap();
    symlink("l2.md", notes.join("l1.md")).unwrap();
    symlink("l1.md", notes.join("l2.md")).unwrap();
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        warnings(&run),
        [
            "warning: notes/again.md: same file as notes/a.md; read once (hint: remove the duplicate symlink or input)",
            "warning: notes/dangling.md: broken symlink (its target does not exist); skipped (hint: fix or remove the link)",
            "warning: notes/l1.md: cannot follow: too many levels of symbolic links (os error 40); skipped (hint: fix or remove the link)",
            "warning: notes/l2.md: cannot follow: too many levels of symbolic links (os error 40); skipped (hint: fix or remove the link)",
            "warning: notes/loop: folder reached twice through a symlink; read once (hint: remove the symlink loop)",
            "warning: notes/up/notes: folder reached twice through a symlink; read once (hint: remove the symlink loop)",
        ]
    );
    assert_eq!(graph_json(&dir)["graph"]["entries"], 1);
}

// ---------------------------------------------------------------------------------------
// Dictionaries

fn dict_error(tag: &str, file: &str, text: &str) -> Run {
    let dir = fixture(tag, &[("a.md", b"# 20240101 T\n+ OpenAI\n")]);
    std::fs::remove_file(dir.join("dict/d.toml")).unwrap();
    dir.write(&format!("dict/{file}"), text);
    let run = build(&dir, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!dir.join("out").exists(), "nothing is written");
    run
}

#[test]
fn invalid_toml_names_file_line_and_column() {
    let run = dict_error(
        "badtoml",
        "d.toml",
        "kind = \"company\"\n[[entity]]\nname = \"OpenAI\naliases = []\n",
    );
    assert_eq!(
        run.stderr,
        "error: dict/d.toml:3:15: invalid toml: invalid basic string, expected `\"` (hint: see dictionaries/README.md for the format)\n"
    );
}

#[test]
fn invalid_json_names_file_line_and_column() {
    let run = dict_error(
        "badjson",
        "d.json",
        "[\n  {\"name\": \"OpenAI\", \"kind\": \"company\",},\n]\n",
    );
    assert_eq!(
        run.stderr,
        "error: dict/d.json:2:40: invalid json: trailing comma (hint: a json dictionary is an array of {\"name\", \"kind\", \"aliases\"} objects)\n"
    );
}

#[test]
fn an_empty_alias_is_an_error() {
    let run = dict_error(
        "emptyalias",
        "d.toml",
        "kind = \"company\"\n[[entity]]\nname = \"OpenAI\"\naliases = [\"Open AI\", \"\", \"  \"]\n",
    );
    assert_eq!(
        errors(&run),
        [
            "error: dict/d.toml:4:23: empty alias (hint: remove it or write the name)",
            "error: dict/d.toml:4:27: empty alias (hint: remove it or write the name)",
        ]
    );
}

#[test]
fn an_alias_claimed_by_two_entities_is_reported_at_the_second() {
    let run = dict_error(
        "claimed",
        "d.toml",
        "kind = \"company\"\n[[entity]]\nname = \"Zeta\"\naliases = [\"Shared Name\"]\n[[entity]]\nname = \"Alpha\"\naliases = [\"shared  name\"]\n",
    );
    assert_eq!(
        run.stderr,
        "error: dict/d.toml:7:12: alias \"shared  name\" of \"Alpha\" is also claimed by \"Zeta\" at dict/d.toml:4:12 (hint: keep the alias on one entity only)\n"
    );
}

#[test]
fn an_unknown_kind_is_an_error() {
    let run = dict_error(
        "kind",
        "d.toml",
        "[[entity]]\nname = \"OpenAI\"\nkind = \"compnay\"\n",
    );
    assert_eq!(
        run.stderr,
        "error: dict/d.toml:3:8: unknown kind \"compnay\"; expected one of person, company, model, concept (hint: use person, company, model or concept)\n"
    );
}

#[test]
fn a_one_letter_alias_is_an_error_but_one_ideograph_is_a_word() {
    let run = dict_error(
        "onechar",
        "d.toml",
        "kind = \"concept\"\n[[entity]]\nname = \"entropy\"\naliases = [\"熵\", \"S\", \"Ｓ\"]\n",
    );
    assert_eq!(
        errors(&run),
        [
            "error: dict/d.toml:4:17: alias \"S\" has one character and would match almost anywhere (hint: use a longer form of the name, or list it under weak with a context)",
            "error: dict/d.toml:4:22: alias \"Ｓ\" has one character and would match almost anywhere (hint: use a longer form of the name, or list it under weak with a context)",
        ]
    );
}

#[test]
fn a_dictionary_of_100k_aliases_loads_quickly() {
    let mut d = String::from("kind = \"concept\"\n");
    for i in 0..50_000 {
        d.push_str(&format!(
            "[[entity]]\nname = \"Entity {i}\"\naliases = [\"实体{i}号\"]\n"
        ));
    }
    // And one entity with 100k aliases on a single line (both were quadratic).
    d.push_str("[[entity]]\nname = \"Many\"\naliases = [");
    for i in 0..100_000 {
        d.push_str(&format!("\"many {i}\", "));
    }
    d.push_str("]\n");
    let dir = TempDir::new("dict100k");
    dir.write("dict/d.toml", d);
    dir.write(
        "notes/a.md",
        "# 20240101 T\n+ Entity 7 和实体42号 and many 99999\n",
    );
    let started = Instant::now();
    let run = build(&dir, &[]);
    let took = started.elapsed();
    eprintln!("100k aliases: {took:.1?}");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        graph_json(&dir)["notes"][0]["entities"],
        serde_json::json!(["entity-42", "entity-7", "many"])
    );
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

// ---------------------------------------------------------------------------------------
// Outputs

/// Every file in `dir` with its bytes, sorted by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

fn names(snap: &[(String, Vec<u8>)]) -> Vec<&str> {
    snap.iter().map(|(n, _)| n.as_str()).collect()
}

/// True when this process runs as root (a file it creates is owned by uid 0).
fn is_root(dir: &TempDir) -> bool {
    use std::os::unix::fs::MetadataExt;
    let p = dir.write(".uid-probe", "");
    std::fs::metadata(p).unwrap().uid() == 0
}

/// A tmpfs mounted for a test, unmounted when dropped.
struct Mount(std::path::PathBuf);

impl Mount {
    fn tmpfs(at: &Path, options: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        sh(
            "mount",
            &["-t", "tmpfs", "-o", options, "tmpfs", at.to_str()?],
        )
        .then(|| Mount(at.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn an_out_path_that_is_a_file_is_an_error() {
    let dir = fixture("outfile", &[("a.md", b"# 20240101 T\n+ OpenAI\n")]);
    dir.write("out", "precious");
    let run = build(&dir, &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        errors(&run),
        ["error: out: cannot write: exists and is not a folder (hint: --out must be a folder, not a file)"]
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out")).unwrap(),
        "precious"
    );
}

/// Root ignores permissions, so as root the folder is a read-only tmpfs instead; without
/// the right to mount, the test skips loudly.
#[cfg(unix)]
#[test]
fn an_unwritable_out_folder_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture("readonly", &[("a.md", b"# 20240101 T\n+ OpenAI\n")]);
    let out = dir.join("out");
    let (_mount, expected) = if is_root(&dir) {
        match Mount::tmpfs(&out, "ro,size=64k") {
            Some(m) => (Some(m), "error: out/graph.json: cannot write: read-only file system (os error 30) (hint: the file system is read-only; choose another folder with --out)"),
            None => {
                return skip_loudly(
                    "unwritable out folder",
                    "running as root, where permissions do not apply, and mount -t tmpfs is not permitted",
                )
            }
        }
    } else {
        std::fs::create_dir_all(&out).unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
        (None, "error: out/graph.json: cannot write: permission denied (os error 13) (hint: choose a writable folder with --out)")
    };
    let run = build(&dir, &[]);
    let _ = std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755));
    assert_eq!(run.code, 2);
    assert_eq!(errors(&run), [expected]);
    assert_eq!(names(&snapshot(&out)), Vec::<&str>::new());
}

/// The disk fills up while writing the new outputs: the previous ones stay byte for byte,
/// and no temporary file is left behind.
#[cfg(unix)]
#[test]
fn a_full_disk_leaves_the_previous_outputs_intact() {
    let dir = fixture(
        "fulldisk",
        &[("a.md", "# 20240101 T\n+ OpenAI and 谷歌\n".as_bytes())],
    );
    let Some(_mount) = Mount::tmpfs(&dir.join("out"), "size=64k") else {
        return skip_loudly(
            "full disk",
            "mount -t tmpfs is not permitted here (needs root or CAP_SYS_ADMIN)",
        );
    };
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = snapshot(&dir.join("out"));
    assert_eq!(names(&before), ["graph.dot", "graph.gexf", "graph.json"]);

    let mut big = String::from("# 20240102 Big\n");
    for i in 0..2000 {
        big.push_str(&format!("+ OpenAI 和谷歌 {i}\n"));
    }
    dir.write("notes/b.md", big);
    let run = build(&dir, &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        errors(&run),
        ["error: out/graph.json: cannot write: no space left on device (os error 28) (hint: the disk is full; free some space)"]
    );
    assert_eq!(snapshot(&dir.join("out")), before);
    let all: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(all.len(), 3, "no temporary file is left: {all:?}");
}

/// A folder named like an output cannot be replaced by a file: the build fails before any
/// output is renamed, so none of the previous ones change.
#[test]
fn a_folder_in_the_way_leaves_the_previous_outputs_intact() {
    let dir = fixture("inway", &[("a.md", b"# 20240101 T\n+ OpenAI\n")]);
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::remove_file(dir.join("out/graph.dot")).unwrap();
    std::fs::create_dir(dir.join("out/graph.dot")).unwrap();
    let before = snapshot(&dir.join("out"));
    dir.write("notes/b.md", "# 20240102 U\n+ 谷歌 and OpenAI\n");
    let run = build(&dir, &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        errors(&run),
        ["error: out/graph.dot: cannot write: is a directory (os error 21) (hint: a folder is in the way of the file; remove or rename it)"]
    );
    assert_eq!(snapshot(&dir.join("out")), before);
    let mut all: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    all.sort();
    assert_eq!(all, ["graph.dot", "graph.gexf", "graph.json"]);
}

// ---------------------------------------------------------------------------------------
// Queries (only `build --around`; the query commands test their own errors)

#[test]
fn an_unknown_around_entity_suggests_close_names() {
    let dir = fixture("around", &[("a.md", b"# 20240101 T\n+ OpenAI\n")]);
    let run = build(&dir, &["--around", "OpenIA"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: unknown entity \"OpenIA\" (hint: did you mean OpenAI?)\n"
    );
    let run = build(&dir, &["--around", "Anthropic"]);
    assert_eq!(
        run.stderr,
        "error: unknown entity \"Anthropic\" (hint: check the spelling, or add the entity to dictionaries/)\n"
    );
    let run = build(&dir, &["--around", ""]);
    assert_eq!(
        run.stderr,
        "error: empty entity name (hint: name an entity, e.g. notegraph notes OpenAI)\n"
    );
    assert!(!dir.join("out").exists());
}

// ---------------------------------------------------------------------------------------
// Promises

#[test]
fn strict_turns_every_warning_into_an_error_and_writes_nothing() {
    let dir = fixture(
        "strict",
        &[
            ("a.md", b"# 20241345 T\n+ OpenAI [x](y\n"),
            ("b.md", b"pre\n# 20240101 U\n"),
        ],
    );
    let run = build(&dir, &["--strict"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        [
            "error: notes/a.md:1:3: invalid date \"20241345\": month 13 is not 1-12 (hint: write the date as YYYYMMDD, e.g. # 20240831 Title; the entry is kept without a date)",
            "error: notes/a.md:2:13: link without a closing ')' (hint: write links as [text](url))",
            "error: notes/b.md:1: text before the first header; kept as an untitled entry (hint: start the file with a header such as # 20240831 Title)",
            "error: 3 warnings with --strict; nothing written (hint: fix the notes, or drop --strict to build anyway)",
        ]
    );
    assert!(!dir.join("out").exists());
    // Without --strict the same notes build, with the same three lines as warnings.
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0);
    assert_eq!(warnings(&run).len(), 3);
    // Clean notes pass --strict.
    let dir = fixture("strictok", &[("a.md", b"# 20240101 T\n+ OpenAI\n")]);
    assert_eq!(build(&dir, &["--strict"]).code, 0);
}

/// The same notes created in two different orders (the order a directory lists them in
/// follows creation on many file systems), each built in a fresh process (so hash seeds
/// differ): the outputs are identical byte for byte.
#[test]
fn outputs_do_not_depend_on_directory_order() {
    let files: Vec<(String, String)> = (0..12)
        .map(|i| {
            (
                format!("{}/n{i:02}.md", ["x", "y", "z"][i % 3]),
                format!(
                    "# 202401{:02} Note {i}\n+ OpenAI 和谷歌\n+ {}\n",
                    i + 1,
                    if i % 2 == 0 {
                        "OpenAI"
                    } else {
                        "谷歌 谷歌"
                    }
                ),
            )
        })
        .collect();
    let mut outs = Vec::new();
    for (k, order) in [
        vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        vec![11, 3, 7, 0, 9, 1, 5, 10, 2, 8, 6, 4],
        vec![11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]
    .into_iter()
    .enumerate()
    {
        let dir = fixture(&format!("order{k}"), &[]);
        for i in order {
            dir.write(&format!("notes/{}", files[i].0), &files[i].1);
        }
        let run = build(&dir, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        outs.push(snapshot(&dir.join("out")));
    }
    assert_eq!(names(&outs[0]), ["graph.dot", "graph.gexf", "graph.json"]);
    assert!(outs[0] == outs[1] && outs[1] == outs[2], "outputs differ");
}

/// Names and note text full of characters every format treats specially.
#[test]
fn escaping_is_right_in_dot_gexf_json_and_terminal_output() {
    let dir = TempDir::new("escaping");
    dir.write(
        "dict/d.toml",
        r#"
kind = "company"
[[entity]]
name = "A \"Q\" & <B> \\ C"
aliases = ["QuoteCo"]
[[entity]]
name = "Line\nBreak\u0007Bell\\"
aliases = ["LineCo"]
"#,
    );
    dir.write(
        "notes/a.md",
        "# 20240101 <T> & \"x\" \\ y #t&g\n+ QuoteCo and LineCo \u{1b}[31mred\u{7}\n",
    );
    let run = notegraph_in(
        dir.path(),
        &[
            "build",
            "-i",
            "notes",
            "-d",
            "dict",
            "-o",
            "out",
            "--no-image",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let quote = "A \"Q\" & <B> \\ C";
    let line = "Line\nBreak\u{7}Bell\\";

    // JSON: every string round-trips exactly.
    let v = graph_json(&dir);
    let labels: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, [quote, line]);
    assert_eq!(v["notes"][0]["title"], "<T> & \"x\" \\ y");
    assert_eq!(v["notes"][0]["tags"], serde_json::json!(["t&g"]));

    // GEXF: markup escaped, newline as a character reference, the bell dropped (XML 1.0
    // cannot carry it).
    let gexf = std::fs::read_to_string(dir.join("out/graph.gexf")).unwrap();
    assert!(
        gexf.contains(r#"label="A &quot;Q&quot; &amp; &lt;B&gt; \ C""#),
        "{gexf}"
    );
    assert!(gexf.contains(r#"label="Line&#10;BreakBell\""#), "{gexf}");
    assert!(!gexf.chars().any(|c| c.is_control() && c != '\n'));
    if require_tool("xmllint", &["--version"]) {
        let out = Command::new("xmllint")
            .args(["--noout", "out/graph.gexf"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // DOT: quotes and backslashes escaped, the newline as \n, the bell dropped.
    let dot = std::fs::read_to_string(dir.join("out/graph.dot")).unwrap();
    assert!(dot.contains(r#"label="A \"Q\" & <B> \\ C""#), "{dot}");
    assert!(dot.contains(r#"label="Line\nBreakBell\\""#), "{dot}");
    if require_tool("dot", &["-V"]) {
        let out = Command::new("dot")
            .args(["-Tsvg", "out/graph.dot"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let svg = String::from_utf8_lossy(&out.stdout);
        assert!(
            svg.contains(">A &quot;Q&quot; &amp; &lt;B&gt; \\ C<"),
            "{svg}"
        );
        assert!(svg.contains(">BreakBell\\<"), "{svg}");
    }

    // Terminal: a file name with a newline and an escape sequence, and a query with one,
    // come out escaped on one line each.
    dir.write("notes/b\n\u{1b}[2J.md", "# 20241345 T\n");
    let run = notegraph_in(
        dir.path(),
        &[
            "build",
            "-i",
            "notes",
            "-d",
            "dict",
            "-o",
            "out",
            "--no-image",
            "--around",
            "Q\u{1b}[31m\n",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        [
            "warning: notes/b\\n\\u{1b}[2J.md:1:3: invalid date \"20241345\": month 13 is not 1-12 (hint: write the date as YYYYMMDD, e.g. # 20240831 Title; the entry is kept without a date)",
            "error: unknown entity \"Q\\u{1b}[31m\\n\" (hint: check the spelling, or add the entity to dictionaries/)",
        ]
    );
}

/// `dict suggest` prints text mined from the notes: escaped too.
#[test]
fn dict_suggest_prints_mined_text_escaped() {
    let dir = fixture(
        "suggestesc",
        &[("a.md", b"# 20240101 T\n+ **Zeta\x1b[31mCorp** OpenAI\n")],
    );
    let run = notegraph_in(
        dir.path(),
        &["dict", "suggest", "-i", "notes", "-d", "dict"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "   1   1  Zeta\\u{1b}[31mCorp           bold               notes/a.md:2\n1 candidates (count, notes, text, source, first seen)\n"
    );
}

/// Every hostile note of this file at once, in one folder: still one clean build.
#[test]
fn all_hostile_notes_together_build_without_panic() {
    let mut nested = String::from("# 20240101 Deep\n");
    for i in 0..500 {
        nested.push_str(&"\t".repeat(i));
        nested.push_str("* OpenAI\n");
    }
    let dir = fixture(
        "together",
        &[
            ("utf8.md", b"# 20240101 T\n+ caf\xE9 OpenAI \xF0\x9F\n"),
            ("bom.md", "\u{feff}\u{feff}# 20240831 OpenAI\n".as_bytes()),
            ("cr.md", b"\r\r\n\r# 20240101 A\r+ OpenAI\r"),
            ("bin.md", b"\x00"),
            ("empty.md", b""),
            ("pre.txt", "只有文字 OpenAI".as_bytes()),
            (
                "hdr.md",
                "#\n# \n#20240831\n#2024083 x\n# 2024-13-45\n# ００\n##\n#＃\n# #\n".as_bytes(),
            ),
            ("nest.md", nested.as_bytes()),
            (
                "marks.markdown",
                b"# **[(\n+ **\n+ ](\n+ [](\n+ [a](b\n+ *\n+\n-\n* \n",
            ),
            ("ctl.md", b"# \x07\x1b\x0b\x0c t\n+ \x7fx\n"),
        ],
    );
    let run = build(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for w in warnings(&run) {
        assert!(w.starts_with("warning: notes/"), "{w}");
        assert!(w.contains(" (hint: ") && w.ends_with(')'), "{w}");
    }
    assert!(build(&dir, &["--strict"]).code == 2);
}
