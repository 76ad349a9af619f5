#!/usr/bin/env python3
"""`make lint`: the package's imports point down its layers, and none forms a
cycle. Every import counts, those inside functions too (only ``if
TYPE_CHECKING:`` blocks are skipped); README.rst's "Code map" is the order.

Exit status 1 with one line per offence."""
import ast
import pathlib
import sys

# Bottom to top; a module may import from its own layer's folder and from
# lower layers. The features of one layer never import each other.
LAYERS = [
    ["interfaces", "config"],
    ["jobs", "health"],
    ["model"],
    ["core"],
    ["logic"],
    ["api"],
    ["portal", "iudx", "gcat", "globalcatalog", "library", "software"],
    # The demo fills every feature, through their actions and loaders.
    ["demo"],
    ["plugin", "cli"],
]
root = pathlib.Path("ckanext/catalogue")
mods = {}
def modname(p):
    parts = list(p.with_suffix("").parts)
    if parts[-1] == "__init__": parts = parts[:-1]
    return ".".join(parts)
for p in root.rglob("*.py"):
    if "tests" in p.parts or "migration" in p.parts: continue
    mods[modname(p)] = p
edges = {m: {} for m in mods}
for m, p in mods.items():
    tree = ast.parse(p.read_text())
    pkg = m if p.name == "__init__.py" else m.rsplit(".", 1)[0]
    tc = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in ast.walk(node): tc.add(id(sub))
    top = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if id(node) in tc: continue
        targets = []
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                b = pkg.split("."); b = b[: len(b) - (node.level - 1)]
                base = ".".join(b + ([base] if base else []))
            for a in node.names:
                full = base + "." + a.name
                targets.append(full if full in mods else base)
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        for t in targets:
            while t and t not in mods: t = t.rpartition(".")[0]
            if t and t != m:
                kind = "top" if id(node) in top else "inner"
                if edges[m].get(t) != "top": edges[m][t] = kind
                # importing a.b.c runs a and a.b
# SCC (Tarjan)
index, low, stack, on, sccs = {}, {}, [], set(), []
def strong(v, counter=[0]):
    index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index: strong(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index: strong(v)
for comp in sccs:
    print("CYCLE:", sorted(comp))
    for a in sorted(comp):
        for b, k in edges[a].items():
            if b in comp: print(f"   {a} -> {b} ({k})")
def feature(module):
    # ckanext.catalogue.<feature>[...]; the package itself is empty
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else ""
rank = {name: i for i, layer in enumerate(LAYERS) for name in layer}
bad = []
for a in sorted(edges):
    fa = feature(a)
    if not fa:
        continue
    if fa not in rank:
        bad.append(f"{a}: not in any layer of stack/bin/import-layers.py")
        continue
    for b in sorted(edges[a]):
        fb = feature(b)
        if fb == fa or fb not in rank:
            continue
        if rank[fb] > rank[fa] or (rank[fb] == rank[fa]):
            bad.append(f"{a} imports {b}: {fb} is not below {fa}")
for line in bad:
    print("LAYER:", line)
if "--edges" in sys.argv:
    for a in sorted(edges):
        print(a, "->", ", ".join(f"{b}{'*' if k=='inner' else ''}" for b, k in sorted(edges[a].items())))
sys.exit(1 if sccs or bad else 0)
