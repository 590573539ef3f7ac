//! The exports, checked by the real clients that read them (Graphviz, xmllint with the GEXF
//! RELAX NG schema, graphology-gexf, networkx), byte for byte against reviewed fixture files,
//! and through `--scope`, the pruning options and `render`.
//!
//! The fixture corpus (tests/fixtures/interop) has Chinese names, names with `"`, `\`, `&`,
//! `<`, `>` and a control character, titles with the same plus an escape sequence, dates on
//! consecutive days across a month end, a gap, a Chinese date, an undated entry and an entity
//! mentioned alone.

use crate::common::*;
use regex::Regex;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    root().join("tests/fixtures/interop")
}

/// Builds the fixture into a fresh folder. It runs inside the fixture folder with relative
/// paths, so the paths written into the JSON do not depend on where the repository lives.
fn build_fixture(tag: &str, extra: &[&str]) -> TempDir {
    let dir = TempDir::new(tag);
    let out = dir.path().to_str().unwrap().to_string();
    let mut args = vec!["build", "-i", "notes", "-d", "dict", "-o", &out];
    args.extend_from_slice(extra);
    let run = notegraph_in(&fixture(), &args);
    assert_eq!(run.code, 0, "build failed: {}", run.stderr);
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

fn run(cmd: &mut Command) -> Run {
    Run::from(
        cmd.output()
            .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}")),
    )
}

/// What the GEXF and DOT writers do to labels: control characters are dropped.
fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Our JSON's edges as sorted `(source, target, weight)`, the ends in sorted order.
fn our_edges(doc: &Value) -> Vec<(String, String, f64)> {
    let mut v: Vec<(String, String, f64)> = doc["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let (s, t) = (l["source"].as_str().unwrap(), l["target"].as_str().unwrap());
            let (a, b) = if s <= t { (s, t) } else { (t, s) };
            (a.to_string(), b.to_string(), l["weight"].as_f64().unwrap())
        })
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v
}

fn our_nodes(doc: &Value) -> BTreeMap<String, &Value> {
    doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap().to_string(), n))
        .collect()
}

fn node_ids(doc: &Value) -> Vec<String> {
    our_nodes(doc).into_keys().collect()
}

// ---------------------------------------------------------------------------------------
// Byte-for-byte fixtures and determinism
// ---------------------------------------------------------------------------------------

/// Compares a file with its reviewed expected copy; `NOTEGRAPH_BLESS=1` rewrites the copy
/// instead (then review the diff with `git diff tests/fixtures` before committing).
fn assert_matches_expected(got_path: &Path, expected: &Path) {
    let got = std::fs::read(got_path).unwrap();
    if std::env::var("NOTEGRAPH_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
        std::fs::write(expected, &got).unwrap();
        eprintln!("blessed {}", expected.display());
        return;
    }
    let want = std::fs::read(expected).unwrap_or_else(|_| {
        panic!(
            "{} is missing (hint: NOTEGRAPH_BLESS=1 cargo test --test integration exports::fixture, then review it)",
            expected.display()
        )
    });
    if got != want {
        let (g, w) = (
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
        );
        let line = g
            .lines()
            .zip(w.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| g.lines().count().min(w.lines().count()));
        panic!(
            "{} differs from {} at line {}:\n  got:      {:?}\n  expected: {:?}\n\
             (hint: if the change is intended, NOTEGRAPH_BLESS=1 cargo test --test integration \
             exports::fixture and review the diff)",
            got_path.display(),
            expected.display(),
            line + 1,
            g.lines().nth(line).unwrap_or("<end of file>"),
            w.lines().nth(line).unwrap_or("<end of file>"),
        );
    }
}

#[test]
fn fixture_exports_match_the_expected_files_byte_for_byte() {
    let dir = build_fixture("expected", &["--no-image"]);
    for f in ["graph.json", "graph.gexf", "graph.dot"] {
        assert_matches_expected(&dir.join(f), &fixture().join("expected").join(f));
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let image = require_tool("dot", &["-V"]);
    let extra: &[&str] = if image { &[] } else { &["--no-image"] };
    let a = build_fixture("twice-a", extra);
    let b = build_fixture("twice-b", extra);
    let mut files = vec!["graph.json", "graph.gexf", "graph.dot"];
    if image {
        files.push("graph.svg");
    }
    for f in files {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs between two builds");
    }
}

#[test]
fn build_writes_the_three_exports_and_an_svg() {
    if !require_tool("dot", &["-V"]) {
        return;
    }
    let dir = build_fixture("four", &[]);
    for f in ["graph.json", "graph.gexf", "graph.dot", "graph.svg"] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    let svg = read(&dir.join("graph.svg"));
    assert!(svg.contains("<svg") && svg.contains("马斯克"), "{svg}");
}

#[test]
fn json_links_cite_notes_by_index_one_element_a_line() {
    let dir = build_fixture("json-lines", &["--no-image"]);
    let text = read(&dir.join("graph.json"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["format_version"], 2);
    let notes = doc["notes"].as_array().unwrap();
    let links = doc["links"].as_array().unwrap();
    for l in links {
        let cited: Vec<usize> = l["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(cited.len() as u64, l["weight"].as_u64().unwrap(), "{l}");
        assert!(cited.windows(2).all(|w| w[0] < w[1]), "ascending: {l}");
        let mut dates = Vec::new();
        for &k in &cited {
            let ents = &notes[k]["entities"];
            for end in ["source", "target"] {
                assert!(
                    ents.as_array().unwrap().contains(&l[end]),
                    "note {k} does not mention {}",
                    l[end]
                );
            }
            dates.extend(notes[k]["date"].as_str());
        }
        dates.sort_unstable();
        assert_eq!(l["first_seen"].as_str(), dates.first().copied(), "{l}");
        assert_eq!(l["last_seen"].as_str(), dates.last().copied(), "{l}");
    }
    let musk_openai = links
        .iter()
        .find(|l| l["source"] == "musk" && l["target"] == "openai")
        .unwrap();
    assert_eq!(musk_openai["entries"], serde_json::json!([0, 1, 4]));
    assert_eq!(notes[4]["id"], "notes/journal.md:14");

    // One line per top-level key and per element of nodes, links and notes, each a JSON
    // value of its own.
    let lines: Vec<&str> = text.lines().collect();
    let (n, m) = (doc["nodes"].as_array().unwrap().len(), notes.len());
    assert_eq!(lines.len(), 12 + n + links.len() + m, "{text}");
    assert_eq!((lines[0], lines[lines.len() - 1]), ("{", "}"));
    assert_eq!(lines[1], r#""format_version":2,"#);
    let start = lines.iter().position(|l| *l == r#""links":["#).unwrap();
    for (line, link) in lines[start + 1..].iter().zip(links) {
        let v: Value = serde_json::from_str(line.trim_end_matches(',')).unwrap();
        assert_eq!(&v, link);
    }
    assert!(!text.contains("\n  "), "no indentation");
}

// ---------------------------------------------------------------------------------------
// Structure: what the schema does not check
// ---------------------------------------------------------------------------------------

#[test]
fn gexf_has_unique_ascii_ids_no_dangling_edges_and_only_declared_attributes() {
    let dir = build_fixture("structure", &["--no-image"]);
    let gexf = read(&dir.join("graph.gexf"));
    let doc = json(&dir.join("graph.json"));
    assert!(
        !gexf.chars().any(|c| c.is_control() && c != '\n'),
        "control characters in the GEXF"
    );
    let (node_part, edge_part) = gexf.split_at(gexf.find("<edges>").unwrap());

    let attr =
        Regex::new(r#"<attributes class="(\w+)" mode="static">((?s).*?)</attributes>"#).unwrap();
    let decl = Regex::new(r#"<attribute id="([^"]*)" title="([^"]*)" type="(\w+)"/>"#).unwrap();
    let snake = Regex::new("^[a-z][a-z0-9_]*$").unwrap();
    let mut declared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in attr.captures_iter(&gexf) {
        for d in decl.captures_iter(&c[2]) {
            assert_eq!(&d[1], &d[2], "attribute id equals its title");
            assert!(snake.is_match(&d[1]), "{} is ASCII snake_case", &d[1]);
            assert!(
                !["weight", "label", "id", "start", "end"].contains(&&d[1]),
                "reserved name {}",
                &d[1]
            );
            assert!(["string", "integer", "double", "boolean"].contains(&&d[3]));
            declared
                .entry(c[1].to_string())
                .or_default()
                .insert(d[1].to_string());
        }
    }
    assert_eq!(declared.keys().collect::<Vec<_>>(), ["edge", "node"]);
    let used = Regex::new(r#"<attvalue for="([^"]*)""#).unwrap();
    for (part, class) in [(node_part, "node"), (edge_part, "edge")] {
        for u in used.captures_iter(part) {
            assert!(
                declared[class].contains(&u[1]),
                "undeclared {class} attribute {}",
                &u[1]
            );
        }
    }

    let node = Regex::new(r#"<node id="([^"]*)" label="([^"]*)">"#).unwrap();
    let ids: Vec<String> = node
        .captures_iter(&gexf)
        .map(|c| c[1].to_string())
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate node ids: {ids:?}");
    assert!(ids.iter().all(|id| id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')));
    assert_eq!(ids, node_ids(&doc));

    let edge = Regex::new(
        r#"<edge id="([^"]*)" source="([^"]*)" target="([^"]*)" weight="([^"]*)"[^>]*>"#,
    )
    .unwrap();
    let mut edge_ids = BTreeSet::new();
    let mut pairs = BTreeSet::new();
    for c in edge.captures_iter(&gexf) {
        assert!(
            edge_ids.insert(c[1].to_string()),
            "duplicate edge id {}",
            &c[1]
        );
        assert!(
            unique.contains(&c[2].to_string()),
            "dangling source {}",
            &c[2]
        );
        assert!(
            unique.contains(&c[3].to_string()),
            "dangling target {}",
            &c[3]
        );
        assert_ne!(&c[2], &c[3], "self-loop");
        let pair = if c[2] < c[3] {
            (c[2].to_string(), c[3].to_string())
        } else {
            (c[3].to_string(), c[2].to_string())
        };
        assert!(pairs.insert(pair), "parallel edge {} -- {}", &c[2], &c[3]);
        assert!(c[4].parse::<f32>().is_ok_and(|w| w >= 1.0));
    }
    assert_eq!(pairs.len(), doc["links"].as_array().unwrap().len());
}

#[test]
fn gexf_spells_merge_consecutive_days_across_a_month_end() {
    let dir = build_fixture("spells", &["--no-image"]);
    let gexf = read(&dir.join("graph.gexf"));
    let spells_of = |id: &str| -> Vec<String> {
        let start = gexf.find(&format!("<node id=\"{id}\"")).unwrap();
        let end = start + gexf[start..].find("</node>").unwrap();
        Regex::new(r#"<spell start="([^"]*)" end="([^"]*)"/>"#)
            .unwrap()
            .captures_iter(&gexf[start..end])
            .map(|c| format!("{}..{}", &c[1], &c[2]))
            .collect()
    };
    // OpenAI: 01-30, 01-31, 02-01 (one run across the month end), then 03-10.
    assert_eq!(
        spells_of("openai"),
        ["2024-01-30..2024-02-01", "2024-03-10..2024-03-10"]
    );
    assert_eq!(
        spells_of("altman"),
        [
            "2024-01-30..2024-01-30",
            "2024-02-01..2024-02-01",
            "2024-02-03..2024-02-03"
        ]
    );
    // Mentioned only in the undated entry: no spells, so Gephi shows it at every time.
    assert_eq!(spells_of("bell-corp"), Vec::<String>::new());
    // An edge is one interval, from its first to its last co-mention (01-30, 01-31 and
    // 03-10 for 马斯克 and OpenAI), with no spells; an undated-only edge has no bounds.
    let edge_of = |s: &str, t: &str| -> &str {
        let at = gexf.find(&format!(r#"source="{s}" target="{t}""#)).unwrap();
        let line = &gexf[gexf[..at].rfind('\n').unwrap() + 1..];
        &line[..line.find('\n').unwrap()]
    };
    let musk_openai = edge_of("musk", "openai");
    assert!(
        musk_openai.contains(r#"weight="3" start="2024-01-30" end="2024-03-10">"#),
        "{musk_openai}"
    );
    let att_bell = edge_of("att", "bell-corp");
    assert!(att_bell.contains(r#"weight="1">"#), "{att_bell}");
    assert!(!att_bell.contains("start="), "{att_bell}");
    assert!(!gexf[gexf.find("<edges>").unwrap()..].contains("<spell"));
    assert!(
        gexf.contains(r#"<graph defaultedgetype="undirected" mode="dynamic" timeformat="date">"#)
    );
    let musk = &gexf[gexf.find("<node id=\"musk\"").unwrap()..];
    assert!(musk.starts_with("<node id=\"musk\" label=\"马斯克\">"));
    for part in [
        r#"<attvalue for="first_seen" value="2024-01-30"/>"#,
        r#"<attvalue for="last_seen" value="2024-03-10"/>"#,
        r#"<viz:color r="66" g="133" b="244"/>"#,
    ] {
        assert!(
            musk[..musk.find("</node>").unwrap()].contains(part),
            "{part}"
        );
    }
    assert!(gexf.contains(r#"label="Say &quot;Hi&quot; Labs""#));
    assert!(gexf.contains(r#"label="Q&lt;A&gt; Bench""#));
    assert!(gexf.contains(r#"label="AT&amp;T""#));
    assert!(gexf.contains(r#"label="Bell Corp""#));
}

// ---------------------------------------------------------------------------------------
// Real clients
// ---------------------------------------------------------------------------------------

#[test]
fn graphviz_reads_the_dot_file_without_a_warning() {
    if !require_tool("dot", &["-V"]) {
        return;
    }
    let dir = build_fixture("dot", &["--no-image"]);
    for engine in ["dot", "sfdp", "neato"] {
        let svg = dir.join(&format!("{engine}.svg"));
        let r = run(Command::new("dot")
            .arg(format!("-K{engine}"))
            .arg("-Tsvg")
            .arg(dir.join("graph.dot"))
            .arg("-o")
            .arg(&svg));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stderr, "", "dot -K{engine} -Tsvg wrote to stderr");
        let svg = read(&svg);
        for label in [
            "马斯克",
            "深度学习",
            "Say &quot;Hi&quot; Labs",
            "Q&lt;A&gt; Bench",
            "AT&amp;T",
            "Tiny\\Net",
            "Bell Corp",
        ] {
            assert!(
                svg.contains(&format!(">{label}</text>")),
                "{label} not drawn by {engine}"
            );
        }
    }
}

#[test]
fn png_render_draws_chinese_labels_with_a_cjk_font() {
    if !require_tool("dot", &["-V"]) || !require_tool("fc-list", &["--version"]) {
        return;
    }
    let cjk = run(Command::new("fc-list").args([":lang=zh", "file"]));
    let cjk_files: Vec<&str> = cjk
        .stdout
        .lines()
        .map(|l| l.trim().trim_end_matches(':'))
        .collect();
    if !require(
        !cjk_files.is_empty(),
        "a CJK font (fc-list :lang=zh is empty)",
        "apt install fonts-wqy-zenhei or fonts-noto-cjk",
    ) {
        return;
    }
    let dir = TempDir::new("png");
    let png = dir.join("g.png");
    let r = notegraph_in(
        &fixture(),
        &[
            "render",
            "-i",
            "notes",
            "-d",
            "dict",
            "--format",
            "png",
            "-o",
            png.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 10_000,
        "suspiciously small PNG: {} bytes",
        bytes.len()
    );
    // Which font does Graphviz pick for our fontname list? It must be one that covers Chinese.
    let dot = dir.write(
        "g.dot",
        read(&build_fixture("png-dot", &["--no-image"]).join("graph.dot")),
    );
    let verbose = run(Command::new("dot")
        .args(["-v", "-Ksfdp", "-Tpng", "-o"])
        .arg(dir.join("v.png"))
        .arg(&dot));
    let resolved = verbose
        .stderr
        .lines()
        .find(|l| l.starts_with("fontname:") && l.contains("resolved to"))
        .unwrap_or_else(|| panic!("dot -v did not report the font: {}", verbose.stderr));
    assert!(
        cjk_files.iter().any(|f| resolved.contains(f)),
        "our fontname list resolves to a font without Chinese: {resolved}\nCJK fonts: {cjk_files:?}"
    );
}

/// The GEXF 1.3 RELAX NG schema: `NOTEGRAPH_GEXF_RNG`, else the shared copy next to the repo.
fn gexf_rng() -> PathBuf {
    std::env::var_os("NOTEGRAPH_GEXF_RNG")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/schemas/gexf/1.3/gexf.rng"))
}

#[test]
fn xmllint_validates_the_gexf_against_the_relax_ng_schema() {
    let rng = gexf_rng();
    if !require_tool("xmllint", &["--version"])
        || !require(
            rng.exists(),
            &format!("the GEXF 1.3 schema {}", rng.display()),
            "set NOTEGRAPH_GEXF_RNG to gexf.rng of https://github.com/gephi/gexf specs/1.3",
        )
    {
        return;
    }
    let dir = build_fixture("xmllint", &["--no-image"]);
    let check = |file: &Path| {
        run(Command::new("xmllint")
            .args(["--nonet", "--noout", "--relaxng"])
            .arg(&rng)
            .arg(file))
    };
    let r = check(&dir.join("graph.gexf"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.ends_with("graph.gexf validates\n"), "{}", r.stderr);
    // The validator is really on: a stray element fails, and so does a bare `&`.
    let gexf = read(&dir.join("graph.gexf"));
    for (name, text) in [
        ("stray", gexf.replace("<nodes>", "<nodes><bogus/>")),
        ("ampersand", gexf.replace("AT&amp;T", "AT&T")),
    ] {
        assert_ne!(
            check(&dir.write(&format!("{name}.gexf"), text)).code,
            0,
            "{name}"
        );
    }
}

/// Where `npm ci` put graphology-gexf: `NOTEGRAPH_GRAPHOLOGY_DIR`, else tests/clients.
fn graphology_dir() -> PathBuf {
    std::env::var_os("NOTEGRAPH_GRAPHOLOGY_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("tests/clients"))
}

fn graphology(gexf: &Path) -> Run {
    run(Command::new("node")
        .arg(root().join("tests/clients/graphology_check.mjs"))
        .arg(gexf)
        .env("NOTEGRAPH_GRAPHOLOGY_DIR", graphology_dir()))
}

#[test]
fn graphology_gexf_parses_the_gexf_strictly() {
    let modules = graphology_dir().join("node_modules/graphology-gexf");
    if !require_tool("node", &["--version"])
        || !require(
            modules.exists(),
            "graphology-gexf",
            "npm ci --prefix tests/clients",
        )
    {
        return;
    }
    let dir = build_fixture("graphology", &["--no-image"]);
    let doc = json(&dir.join("graph.json"));
    let r = graphology(&dir.join("graph.gexf"));
    assert_eq!(r.code, 0, "graphology-gexf rejected the GEXF: {}", r.stderr);
    let g: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(g["type"], "undirected");
    assert_eq!(
        g["order"].as_u64().unwrap() as usize,
        doc["nodes"].as_array().unwrap().len()
    );
    assert_eq!(
        g["size"].as_u64().unwrap() as usize,
        doc["links"].as_array().unwrap().len()
    );
    for (id, ours) in our_nodes(&doc) {
        let theirs = &g["nodes"][&id];
        assert_eq!(
            theirs["label"].as_str().unwrap(),
            strip_controls(ours["label"].as_str().unwrap())
        );
        for key in ["kind", "mentions", "notes", "community", "x", "y"] {
            assert_eq!(theirs[key], ours[key], "{id}.{key}");
        }
        assert!(
            (theirs["pagerank"].as_f64().unwrap() - ours["pagerank"].as_f64().unwrap()).abs()
                < 1e-12
        );
        assert!(
            theirs["color"].as_str().unwrap().starts_with("rgb("),
            "{theirs}"
        );
        assert!(theirs["size"].as_f64().unwrap() > 0.0);
    }
    let mut theirs: Vec<(String, String, f64)> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let (s, t) = (
                e["source"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap().to_string(),
            );
            let (a, b) = if s <= t { (s, t) } else { (t, s) };
            (a, b, e["weight"].as_f64().unwrap())
        })
        .collect();
    theirs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(theirs, our_edges(&doc));

    // The checks are live: graphology-gexf refuses each defect the schema lets through.
    let gexf = read(&dir.join("graph.gexf"));
    let first_node = &gexf[gexf.find("      <node ").unwrap()..];
    let first_node = &first_node[..first_node.find("</node>\n").unwrap() + 8];
    let first_edge = &gexf[gexf.find("      <edge ").unwrap()..];
    let first_edge = &first_edge[..first_edge.find("</edge>\n").unwrap() + 8];
    let parallel = Regex::new(r#"id="e\d+""#)
        .unwrap()
        .replace(first_edge, r#"id="e-copy""#);
    for (name, text, expect) in [
        (
            "dangling",
            gexf.replacen(r#"target=""#, r#"target="nobody-"#, 1),
            "inexisting node",
        ),
        (
            "duplicate",
            gexf.replacen(first_node, &format!("{first_node}{first_node}"), 1),
            "already exist",
        ),
        (
            "undeclared",
            gexf.replacen(
                r#"<attvalue for="kind""#,
                r#"<attvalue for="bogus" value="1"/><attvalue for="kind""#,
                1,
            ),
            "undeclared attribute",
        ),
        (
            "parallel",
            gexf.replacen(first_edge, &format!("{first_edge}{parallel}"), 1),
            "parallel edges",
        ),
        // xmldom lets a bare `&` through (xmllint does not); a truncated file it refuses.
        ("truncated", gexf.replacen("</gexf>", "", 1), "xml error"),
    ] {
        let r = graphology(&dir.write(&format!("{name}.gexf"), text));
        assert_ne!(r.code, 0, "graphology-gexf accepted the {name} GEXF");
        assert!(r.stderr.contains(expect), "{name}: {}", r.stderr);
    }
}

/// The Python with networkx >= 3.6: `NOTEGRAPH_PYTHON`, else the venv .ci/run makes in
/// tests/clients/.venv, else `python3`.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("NOTEGRAPH_PYTHON") {
        return p.into();
    }
    let venv = root().join("tests/clients/.venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

#[test]
fn networkx_reads_the_gexf_and_the_json_like_our_summary() {
    let py = python();
    let probe = "import sys, networkx; sys.exit(tuple(map(int, networkx.__version__.split('.')[:2])) < (3, 6))";
    if !require_tool(py.to_str().unwrap(), &["-c", probe]) {
        return;
    }
    let dir = TempDir::new("networkx");
    let out = dir.path().to_str().unwrap().to_string();
    let build = notegraph_in(
        &fixture(),
        &[
            "build",
            "-i",
            "notes",
            "-d",
            "dict",
            "-o",
            &out,
            "--no-image",
            "--json",
        ],
    );
    assert_eq!(build.code, 0, "{}", build.stderr);
    let summary: Value = serde_json::from_str(&build.stdout).unwrap();
    let doc = json(&dir.join("graph.json"));
    let r = run(Command::new(&py)
        .arg(root().join("tests/clients/nx_check.py"))
        .arg(dir.join("graph.gexf"))
        .arg(dir.join("graph.json")));
    assert_eq!(r.code, 0, "networkx failed: {}", r.stderr);
    let nx: Value = serde_json::from_str(&r.stdout).unwrap();

    let ours = our_edges(&doc);
    let labels: BTreeMap<String, String> = our_nodes(&doc)
        .iter()
        .map(|(id, n)| (id.clone(), n["label"].as_str().unwrap().to_string()))
        .collect();
    for source in ["gexf", "json"] {
        let g = &nx[source];
        assert_eq!(g["directed"], false, "{source}");
        assert_eq!(g["multigraph"], false, "{source}");
        assert_eq!(g["self_loops"], 0, "{source}");
        assert_eq!(g["nodes"], summary["entities"], "{source} node count");
        assert_eq!(g["edges"], summary["edges"], "{source} edge count");
        let weights: Vec<(String, String, f64)> =
            serde_json::from_value(g["weights"].clone()).unwrap();
        assert_eq!(weights, ours, "{source} weights");
        let got: BTreeMap<String, String> = serde_json::from_value(g["labels"].clone()).unwrap();
        let want: BTreeMap<String, String> = if source == "gexf" {
            labels
                .iter()
                .map(|(k, v)| (k.clone(), strip_controls(v)))
                .collect()
        } else {
            labels.clone()
        };
        assert_eq!(got, want, "{source} labels");
        assert_eq!(g["kinds"]["musk"], "person");
    }
    assert_eq!(nx["graph"]["entries"], 7);
    assert_eq!(
        nx["gexf_spells"]["openai"],
        serde_json::json!([["2024-01-30", "2024-02-01"], ["2024-03-10", "2024-03-10"]])
    );

    // Our analytics agree with networkx: weighted PageRank to rounding, and our Louvain
    // partition is at least as modular as networkx's own Louvain (seeded).
    let a = &nx["analytics"];
    for (id, n) in our_nodes(&doc) {
        let (p, q) = (
            n["pagerank"].as_f64().unwrap(),
            a["pagerank"][&id].as_f64().unwrap(),
        );
        assert!(
            (p - q).abs() < 1e-7,
            "pagerank of {id}: ours {p}, networkx {q}"
        );
    }
    let (m, m_nx) = (
        a["modularity"].as_f64().unwrap(),
        a["networkx_louvain_modularity"].as_f64().unwrap(),
    );
    assert!(
        m >= m_nx - 1e-9,
        "our communities have modularity {m}, networkx's Louvain {m_nx}"
    );
}

// ---------------------------------------------------------------------------------------
// Scope and pruning, through the command line
// ---------------------------------------------------------------------------------------

fn weight(doc: &Value, a: &str, b: &str) -> Option<f64> {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    our_edges(doc)
        .into_iter()
        .find(|e| e.0 == a && e.1 == b)
        .map(|e| e.2)
}

#[test]
fn bullet_scope_links_only_names_in_the_same_top_level_bullet() {
    let entry = build_fixture("scope-entry", &["--no-image"]);
    let bullet = build_fixture("scope-bullet", &["--no-image", "--scope", "bullet"]);
    let (e, b) = (
        json(&entry.join("graph.json")),
        json(&bullet.join("graph.json")),
    );
    // Sam Altman and AT&T share two entries but never a top-level bullet.
    assert_eq!(weight(&e, "altman", "att"), Some(2.0));
    assert_eq!(weight(&b, "altman", "att"), None);
    // AT&T and deep learning: a nested bullet belongs to its top-level bullet (first entry);
    // in the Gap day entry they sit in different bullets.
    assert_eq!(weight(&e, "att", "deep-learning"), Some(2.0));
    assert_eq!(weight(&b, "att", "deep-learning"), Some(1.0));
    // The header joins every bullet: 马斯克 is in the first header, AT&T in its second bullet.
    assert_eq!(weight(&b, "att", "musk"), Some(1.0));
    assert_eq!(
        node_ids(&e),
        node_ids(&b),
        "scope changes links, not entities"
    );
    assert!(our_edges(&b).len() < our_edges(&e).len());
}

/// Builds the fixture with pruning options; returns the JSON and checks that GEXF and DOT
/// hold exactly the same nodes and edges.
fn pruned(tag: &str, opts: &[&str]) -> Value {
    let mut extra = vec!["--no-image"];
    extra.extend_from_slice(opts);
    let dir = build_fixture(tag, &extra);
    let doc = json(&dir.join("graph.json"));
    let (n, e) = (
        doc["nodes"].as_array().unwrap().len(),
        doc["links"].as_array().unwrap().len(),
    );
    let gexf = read(&dir.join("graph.gexf"));
    assert_eq!(
        (
            gexf.matches("<node id=").count(),
            gexf.matches("<edge id=").count()
        ),
        (n, e),
        "GEXF {opts:?}"
    );
    let dot = read(&dir.join("graph.dot"));
    let dot_nodes = dot
        .lines()
        .filter(|l| l.starts_with("  \"") && !l.contains(" -- "))
        .count();
    assert_eq!(
        (dot_nodes, dot.matches(" -- ").count()),
        (n, e),
        "DOT {opts:?}"
    );
    doc
}

#[test]
fn min_weight_drops_light_links_and_the_entities_they_leave_alone() {
    let doc = pruned("min-weight", &["--min-weight", "2"]);
    assert!(our_edges(&doc).iter().all(|e| e.2 >= 2.0));
    let linked: BTreeSet<String> = our_edges(&doc)
        .into_iter()
        .flat_map(|e| [e.0, e.1])
        .collect();
    assert_eq!(linked, node_ids(&doc).into_iter().collect());
    assert!(!node_ids(&doc).contains(&"lonely".to_string()));
    assert!(!node_ids(&doc).is_empty());
}

#[test]
fn top_keeps_the_entities_with_the_highest_weighted_degree() {
    let full = pruned("top-full", &[]);
    let mut ranked: Vec<(f64, String)> = our_nodes(&full)
        .iter()
        .map(|(id, n)| (n["weighted_degree"].as_f64().unwrap(), id.clone()))
        .collect();
    ranked.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap().then(a.1.cmp(&b.1)));
    assert_eq!(
        ranked[..4],
        [
            (13.0, "openai".to_string()),
            (12.0, "deep-learning".to_string()),
            (10.0, "altman".to_string()),
            (10.0, "musk".to_string()),
        ]
    );
    let doc = pruned("top", &["--top", "2"]);
    assert_eq!(node_ids(&doc), ["deep-learning", "openai"]);
    assert_eq!(our_edges(&doc).len(), 1);
    // Altman ties 马斯克 on weighted degree; 马斯克 has more mentions (4 to 3) and wins.
    let doc = pruned("top-tie", &["--top", "3"]);
    assert_eq!(node_ids(&doc), ["deep-learning", "musk", "openai"]);
}

#[test]
fn kind_keeps_only_the_listed_kinds() {
    let doc = pruned("kind", &["--kind", "person,company"]);
    let kinds: BTreeSet<&str> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["company", "person"]));
    assert_eq!(
        node_ids(&doc),
        [
            "altman",
            "att",
            "bell-corp",
            "musk",
            "openai",
            "say-hi-labs"
        ]
    );
}

#[test]
fn around_keeps_the_ego_network_to_the_given_depth() {
    let full = pruned("around-full", &[]);
    let mut neighbours: BTreeSet<String> = our_edges(&full)
        .into_iter()
        .filter_map(|e| match (e.0.as_str(), e.1.as_str()) {
            ("bell-corp", x) | (x, "bell-corp") => Some(x.to_string()),
            _ => None,
        })
        .collect();
    neighbours.insert("bell-corp".into());
    // By name, with the control character the dictionary has: resolve by id instead.
    let one = pruned("around-1", &["--around", "bell-corp", "--depth", "1"]);
    assert_eq!(node_ids(&one), neighbours.into_iter().collect::<Vec<_>>());
    assert_eq!(node_ids(&one), ["att", "bell-corp"]);
    let two = pruned("around-2", &["--around", "bell-corp", "--depth", "2"]);
    assert!(node_ids(&two).len() > 2);
    assert!(!node_ids(&two).contains(&"lonely".to_string()));
    // Chinese names resolve too.
    let musk = pruned("around-musk", &["--around", "马斯克"]);
    assert!(node_ids(&musk).contains(&"musk".to_string()));
    let alone = pruned("around-alone", &["--around", "孤独实体", "--depth", "3"]);
    assert_eq!(node_ids(&alone), ["lonely"]);
}

#[test]
fn around_an_unknown_or_unmentioned_entity_is_an_error() {
    let dir = TempDir::new("around-bad");
    let out = dir.path().to_str().unwrap().to_string();
    let r = notegraph_in(
        &fixture(),
        &[
            "build",
            "-i",
            "notes",
            "-d",
            "dict",
            "-o",
            &out,
            "--around",
            "Nobody At All",
        ],
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: unknown entity \"Nobody At All\" (hint: check the spelling, or add the entity to dictionaries/)\n"
    );
    // Known to the dictionary but in no note: say so instead of writing an empty graph.
    dir.write(
        "dict/d.toml",
        "kind = \"company\"\n[[entity]]\nname = \"OpenAI\"\n[[entity]]\nname = \"Absent\"\n",
    );
    dir.write("notes/a.md", "# 20240101 T\n+ OpenAI\n");
    let r = notegraph_in(
        dir.path(),
        &[
            "build", "-i", "notes", "-d", "dict", "-o", "out", "--around", "absent",
        ],
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: --around \"absent\": no note mentions Absent (hint: pick an entity the notes mention, or check its aliases in the dictionary)\n"
    );
}

#[test]
fn max_links_keeps_each_entitys_most_specific_links() {
    let full = pruned("links-full", &[]);
    let doc = pruned("links", &["--max-links", "1"]);
    assert_eq!(node_ids(&doc), node_ids(&full), "no entity is dropped");
    let edges = our_edges(&doc);
    assert!(edges.len() < our_edges(&full).len());
    assert!(edges.len() <= node_ids(&doc).len());
    for id in node_ids(&full) {
        let had = our_edges(&full).iter().any(|e| e.0 == id || e.1 == id);
        let has = edges.iter().any(|e| e.0 == id || e.1 == id);
        assert_eq!(had, has, "{id} keeps a link when it had one");
    }
}

// ---------------------------------------------------------------------------------------
// render
// ---------------------------------------------------------------------------------------

#[test]
fn render_writes_svg_png_and_pdf_with_every_layout() {
    if !require_tool("dot", &["-V"]) {
        return;
    }
    let dir = TempDir::new("render");
    for (format, layout, magic) in [
        ("svg", "sfdp", &b"<?xml"[..]),
        ("png", "neato", b"\x89PNG"),
        ("pdf", "fdp", b"%PDF"),
        ("svg", "dot", b"<?xml"),
        ("svg", "circo", b"<?xml"),
    ] {
        let file = dir.join(&format!("{layout}.{format}"));
        let r = notegraph_in(
            &fixture(),
            &[
                "render",
                "-i",
                "notes",
                "-d",
                "dict",
                "--format",
                format,
                "--layout",
                layout,
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 0, "{format} {layout}: {}", r.stderr);
        // The default image keeps each entity's 4 most specific links: 18 of the 25.
        assert_eq!(
            r.stdout,
            format!("wrote {} (10 entities, 18 edges)\n", file.display())
        );
        assert!(
            std::fs::read(&file).unwrap().starts_with(magic),
            "{format} {layout}"
        );
    }
}

#[test]
fn the_default_image_shows_the_top_entities_not_a_hairball() {
    if !require_tool("dot", &["-V"]) {
        return;
    }
    // 120 entities; every entry names 12 of them, so the full graph is dense.
    let dir = TempDir::new("hairball");
    let mut dict = String::from("kind = \"concept\"\n");
    for i in 0..120 {
        dict.push_str(&format!("[[entity]]\nname = \"Thing{i:03}\"\n"));
    }
    dir.write("dict/d.toml", dict);
    let mut notes = String::new();
    for day in 0..60u32 {
        notes.push_str(&format!("# 202403{:02} Day\n", day % 28 + 1));
        for k in 0..12u32 {
            notes.push_str(&format!("+ Thing{:03}\n", (day * 7 + k * k * 3) % 120));
        }
    }
    dir.write("notes/a.md", notes);
    let r = notegraph_in(
        dir.path(),
        &["render", "-i", "notes", "-d", "dict", "-o", "g.svg"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let counts = Regex::new(r"\((\d+) entities, (\d+) edges\)").unwrap();
    let c = counts.captures(&r.stdout).unwrap();
    let (nodes, edges): (usize, usize) = (c[1].parse().unwrap(), c[2].parse().unwrap());
    assert_eq!(nodes, 60);
    assert!(edges <= 60 * 4, "{edges} edges in the default image");
    let svg = read(&dir.join("g.svg"));
    assert_eq!(svg.matches("class=\"node\"").count(), 60);
    // Asked for explicitly, the user's pruning replaces the defaults.
    let r = notegraph_in(
        dir.path(),
        &[
            "render",
            "-i",
            "notes",
            "-d",
            "dict",
            "-o",
            "all.svg",
            "--min-weight",
            "1",
            "--top",
            "200",
        ],
    );
    assert!(r.stdout.contains("(120 entities"), "{}", r.stdout);
}

/// A PATH without Graphviz: an empty folder.
fn without_graphviz(dir: &TempDir) -> String {
    let empty = dir.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    empty.to_str().unwrap().to_string()
}

#[test]
fn render_without_graphviz_says_how_to_install_it() {
    let dir = TempDir::new("no-dot");
    let path = without_graphviz(&dir);
    let out = dir.join("g.svg");
    let r = notegraph_env(
        &fixture(),
        &[
            "render",
            "-i",
            "notes",
            "-d",
            "dict",
            "-o",
            out.to_str().unwrap(),
        ],
        &[("PATH", &path)],
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: graphviz's dot was not found on PATH (hint: install graphviz: apt install graphviz (debian/ubuntu) or brew install graphviz (macos))\n"
    );
    assert!(!out.exists());
}

#[test]
fn build_without_graphviz_writes_the_data_files_and_a_note() {
    let dir = TempDir::new("no-dot-build");
    let path = without_graphviz(&dir);
    let out = dir.join("out");
    let r = notegraph_env(
        &fixture(),
        &[
            "build",
            "-i",
            "notes",
            "-d",
            "dict",
            "-o",
            out.to_str().unwrap(),
        ],
        &[("PATH", &path)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "note: graphviz's dot is not on PATH, so no image was rendered (hint: install graphviz: apt install graphviz (debian/ubuntu) or brew install graphviz (macos))\n"
    );
    for f in ["graph.json", "graph.gexf", "graph.dot"] {
        assert!(out.join(f).exists(), "{f}");
    }
    assert!(!out.join("graph.svg").exists());
}
