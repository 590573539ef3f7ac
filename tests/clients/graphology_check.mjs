// Parses a GEXF file with graphology-gexf, strictly, and prints what it read as JSON.
//
// usage: node graphology_check.mjs FILE.gexf
// The packages come from $NOTEGRAPH_GRAPHOLOGY_DIR/node_modules, else from node_modules next
// to this script (`npm ci` in tests/clients, as .ci/run does).
//
// Strict means: any XML warning or error throws (xmldom only logs them by default);
// undeclared attributes throw (graphology-gexf's default); an edge to a missing node throws
// (addMissingNodes off); a duplicate node id throws (addNode); parallel edges or a mixed edge
// type throw (respectInputGraphType with a simple undirected graph); self-loops throw.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.env.NOTEGRAPH_GRAPHOLOGY_DIR || here;
const require = createRequire(join(dir, "package.json"));
const { UndirectedGraph } = require("graphology");
const { parse } = require("graphology-gexf");
const { DOMParser } = require("@xmldom/xmldom");

class StrictGraph extends UndirectedGraph {
  constructor(options) {
    super({ ...options, type: "undirected", multi: false, allowSelfLoops: false });
  }
}

const file = process.argv[2];
if (!file) {
  console.error("usage: node graphology_check.mjs FILE.gexf");
  process.exit(2);
}
const fail = (level) => (msg) => {
  throw new Error(`xml ${level}: ${msg}`);
};
const doc = new DOMParser({
  errorHandler: { warning: fail("warning"), error: fail("error"), fatalError: fail("fatal error") },
}).parseFromString(readFileSync(file, "utf8"), "application/xml");
const graph = parse(StrictGraph, doc, { respectInputGraphType: true });

const nodes = {};
graph.forEachNode((id, a) => {
  nodes[id] = a;
});
const edges = [];
graph.forEachEdge((key, a, source, target) => {
  edges.push({ key, source, target, ...a });
});
console.log(JSON.stringify({ order: graph.order, size: graph.size, type: graph.type, nodes, edges }));
