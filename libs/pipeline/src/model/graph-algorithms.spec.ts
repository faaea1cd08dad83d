import {
  backEdges,
  Digraph,
  immediateDominators,
  namedCycles,
  reachableFrom,
  stronglyConnectedComponents,
} from './graph-algorithms';

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomGraph(seed: number, n: number, m: number): Digraph {
  const r = rng(seed);
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 1; i < n; i++) {
    // keep most vertices reachable from 0
    from.push(Math.floor(r() * i));
    to.push(i);
  }
  for (let e = 0; e < m; e++) {
    from.push(Math.floor(r() * n));
    to.push(Math.floor(r() * n));
  }
  return new Digraph(n, from, to);
}

function reachableAvoiding(g: Digraph, root: number, avoid: number): Uint8Array {
  const seen = new Uint8Array(g.n);
  if (root === avoid) return seen;
  const queue = [root];
  seen[root] = 1;
  while (queue.length) {
    const v = queue.pop()!;
    for (let i = g.succStart[v]; i < g.succStart[v + 1]; i++) {
      const w = g.succ[i];
      if (w !== avoid && !seen[w]) {
        seen[w] = 1;
        queue.push(w);
      }
    }
  }
  return seen;
}

/** Naive immediate dominators: d dominates v iff removing d cuts v off; idom = the dominator dominated by all others. */
function naiveIdom(g: Digraph, root: number): Int32Array {
  const n = g.n;
  const reach = reachableFrom(g, root).seen;
  const doms: Array<Set<number>> = [];
  for (let v = 0; v < n; v++) doms.push(new Set());
  for (let d = 0; d < n; d++) {
    const cut = reachableAvoiding(g, root, d);
    for (let v = 0; v < n; v++) if (reach[v] && v !== d && !cut[v]) doms[v].add(d);
  }
  const idom = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    if (v === root || !reach[v]) continue;
    for (const d of doms[v]) {
      // the immediate dominator is the strict dominator with the most dominators of its own
      if ([...doms[v]].every((o) => o === d || doms[d].has(o))) idom[v] = d;
    }
  }
  return idom;
}

describe('graph algorithms', () => {
  it('builds adjacency in both directions', () => {
    const g = new Digraph(3, [0, 0, 1], [1, 2, 2]);
    expect(g.outDegree(0)).toBe(2);
    expect(g.inDegree(2)).toBe(2);
    const r = g.reversed();
    expect(r.outDegree(2)).toBe(2);
    expect(r.inDegree(0)).toBe(2);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])(
    'immediateDominators agrees with a naive computation (seed %i)',
    (seed) => {
      const g = randomGraph(seed, 10 + seed * 3, seed * 4);
      expect([...immediateDominators(g, 0)]).toEqual([...naiveIdom(g, 0)]);
    },
  );

  it('immediateDominators on a diamond and a loop', () => {
    // 0 -> 1 -> 3, 0 -> 2 -> 3, 3 -> 4, 4 -> 1
    const g = new Digraph(5, [0, 1, 0, 2, 3, 4], [1, 3, 2, 3, 4, 1]);
    expect([...immediateDominators(g, 0)]).toEqual([-1, 0, 0, 0, 3]);
  });

  it.each([1, 2, 3, 4, 5, 6])(
    'stronglyConnectedComponents agrees with mutual reachability (seed %i)',
    (seed) => {
      const g = randomGraph(seed, 25, 30);
      const { component, cyclic } = stronglyConnectedComponents(g);
      const reach = Array.from({ length: g.n }, (_, v) => reachableFrom(g, v).seen);
      for (let a = 0; a < g.n; a++) {
        for (let b = 0; b < g.n; b++)
          expect(component[a] === component[b]).toBe(!!reach[a][b] && !!reach[b][a]);
        let selfLoop = false;
        for (let i = g.succStart[a]; i < g.succStart[a + 1]; i++)
          if (g.succ[i] === a) selfLoop = true;
        const size = [...component].filter((c) => c === component[a]).length;
        expect(cyclic[component[a]]).toBe(size > 1 || selfLoop);
      }
    },
  );

  it('stronglyConnectedComponents can leave vertices out', () => {
    // 0 -> 1 -> 2 -> 0: a cycle only through 2
    const g = new Digraph(3, [0, 1, 2], [1, 2, 0]);
    expect(stronglyConnectedComponents(g).cyclic).toEqual([true]);
    const without2 = stronglyConnectedComponents(g, (v) => v !== 2);
    expect(without2.cyclic.every((c) => !c)).toBe(true);
    expect(without2.component[2]).toBe(-1);
  });

  it.each([1, 2, 3, 4, 5, 6])(
    'backEdges leaves an acyclic graph and only drops edges that close a loop (seed %i)',
    (seed) => {
      const g = randomGraph(seed, 25, 30);
      const back = backEdges(g, 0);
      const from: number[] = [];
      const to: number[] = [];
      const seen = reachableFrom(g, 0).seen;
      for (let v = 0; v < g.n; v++)
        for (let i = g.succStart[v]; i < g.succStart[v + 1]; i++) {
          if (!seen[v]) expect(back[i]).toBe(0);
          if (back[i]) {
            // the target reaches the source: the edge closes a loop
            expect(reachableFrom(g, g.succ[i]).seen[v]).toBe(1);
          } else if (seen[v]) {
            from.push(v);
            to.push(g.succ[i]);
          }
        }
      const forward = new Digraph(g.n, from, to);
      expect(stronglyConnectedComponents(forward).cyclic.every((c) => !c)).toBe(true);
      // every vertex reachable before is still reachable
      expect(reachableFrom(forward, 0).order.length).toBe(reachableFrom(g, 0).order.length);
    },
  );

  it('backEdges marks a self-loop and the edge back to the loop head', () => {
    // 0 -> 1 -> 2 -> 1, 2 -> 2, 2 -> 3
    const g = new Digraph(4, [0, 1, 2, 2, 2], [1, 2, 1, 2, 3]);
    const back = backEdges(g, 0);
    const marked: string[] = [];
    for (let v = 0; v < g.n; v++)
      for (let i = g.succStart[v]; i < g.succStart[v + 1]; i++)
        if (back[i]) marked.push(`${v}>${g.succ[i]}`);
    expect(marked.sort()).toEqual(['2>1', '2>2']);
  });

  it('handles a 200,000-vertex chain without recursion', () => {
    const n = 200_000;
    const from = Array.from({ length: n - 1 }, (_, i) => i);
    const to = Array.from({ length: n - 1 }, (_, i) => i + 1);
    const g = new Digraph(n, from, to);
    const idom = immediateDominators(g.reversed(), n - 1);
    expect(idom[0]).toBe(1);
    expect(idom[n - 2]).toBe(n - 1);
    const sccs = stronglyConnectedComponents(g);
    expect(sccs.count).toBe(n);
    expect(reachableFrom(g, 0).order.length).toBe(n);
    expect(backEdges(g, 0).every((b) => b === 0)).toBe(true);
  });
});

describe('namedCycles', () => {
  it('answers each cycle once, members in the order of the ids, ignoring unknown targets', () => {
    const edges: Record<string, string[]> = { a: ['b'], b: ['c', 'ghost'], c: ['a'], d: ['d'], e: ['a'] };
    expect(namedCycles(['e', 'd', 'c', 'b', 'a'], (id) => edges[id] ?? [])).toEqual([
      ['d'],
      ['c', 'b', 'a'],
    ]);
    expect(namedCycles(['x', 'y'], (id) => (id === 'x' ? ['y'] : []))).toEqual([]);
  });
});
