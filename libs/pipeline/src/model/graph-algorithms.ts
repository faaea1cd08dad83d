/**
 * Graph algorithms used by tree validation, on a compact directed graph with vertices 0..n-1.
 * Everything is iterative (no recursion), so a 10,000-node chain cannot overflow the stack, and
 * linear or near-linear: reachability O(n + m), Tarjan's SCC O(n + m), Lengauer–Tarjan
 * dominators O(m log n).
 */

/** A directed multigraph in compressed adjacency form, both directions. */
export class Digraph {
  /** `succ[succStart[v] .. succStart[v+1])` are v's successors (one per edge, repeats kept). */
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  readonly predStart: Int32Array;
  readonly pred: Int32Array;

  constructor(
    readonly n: number,
    from: ArrayLike<number>,
    to: ArrayLike<number>,
  ) {
    const m = from.length;
    this.succStart = new Int32Array(n + 1);
    this.predStart = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) {
      this.succStart[from[e] + 1]++;
      this.predStart[to[e] + 1]++;
    }
    for (let v = 0; v < n; v++) {
      this.succStart[v + 1] += this.succStart[v];
      this.predStart[v + 1] += this.predStart[v];
    }
    this.succ = new Int32Array(m);
    this.pred = new Int32Array(m);
    const sFill = this.succStart.slice(0, n);
    const pFill = this.predStart.slice(0, n);
    for (let e = 0; e < m; e++) {
      this.succ[sFill[from[e]]++] = to[e];
      this.pred[pFill[to[e]]++] = from[e];
    }
  }

  outDegree(v: number): number {
    return this.succStart[v + 1] - this.succStart[v];
  }

  inDegree(v: number): number {
    return this.predStart[v + 1] - this.predStart[v];
  }

  /** The same graph with every edge turned around. */
  reversed(): Digraph {
    const from: number[] = [];
    const to: number[] = [];
    for (let v = 0; v < this.n; v++) {
      for (let i = this.succStart[v]; i < this.succStart[v + 1]; i++) {
        from.push(this.succ[i]);
        to.push(v);
      }
    }
    return new Digraph(this.n, from, to);
  }
}

/**
 * Vertices reachable from `root` following edges forward (or, with `backward`, the vertices
 * that reach `root`); `order` is BFS order.
 */
export function reachableFrom(
  g: Digraph,
  root: number,
  backward = false,
): { seen: Uint8Array; order: number[] } {
  const [start, adj] = backward ? [g.predStart, g.pred] : [g.succStart, g.succ];
  const seen = new Uint8Array(g.n);
  const order: number[] = [root];
  seen[root] = 1;
  for (let head = 0; head < order.length; head++) {
    const v = order[head];
    for (let i = start[v]; i < start[v + 1]; i++) {
      const w = adj[i];
      if (!seen[w]) {
        seen[w] = 1;
        order.push(w);
      }
    }
  }
  return { seen, order };
}

export interface Components {
  /** Component index of each vertex; -1 for vertices left out by `include`. */
  component: Int32Array;
  count: number;
  /** Members of each component. */
  members: number[][];
  /** Whether a component contains a cycle (more than one vertex, or a self-loop). */
  cyclic: boolean[];
}

/**
 * Strongly connected components (Tarjan, iterative). `include` restricts the graph to some
 * vertices (edges touching excluded vertices are ignored). Components come out in reverse
 * topological order (a component is emitted before any component that reaches it).
 */
export function stronglyConnectedComponents(
  g: Digraph,
  include?: (v: number) => boolean,
): Components {
  const n = g.n;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const component = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const members: number[][] = [];
  const cyclic: boolean[] = [];
  // call stack of the DFS: vertex and the next edge position to look at
  const callV = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let counter = 0;

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1 || (include && !include(root))) continue;
    let depth = 0;
    callV[0] = root;
    callEdge[0] = g.succStart[root];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callV[depth];
      const e = callEdge[depth];
      if (e < g.succStart[v + 1]) {
        callEdge[depth] = e + 1;
        const w = g.succ[e];
        if (include && !include(w)) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          depth++;
          callV[depth] = w;
          callEdge[depth] = g.succStart[w];
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      // v is done
      if (low[v] === index[v]) {
        const c = members.length;
        const list: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component[w] = c;
          list.push(w);
        } while (w !== v);
        let isCyclic = list.length > 1;
        if (!isCyclic) {
          for (let i = g.succStart[v]; i < g.succStart[v + 1]; i++)
            if (g.succ[i] === v) isCyclic = true;
        }
        members.push(list);
        cyclic.push(isCyclic);
      }
      depth--;
      if (depth >= 0) {
        const parent = callV[depth];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
    }
  }
  return { component, count: members.length, members, cyclic };
}

/**
 * Immediate dominators from `root` (Lengauer–Tarjan with path compression, iterative).
 * `idom[v]` is v's immediate dominator, -1 for the root and for vertices not reachable from it.
 * For post-dominators, pass `g.reversed()` and the exit vertex.
 */
export function immediateDominators(g: Digraph, root: number): Int32Array {
  const n = g.n;
  const idomOut = new Int32Array(n).fill(-1);
  // DFS numbering (preorder), iterative
  const dfnum = new Int32Array(n).fill(-1);
  const vertex: number[] = [];
  const parent: number[] = [];
  {
    const callV: number[] = [root];
    const callEdge: number[] = [g.succStart[root]];
    dfnum[root] = 0;
    vertex.push(root);
    parent.push(-1);
    while (callV.length) {
      const top = callV.length - 1;
      const v = callV[top];
      const e = callEdge[top];
      if (e < g.succStart[v + 1]) {
        callEdge[top] = e + 1;
        const w = g.succ[e];
        if (dfnum[w] === -1) {
          dfnum[w] = vertex.length;
          vertex.push(w);
          parent.push(dfnum[v]);
          callV.push(w);
          callEdge.push(g.succStart[w]);
        }
      } else {
        callV.pop();
        callEdge.pop();
      }
    }
  }
  // From here on vertices are DFS numbers 0..N-1.
  const N = vertex.length;
  const semi = new Int32Array(N);
  const idom = new Int32Array(N);
  const ancestor = new Int32Array(N).fill(-1);
  const label = new Int32Array(N);
  const bucketHead = new Int32Array(N).fill(-1);
  const bucketNext = new Int32Array(N).fill(-1);
  for (let i = 0; i < N; i++) {
    semi[i] = i;
    label[i] = i;
  }
  const path: number[] = [];
  const evaluate = (v: number): number => {
    if (ancestor[v] === -1) return v;
    // compress the ancestor path of v (iteratively, top-most first)
    let x = v;
    while (ancestor[ancestor[x]] !== -1) {
      path.push(x);
      x = ancestor[x];
    }
    while (path.length) {
      const y = path.pop()!;
      const a = ancestor[y];
      if (semi[label[a]] < semi[label[y]]) label[y] = label[a];
      ancestor[y] = ancestor[a];
    }
    return label[v];
  };

  for (let w = N - 1; w >= 1; w--) {
    const orig = vertex[w];
    for (let i = g.predStart[orig]; i < g.predStart[orig + 1]; i++) {
      const v = dfnum[g.pred[i]];
      if (v === -1) continue; // predecessor not reachable from the root
      const u = evaluate(v);
      if (semi[u] < semi[w]) semi[w] = semi[u];
    }
    bucketNext[w] = bucketHead[semi[w]];
    bucketHead[semi[w]] = w;
    const p = parent[w];
    ancestor[w] = p;
    for (let v = bucketHead[p]; v !== -1; v = bucketNext[v]) {
      const u = evaluate(v);
      idom[v] = semi[u] < semi[v] ? u : p;
    }
    bucketHead[p] = -1;
  }
  for (let w = 1; w < N; w++) {
    if (idom[w] !== semi[w]) idom[w] = idom[idom[w]];
  }
  for (let w = 1; w < N; w++) idomOut[vertex[w]] = vertex[idom[w]];
  return idomOut;
}

/**
 * Marks the back edges of a depth-first search from `root` (iterative): an edge whose target is
 * still on the search stack, i.e. an edge closing a loop. `back[i]` refers to edge `g.succ[i]`.
 * Edges leaving vertices not reachable from `root` are never marked. On a reducible graph (every
 * loop entered through one node, as loops through an exclusive gateway are) the set does not
 * depend on the order of the search.
 */
export function backEdges(g: Digraph, root: number): Uint8Array {
  const back = new Uint8Array(g.succ.length);
  // 0 = unvisited, 1 = on the stack, 2 = done
  const state = new Uint8Array(g.n);
  const callV = new Int32Array(g.n);
  const callEdge = new Int32Array(g.n);
  let depth = 0;
  callV[0] = root;
  callEdge[0] = g.succStart[root];
  state[root] = 1;
  while (depth >= 0) {
    const v = callV[depth];
    const e = callEdge[depth];
    if (e < g.succStart[v + 1]) {
      callEdge[depth] = e + 1;
      const w = g.succ[e];
      if (state[w] === 1) back[e] = 1;
      else if (state[w] === 0) {
        state[w] = 1;
        depth++;
        callV[depth] = w;
        callEdge[depth] = g.succStart[w];
      }
      continue;
    }
    state[v] = 2;
    depth--;
  }
  return back;
}

/**
 * The cycles of a graph given by names (DAG dependences, orderlines' task links): each
 * strongly connected component with a cycle, its members in the order of `ids`. Edges to
 * names not in `ids` are ignored. Linear, iterative (see `stronglyConnectedComponents`).
 */
export function namedCycles(ids: readonly string[], edges: (id: string) => readonly string[]): string[][] {
  const at = new Map(ids.map((id, i) => [id, i]));
  const from: number[] = [];
  const to: number[] = [];
  ids.forEach((id, i) => {
    for (const target of edges(id)) {
      const j = at.get(target);
      if (j !== undefined) {
        from.push(i);
        to.push(j);
      }
    }
  });
  const { members, cyclic } = stronglyConnectedComponents(new Digraph(ids.length, from, to));
  return members
    .filter((_, c) => cyclic[c])
    .map((list) => [...list].sort((a, b) => a - b).map((i) => ids[i]))
    .sort((a, b) => at.get(a[0])! - at.get(b[0])!);
}
