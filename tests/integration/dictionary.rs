//! The bundled dictionaries tested as data: they load (unique ids, no alias claimed twice,
//! known kinds and context ids), cover the domain, and every alias matches its own entity.

use crate::common::{root, TempDir};
use notegraph::dictionary::{self, EntityId, Kind};
use notegraph::matcher::{Matcher, Windows};

#[test]
fn bundled_dictionaries_load_and_cover_the_domain() {
    let d = dictionary::load(&[root().join("dictionaries")]).unwrap_or_else(|e| panic!("{e}"));
    assert!(d.len() >= 1000, "only {} entities", d.len());
    for kind in Kind::ALL {
        let n = d.entities().iter().filter(|e| e.kind == kind).count();
        assert!(n >= 150, "only {n} entities of kind {kind}");
    }
    // Names the issue asks for by name.
    for name in [
        "马斯克",
        "奥特曼",
        "英伟达",
        "微软",
        "谷歌",
        "台积电",
        "深度求索",
        "注意力机制",
        "反向传播",
        "Hiton",
        "CLAE",
        "QAR",
        "Emily bench",
        "Notbook LM",
        "GPT-40",
        "GPT-4o mini",
        "Google DeepMind",
        "Strawberry",
        "Orion",
        "o1",
        "LLaMA",
        "SAM 2",
        "Powerwall",
        "Autopilot",
        "Optimus",
        "MuJoCo",
        "CUDA",
        "PyTorch",
        "NotebookLM",
        "backpropagation",
        "chain rule",
        "LoRA",
        "RAG",
        "AGI",
        "chain-of-thought",
        "LiDAR",
        "one-hot encoding",
        "P(doom)",
    ] {
        assert!(d.resolve(name).is_some(), "{name} does not resolve");
    }
    assert_ne!(d.resolve("GPT-4"), d.resolve("GPT-4o"));
    assert_ne!(d.resolve("Google"), d.resolve("Google DeepMind"));
}

#[test]
fn every_alias_matches_its_own_entity() {
    let d = dictionary::load(&[root().join("dictionaries")]).unwrap();
    let m = Matcher::new(&d);
    let mut hits = Vec::new();
    let mut wrong = Vec::new();
    for (i, e) in d.entities().iter().enumerate() {
        for (k, a) in e.aliases.iter().enumerate() {
            hits.clear();
            m.find(&a.text, &mut hits);
            let whole = hits.iter().find(|h| h.start == 0 && h.end == a.text.len());
            match whole {
                Some(h) if h.entity.index() == i && h.alias == k => {}
                // Two spellings of one alias (Orion / ORION) may resolve to either.
                Some(h) if h.entity.index() == i => {}
                // A guard of the same entity may cover an alias on purpose only if it is
                // longer; on the alias alone nothing else should win.
                other => wrong.push(format!(
                    "{}: alias {:?} of {} matched {:?}",
                    a.location,
                    a.text,
                    e.id,
                    other.map(|h| d.get(h.entity).id.clone())
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} aliases do not match their entity:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn an_automaton_for_the_seeds_finds_what_the_whole_dictionary_does() {
    // What a build on a small corpus matches with (Matcher::for_text) against the whole
    // automaton, on every line of the seeds and of the explore and interop fixtures.
    let d = dictionary::load(&[root().join("dictionaries")]).unwrap();
    let mut texts = Vec::new();
    for dir in [
        "seeds",
        "tests/fixtures/explore",
        "tests/fixtures/interop/notes",
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md" || x == "txt"))
            .collect();
        paths.sort();
        texts.extend(paths.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    }
    let lines: Vec<&str> = texts.iter().flat_map(|t| t.lines()).collect();
    let mut w = Windows::for_bytes(lines.iter().map(|l| l.len()).sum());
    for line in &lines {
        w.add_line(line);
    }
    let (full, small) = (Matcher::new(&d), Matcher::for_text(&d, &w));
    assert!(
        small.pattern_count() * 5 < full.pattern_count(),
        "{} of {} patterns kept",
        small.pattern_count(),
        full.pattern_count()
    );
    let (mut want, mut got) = (Vec::new(), Vec::new());
    let mut found = 0;
    for line in &lines {
        want.clear();
        got.clear();
        full.find(line, &mut want);
        small.find(line, &mut got);
        assert_eq!(got, want, "line {line:?}");
        found += want.len();
    }
    assert!(
        found > 500,
        "only {found} hits: the comparison saw too little"
    );
}

#[test]
fn resolve_agrees_with_a_scan_of_every_alias() {
    let d = dictionary::load(&[root().join("dictionaries")]).unwrap();
    let key = |s: &str| notegraph::text::fold_alias(s).to_lowercase();
    let keys: Vec<Vec<String>> = d
        .entities()
        .iter()
        .map(|e| e.aliases.iter().map(|a| key(&a.text)).collect())
        .collect();
    // What `resolve` means, written as the plain scan it replaces: an id, else the first
    // entity whose name folds to the query, else the first with such an alias.
    let scan = |q: &str| -> Option<EntityId> {
        let q = key(q);
        if q.is_empty() {
            return None;
        }
        if let Some(id) = d.entities().iter().position(|e| e.id == q) {
            return Some(EntityId(id as u32));
        }
        let mut hit = None;
        for (i, ks) in keys.iter().enumerate() {
            for (k, a) in ks.iter().enumerate() {
                if *a == q {
                    if k == 0 {
                        return Some(EntityId(i as u32));
                    }
                    hit.get_or_insert(EntityId(i as u32));
                }
            }
        }
        hit
    };
    let mut queries = vec!["", " ", "no such entity", "ｏｐｅｎａｉ", "  Open   AI  "];
    for e in d.entities().iter().step_by(7) {
        queries.push(&e.id);
        for a in e.aliases.iter() {
            queries.push(&a.text);
        }
    }
    let upper: Vec<String> = queries.iter().map(|q| q.to_uppercase()).collect();
    let mut checked = 0;
    for q in queries
        .iter()
        .copied()
        .chain(upper.iter().map(String::as_str))
    {
        assert_eq!(d.resolve(q), scan(q), "{q:?}");
        checked += 1;
    }
    assert!(checked > 5000, "only {checked} names checked");
}

#[test]
fn problems_deep_in_a_second_file_keep_their_place() {
    let dir = TempDir::new("dict2files");
    let mut a = String::from("kind = \"company\"\n");
    for i in 0..300 {
        a += &format!("[[entity]]\nname = \"Alpha {i}\"\naliases = [\"阿尔法{i}\"]\n");
    }
    a += "[[entity]]\nname = \"Shared Co\"\naliases = [\"Shared Thing\"]\n";
    a += "[[entity]]\nname = \"Epsilon\"\nkind = \"thing\"\n";
    let mut b = String::from("kind = \"model\"\n");
    for i in 0..400 {
        b += &format!("[[entity]]\nname = \"Beta {i}\"\naliases = [\"贝塔{i}\"]\n");
    }
    b += "[[entity]]\nname = \"Gamma\"\naliases = [\"中文\", \"\"]\n";
    b += "[[entity]]\nname = \"Delta\"\naliases = [\"shared thing\"]\n";
    let a = dir.write("dict/a.toml", a).display().to_string();
    let b = dir.write("dict/b.toml", b).display().to_string();
    let e = dictionary::load(&[dir.join("dict")]).unwrap_err();
    assert_eq!(
        e.to_string(),
        [
            format!("{a}:907:8: unknown kind \"thing\"; expected one of person, company, model, concept (hint: use person, company, model or concept)"),
            format!("{b}:1204:18: empty alias (hint: remove it or write the name)"),
            format!("{b}:1207:12: alias \"shared thing\" of \"Delta\" is also claimed by \"Shared Co\" at {a}:904:12 (hint: keep the alias on one entity only)"),
        ]
        .join("\n")
    );
}
