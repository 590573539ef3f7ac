//! Writes a deterministic synthetic corpus and dictionary for the benchmark (`bench/run.sh`).
//!
//! The notes are in the seeds' style: seed headers and bullets recombined, dates shuffled,
//! and names from a generated dictionary injected into titles and bullets, about 32 KB per
//! file. The dictionary has K aliases over people, companies, models and concepts, in
//! English and Chinese, with some case-exact and weak aliases so every matching rule runs.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --mb 10 --aliases 10000 --out bench/data/m10-a10000
//! ```
//!
//! writes `OUT/notes/*.md` and `OUT/dict/generated.json`. The same arguments always give the
//! same bytes (a fixed PRNG, no clock, no hash-map order).

use clap::Parser;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Parser)]
struct Args {
    /// Size of the corpus in megabytes (10^6 bytes; the last file may be short).
    #[arg(long, default_value_t = 10.0)]
    mb: f64,
    /// Number of aliases in the generated dictionary.
    #[arg(long, default_value_t = 10_000)]
    aliases: usize,
    /// Output folder (gets notes/ and dict/).
    #[arg(long)]
    out: PathBuf,
    /// Seed notes whose headers and bullets are recombined.
    #[arg(long, default_value = "seeds")]
    seeds: PathBuf,
    /// PRNG seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Target size of one note file in bytes.
    #[arg(long, default_value_t = 32_000)]
    file_bytes: usize,
}

/// SplitMix64: tiny, fast and fixed forever, so a seed always gives the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const LATIN_SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "tor", "val", "zen", "qu", "dra", "vik", "sol", "mar", "bel", "nor",
    "fen", "gra", "hal", "jun", "kel", "lis", "mor", "nex", "ora", "pel", "ros", "sta", "tur",
    "ulm", "ver", "wyn", "xan", "yor", "zar", "bri", "cor", "dex", "eli", "fay", "gor", "hex",
    "ivo", "jax", "kru", "lum", "myr", "nal", "oth", "pry", "quo", "rix", "syl", "tam", "ux",
    "vos", "wil", "xer", "yul", "zim", "ar", "en",
];

/// Characters used in Chinese transliterations of foreign names.
const CJK_TRANSLIT: &[&str] = &[
    "阿", "巴", "卡", "达", "尔", "弗", "格", "哈", "伊", "杰", "克", "拉", "马", "纳", "奥", "帕",
    "奎", "里", "萨", "塔", "乌", "维", "沃", "西", "亚", "泽", "斯", "特", "森", "德", "顿", "逊",
    "曼", "丽", "娜", "莎", "贝", "科", "洛", "米", "尼", "皮", "罗", "索", "图",
];

/// Characters of Chinese company names.
const CJK_COMPANY: &[&str] = &[
    "智", "谱", "云", "星", "海", "光", "深", "度", "月", "天", "启", "元", "象", "极", "源", "灵",
    "思", "澜", "华", "芯", "腾", "讯", "百", "川", "零", "一", "万", "物", "商", "汤",
];

const CJK_COMPANY_SUFFIX: &[&str] = &["科技", "智能", "公司", "实验室", "集团", ""];

const CONCEPT_WORDS: &[&str] = &[
    "sparse",
    "attention",
    "routing",
    "latent",
    "diffusion",
    "contrastive",
    "recurrent",
    "gradient",
    "memory",
    "retrieval",
    "alignment",
    "reward",
    "policy",
    "token",
    "embedding",
    "mixture",
    "expert",
    "quantized",
    "causal",
    "graph",
    "spectral",
    "adaptive",
    "residual",
    "federated",
    "symbolic",
    "kernel",
    "manifold",
    "bayesian",
    "variational",
    "curriculum",
];

const CONCEPT_TAILS: &[&str] = &[
    "learning",
    "network",
    "inference",
    "search",
    "decoding",
    "distillation",
    "scaling",
    "optimization",
    "estimation",
    "modeling",
];

const CJK_CONCEPT: &[&str] = &[
    "稀疏",
    "注意力",
    "路由",
    "潜在",
    "扩散",
    "对比",
    "循环",
    "梯度",
    "记忆",
    "检索",
    "对齐",
    "奖励",
    "策略",
    "嵌入",
    "混合",
    "专家",
    "量化",
    "因果",
    "图谱",
    "谱",
    "自适应",
    "残差",
    "联邦",
    "符号",
    "核",
    "流形",
    "贝叶斯",
    "变分",
    "课程",
    "蒸馏",
];

const CJK_CONCEPT_TAILS: &[&str] = &["学习", "网络", "推理", "搜索", "解码", "建模", "优化"];

const MODEL_SUFFIXES: &[&str] = &["", "-7B", "-70B", " 2", " 3", "-v2", " Pro", " Mini", "-XL"];

const TAGS: &[&str] = &[
    "#每日阅读",
    "#每日陪读",
    "#AI",
    "#AI #每日陪读",
    "#ai-web-exam",
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Person,
    Company,
    Model,
    Concept,
}

struct Entity {
    name: String,
    kind: Kind,
    aliases: Vec<String>,
    exact: Vec<String>,
    weak: Vec<String>,
}

impl Entity {
    /// The name and every alias.
    fn all(&self) -> Vec<&str> {
        std::iter::once(self.name.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.exact.iter().map(String::as_str))
            .chain(self.weak.iter().map(String::as_str))
            .collect()
    }

    fn count(&self) -> usize {
        1 + self.aliases.len() + self.exact.len() + self.weak.len()
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn latin_word(rng: &mut Rng, syllables: usize) -> String {
    (0..syllables).map(|_| *rng.pick(LATIN_SYLLABLES)).collect()
}

fn cjk_word(rng: &mut Rng, pool: &[&str], len: usize) -> String {
    (0..len).map(|_| *rng.pick(pool)).collect()
}

/// One candidate entity of the given kind; the caller rejects it if a name collides.
fn make_entity(rng: &mut Rng, kind: Kind) -> Entity {
    let mut e = Entity {
        name: String::new(),
        kind,
        aliases: Vec::new(),
        exact: Vec::new(),
        weak: Vec::new(),
    };
    match kind {
        Kind::Person => {
            let first = cap(&latin_word(rng, 2));
            let last = cap(&latin_word(rng, 3));
            e.name = format!("{first} {last}");
            e.aliases.push(last);
            let (cf, cl) = (
                cjk_word(rng, CJK_TRANSLIT, 2),
                cjk_word(rng, CJK_TRANSLIT, 3),
            );
            e.aliases.push(format!("{cf}·{cl}"));
            e.aliases.push(cl);
            if rng.chance(0.5) {
                e.weak.push(first);
            }
        }
        Kind::Company => {
            let n = 2 + rng.below(2);
            let base = cap(&latin_word(rng, n));
            e.name = if rng.chance(0.4) {
                format!(
                    "{base} {}",
                    rng.pick(&["Labs", "AI", "Systems", "Robotics"])
                )
            } else {
                base.clone()
            };
            if e.name != base {
                e.exact.push(base);
            }
            let n = 2 + rng.below(2);
            let cn = cjk_word(rng, CJK_COMPANY, n);
            e.aliases
                .push(format!("{cn}{}", rng.pick(CJK_COMPANY_SUFFIX)));
        }
        Kind::Model => {
            let base = cap(&latin_word(rng, 2));
            e.name = format!("{base}{}", rng.pick(MODEL_SUFFIXES));
            if rng.chance(0.3) {
                e.aliases.push(format!("{base}-{}", rng.below(9) + 1));
            }
        }
        Kind::Concept => {
            let w = rng.pick(CONCEPT_WORDS);
            let w2 = rng.pick(CONCEPT_WORDS);
            e.name = format!("{w} {w2} {}", rng.pick(CONCEPT_TAILS));
            e.aliases.push(format!(
                "{}{}{}",
                rng.pick(CJK_CONCEPT),
                rng.pick(CJK_CONCEPT),
                rng.pick(CJK_CONCEPT_TAILS)
            ));
        }
    }
    e
}

/// Entities until the dictionary holds `target` aliases. Names, ids and aliases are unique
/// (case-insensitively), as the dictionary checker demands.
fn make_dictionary(rng: &mut Rng, target: usize) -> Vec<Entity> {
    let mut seen_ids = std::collections::BTreeSet::new();
    let mut seen_aliases = std::collections::BTreeSet::new();
    let mut out: Vec<Entity> = Vec::new();
    let mut total = 0;
    while total < target {
        let kind = match rng.below(20) {
            0..=6 => Kind::Person,
            7..=11 => Kind::Company,
            12..=15 => Kind::Model,
            _ => Kind::Concept,
        };
        let mut e = make_entity(rng, kind);
        // The id the dictionary loader will give it, so collisions are caught here.
        let id = notegraph::text::slug(&e.name);
        let keys: Vec<String> = e.all().iter().map(|a| a.to_lowercase()).collect();
        let mut distinct = keys.clone();
        distinct.sort();
        distinct.dedup();
        if id.is_empty()
            || seen_ids.contains(&id)
            || distinct.len() != keys.len()
            || keys.iter().any(|k| seen_aliases.contains(k))
        {
            continue;
        }
        // Trim the last entity so the total is exactly `target`.
        while total + e.count() > target {
            if e.weak.pop().is_none() && e.exact.pop().is_none() {
                e.aliases.pop();
            }
        }
        seen_ids.insert(id);
        seen_aliases.extend(e.all().iter().map(|a| a.to_lowercase()));
        total += e.count();
        out.push(e);
    }
    out
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn write_dictionary(path: &Path, entities: &[Entity]) -> std::io::Result<()> {
    let list = |v: &[String]| {
        let items: Vec<String> = v.iter().map(|s| json_str(s)).collect();
        format!("[{}]", items.join(", "))
    };
    let mut s = String::from("[\n");
    for (i, e) in entities.iter().enumerate() {
        let kind = match e.kind {
            Kind::Person => "person",
            Kind::Company => "company",
            Kind::Model => "model",
            Kind::Concept => "concept",
        };
        let _ = write!(
            s,
            "  {{\"name\": {}, \"kind\": \"{kind}\", \"aliases\": {}",
            json_str(&e.name),
            list(&e.aliases)
        );
        if !e.exact.is_empty() {
            let _ = write!(s, ", \"exact\": {}", list(&e.exact));
        }
        if !e.weak.is_empty() {
            // A weak first name counts when the surname (a strong alias) is in the entry.
            let _ = write!(s, ", \"weak\": {}", list(&e.weak));
        }
        s.push('}');
        s.push_str(if i + 1 < entities.len() { ",\n" } else { "\n" });
    }
    s.push_str("]\n");
    fs::write(path, s)
}

/// Headers (title part only) and bullets (with their indentation and marker) of the seeds.
fn read_seeds(dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut titles = Vec::new();
    let mut bullets = Vec::new();
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read seeds {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "md"))
        .collect();
    paths.sort();
    for p in paths {
        let text = fs::read_to_string(&p).expect("seed notes are utf-8");
        for line in text.lines() {
            if let Some(h) = line.strip_prefix("# ") {
                // Drop the date and the tags: both are generated anew.
                let t = h
                    .trim_start()
                    .trim_start_matches(|c: char| c.is_ascii_digit());
                let t: Vec<&str> = t
                    .split_whitespace()
                    .filter(|w| !w.starts_with('#'))
                    .collect();
                if !t.is_empty() {
                    titles.push(t.join(" "));
                }
            } else if line.trim_start().starts_with(['+', '-', '*']) && line.trim().len() > 2 {
                bullets.push(line.to_string());
            }
        }
    }
    assert!(
        !titles.is_empty() && !bullets.is_empty(),
        "no seed notes found"
    );
    (titles, bullets)
}

/// Zipf(1) sampling over ranks: a few hubs and a long tail, like real reading notes.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut acc = 0.0;
        let cumulative = (0..n)
            .map(|r| {
                acc += 1.0 / (r + 1) as f64;
                acc
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().expect("a non-empty list");
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        self.cumulative
            .partition_point(|&c| c < x)
            .min(self.cumulative.len() - 1)
    }
}

/// Who gets mentioned. Real notes are topical: an entry about one subject names mostly that
/// subject's people and things, plus a few names that turn up everywhere. So each entity
/// belongs to one topic of about 60; an entry picks a topic, and each name comes from that
/// topic (80%) or from the whole dictionary (20%), both by Zipf rank. Without topics every
/// pair of entities would co-occur sooner or later and the graph would be unrealistically
/// close to complete.
struct Popularity {
    global: Vec<usize>,
    topics: Vec<Vec<usize>>,
    zipf_global: Zipf,
    zipf_topic: Vec<Zipf>,
    zipf_topics: Zipf,
}

impl Popularity {
    fn new(rng: &mut Rng, n: usize) -> Popularity {
        // Popularity is unrelated to dictionary order.
        let mut global: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            global.swap(i, rng.below(i + 1));
        }
        let count = (n / 60).max(1);
        let mut topics = vec![Vec::new(); count];
        for (rank, &e) in global.iter().enumerate() {
            topics[rank % count].push(e);
        }
        Popularity {
            zipf_global: Zipf::new(n),
            zipf_topic: topics.iter().map(|t| Zipf::new(t.len())).collect(),
            zipf_topics: Zipf::new(count),
            global,
            topics,
        }
    }

    fn topic(&self, rng: &mut Rng) -> usize {
        self.zipf_topics.sample(rng)
    }

    fn entity(&self, rng: &mut Rng, topic: usize) -> usize {
        if rng.chance(0.8) {
            self.topics[topic][self.zipf_topic[topic].sample(rng)]
        } else {
            self.global[self.zipf_global.sample(rng)]
        }
    }
}

/// A name to inject: usually the entity's name or a strong alias, sometimes a weak one.
fn pick_alias<'a>(rng: &mut Rng, e: &'a Entity) -> &'a str {
    let all = e.all();
    if rng.chance(0.5) {
        &e.name
    } else {
        all[rng.below(all.len())]
    }
}

/// Inserts `name` at a random character boundary; Latin names get spaces around them so
/// they stand as words, as they do in the seeds. A line with a link gets the name at its end,
/// never inside the URL.
fn inject(rng: &mut Rng, text: &mut String, from: usize, name: &str) {
    let from = if text.contains("://") {
        text.len()
    } else {
        from
    };
    let bounds: Vec<usize> = text[from..]
        .char_indices()
        .map(|(i, _)| from + i)
        .chain(std::iter::once(text.len()))
        .collect();
    let at = bounds[rng.below(bounds.len())];
    let latin = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let piece = if latin {
        format!(" {name} ")
    } else {
        name.to_string()
    };
    text.insert_str(at, &piece);
}

fn main() {
    let args = Args::parse();
    let mut rng = Rng(args.seed);
    let (titles, bullets) = read_seeds(&args.seeds);
    let dict = make_dictionary(&mut rng, args.aliases);
    let popularity = Popularity::new(&mut rng, dict.len());
    let notes = args.out.join("notes");
    let dict_dir = args.out.join("dict");
    for d in [&notes, &dict_dir] {
        // Start clean so a smaller run never leaves files of a larger one behind.
        let _ = fs::remove_dir_all(d);
        fs::create_dir_all(d).expect("create the output folder");
    }
    write_dictionary(&dict_dir.join("generated.json"), &dict).expect("write the dictionary");

    let total = (args.mb * 1e6) as usize;
    let mut written = 0;
    let mut file_no = 0;
    // Days since 2015-01-01, walking backwards through a file like a journal does.
    let mut day = 3000i64;
    while written < total {
        let mut file = String::with_capacity(args.file_bytes + 4096);
        let budget = args.file_bytes.min(total - written);
        while file.len() < budget {
            day -= rng.below(3) as i64;
            if day < 0 {
                day = 3000;
            }
            let (y, m, d) = civil(day + 16436); // 16436 = days from 1970-01-01 to 2015-01-01
            let topic = popularity.topic(&mut rng);
            let mut title = rng.pick(&titles).clone();
            if rng.chance(0.7) {
                let e = &dict[popularity.entity(&mut rng, topic)];
                let name = pick_alias(&mut rng, e);
                inject(&mut rng, &mut title, 0, name);
            }
            let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(file, "# {y:04}{m:02}{d:02} {title} {}", rng.pick(TAGS));
            for _ in 0..(4 + rng.below(14)) {
                let mut b = rng.pick(&bullets).clone();
                // Keep the marker and indentation; inject into the content after them.
                let content = b.len() - b.trim_start().len() + 2;
                let content = content.min(b.len());
                // About two names a bullet, as in the seeds (691 mentions in 357 bullets).
                let names = match rng.below(20) {
                    0..=2 => 0,
                    3..=7 => 1,
                    8..=12 => 2,
                    13..=16 => 3,
                    _ => 4,
                };
                for _ in 0..names {
                    let e = &dict[popularity.entity(&mut rng, topic)];
                    let name = pick_alias(&mut rng, e);
                    inject(&mut rng, &mut b, content, name);
                }
                file.push_str(&b);
                file.push('\n');
            }
            file.push('\n');
        }
        let path = notes.join(format!("{file_no:05}.md"));
        fs::write(&path, &file).expect("write a note file");
        written += file.len();
        file_no += 1;
    }
    let aliases: usize = dict.iter().map(Entity::count).sum();
    println!(
        "{}: {file_no} files, {:.1} MB, {} entities, {aliases} aliases",
        args.out.display(),
        written as f64 / 1e6,
        dict.len()
    );
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}
