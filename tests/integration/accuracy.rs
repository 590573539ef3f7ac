//! Entity links on the seeds scored against a careful reader's annotation
//! (`../shared/eval/seeds-gold.json`): core recall and precision must both reach 0.98.

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn gold_path() -> Option<PathBuf> {
    let p = std::env::var_os("NOTEGRAPH_GOLD")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/eval/seeds-gold.json"));
    p.exists().then_some(p)
}

/// Loads the gold file, or skips loudly (fails under CI).
pub fn load_gold() -> Option<Vec<Value>> {
    match gold_path() {
        Some(p) => Some(serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()),
        None if in_ci() => panic!("the gold annotation is required under CI=true: set NOTEGRAPH_GOLD or provide ../shared/eval/seeds-gold.json"),
        None => {
            eprintln!("\n!!! SKIPPED: no gold annotation (set NOTEGRAPH_GOLD or provide ../shared/eval/seeds-gold.json) !!!\n");
            None
        }
    }
}

/// Lowercase with full-width letters folded, as the annotation's README asks (NFKC, no case).
pub fn key(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap(),
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_lowercase()
}

/// Our node ids by every label and alias key.
pub fn name_index(graph: &Value) -> BTreeMap<String, String> {
    let mut idx = BTreeMap::new();
    for n in graph["nodes"].as_array().unwrap() {
        let id = n["id"].as_str().unwrap().to_string();
        idx.insert(key(n["label"].as_str().unwrap()), id.clone());
        for a in n["aliases"].as_array().unwrap() {
            idx.entry(key(a.as_str().unwrap())).or_insert(id.clone());
        }
    }
    idx
}

/// The gold entries matched to our notes, in file order: (gold entry, our note).
pub fn pair_entries<'a>(gold: &'a [Value], graph: &'a Value) -> Vec<(&'a Value, &'a Value)> {
    let notes = graph["notes"].as_array().unwrap();
    assert_eq!(
        notes.len(),
        gold.len(),
        "entry count differs from the gold annotation"
    );
    let pairs: Vec<(&Value, &Value)> = gold.iter().zip(notes).collect();
    for (g, n) in &pairs {
        let file = n["file"].as_str().unwrap();
        assert!(
            file.ends_with(g["file"].as_str().unwrap()),
            "{file} vs {}",
            g["file"]
        );
        assert_eq!(g["date"], n["date"], "dates differ at {file}:{}", n["line"]);
    }
    pairs
}

#[test]
fn seeds_links_match_the_gold_annotation() {
    let Some(gold) = load_gold() else { return };
    let dir = build_seeds("accuracy");
    // The dictionary's nodes only cover mentioned entities; resolve gold names through the
    // full dictionary too, so a never-matched gold entity shows as a miss with its name.
    let graph: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("graph.json")).unwrap()).unwrap();
    let idx = name_index(&graph);
    let (mut core_total, mut core_hit, mut pred_total, mut pred_ok) = (0, 0, 0, 0);
    let mut report = Vec::new();
    for (g, n) in pair_entries(&gold, &graph) {
        let predicted: BTreeSet<&str> = n["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let mut core = BTreeSet::new();
        let mut any = BTreeSet::new();
        let mut missing = Vec::new();
        for e in g["entities"].as_array().unwrap() {
            let name = e["name"].as_str().unwrap();
            let is_core = e["tier"] == "core";
            match idx.get(&key(name)) {
                Some(id) => {
                    any.insert(id.as_str());
                    if is_core {
                        core.insert(id.as_str());
                    }
                }
                None if is_core => missing.push(name.to_string()),
                None => {}
            }
        }
        core_total += core.len() + missing.len();
        core_hit += core.iter().filter(|id| predicted.contains(*id)).count();
        pred_total += predicted.len();
        pred_ok += predicted.iter().filter(|id| any.contains(*id)).count();
        let place = format!("{}:{}", n["file"].as_str().unwrap(), n["line"]);
        for id in core.iter().filter(|id| !predicted.contains(*id)) {
            report.push(format!("miss  {place} {id}"));
        }
        for name in missing {
            report.push(format!(
                "miss  {place} {name} (not in the dictionary's matches)"
            ));
        }
        for id in predicted.iter().filter(|id| !any.contains(*id)) {
            report.push(format!("false {place} {id}"));
        }
    }
    let recall = core_hit as f64 / core_total.max(1) as f64;
    let precision = pred_ok as f64 / pred_total.max(1) as f64;
    eprintln!(
        "accuracy on seeds: core recall {recall:.4} ({core_hit}/{core_total}), precision {precision:.4} ({pred_ok}/{pred_total})"
    );
    for line in &report {
        eprintln!("  {line}");
    }
    assert!(
        recall >= 0.98 && precision >= 0.98,
        "core recall {recall:.4}, precision {precision:.4} (need 0.98 each); misses and false links:\n{}",
        report.join("\n")
    );
}
