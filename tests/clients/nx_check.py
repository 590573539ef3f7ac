"""Reads notegraph's GEXF and JSON with networkx and prints what it got, as JSON.

usage: python nx_check.py graph.gexf graph.json

networkx >= 3.6 is needed: it is the first release that reads GEXF 1.3, and JSON is read with
node_link_graph(d, edges="links"), the key notegraph writes. The integration tests compare the
counts, labels and weights printed here with notegraph's own JSON, and networkx's weighted
PageRank and modularity with notegraph's analytics.
"""

import json
import sys

import networkx as nx


def summary(g):
    return {
        "directed": g.is_directed(),
        "multigraph": g.is_multigraph(),
        "nodes": len(g),
        "edges": g.number_of_edges(),
        "self_loops": nx.number_of_selfloops(g),
        "labels": {str(n): a.get("label") for n, a in g.nodes(data=True)},
        "kinds": {str(n): a.get("kind") for n, a in g.nodes(data=True)},
        "weights": sorted(
            [min(str(u), str(v)), max(str(u), str(v)), float(w)]
            for u, v, w in g.edges(data="weight")
        ),
    }


def pagerank(g):
    args = {"alpha": 0.85, "weight": "weight", "tol": 1e-12, "max_iter": 1000}
    try:
        return nx.pagerank(g, **args)
    except ImportError:
        # nx.pagerank needs scipy; the pure-Python power iteration is the same algorithm and
        # keeps the CI install small.
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

        return _pagerank_python(g, **args)


def analytics(g, community):
    pr = pagerank(g)
    groups = {}
    for n, c in community.items():
        groups.setdefault(c, set()).add(n)
    ours = nx.community.modularity(g, groups.values(), weight="weight")
    theirs = nx.community.louvain_communities(g, weight="weight", seed=1)
    return {
        "pagerank": {str(n): p for n, p in pr.items()},
        "modularity": ours,
        "networkx_louvain_modularity": nx.community.modularity(g, theirs, weight="weight"),
    }


def main():
    gexf_path, json_path = sys.argv[1], sys.argv[2]
    gexf = nx.read_gexf(gexf_path)
    with open(json_path, encoding="utf-8") as f:
        doc = json.load(f)
    linked = nx.node_link_graph(doc, edges="links")
    out = {
        "networkx": nx.__version__,
        "gexf": summary(gexf),
        "json": summary(linked),
        "graph": dict(linked.graph),
        "analytics": analytics(
            linked, {n: a["community"] for n, a in linked.nodes(data=True)}
        ),
        "gexf_spells": {
            str(n): a.get("spells") for n, a in gexf.nodes(data=True) if "spells" in a
        },
    }
    json.dump(out, sys.stdout, ensure_ascii=False, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
