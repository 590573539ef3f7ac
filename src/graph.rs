//! The co-mention graph (petgraph) and its analytics: weights, association measures,
//! weighted PageRank, Louvain communities, a force-directed layout, pruning and paths.
//! `petgraph` types never leave this module: nodes and edges are addressed by their
//! position in the sorted [`CoMentionGraph::nodes`] and [`CoMentionGraph::edges`] lists.

use crate::dictionary::{EntityId, Kind};
use crate::mentions::Mention;
use crate::notes::Date;
use petgraph::graph::{NodeIndex, UnGraph};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

/// What counts as "mentioned together".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Anywhere in the same entry.
    #[default]
    Entry,
    /// In the same top-level bullet (with its nested bullets); the header joins every bullet.
    Bullet,
}

/// What the graph needs to know about one entry: its mentions are borrowed, so the build
/// hands over the matched mentions as they are (a copy as `(entity, group)` pairs was 11 MB
/// at 100 MB of notes, live at the memory peak).
#[derive(Debug, Clone, Copy)]
pub struct EntryFacts<'a, M = (EntityId, u32)> {
    /// The entry's date.
    pub date: Option<Date>,
    /// Every mention.
    pub mentions: &'a [M],
}

/// What the graph reads of a mention.
pub trait Mentioned {
    /// The entity mentioned.
    fn entity(&self) -> EntityId;
    /// Where in the entry: 0 for the header, else the top-level block (see
    /// [`crate::notes::Line::group`]); [`Scope::Bullet`] links within a block.
    fn group(&self) -> u32;
}

impl Mentioned for (EntityId, u32) {
    fn entity(&self) -> EntityId {
        self.0
    }
    fn group(&self) -> u32 {
        self.1
    }
}

impl Mentioned for Mention {
    fn entity(&self) -> EntityId {
        self.entity
    }
    fn group(&self) -> u32 {
        self.group
    }
}

/// An entity in the graph with its statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The entity.
    pub entity: EntityId,
    /// Its kind.
    pub kind: Kind,
    /// Number of mentions over all entries.
    pub mentions: usize,
    /// Number of entries that mention it.
    pub notes: usize,
    /// Distinct dates of the entries that mention it, sorted.
    pub days: Vec<Date>,
    /// Number of neighbours.
    pub degree: usize,
    /// Sum of the weights of its edges.
    pub weighted_degree: f64,
    /// Weighted PageRank (sums to 1 over the graph).
    pub pagerank: f64,
    /// Louvain community, numbered from 0 by decreasing size.
    pub community: u32,
    /// Layout position.
    pub x: f64,
    /// Layout position.
    pub y: f64,
}

impl Node {
    /// First dated mention.
    pub fn first_seen(&self) -> Option<Date> {
        self.days.first().copied()
    }

    /// Last dated mention.
    pub fn last_seen(&self) -> Option<Date> {
        self.days.last().copied()
    }
}

/// Two entities mentioned together, with the evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Position of one end in the node list (the smaller one).
    pub source: usize,
    /// Position of the other end.
    pub target: usize,
    /// Number of entries that mention both.
    pub weight: u32,
    /// The first dated entry's date.
    pub first_seen: Option<Date>,
    /// The last dated entry's date.
    pub last_seen: Option<Date>,
}

/// The co-mention graph of a corpus.
pub struct CoMentionGraph {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// Edge k's entries are `edge_entries[edge_start[k]..edge_start[k + 1]]`: one flat list
    /// rather than a Vec per edge, which cost ~50 bytes of headers and allocator slack per
    /// edge on top of the indices (a million edges on a 100 MB corpus).
    edge_start: Vec<usize>,
    edge_entries: Vec<u32>,
    graph: UnGraph<(), f64>,
    /// Entity index -> node position (`u32::MAX`: not mentioned).
    pos_of: Vec<u32>,
    entry_count: usize,
}

/// Layout is quadratic per iteration; past this many nodes it is skipped (positions fall
/// back to a deterministic spiral) so large corpora stay fast, and Gephi or Graphviz lay such
/// graphs out themselves. 500 nodes take ~60 ms; the earlier cap of 2000 took 2.5 s. (A grid
/// that only lets near nodes repel was tried: gravity then packs the graph into a few
/// crowded cells and it is quadratic again.)
pub const LAYOUT_MAX_NODES: usize = 500;

impl CoMentionGraph {
    /// Builds the graph and all its analytics. `kinds` gives each entity's kind.
    pub fn build<M: Mentioned>(
        entries: &[EntryFacts<M>],
        scope: Scope,
        kinds: impl Fn(EntityId) -> Kind,
    ) -> Self {
        let mut g = Self::assemble(entries, scope, kinds);
        g.analyse(true);
        g
    }

    /// Builds nodes, edges and their statistics, without the analytics ([`Self::analyse`]).
    ///
    /// No hashing: every pair an entry links is filed under its smaller entity (a count, then
    /// a fill, in entry order), and each entity's pairs are then grouped by the other end with
    /// a counting sort. Edges come out in (source, target) order with their entries ascending,
    /// straight into one flat list. At 10 MB x 10k aliases (221k edges, 589k citations) this
    /// took the stage from 292 ms (a pair hash map probed twice per pair, per-edge Vecs) to
    /// about 50 ms.
    pub fn assemble<M: Mentioned>(
        entries: &[EntryFacts<M>],
        scope: Scope,
        kinds: impl Fn(EntityId) -> Kind,
    ) -> Self {
        let entity_count = entries
            .iter()
            .flat_map(|e| e.mentions.iter().map(|m| m.entity().index() + 1))
            .max()
            .unwrap_or(0);
        // Per entity: mentions, notes, dates (sorted and deduplicated below), and how many
        // pairs it heads (is the smaller end of).
        let mut node_acc: Vec<(usize, usize, Vec<Date>)> = vec![(0, 0, Vec::new()); entity_count];
        let mut heads = vec![0usize; entity_count + 1];
        let mut scratch = PairScratch::default();
        for e in entries {
            for m in e.mentions {
                node_acc[m.entity().index()].0 += 1;
            }
            scratch.pairs_of(e, scope, |a, _| heads[a.index()] += 1);
            for id in &scratch.ents {
                let acc = &mut node_acc[id.index()];
                acc.1 += 1;
                if let Some(d) = e.date {
                    acc.2.push(d);
                }
            }
        }
        // heads -> where each entity's pairs start in `slots`.
        let mut start = 0;
        for h in heads.iter_mut() {
            (*h, start) = (start, start + *h);
        }
        let total = start;
        let mut cursor = heads.clone();
        // (other end, entry) per pair, grouped by the smaller end, entries ascending.
        let mut slots: Vec<(u32, u32)> = vec![(0, 0); total];
        for (i, e) in entries.iter().enumerate() {
            scratch.pairs_of(e, scope, |a, b| {
                let c = &mut cursor[a.index()];
                slots[*c] = (b.0, i as u32);
                *c += 1;
            });
        }
        drop(cursor);

        let ids: Vec<EntityId> = (0..entity_count as u32)
            .map(EntityId)
            .filter(|id| node_acc[id.index()].1 > 0)
            .collect();
        let mut pos_of = vec![u32::MAX; entity_count];
        for (i, id) in ids.iter().enumerate() {
            pos_of[id.index()] = i as u32;
        }
        let mut nodes: Vec<Node> = ids
            .iter()
            .map(|&id| {
                let (mentions, notes, mut days) = std::mem::take(&mut node_acc[id.index()]);
                days.sort_unstable();
                days.dedup();
                Node {
                    entity: id,
                    kind: kinds(id),
                    mentions,
                    notes,
                    days,
                    degree: 0,
                    weighted_degree: 0.0,
                    pagerank: 0.0,
                    community: 0,
                    x: 0.0,
                    y: 0.0,
                }
            })
            .collect();
        drop(node_acc);

        // Counting sort of each entity's pairs by the other end: `count` counts, then becomes
        // each edge's next free place in `flat`.
        let mut flat: Vec<u32> = vec![0; total];
        // Sized exactly (distinct pairs, counted first): grown by pushing, the edge list
        // (47 MB at a million edges) doubled on the way, at the build's peak.
        let mut mark = vec![usize::MAX; entity_count];
        let mut edge_count = 0;
        for a in 0..entity_count {
            for &(b, _) in &slots[heads[a]..heads[a + 1]] {
                if mark[b as usize] != a {
                    mark[b as usize] = a;
                    edge_count += 1;
                }
            }
        }
        drop(mark);
        let mut edges: Vec<Edge> = Vec::with_capacity(edge_count);
        let mut edge_start: Vec<usize> = Vec::with_capacity(edge_count + 1);
        edge_start.push(0);
        let mut count = vec![0usize; entity_count];
        let mut touched: Vec<u32> = Vec::new();
        for a in 0..entity_count {
            let seg = &slots[heads[a]..heads[a + 1]];
            if seg.is_empty() {
                continue;
            }
            for &(b, _) in seg {
                if count[b as usize] == 0 {
                    touched.push(b);
                }
                count[b as usize] += 1;
            }
            touched.sort_unstable();
            let mut at = heads[a];
            let s = pos_of[a] as usize;
            for &b in &touched {
                let w = count[b as usize];
                count[b as usize] = at;
                at += w;
                edge_start.push(at);
                let t = pos_of[b as usize] as usize;
                edges.push(Edge {
                    source: s,
                    target: t,
                    weight: w as u32,
                    first_seen: None,
                    last_seen: None,
                });
            }
            for &(b, i) in seg {
                let c = &mut count[b as usize];
                flat[*c] = i;
                *c += 1;
            }
            for &b in &touched {
                count[b as usize] = 0;
            }
            touched.clear();
        }
        drop(slots);
        // The dates alone, in one small array: looked up through `flat` they are millions of
        // random reads: 124 -> 67 ms at 100 MB once they no longer come from the entries.
        let entry_dates: Vec<Option<Date>> = entries.iter().map(|e| e.date).collect();
        for (k, e) in edges.iter_mut().enumerate() {
            let dates = flat[edge_start[k]..edge_start[k + 1]]
                .iter()
                .filter_map(|&i| entry_dates[i as usize]);
            (e.first_seen, e.last_seen) = dates.fold((None, None), |(lo, hi), d| {
                (
                    Some(lo.map_or(d, |x: Date| x.min(d))),
                    Some(hi.map_or(d, |x: Date| x.max(d))),
                )
            });
        }

        let mut graph = UnGraph::<(), f64>::with_capacity(nodes.len(), edges.len());
        for _ in &nodes {
            graph.add_node(());
        }
        for e in &edges {
            graph.add_edge(
                NodeIndex::new(e.source),
                NodeIndex::new(e.target),
                e.weight as f64,
            );
            for end in [e.source, e.target] {
                nodes[end].degree += 1;
                nodes[end].weighted_degree += e.weight as f64;
            }
        }
        CoMentionGraph {
            nodes,
            edges,
            edge_start,
            edge_entries: flat,
            graph,
            pos_of,
            entry_count: entries.len(),
        }
    }

    /// Weighted PageRank, Louvain communities and, when `layout` is set, the layout, stored
    /// on the nodes. Queries skip the layout: only drawings and exports need positions.
    pub fn analyse(&mut self, layout: bool) {
        let adj = self.adjacency();
        let pr = pagerank(self.nodes.len(), &adj, 0.85, 100, 1e-10);
        let comm = louvain(self.nodes.len(), &adj);
        drop(adj);
        for (i, n) in self.nodes.iter_mut().enumerate() {
            n.pagerank = pr[i];
            n.community = comm[i];
        }
        if layout {
            let pos = self.layout();
            for (n, p) in self.nodes.iter_mut().zip(pos) {
                (n.x, n.y) = p;
            }
        }
    }

    /// Nodes sorted by entity id.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Edges sorted by (source, target).
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The entries that mention both ends of an edge, as indices into the entries the graph
    /// was built from, ascending.
    pub fn edge_entries(&self, edge: usize) -> &[u32] {
        &self.edge_entries[self.edge_start[edge]..self.edge_start[edge + 1]]
    }

    /// How much more often an edge's ends share a note than either has one: weight /
    /// (notes(a) + notes(b) - weight). Computed when asked rather than stored: two floats
    /// per edge were 16 MB at a million edges, at the build's memory peak.
    pub fn jaccard(&self, edge: usize) -> f64 {
        let (na, nb, w) = self.edge_counts(edge);
        w / (na + nb - w).max(1.0)
    }

    /// Pointwise mutual information of an edge's ends: log2(weight * N / (notes(a) *
    /// notes(b))), N the number of entries.
    pub fn pmi(&self, edge: usize) -> f64 {
        let (na, nb, w) = self.edge_counts(edge);
        let n = self.entry_count.max(1) as f64;
        (w * n / (na * nb).max(1.0)).log2()
    }

    /// (notes(a), notes(b), weight) of an edge.
    fn edge_counts(&self, edge: usize) -> (f64, f64, f64) {
        let e = &self.edges[edge];
        let notes = |i: usize| self.nodes[i].notes as f64;
        (notes(e.source), notes(e.target), e.weight as f64)
    }

    /// Number of entries the graph was built from.
    pub fn entry_count(&self) -> usize {
        self.entry_count
    }

    /// Position of an entity in the node list, if it is mentioned at all.
    pub fn position(&self, entity: EntityId) -> Option<usize> {
        self.pos_of
            .get(entity.index())
            .filter(|&&p| p != u32::MAX)
            .map(|&p| p as usize)
    }

    /// Neighbours of a node: (node position, edge position).
    pub fn neighbours(&self, node: usize) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = self
            .graph
            .edges(NodeIndex::new(node))
            .map(|e| {
                use petgraph::visit::EdgeRef;
                let other = if e.source().index() == node {
                    e.target()
                } else {
                    e.source()
                };
                (other.index(), e.id().index())
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Number of connected components.
    pub fn component_count(&self) -> usize {
        petgraph::algo::connected_components(&self.graph)
    }

    /// Number of communities.
    pub fn community_count(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| n.community as usize + 1)
            .max()
            .unwrap_or(0)
    }

    /// The shortest chain of co-mentions from `a` to `b` (fewest hops; among equal chains,
    /// the heavier first edge). Returns node positions, both ends included.
    pub fn shortest_path(&self, a: usize, b: usize) -> Option<Vec<usize>> {
        // Cost: one per hop, minus a small bonus for weight, so ties go to stronger links.
        let max_w = self.edges.iter().map(|e| e.weight).max().unwrap_or(1) as f64;
        let (_, path) = petgraph::algo::astar(
            &self.graph,
            NodeIndex::new(a),
            |n| n.index() == b,
            |e| 1.0 + (1.0 - *e.weight() / max_w) * 1e-3,
            |_| 0.0,
        )?;
        Some(path.into_iter().map(|n| n.index()).collect())
    }

    /// The edge joining two nodes, if any.
    pub fn edge_between(&self, a: usize, b: usize) -> Option<usize> {
        self.graph
            .find_edge(NodeIndex::new(a), NodeIndex::new(b))
            .map(|e| e.index())
    }

    fn adjacency(&self) -> Adjacency {
        let mut start = Vec::with_capacity(self.nodes.len() + 1);
        start.push(0);
        for n in &self.nodes {
            start.push(start[start.len() - 1] + n.degree);
        }
        let mut next = start.clone();
        let mut pairs = vec![(0, 0.0); 2 * self.edges.len()];
        // Edges are sorted by (source, target), so every node's list comes out ascending.
        for e in &self.edges {
            for (a, b) in [(e.source, e.target), (e.target, e.source)] {
                pairs[next[a]] = (b, e.weight as f64);
                next[a] += 1;
            }
        }
        Adjacency { start, pairs }
    }

    fn layout(&self) -> Vec<(f64, f64)> {
        let n = self.nodes.len();
        if n > LAYOUT_MAX_NODES {
            return spiral(n);
        }
        force_layout(n, &self.edges, 120)
    }

    /// The nodes and edges kept by `opts`, as sorted positions. Applied in this order: kinds,
    /// ego network, minimum weight, top N, links per node.
    pub fn prune(&self, opts: &Prune) -> Selection {
        let mut keep: Vec<bool> = self
            .nodes
            .iter()
            .map(|n| opts.kinds.is_empty() || opts.kinds.contains(&n.kind))
            .collect();
        if let Some((center, depth)) = opts.around {
            let mut dist = vec![usize::MAX; self.nodes.len()];
            let mut queue = std::collections::VecDeque::new();
            if let Some(c) = self.position(center) {
                dist[c] = 0;
                queue.push_back(c);
            }
            while let Some(v) = queue.pop_front() {
                if dist[v] >= depth {
                    continue;
                }
                for (u, e) in self.neighbours(v) {
                    if dist[u] == usize::MAX && self.edges[e].weight >= opts.min_weight && keep[u] {
                        dist[u] = dist[v] + 1;
                        queue.push_back(u);
                    }
                }
            }
            for (k, d) in keep.iter_mut().zip(&dist) {
                *k = *k && *d != usize::MAX;
            }
            if let Some(c) = self.position(center) {
                keep[c] = true;
            }
        }
        let edge_ok = |e: &Edge, keep: &[bool]| {
            e.weight >= opts.min_weight && keep[e.source] && keep[e.target]
        };
        if opts.min_weight > 1 {
            // Nodes left without any edge at this weight are noise in a pruned view.
            let mut has_edge = vec![false; self.nodes.len()];
            for e in self.edges.iter().filter(|e| edge_ok(e, &keep)) {
                has_edge[e.source] = true;
                has_edge[e.target] = true;
            }
            for (k, h) in keep.iter_mut().zip(has_edge) {
                *k = *k && h;
            }
        }
        let center = opts.around.and_then(|(c, _)| self.position(c));
        if let Some(top) = opts.top {
            let mut ranked: Vec<usize> = (0..self.nodes.len()).filter(|&i| keep[i]).collect();
            ranked.sort_by(|&a, &b| {
                let (x, y) = (&self.nodes[a], &self.nodes[b]);
                // The centre of an ego network is what the user asked about: it always stays.
                (Some(b) == center)
                    .cmp(&(Some(a) == center))
                    .then(y.weighted_degree.total_cmp(&x.weighted_degree))
                    .then(y.mentions.cmp(&x.mentions))
                    .then(a.cmp(&b))
            });
            let chosen: BTreeSet<usize> = ranked.into_iter().take(top).collect();
            for (i, k) in keep.iter_mut().enumerate() {
                *k = *k && chosen.contains(&i);
            }
        }
        let nodes: Vec<usize> = (0..self.nodes.len()).filter(|&i| keep[i]).collect();
        let mut edges: Vec<usize> = (0..self.edges.len())
            .filter(|&i| edge_ok(&self.edges[i], &keep))
            .collect();
        if let Some(max) = opts.max_links {
            edges = self.backbone(&edges, max);
        }
        Selection { nodes, edges }
    }

    /// The edges among `edges` that are one of the `max` most specific links of either end:
    /// highest Jaccard first, so a hub's many incidental links give way to the pairs that
    /// really belong together; then heavier, then older in the sorted edge list.
    fn backbone(&self, edges: &[usize], max: usize) -> Vec<usize> {
        let mut by_node: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for &i in edges {
            by_node[self.edges[i].source].push(i);
            by_node[self.edges[i].target].push(i);
        }
        let mut kept = BTreeSet::new();
        for mut list in by_node {
            list.sort_by(|&a, &b| {
                let (x, y) = (&self.edges[a], &self.edges[b]);
                self.jaccard(b)
                    .total_cmp(&self.jaccard(a))
                    .then(y.weight.cmp(&x.weight))
                    .then(a.cmp(&b))
            });
            kept.extend(list.into_iter().take(max));
        }
        kept.into_iter().collect()
    }
}

/// Reusable buffers for listing the pairs an entry links.
#[derive(Default)]
struct PairScratch {
    /// The entry's distinct entities, sorted.
    ents: Vec<EntityId>,
    /// Bullet scope: (group, entity), then the header's entities.
    groups: Vec<(u32, EntityId)>,
    header: Vec<EntityId>,
    set: Vec<EntityId>,
    pairs: Vec<(EntityId, EntityId)>,
}

impl PairScratch {
    /// Fills `ents` with the entry's distinct entities and calls `f(a, b)` once for every
    /// pair it links, smaller id first.
    fn pairs_of<M: Mentioned>(
        &mut self,
        e: &EntryFacts<M>,
        scope: Scope,
        mut f: impl FnMut(EntityId, EntityId),
    ) {
        self.ents.clear();
        self.ents.extend(e.mentions.iter().map(M::entity));
        self.ents.sort_unstable();
        self.ents.dedup();
        match scope {
            Scope::Entry => {
                for (k, &a) in self.ents.iter().enumerate() {
                    for &b in &self.ents[k + 1..] {
                        f(a, b);
                    }
                }
            }
            Scope::Bullet => {
                self.header.clear();
                self.header
                    .extend(e.mentions.iter().filter(|m| m.group() == 0).map(M::entity));
                self.groups.clear();
                self.groups
                    .extend(e.mentions.iter().map(|m| (m.group(), m.entity())));
                self.groups.sort_unstable();
                self.groups.dedup();
                self.pairs.clear();
                for group in self.groups.chunk_by(|x, y| x.0 == y.0) {
                    self.set.clear();
                    self.set.extend(group.iter().map(|x| x.1));
                    self.set.extend_from_slice(&self.header);
                    self.set.sort_unstable();
                    self.set.dedup();
                    for (k, &a) in self.set.iter().enumerate() {
                        for &b in &self.set[k + 1..] {
                            self.pairs.push((a, b));
                        }
                    }
                }
                // A pair in two bullets (or in the header) is still one link of the entry.
                self.pairs.sort_unstable();
                self.pairs.dedup();
                for &(a, b) in &self.pairs {
                    f(a, b);
                }
            }
        }
    }
}

/// Pruning options shared by every export.
#[derive(Debug, Clone, Default)]
pub struct Prune {
    /// Drop edges lighter than this (and nodes left without edges when above 1).
    pub min_weight: u32,
    /// Keep only the N nodes with the highest weighted degree.
    pub top: Option<usize>,
    /// Keep only these kinds (empty = all).
    pub kinds: Vec<Kind>,
    /// Keep only the ego network of an entity up to a depth (the entity always stays, even
    /// under `top`).
    pub around: Option<(EntityId, usize)>,
    /// Keep only each node's N most specific links (highest Jaccard); a link stays when either
    /// end keeps it, so no node loses all its links.
    pub max_links: Option<usize>,
}

/// Positions of the nodes and edges that a pruning keeps, ascending.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// Node positions.
    pub nodes: Vec<usize>,
    /// Edge positions.
    pub edges: Vec<usize>,
}

/// An undirected weighted graph as adjacency lists packed into one allocation: `adj[v]` is
/// node v's (neighbour, weight) pairs. One block rather than a Vec per node: at a million
/// edges the per-node lists (32 MB) stayed resident after the analytics, fragmented among
/// small allocations the allocator could not return.
#[derive(Debug, Clone, Default)]
pub struct Adjacency {
    start: Vec<usize>,
    pairs: Vec<(usize, f64)>,
}

impl Adjacency {
    /// From one list per node (which must be symmetric for [`pagerank`] and [`louvain`]).
    pub fn from_lists<L: AsRef<[(usize, f64)]>>(lists: impl IntoIterator<Item = L>) -> Self {
        let mut adj = Adjacency {
            start: vec![0],
            pairs: Vec::new(),
        };
        for l in lists {
            adj.pairs.extend_from_slice(l.as_ref());
            adj.start.push(adj.pairs.len());
        }
        adj
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.start.len() - 1
    }

    /// True when there is no node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each node's list, in node order.
    pub fn iter(&self) -> impl Iterator<Item = &[(usize, f64)]> {
        self.start.windows(2).map(|w| &self.pairs[w[0]..w[1]])
    }
}

impl std::ops::Index<usize> for Adjacency {
    type Output = [(usize, f64)];

    fn index(&self, v: usize) -> &[(usize, f64)] {
        &self.pairs[self.start[v]..self.start[v + 1]]
    }
}

/// Weighted PageRank over an adjacency list (`adj[v]` = (neighbour, weight)) of an undirected
/// graph: `adj` must be symmetric. Each node pulls rank from its neighbours, so nodes can be
/// computed independently; with neighbours listed in ascending order (as
/// [`CoMentionGraph`] lists them) the sums are added in the same order as pushing from each
/// node in turn would, so the result does not depend on that choice.
pub fn pagerank(n: usize, adj: &Adjacency, damping: f64, max_iter: usize, tol: f64) -> Vec<f64> {
    if n == 0 {
        return Vec::new();
    }
    let strength: Vec<f64> = adj.iter().map(|a| a.iter().map(|x| x.1).sum()).collect();
    let mut rank = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    let mut share = vec![0.0; n];
    for _ in 0..max_iter {
        let dangling: f64 = (0..n)
            .filter(|&v| strength[v] == 0.0)
            .map(|v| rank[v])
            .sum();
        let base = (1.0 - damping) / n as f64 + damping * dangling / n as f64;
        for v in 0..n {
            share[v] = if strength[v] > 0.0 {
                damping * rank[v] / strength[v]
            } else {
                0.0
            };
        }
        for (u, x) in next.iter_mut().enumerate() {
            let mut sum = base;
            for &(v, w) in &adj[u] {
                sum += share[v] * w;
            }
            *x = sum;
        }
        let diff: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut rank, &mut next);
        if diff < tol {
            break;
        }
    }
    rank
}

/// Louvain community detection (Blondel et al. 2008). Nodes are visited in index order, so
/// the result is deterministic. Communities are renumbered by decreasing size, ties by their
/// smallest node.
pub fn louvain(n: usize, adj: &Adjacency) -> Vec<u32> {
    let mut membership: Vec<usize> = (0..n).collect();
    // The first level works on `adj` itself: a copy was 32 MB more at a million edges.
    let mut level_adj: Cow<Adjacency> = Cow::Borrowed(adj);
    let mut level_n = n;
    let mut sums = Sums::new(n);
    for _ in 0..20 {
        let (comm, moved) = one_level(level_n, &level_adj, &mut sums);
        // Renumber communities densely in order of first appearance.
        let mut map = vec![usize::MAX; level_n];
        let mut k = 0;
        let mut dense = vec![0; level_n];
        for v in 0..level_n {
            if map[comm[v]] == usize::MAX {
                map[comm[v]] = k;
                k += 1;
            }
            dense[v] = map[comm[v]];
        }
        for m in membership.iter_mut() {
            *m = dense[*m];
        }
        if !moved || k == level_n {
            break;
        }
        // Aggregate: community c's links to d sum its members' links, members in ascending
        // order, each member's links in order (the order a per-community map was filled in).
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
        for v in 0..level_n {
            members[dense[v]].push(v);
        }
        let next = Adjacency::from_lists(members.iter().map(|vs| {
            for &v in vs {
                for &(u, w) in &level_adj[v] {
                    sums.add(dense[u], w);
                }
            }
            sums.drain_sorted()
        }));
        level_adj = Cow::Owned(next);
        level_n = k;
    }
    // Renumber by size.
    let mut sizes: HashMap<usize, (usize, usize)> = HashMap::new();
    for (v, &c) in membership.iter().enumerate() {
        let s = sizes.entry(c).or_insert((0, v));
        s.0 += 1;
    }
    let mut order: Vec<(usize, usize, usize)> = sizes
        .into_iter()
        .map(|(c, (s, first))| (c, s, first))
        .collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let rank: HashMap<usize, u32> = order
        .iter()
        .enumerate()
        .map(|(i, x)| (x.0, i as u32))
        .collect();
    membership.iter().map(|c| rank[c]).collect()
}

/// Sums of weights per community for one node at a time: a dense array plus the list of
/// communities touched, so a node costs its degree, not its degree times its neighbours'
/// communities (the hubs of a large corpus have thousands of both).
struct Sums {
    weight: Vec<f64>,
    seen: Vec<bool>,
    touched: Vec<usize>,
}

impl Sums {
    fn new(n: usize) -> Sums {
        Sums {
            weight: vec![0.0; n],
            seen: vec![false; n],
            touched: Vec::new(),
        }
    }

    fn add(&mut self, c: usize, w: f64) {
        if !self.seen[c] {
            self.seen[c] = true;
            self.weight[c] = 0.0;
            self.touched.push(c);
        }
        self.weight[c] += w;
    }

    fn get(&self, c: usize) -> f64 {
        if self.seen[c] {
            self.weight[c]
        } else {
            0.0
        }
    }

    /// The sums by ascending community, and a reset.
    fn drain_sorted(&mut self) -> Vec<(usize, f64)> {
        self.touched.sort_unstable();
        let out = self.touched.iter().map(|&c| (c, self.weight[c])).collect();
        self.clear();
        out
    }

    fn clear(&mut self) {
        for &c in &self.touched {
            self.seen[c] = false;
        }
        self.touched.clear();
    }
}

/// One pass of local moving. Self-loops in `adj` (from aggregation) count twice in degree.
fn one_level(n: usize, adj: &Adjacency, sums: &mut Sums) -> (Vec<usize>, bool) {
    let k: Vec<f64> = adj.iter().map(|a| a.iter().map(|x| x.1).sum()).collect();
    let m2: f64 = k.iter().sum();
    let mut comm: Vec<usize> = (0..n).collect();
    if m2 == 0.0 {
        return (comm, false);
    }
    let mut tot: Vec<f64> = k.clone();
    let mut moved_any = false;
    for _ in 0..50 {
        let mut moved = false;
        for v in 0..n {
            let own = comm[v];
            for &(u, w) in &adj[v] {
                if u != v {
                    sums.add(comm[u], w);
                }
            }
            tot[own] -= k[v];
            let mut best = own;
            let mut best_gain = sums.get(own) - tot[own] * k[v] / m2;
            sums.touched.sort_unstable();
            for &c in &sums.touched {
                let gain = sums.weight[c] - tot[c] * k[v] / m2;
                if gain > best_gain + 1e-12 {
                    best_gain = gain;
                    best = c;
                }
            }
            sums.clear();
            tot[best] += k[v];
            if best != own {
                comm[v] = best;
                moved = true;
                moved_any = true;
            }
        }
        if !moved {
            break;
        }
    }
    (comm, moved_any)
}

/// Deterministic positions on a spiral, for graphs too large to lay out.
fn spiral(n: usize) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let r = 10.0 * (i as f64).sqrt();
            let a = i as f64 * 2.399_963_229_728_653; // golden angle
            (round2(r * a.cos()), round2(r * a.sin()))
        })
        .collect()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Pull towards the centre, per unit of distance (see [`force_layout`]).
const GRAVITY: f64 = 3.0;

/// Fruchterman-Reingold from spiral starting positions, with a cooling schedule; weights
/// pull harder. Coordinates are rounded so output is stable across platforms' last bits.
fn force_layout(n: usize, edges: &[Edge], iterations: usize) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = spiral(n).into_iter().unzip();
    let area = 1000.0 * 1000.0;
    let k = (area / n as f64).sqrt();
    let kk = k * k;
    let mut temp = 100.0;
    // The weight's pull, computed once rather than in every iteration.
    let pull: Vec<f64> = edges.iter().map(|e| 1.0 + (e.weight as f64).ln()).collect();
    let (mut dxs, mut dys) = (vec![0.0f64; n], vec![0.0f64; n]);
    for _ in 0..iterations {
        dxs.fill(0.0);
        dys.fill(0.0);
        for v in 0..n {
            repel(v, kk, &xs, &ys, &mut dxs, &mut dys);
        }
        for (e, &p) in edges.iter().zip(&pull) {
            let (v, u) = (e.source, e.target);
            let dx = xs[v] - xs[u];
            let dy = ys[v] - ys[u];
            let d = (dx * dx + dy * dy).sqrt().max(0.1);
            let f = d / k * p;
            dxs[v] -= dx * f;
            dys[v] -= dy * f;
            dxs[u] += dx * f;
            dys[u] += dy * f;
        }
        for v in 0..n {
            // Gravity keeps disconnected parts on the canvas. The summed repulsion on a lone
            // node is about area / distance, so it rests where GRAVITY * d^2 = area: ~580 from
            // the centre, the edge of the 1000 x 1000 layout, at any node count. (0.01 k, the
            // textbook value, left lone nodes 1200 away on the seeds: Gephi opened zoomed out.)
            let dx = dxs[v] - xs[v] * GRAVITY;
            let dy = dys[v] - ys[v] * GRAVITY;
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            let step = len.min(temp);
            xs[v] += dx / len * step;
            ys[v] += dy / len * step;
        }
        temp *= 0.96;
    }
    xs.into_iter()
        .zip(ys)
        .map(|(x, y)| (round2(x), round2(y)))
        .collect()
}

/// The repulsion between node `v` and every later node, added to both displacements. The
/// later nodes go in blocks of four with four running sums for `v`, so the loop has no
/// chain of dependent additions and the compiler keeps it in vector registers: the pair
/// loop was nearly all of the layout's 18 ms on the seeds (229 nodes, 120 iterations).
fn repel(v: usize, kk: f64, xs: &[f64], ys: &[f64], dxs: &mut [f64], dys: &mut [f64]) {
    const LANES: usize = 4;
    let (xv, yv) = (xs[v], ys[v]);
    let force = |x: f64, y: f64| {
        let (dx, dy) = (xv - x, yv - y);
        let d2 = dx * dx + dy * dy;
        // A plain select rather than f64::max, whose NaN rule keeps the loop scalar.
        let f = kk / d2.max(0.01);
        (dx * f, dy * f)
    };
    let (mut sx, mut sy) = ([0.0f64; LANES], [0.0f64; LANES]);
    let (xr, yr) = (&xs[v + 1..], &ys[v + 1..]);
    let (head, tail) = dxs.split_at_mut(v + 1);
    let (hy, ty) = dys.split_at_mut(v + 1);
    let blocks = xr.len() / LANES * LANES;
    for (((xc, yc), dxc), dyc) in xr[..blocks]
        .chunks_exact(LANES)
        .zip(yr[..blocks].chunks_exact(LANES))
        .zip(tail[..blocks].chunks_exact_mut(LANES))
        .zip(ty[..blocks].chunks_exact_mut(LANES))
    {
        for l in 0..LANES {
            let (fx, fy) = force(xc[l], yc[l]);
            sx[l] += fx;
            sy[l] += fy;
            dxc[l] -= fx;
            dyc[l] -= fy;
        }
    }
    for u in blocks..xr.len() {
        let (fx, fy) = force(xr[u], yr[u]);
        sx[0] += fx;
        sy[0] += fy;
        tail[u] -= fx;
        ty[u] -= fy;
    }
    head[v] += (sx[0] + sx[1]) + (sx[2] + sx[3]);
    hy[v] += (sy[0] + sy[1]) + (sy[2] + sy[3]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adj(n: usize, edges: &[(usize, usize, f64)]) -> Adjacency {
        let mut a = vec![Vec::new(); n];
        for &(x, y, w) in edges {
            a[x].push((y, w));
            a[y].push((x, w));
        }
        Adjacency::from_lists(a)
    }

    #[test]
    fn pagerank_of_a_symmetric_graph_is_uniform() {
        let a = adj(3, &[(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0)]);
        let pr = pagerank(3, &a, 0.85, 100, 1e-12);
        for p in pr {
            assert!((p - 1.0 / 3.0).abs() < 1e-9);
        }
    }

    #[test]
    fn pagerank_of_a_star_matches_the_closed_form() {
        // Star with centre 0 and 3 leaves: leaf = (1-d)/4 + d*c/3, c = (1-d)/4 + d*3*leaf.
        let a = adj(4, &[(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)]);
        let pr = pagerank(4, &a, 0.85, 200, 1e-14);
        let d: f64 = 0.85;
        let leaf = ((1.0 - d) / 4.0 + d * (1.0 - d) / 12.0) / (1.0 - d * d);
        assert!((pr[1] - leaf).abs() < 1e-9, "{pr:?}");
        assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn pagerank_follows_weights() {
        let a = adj(3, &[(0, 1, 10.0), (0, 2, 1.0)]);
        let pr = pagerank(3, &a, 0.85, 100, 1e-12);
        assert!(pr[1] > pr[2]);
    }

    #[test]
    fn louvain_splits_two_cliques_joined_by_a_bridge() {
        let mut e = Vec::new();
        for (a, b) in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)] {
            e.push((a, b, 1.0));
        }
        e.push((2, 3, 1.0));
        let c = louvain(6, &adj(6, &e));
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_eq!(c[3], c[4]);
        assert_eq!(c[4], c[5]);
        assert_ne!(c[0], c[3]);
    }

    #[test]
    fn louvain_finds_the_planted_communities_of_a_ring_of_cliques() {
        // Four 4-cliques joined in a ring by single edges: the modularity optimum is the cliques.
        let mut e = Vec::new();
        for c in 0..4 {
            let b = c * 4;
            for i in 0..4 {
                for j in i + 1..4 {
                    e.push((b + i, b + j, 1.0));
                }
            }
            e.push((b + 3, (b + 4) % 16, 1.0));
        }
        let c = louvain(16, &adj(16, &e));
        for k in 0..16 {
            assert_eq!(c[k], c[k / 4 * 4], "{c:?}");
        }
        let mut distinct = c.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct, [0, 1, 2, 3]);
        assert_eq!(c, louvain(16, &adj(16, &e)), "deterministic");
    }

    #[test]
    fn louvain_leaves_isolated_nodes_alone() {
        let c = louvain(3, &adj(3, &[(0, 1, 1.0)]));
        assert_eq!(c[0], c[1]);
        assert_ne!(c[0], c[2]);
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    const A: EntityId = EntityId(0);
    const B: EntityId = EntityId(1);
    const C: EntityId = EntityId(2);
    const D: EntityId = EntityId(3);
    const E: EntityId = EntityId(4);

    fn kind_of(id: EntityId) -> Kind {
        [
            Kind::Person,
            Kind::Company,
            Kind::Model,
            Kind::Concept,
            Kind::Person,
        ][id.index()]
    }

    fn entry<'a>(date: Option<&str>, mentions: &'a [(EntityId, u32)]) -> EntryFacts<'a> {
        EntryFacts {
            date: date.map(self::date),
            mentions,
        }
    }

    /// A, B, C together; A, B again the next day (A twice); A, D undated; E alone.
    fn small() -> CoMentionGraph {
        let entries = [
            entry(Some("2024-01-01"), &[(A, 0), (B, 1), (C, 1)]),
            entry(Some("2024-01-02"), &[(A, 0), (B, 1), (A, 2)]),
            entry(None, &[(A, 1), (D, 2)]),
            entry(Some("2024-01-05"), &[(E, 0)]),
        ];
        CoMentionGraph::build(&entries, Scope::Entry, kind_of)
    }

    fn pairs(g: &CoMentionGraph, sel: &Selection) -> Vec<(u32, u32)> {
        sel.edges
            .iter()
            .map(|&i| {
                let e = &g.edges()[i];
                (g.nodes()[e.source].entity.0, g.nodes()[e.target].entity.0)
            })
            .collect()
    }

    fn ids(g: &CoMentionGraph, sel: &Selection) -> Vec<u32> {
        sel.nodes.iter().map(|&i| g.nodes()[i].entity.0).collect()
    }

    #[test]
    fn node_statistics_count_mentions_notes_and_days() {
        let g = small();
        let a = &g.nodes()[0];
        assert_eq!((a.mentions, a.notes, a.degree), (4, 3, 3));
        assert_eq!(a.weighted_degree, 4.0);
        assert_eq!(a.days, [date("2024-01-01"), date("2024-01-02")]);
        assert_eq!(a.first_seen(), Some(date("2024-01-01")));
        assert_eq!(a.last_seen(), Some(date("2024-01-02")));
        let e = &g.nodes()[4];
        assert_eq!((e.mentions, e.notes, e.degree), (1, 1, 0));
        assert_eq!(g.nodes()[3].days, []);
        let total: f64 = g.nodes().iter().map(|n| n.pagerank).sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert_eq!(g.entry_count(), 4);
    }

    #[test]
    fn edges_carry_weight_evidence_days_and_association() {
        let g = small();
        type Seen = (Option<Date>, Option<Date>);
        let got: Vec<(u32, u32, u32, Vec<u32>, Seen)> = g
            .edges()
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let (s, t) = (g.nodes()[e.source].entity.0, g.nodes()[e.target].entity.0);
                let seen = (e.first_seen, e.last_seen);
                (s, t, e.weight, g.edge_entries(k).to_vec(), seen)
            })
            .collect();
        let (d1, d2) = (Some(date("2024-01-01")), Some(date("2024-01-02")));
        assert_eq!(
            got,
            [
                (0, 1, 2, vec![0, 1], (d1, d2)),
                (0, 2, 1, vec![0], (d1, d1)),
                (0, 3, 1, vec![2], (None, None)),
                (1, 2, 1, vec![0], (d1, d1)),
            ]
        );
        // Jaccard = w / (notes(a) + notes(b) - w); PMI = log2(w * N / (notes(a) * notes(b))),
        // with notes A=3, B=2, C=1, D=1 and N=4 entries.
        let expect = [
            (2.0 / 3.0, (8.0f64 / 6.0).log2()),
            (1.0 / 3.0, (4.0f64 / 3.0).log2()),
            (1.0 / 3.0, (4.0f64 / 3.0).log2()),
            (1.0 / 2.0, 1.0),
        ];
        for (k, (j, p)) in expect.into_iter().enumerate() {
            let e = &g.edges()[k];
            assert!((g.jaccard(k) - j).abs() < 1e-12, "{e:?}");
            assert!((g.pmi(k) - p).abs() < 1e-12, "{e:?}");
        }
    }

    #[test]
    fn bullet_scope_links_only_within_a_top_level_bullet_and_the_header() {
        // Header H (group 0); bullet 1: X, Y; bullet 2: Y, Z.
        let (h, x, y, z) = (A, B, C, D);
        let mentions = [(h, 0), (x, 1), (y, 1), (y, 2), (z, 2)];
        let e = [entry(None, &mentions)];
        let g = CoMentionGraph::build(&e, Scope::Bullet, kind_of);
        let all = g.prune(&Prune::default());
        assert_eq!(pairs(&g, &all), [(0, 1), (0, 2), (0, 3), (1, 2), (2, 3)]);
        assert!(g.edges().iter().all(|e| e.weight == 1), "one entry");
        let g = CoMentionGraph::build(&e, Scope::Entry, kind_of);
        assert_eq!(g.edges().len(), 6);
    }

    #[test]
    fn prune_by_min_weight_drops_light_edges_and_the_nodes_they_leave_alone() {
        let g = small();
        let sel = g.prune(&Prune {
            min_weight: 2,
            ..Prune::default()
        });
        assert_eq!(ids(&g, &sel), [0, 1]);
        assert_eq!(pairs(&g, &sel), [(0, 1)]);
        assert_eq!(ids(&g, &g.prune(&Prune::default())), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn prune_top_keeps_the_highest_weighted_degree() {
        let g = small();
        let sel = g.prune(&Prune {
            top: Some(2),
            ..Prune::default()
        });
        assert_eq!(ids(&g, &sel), [0, 1]);
        assert_eq!(pairs(&g, &sel), [(0, 1)]);
        // Next comes C (weighted degree 2) before D (1).
        let sel = g.prune(&Prune {
            top: Some(3),
            ..Prune::default()
        });
        assert_eq!(ids(&g, &sel), [0, 1, 2]);
    }

    #[test]
    fn prune_by_kind_keeps_edges_between_kept_kinds() {
        let g = small();
        let sel = g.prune(&Prune {
            kinds: vec![Kind::Person, Kind::Company],
            ..Prune::default()
        });
        assert_eq!(ids(&g, &sel), [0, 1, 4]);
        assert_eq!(pairs(&g, &sel), [(0, 1)]);
    }

    #[test]
    fn prune_around_keeps_the_ego_network_to_a_depth() {
        let g = small();
        let around = |c: EntityId, depth: usize| {
            let sel = g.prune(&Prune {
                around: Some((c, depth)),
                ..Prune::default()
            });
            (ids(&g, &sel), pairs(&g, &sel))
        };
        assert_eq!(around(D, 0), (vec![3], vec![]));
        assert_eq!(around(D, 1), (vec![0, 3], vec![(0, 3)]));
        assert_eq!(
            around(D, 2),
            (vec![0, 1, 2, 3], vec![(0, 1), (0, 2), (0, 3), (1, 2)])
        );
        assert_eq!(around(E, 3), (vec![4], vec![]));
        // The centre survives --top even when others have a higher weighted degree.
        let sel = g.prune(&Prune {
            around: Some((D, 1)),
            top: Some(1),
            ..Prune::default()
        });
        assert_eq!(ids(&g, &sel), [3]);
        // An entity that is never mentioned has no ego network.
        let sel = g.prune(&Prune {
            around: Some((EntityId(9), 1)),
            ..Prune::default()
        });
        assert_eq!(sel, Selection::default());
    }

    #[test]
    fn prune_max_links_keeps_each_nodes_most_specific_links() {
        let g = small();
        let sel = g.prune(&Prune {
            max_links: Some(1),
            ..Prune::default()
        });
        // A: A-B (2/3); B: A-B (2/3 over B-C 1/2); C: B-C (1/2 over A-C 1/3); D: A-D.
        assert_eq!(pairs(&g, &sel), [(0, 1), (0, 3), (1, 2)]);
        assert_eq!(ids(&g, &sel), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn layout_is_deterministic_finite_and_spread_out() {
        let a = small();
        let b = small();
        let pos: Vec<(f64, f64)> = a.nodes().iter().map(|n| (n.x, n.y)).collect();
        assert_eq!(
            pos,
            b.nodes().iter().map(|n| (n.x, n.y)).collect::<Vec<_>>()
        );
        for (i, p) in pos.iter().enumerate() {
            assert!(p.0.is_finite() && p.1.is_finite());
            // E has no links: gravity still keeps it on the 1000 x 1000 canvas.
            assert!(p.0.hypot(p.1) < 700.0, "{pos:?}");
            for q in &pos[i + 1..] {
                assert!((p.0 - q.0).hypot(p.1 - q.1) > 1.0, "{pos:?}");
            }
        }
    }
}
