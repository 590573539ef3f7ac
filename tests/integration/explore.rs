//! The explorer commands on `tests/fixtures/explore/`, whose answers are worked out by hand,
//! and `notes OpenAI Strawberry` on the seeds against the gold annotation.
//!
//! The fixture: six entries (one undated, one out of date order), ten entities (Meta never
//! mentioned, Tesla mentioned alone). Entry scope gives these notes and links:
//!
//! | entity | notes (header lines) | mentions |
//! |---|---|---|
//! | OpenAI | 1, 6, 18 | 5 |
//! | Google | 1, 11, 21 | 5 |
//! | Sam Altman | 1, 6, 18, 21 | 4 |
//! | Strawberry | 6 | 3 |
//! | Q* | 6 | 1 |
//! | Geoffrey Hinton | 11 | 2 |
//! | neural network | 11, 21 | 2 |
//! | Tesla | 15 | 2 |
//! | Gemini | 21 | 2 |
//!
//! Links: OpenAI-Sam Altman 3; Google-Sam Altman 2; Google-neural network 2; twelve more of
//! weight 1. N = 6 entries, so for OpenAI's neighbours jaccard = w / (3 + n - w) and
//! pmi = log2(6 w / (3 n)): Sam Altman 0.75 / 0.585, Q* and Strawberry 0.333 / 1.0,
//! Google 0.2 / -0.585.

use crate::accuracy::load_gold;
use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::process::Stdio;

const INPUT: [&str; 4] = [
    "--input",
    "tests/fixtures/explore/notes.md",
    "--dict",
    "tests/fixtures/explore/dict.toml",
];

/// Runs a command on the fixture.
fn fx(args: &[&str]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(INPUT);
    notegraph(&all)
}

fn json_lines(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `(line, date)` of each entry printed by `notes --json`.
fn entries(run: &Run) -> Vec<(u64, Value)> {
    json_lines(run)
        .iter()
        .map(|v| (v["line"].as_u64().unwrap(), v["date"].clone()))
        .collect()
}

fn ok(run: &Run) -> &str {
    assert_eq!(
        run.code, 0,
        "stderr: {}\nstdout: {}",
        run.stderr, run.stdout
    );
    &run.stdout
}

#[test]
fn notes_lists_entries_newest_first_with_matching_lines() {
    let run = fx(&["notes", "OpenAI", "Strawberry"]);
    assert_eq!(
        ok(&run),
        "\
2024-01-20  Strawberry rumours
            tests/fixtures/explore/notes.md:6  https://example.com/b
         6  # 20240120 Strawberry rumours #AI
         8  + OpenAI 的草莓项目就是 QAR
         9  + Sam Altman 没有评论 Strawberry

2024-01-05  OpenAI and Google
            tests/fixtures/explore/notes.md:1  https://example.com/a
         1  # 20240105 OpenAI and Google
         2  + OpenAI 发布了新模型

(undated)   Undated thoughts on OpenAI
            tests/fixtures/explore/notes.md:18
        18  # Undated thoughts on OpenAI
        19  + OpenAI 和 Sam Altman

3 notes mention OpenAI or Strawberry
"
    );
}

#[test]
fn notes_json_has_one_object_per_entry() {
    let run = fx(&["notes", "OpenAI", "Strawberry", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json_lines(&run);
    assert_eq!(v.len(), 3);
    let e = &v[0];
    assert_eq!(e["file"], "tests/fixtures/explore/notes.md");
    assert_eq!(e["line"], 6);
    assert_eq!(e["date"], "2024-01-20");
    assert_eq!(e["title"], "Strawberry rumours");
    assert_eq!(e["tags"], serde_json::json!(["AI"]));
    assert_eq!(e["urls"], serde_json::json!(["https://example.com/b"]));
    assert_eq!(e["link"], "https://example.com/b");
    let ids: Vec<&str> = e["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["openai", "strawberry"]);
    assert_eq!(
        e["bullets"][1],
        serde_json::json!({
            "line": 8, "kind": "bullet", "text": "OpenAI 的草莓项目就是 QAR",
            "mentions": [
                {"id": "openai", "text": "OpenAI", "start": 0, "end": 6},
                {"id": "strawberry", "text": "草莓", "start": 10, "end": 16},
            ],
        })
    );
    assert_eq!(e["bullets"][0]["text"], "20240120 Strawberry rumours #AI");
    assert_eq!(v[2]["date"], Value::Null);
    assert_eq!(v[2]["link"], Value::Null);
}

#[test]
fn notes_filters_combine() {
    // --all: only the entry naming both.
    let run = fx(&["notes", "OpenAI", "Strawberry", "--all", "--json"]);
    assert_eq!(entries(&run), [(6, "2024-01-20".into())]);
    // --not: Google's entries without Sam Altman.
    let run = fx(&["notes", "Google", "--not", "sam altman", "--json"]);
    assert_eq!(entries(&run), [(11, "2024-03-02".into())]);
    // Both ends of --since/--until are included; undated entries drop out.
    let run = fx(&[
        "notes",
        "Google",
        "--since",
        "2024-01-10",
        "--until",
        "2024-03-01",
        "--json",
    ]);
    assert_eq!(entries(&run), [(21, "2024-03-01".into())]);
    let run = fx(&["notes", "OpenAI", "--since", "2024-01-05", "--json"]);
    assert_eq!(
        entries(&run),
        [(6, "2024-01-20".into()), (1, "2024-01-05".into())]
    );
    // --kind alone: every entry that mentions a model, the models marked.
    let run = fx(&["notes", "--kind", "model", "--json"]);
    assert_eq!(
        entries(&run),
        [(21, "2024-03-01".into()), (6, "2024-01-20".into())]
    );
    let v = json_lines(&run);
    let ids: Vec<&str> = v[1]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["q-star", "strawberry"]);
    // --kind with a name: OpenAI's entries that also name a model.
    let run = fx(&["notes", "OpenAI", "--kind", "model", "--json"]);
    assert_eq!(entries(&run), [(6, "2024-01-20".into())]);
}

#[test]
fn notes_limit_keeps_the_newest_and_says_how_many_there_were() {
    let run = fx(&["notes", "openai", "--limit", "1"]);
    let out = ok(&run);
    assert!(out.starts_with("2024-01-20  Strawberry rumours\n"), "{out}");
    assert!(
        out.ends_with("\n1 of 3 notes that mention OpenAI\n"),
        "{out}"
    );
    let run = fx(&["notes", "openai", "--limit", "2", "--json"]);
    assert_eq!(json_lines(&run).len(), 2);
}

#[test]
fn names_resolve_through_any_alias_and_case() {
    for names in [
        &["草莓"][..],
        &["strawberry"],
        &["STRAWBERRY"],
        &["q*"],
        &["QAR"],
        &["q-star"],
    ] {
        let mut args = vec!["notes"];
        args.extend(names);
        args.push("--json");
        let run = fx(&args);
        assert_eq!(entries(&run), [(6, "2024-01-20".into())], "{names:?}");
    }
}

#[test]
fn nothing_found_exits_1_and_errors_exit_2_with_a_hint() {
    let run = fx(&["notes", "Meta"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (1, "0 notes mention Meta\n")
    );
    let run = fx(&["notes", "Meta", "--json"]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    let cases: [(&[&str], &str); 7] = [
        (
            &["notes", "OpenAl"],
            "error: unknown entity \"OpenAl\" (hint: did you mean OpenAI?)",
        ),
        (
            &["notes", "OpenAI", "--since", "2024-13-01"],
            "error: invalid --since \"2024-13-01\": month 13 is not 1-12 (hint: write the day as YYYY-MM-DD, e.g. --since 2024-08-31)",
        ),
        (
            &["notes", "OpenAI", "--until", "last week"],
            "error: invalid --until \"last week\": \"last week\" is not a date like 2024-08-31 (hint: write the day as YYYY-MM-DD, e.g. --until 2024-08-31)",
        ),
        (
            &["notes", "OpenAI", "--since", "2024-03-01", "--until", "2024-01-01"],
            "error: --since 2024-03-01 is after --until 2024-01-01 (hint: swap the two dates; both days are included)",
        ),
        (
            &["notes"],
            "error: nothing to look for (hint: name an entity (notegraph notes OpenAI) or a kind (notegraph notes --kind model))",
        ),
        (
            &["entity", "  "],
            "error: empty entity name (hint: name an entity, e.g. notegraph notes OpenAI)",
        ),
        (
            &["explain", "OpenAI", "开放人工智能"],
            "error: both names are OpenAI (hint: give two different entities)",
        ),
    ];
    for (args, message) in cases {
        let run = fx(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.stderr.trim_end(), message, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = command()
        .args(["notes", "OpenAI", "Google"])
        .args(INPUT)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Closing the read end before the answer is written makes the first write fail with
    // EPIPE, as `notegraph notes OpenAI | head -0` would.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn colour_marks_mentions_only_when_asked_or_on_a_terminal() {
    let run = fx(&["notes", "草莓", "q*", "--color", "always"]);
    let out = ok(&run);
    assert!(
        out.contains("+ OpenAI 的\x1b[1;31m草莓\x1b[0m项目就是 \x1b[1;31mQAR\x1b[0m"),
        "{out}"
    );
    // Piped, with NO_COLOR unset: plain.
    let out = command()
        .args(["notes", "草莓"])
        .args(INPUT)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn control_characters_in_notes_are_escaped() {
    let dir = TempDir::new("escape");
    dir.write(
        "n.md",
        "# 20240101 \x1b]0;pwned\x07title\n+ OpenAI \x1b[2J said \u{202E}olleh\n",
    );
    dir.write(
        "d.toml",
        "[[entity]]\nname = \"OpenAI\"\nkind = \"company\"\n",
    );
    let run = notegraph_in(
        dir.path(),
        &[
            "notes", "OpenAI", "-i", "n.md", "-d", "d.toml", "--color", "always",
        ],
    );
    let out = ok(&run);
    assert!(
        out.contains("+ \x1b[1;31mOpenAI\x1b[0m \\u{1b}[2J said \\u{202e}olleh"),
        "{out}"
    );
    assert!(out.contains("\\u{1b}]0;pwned\\u{7}title"), "{out}");
    // Only our own colour codes are left: every ESC starts an SGR sequence.
    assert!(out.split('\x1b').skip(1).all(|s| s.starts_with('[')
        && s[1..]
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
            .starts_with('m')));
}

#[test]
fn explain_shows_the_entries_with_both() {
    let run = fx(&["explain", "OpenAI", "奥特曼"]);
    assert_eq!(
        ok(&run),
        "\
2024-01-20  Strawberry rumours
            tests/fixtures/explore/notes.md:6  https://example.com/b
         8  + OpenAI 的草莓项目就是 QAR
         9  + Sam Altman 没有评论 Strawberry

2024-01-05  OpenAI and Google
            tests/fixtures/explore/notes.md:1  https://example.com/a
         1  # 20240105 OpenAI and Google
         2  + OpenAI 发布了新模型
         4      + 奥特曼 说 Google 很强

(undated)   Undated thoughts on OpenAI
            tests/fixtures/explore/notes.md:18
        18  # Undated thoughts on OpenAI
        19  + OpenAI 和 Sam Altman

3 notes mention both OpenAI and Sam Altman
"
    );
    let run = fx(&["explain", "Tesla", "OpenAI"]);
    assert_eq!(run.code, 1);
}

#[test]
fn entity_profile() {
    let run = fx(&["entity", "谷歌"]);
    assert_eq!(
        ok(&run),
        "\
Google  company (id google)
aliases     谷歌
mentions    5 in 3 notes
seen        2024-01-05 .. 2024-03-02
timeline    2024-01 █▁▅ 2024-03  (mentions a month; most: 3 in 2024-01)
neighbours  5 (pagerank 0.1744)
most often with
  2  neural network (concept)
  2  Sam Altman (person)
  1  Gemini (model)
  1  Geoffrey Hinton (person)
  1  OpenAI (company)
"
    );
    let run = fx(&["entity", "OpenAI", "--json"]);
    let v: Value = serde_json::from_str(ok(&run)).unwrap();
    assert_eq!(v["kind"], "company");
    assert_eq!(v["aliases"], serde_json::json!(["OpenAI", "开放人工智能"]));
    assert_eq!(
        (v["mentions"].clone(), v["notes"].clone()),
        (5.into(), 3.into())
    );
    assert_eq!(v["first_seen"], "2024-01-05");
    assert_eq!(v["last_seen"], "2024-01-20");
    assert_eq!(
        v["timeline"],
        serde_json::json!([{"month": "2024-01", "mentions": 3, "notes": 2}])
    );
    assert_eq!(v["undated"], serde_json::json!({"mentions": 2, "notes": 1}));
    assert_eq!(v["related"][0]["id"], "sam-altman");
    assert_eq!(v["related"][0]["weight"], 3);
    // In the dictionary, never in the notes: a profile, and exit 1.
    let run = fx(&["entity", "Meta"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "Meta  company (id meta)\nmentions    none in 6 notes\n"
    );
}

#[test]
fn related_ranks_by_each_measure() {
    let order = |by: &str| -> Vec<String> {
        let run = fx(&["related", "OpenAI", "--by", by, "--json"]);
        json_lines(&run)
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        order("weight"),
        ["Sam Altman", "Google", "Q*", "Strawberry"]
    );
    assert_eq!(
        order("jaccard"),
        ["Sam Altman", "Q*", "Strawberry", "Google"]
    );
    assert_eq!(order("pmi"), ["Q*", "Strawberry", "Sam Altman", "Google"]);
    let run = fx(&["related", "OpenAI"]);
    assert_eq!(
        ok(&run),
        "\
4 of 4 neighbours of OpenAI, by weight
rank  weight  jaccard     pmi  entity
   1       3    0.750    0.58  Sam Altman (person)
   2       1    0.200   -0.58  Google (company)
   3       1    0.333    1.00  Q* (model)
   4       1    0.333    1.00  Strawberry (model)
"
    );
    let v = json_lines(&fx(&["related", "OpenAI", "--json"]));
    assert_eq!(v[0]["jaccard"], 0.75);
    assert_eq!(v[2]["pmi"], 1.0);
    let run = fx(&[
        "related", "OpenAI", "--kind", "model", "--limit", "1", "--json",
    ]);
    assert_eq!(json_lines(&run)[0]["name"], "Q*");
    let run = fx(&["related", "OpenAI", "--kind", "model", "--limit", "1"]);
    assert!(ok(&run).starts_with("1 of 2 neighbours of OpenAI, by weight\n"));
    let run = fx(&["related", "Tesla"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (1, "Tesla is mentioned with nothing\n")
    );
}

#[test]
fn path_follows_the_strongest_shortest_chain() {
    let run = fx(&["path", "OpenAI", "Gemini"]);
    assert_eq!(
        ok(&run),
        "\
OpenAI -> Sam Altman -> Gemini  (2 hops)
  OpenAI -- Sam Altman: together in 3 notes; newest:
      2024-01-20  tests/fixtures/explore/notes.md:6  Strawberry rumours
  Sam Altman -- Gemini: together in 1 note; newest:
      2024-03-01  tests/fixtures/explore/notes.md:21  Gemini
"
    );
    let run = fx(&["path", "hinton", "草莓", "--json"]);
    let v: Value = serde_json::from_str(ok(&run)).unwrap();
    let chain: Vec<&str> = v["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(chain, ["Google", "Sam Altman", "Strawberry"]);
    assert_eq!(v["hops"][1]["entry"]["line"], 21);
    let run = fx(&["path", "OpenAI", "Tesla"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (
            1,
            "no path: no chain of co-mentions joins OpenAI and Tesla\n"
        )
    );
    let run = fx(&["path", "OpenAI", "Meta", "--json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap()["hops"],
        Value::Null
    );
}

#[test]
fn top_ranks_by_mentions_degree_and_pagerank() {
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["top", "--json"];
        all.extend(args);
        json_lines(&fx(&all))
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_string())
            .collect()
    };
    // Ties: more mentions first, then by id.
    assert_eq!(
        names(&[]),
        [
            "Google",
            "OpenAI",
            "Sam Altman",
            "Strawberry",
            "Gemini",
            "Geoffrey Hinton",
            "neural network",
            "Tesla",
            "Q*"
        ]
    );
    // Degree ties: weighted degree (OpenAI 6 > neural network 5), then mentions.
    assert_eq!(
        names(&["--by", "degree"]),
        [
            "Sam Altman",
            "Google",
            "OpenAI",
            "neural network",
            "Strawberry",
            "Gemini",
            "Q*",
            "Geoffrey Hinton",
            "Tesla"
        ]
    );
    assert_eq!(
        names(&["--kind", "person"]),
        ["Sam Altman", "Geoffrey Hinton"]
    );
    assert_eq!(names(&["--limit", "2"]), ["Google", "OpenAI"]);
    let v = json_lines(&fx(&["top", "--by", "pagerank", "--json"]));
    let ranks: Vec<f64> = v.iter().map(|x| x["pagerank"].as_f64().unwrap()).collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    // Sam Altman has the heaviest links (9), isolated Tesla only the teleport share.
    assert_eq!(v[0]["name"], "Sam Altman");
    assert_eq!(v[8]["name"], "Tesla");
    assert!((ranks.iter().sum::<f64>() - 1.0).abs() < 1e-4);
}

#[test]
fn stats_counts_everything() {
    let run = fx(&["stats"]);
    let text = ok(&run);
    assert!(text.starts_with(
        "\
notes       6 in 1 file (1 KB); 5 dated, 2024-01-05 .. 2024-03-15; 6 mention an entity
mentions    26
entities    9 of 10 in the dictionary: 2 people, 3 companies, 3 models, 1 concept
links       15 (density 0.417), 2 components, "
    ));
    let v: Value = serde_json::from_str(ok(&fx(&["stats", "--json"]))).unwrap();
    for (k, want) in [
        ("files", 1),
        ("notes", 6),
        ("dated", 5),
        ("linked", 6),
        ("mentions", 26),
        ("dictionary", 10),
        ("entities", 9),
        ("links", 15),
        ("components", 2),
        ("warnings", 0),
    ] {
        assert_eq!(v[k], want, "{k}");
    }
    assert_eq!(v["first_date"], "2024-01-05");
    assert_eq!(v["last_date"], "2024-03-15");
    assert_eq!(
        v["by_kind"],
        serde_json::json!({"person": 2, "company": 3, "model": 3, "concept": 1})
    );
}

#[test]
fn timeline_puts_months_side_by_side() {
    let run = fx(&["timeline", "OpenAI", "谷歌"]);
    assert_eq!(
        ok(&run),
        "\
month    OpenAI  Google
2024-01       3       3
2024-02       0       0
2024-03       0       2
undated       2       0
total         5       5
"
    );
    let v = json_lines(&fx(&["timeline", "OpenAI", "Google", "--json"]));
    assert_eq!(v.len(), 4);
    assert_eq!(
        v[0],
        serde_json::json!({
            "month": "2024-01",
            "mentions": {"openai": 3, "google": 3},
            "notes": {"openai": 2, "google": 1},
        })
    );
    assert_eq!(v[3]["month"], Value::Null);
    let run = fx(&["timeline", "Meta"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (1, "Meta is never mentioned in the notes\n")
    );
}

#[test]
fn help_documents_the_exit_codes() {
    for cmd in [
        "notes", "entity", "related", "explain", "path", "top", "stats", "timeline",
    ] {
        let run = notegraph(&[cmd, "--help"]);
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains("  1  found nothing"), "{cmd}");
    }
}

/// `notes OpenAI Strawberry` on the seeds must list exactly the entries the gold annotation
/// links to either entity. Needs the real dictionaries.
#[test]
fn seeds_notes_openai_strawberry_match_the_gold_annotation() {
    let Some(gold) = load_gold() else { return };
    let mut want = BTreeSet::new();
    for g in &gold {
        let names: Vec<&str> = g["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        if !names.iter().any(|n| *n == "OpenAI" || *n == "Strawberry") {
            continue;
        }
        let file = g["file"].as_str().unwrap();
        let text = std::fs::read_to_string(root().join("seeds").join(file)).unwrap();
        let header = format!("# {}", g["header"].as_str().unwrap());
        let line = text
            .trim_start_matches('\u{feff}')
            .lines()
            .position(|l| l.trim_end_matches('\r') == header)
            .unwrap_or_else(|| panic!("{header:?} not in {file}"))
            + 1;
        want.insert((file.to_string(), line as u64));
    }
    let run = notegraph(&["notes", "OpenAI", "Strawberry", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json_lines(&run);
    let got: BTreeSet<(String, u64)> = v
        .iter()
        .map(|e| {
            let file = e["file"].as_str().unwrap();
            let name = file.rsplit(['/', '\\']).next().unwrap().to_string();
            (name, e["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(got.len(), v.len(), "an entry is listed twice");
    assert_eq!(got, want);
    // Newest first, undated last.
    let dates: Vec<Option<&str>> = v.iter().map(|e| e["date"].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| match (a, b) {
        (Some(x), Some(y)) => y.cmp(x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    assert_eq!(dates, sorted);
}
