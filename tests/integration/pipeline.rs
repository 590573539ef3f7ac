//! The end-to-end pipeline on fixtures: every header and bullet variant of the note grammar.

use crate::common::*;
use serde_json::Value;

fn build_json(dir: &TempDir, notes: &str, dict: &str) -> Value {
    dir.write("notes/a.md", notes);
    dir.write("dict/d.toml", dict);
    let run = notegraph_in(
        dir.path(),
        &[
            "build",
            "--input",
            "notes",
            "--dict",
            "dict",
            "--out",
            "out",
            "--no-image",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.join("out/graph.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn header_variants_are_parsed() {
    let dir = TempDir::new("headers");
    let notes = "\u{feff}# 20240831《Elon Musk》42 Solar Tesla Energy 2004–2016 #每日阅读\r\n\
        + a\r\n\
        # OpenAI Dev Day Sam Altman（上）\n\
        # 20240808  building makemore (中) #AI#每日陪读\n\
        # 20241345 Bad date OpenAI\n\
        # 20241009 micrograd (四)#每日陪读\n";
    let v = build_json(&dir, notes, COMPANIES);
    let notes = v["notes"].as_array().unwrap();
    let got: Vec<(u64, Value, &str, Vec<&str>)> = notes
        .iter()
        .map(|n| {
            (
                n["line"].as_u64().unwrap(),
                n["date"].clone(),
                n["title"].as_str().unwrap(),
                n["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                1,
                Value::from("2024-08-31"),
                "《Elon Musk》42 Solar Tesla Energy 2004–2016",
                vec!["每日阅读"]
            ),
            (3, Value::Null, "OpenAI Dev Day Sam Altman（上）", vec![]),
            (
                4,
                Value::from("2024-08-08"),
                "building makemore (中)",
                vec!["AI", "每日陪读"]
            ),
            (5, Value::Null, "Bad date OpenAI", vec![]),
            (
                6,
                Value::from("2024-10-09"),
                "micrograd (四)",
                vec!["每日陪读"]
            ),
        ]
    );
    assert_eq!(notes[1]["entities"], serde_json::json!(["openai"]));
}

#[test]
fn bad_dates_warn_with_file_and_line() {
    let dir = TempDir::new("baddate");
    dir.write("notes/a.md", "# 20241345 T\n+ x\n# 2024083 U\n");
    dir.write("dict/d.toml", COMPANIES);
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
    assert_eq!(run.code, 0);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: notes/a.md:1:3: invalid date \"20241345\": month 13 is not 1-12 (hint: write the date as YYYYMMDD, e.g. # 20240831 Title; the entry is kept without a date)",
            "warning: notes/a.md:3:3: \"2024083\" looks like a date but has 7 digits, not 8 (hint: write the date as YYYYMMDD, e.g. # 20240831 Title; the entry is kept without a date)",
        ]
    );
}

#[test]
fn links_and_urls_are_kept_and_never_matched() {
    let dir = TempDir::new("links");
    let notes = "# 20240101 T\n\
        + [https://openai.com/google](https://openai.com/google)\n\
        [https://x.org/a](https://x.org/a)\n\
        + see [the post](https://y.org/b) by 谷歌\n";
    let v = build_json(&dir, notes, COMPANIES);
    let n = &v["notes"][0];
    assert_eq!(
        n["urls"],
        serde_json::json!([
            "https://openai.com/google",
            "https://x.org/a",
            "https://y.org/b"
        ])
    );
    assert_eq!(n["entities"], serde_json::json!(["google"]));
    assert_eq!(n["mentions"][0]["line"], 4);
    assert_eq!(n["mentions"][0]["text"], "谷歌");
}

#[test]
fn seeds_build_finds_all_32_entries() {
    let dir = build_seeds("seeds32");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("graph.json")).unwrap()).unwrap();
    assert_eq!(v["notes"].as_array().unwrap().len(), 32);
    assert_eq!(v["graph"]["entries"], 32);
    for f in ["graph.json", "graph.gexf", "graph.dot"] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
}

#[test]
fn dict_suggest_mines_bold_glosses_and_model_tokens() {
    let dir = TempDir::new("suggest");
    dir.write(
        "notes/a.md",
        "# 20240101 T\n+ **Keen AGI** 是 OpenAI 的对手\n+ **first principles**（第一性原理）\n+ o1-preview\n+ 还有 o1-preview 和 o1-preview\n# 20240102 U\n+ 用 Keen AGI 和 OpenAI（开放人工智能）\n",
    );
    dir.write(
        "dict/d.toml",
        "kind = \"company\"\n[[entity]]\nname = \"OpenAI\"\n",
    );
    let run = notegraph_in(
        dir.path(),
        &["dict", "suggest", "-i", "notes", "-d", "dict", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |t: &str| {
        rows.iter()
            .find(|r| r["text"] == t)
            .unwrap_or_else(|| panic!("{t} not suggested: {rows:?}"))
    };
    assert_eq!(find("Keen AGI")["notes"], 2);
    assert_eq!(find("Keen AGI")["source"], "bold");
    assert_eq!(find("Keen AGI")["example"], "notes/a.md:2");
    assert_eq!(find("o1-preview")["count"], 2);
    assert_eq!(find("o1-preview")["source"], "model-like");
    assert_eq!(find("开放人工智能")["alias_of"], "openai");
    assert!(
        rows.iter().all(|r| r["text"] != "OpenAI"),
        "known names are not suggested"
    );
}
