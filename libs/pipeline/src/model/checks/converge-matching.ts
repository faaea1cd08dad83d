/**
 * Gateway matching (`CONVERGE_MISMATCH`): which converge gateway joins each fork gateway, with
 * bamboo's rules (bamboo_engine/validator/gateway.py, `validate_gateways`), computed without its
 * recursive search so that it stays near-linear.
 *
 * Model
 * - Loops are set aside first: the back edges of a depth-first search from the start (a loop
 *   closing, e.g. an exclusive gateway routing back) are dropped, as bamboo drops a branch that
 *   returns to an earlier gateway or converge. What is left is acyclic. Vertices that reach the
 *   end event along it "run forward"; the others are loop bodies whose every path loops back.
 * - Post-dominators on that acyclic graph, towards the end event for vertices running forward
 *   and towards a virtual loop exit X for loop bodies (a forward vertex's edge into a loop body
 *   is dropped too: that branch only loops back, and bamboo ignores it). A fork's *join* J is
 *   its nearest post-dominator that is not an activity: the first node every branch must pass.
 * - Walking a branch the way bamboo does (skip activities; jump over a nested fork's block to
 *   its join, and past it when that join is a converge not shared with the outer fork) only
 *   ever visits the branch's post-dominator chain, so "the first converge a branch meets" is
 *   memoised per vertex (`firstMet`) and compared with J by depth in the post-dominator tree.
 *
 * Rules (each reported once, on the gateway at fault)
 * - Parallel / conditional parallel gateway: no branch may only loop back; every branch must
 *   first meet J and J must be a ConvergeGateway, matched by no other parallel gateway; J must
 *   be entered by at least as many flows as the gateway has branches (bamboo's count, which
 *   catches branches merging at an activity before the converge). When J is the end event,
 *   the gateway is at fault only if one of its own branches reaches the end without a converge
 *   (or its branches meet different converges); otherwise a nested gateway is, and is reported.
 * - Exclusive gateway: its branches (loop-backs aside) must first meet one converge gateway at
 *   most; outside parallel blocks they may also run to the end event (DESIGN §3), inside one
 *   they may not — the innermost exclusive gateway whose own branch does is reported.
 */
import { backEdges, Digraph, immediateDominators, reachableFrom } from '../graph-algorithms';
import {
  isActivityType,
  isForkType,
  isParallelType,
  listIds,
  nodeLabel,
  type GraphView,
  type Report,
} from './graph-view';

export interface ConvergeMatch {
  /** Fork vertex -> the vertex of its converge gateway; -1 for anything else. */
  match: Int32Array;
  /**
   * Every reachable parallel / conditional parallel gateway has its converge, none shared, so
   * stream analysis is meaningful (a converge entered by too few flows still counts as matched:
   * stream analysis then names the node where branches merge).
   */
  complete: boolean;
}

const UNKNOWN = -2;
const CONVERGE = 'ConvergeGateway';

/**
 * Matches the fork gateways of one tree with their converge gateways and reports every
 * mismatch. `converges` receives fork id -> converge id for the parallel gateways matched.
 * Expects a graph without degree problems or inescapable loops.
 */
export function matchConverges(
  view: GraphView,
  report: Report,
  converges: Record<string, string>,
): ConvergeMatch {
  const { g, nodes, seen, startIdx, endIdx } = view;
  const n = g.n;
  const types: string[] = new Array<string>(n);
  for (let v = 0; v < n; v++) types[v] = nodes[v].type;
  const typeOf = (v: number): string | undefined => (v < n ? types[v] : undefined);
  const X = n; // virtual exit of loop bodies
  const R = n + 1; // virtual root of the post-dominator tree, after the end event and X

  // ---- forward (acyclic) graph and the vertices running forward to the end
  const back = backEdges(g, startIdx);
  const fFrom: number[] = [];
  const fTo: number[] = [];
  for (let u = 0; u < n; u++) {
    if (!seen[u]) continue;
    for (let i = g.succStart[u]; i < g.succStart[u + 1]; i++) {
      if (back[i]) continue;
      fFrom.push(u);
      fTo.push(g.succ[i]);
    }
  }
  const fwd = new Digraph(n, fFrom, fTo);
  const forward = reachableFrom(fwd, endIdx, true).seen;

  // ---- post-dominators: reversed graph rooted at R (end -> R, X -> R, loop-closing vertex -> X)
  const rFrom: number[] = [endIdx, X];
  const rTo: number[] = [R, R];
  for (let e = 0; e < fFrom.length; e++) {
    if (forward[fFrom[e]] === forward[fTo[e]]) {
      rFrom.push(fFrom[e]);
      rTo.push(fTo[e]);
    }
  }
  for (let u = 0; u < n; u++) {
    if (!seen[u] || forward[u]) continue;
    for (let i = g.succStart[u]; i < g.succStart[u + 1]; i++) {
      if (back[i]) {
        rFrom.push(u);
        rTo.push(X);
        break;
      }
    }
  }
  const ipdom = immediateDominators(new Digraph(n + 2, rTo, rFrom), R);

  // depth in the post-dominator tree, and the first non-activity vertex of each chain
  const depth = new Int32Array(n + 2).fill(-1);
  const nextOf = new Int32Array(n + 2).fill(UNKNOWN);
  depth[R] = 0;
  nextOf[R] = R;
  const chain: number[] = [];
  for (let v = 0; v < n + 2; v++) {
    let x = v;
    while (depth[x] === -1 && ipdom[x] !== -1) {
      chain.push(x);
      x = ipdom[x];
    }
    let d = depth[x];
    while (chain.length) {
      const c = chain.pop()!;
      depth[c] = d === -1 ? -1 : ++d;
    }
    x = v;
    while (nextOf[x] === UNKNOWN && isActivityType(typeOf(x))) {
      chain.push(x);
      x = ipdom[x];
      if (x === -1) break;
    }
    const next = x === -1 ? -1 : nextOf[x] !== UNKNOWN ? nextOf[x] : (nextOf[x] = x);
    while (chain.length) nextOf[chain.pop()!] = next;
  }
  /** A fork's join: the first non-activity vertex every path from it passes (X or R: none). */
  const joinOf = (v: number): number => (ipdom[v] === -1 ? -1 : nextOf[ipdom[v]]);

  // ---- what a walk from a non-activity vertex first meets, nested blocks jumped over
  const metNode = new Int32Array(n + 2).fill(UNKNOWN);
  const metVia = new Int32Array(n + 2).fill(-1);
  const pending: number[] = [];
  const firstMet = (start: number): void => {
    let x = start;
    while (metNode[x] === UNKNOWN) {
      if (x >= n) {
        metNode[x] = X;
        break;
      }
      if (x === endIdx || !isForkType(types[x])) {
        metNode[x] = x;
        break;
      }
      const j = joinOf(x);
      if (j === endIdx) {
        metNode[x] = endIdx;
        metVia[x] = x;
        break;
      }
      if (j < 0 || j >= n) {
        metNode[x] = X;
        break;
      }
      pending.push(x);
      // past the nested block: beyond its converge, or on at the gateway its branches join at
      const after = types[j] === CONVERGE ? (ipdom[j] === -1 ? -1 : nextOf[ipdom[j]]) : j;
      x = after < 0 ? X : after;
    }
    while (pending.length) {
      const p = pending.pop()!;
      metNode[p] = metNode[x];
      metVia[p] = metVia[x];
    }
  };
  /**
   * What the branch starting with vertex `b` of a fork whose join is `j` first meets: sets
   * `meetNode` (a converge gateway, the end event, `j`, or X when the branch only loops back)
   * and `meetVia` (the nested fork it reached the end event through, or -1). Scalars, not an
   * object: this runs once per branch.
   */
  let meetNode = X;
  let meetVia = -1;
  const walk = (j: number, b: number): void => {
    const x = nextOf[b];
    meetVia = -1;
    if (x < 0) meetNode = X;
    else if (x === j) meetNode = j;
    else {
      firstMet(x);
      const met = metNode[x];
      if (met === j) {
        meetNode = j;
        meetVia = metVia[x];
      } else if (j >= 0 && depth[j] > depth[met]) meetNode = j;
      else {
        meetNode = met;
        meetVia = metVia[x];
      }
    }
  };

  // ---- every reachable fork
  const match = new Int32Array(n).fill(-1);
  const claimants = new Map<number, number[]>();
  /** Nested forks whose own join is the end event, reached from each fork's branches. */
  const escapesVia = new Map<number, number[]>();
  /** Exclusive gateways with a branch of their own running to the end event. */
  const escapesDirectly = new Uint8Array(n);
  let complete = true;
  let mismatches = 0;
  /** Parallel gateways left unmatched because a nested gateway runs to the end event. */
  const delegated: number[] = [];
  const mismatch = (v: number, message: string) => {
    mismatches++;
    report('CONVERGE_MISMATCH', nodes[v].path, message, nodes[v].id);
  };

  for (let f = 0; f < n; f++) {
    const type = types[f];
    if (!seen[f] || !isForkType(type)) continue;
    const fork = nodes[f];
    const parallel = isParallelType(type);
    const j = joinOf(f);
    let loopBranches: string[] | undefined;
    // distinct converge gateways met first: the first one, and whether another one was too
    let met = -1;
    let metOther = false;
    let direct = false;
    for (let i = g.succStart[f]; i < g.succStart[f + 1]; i++) {
      const b = g.succ[i];
      if (back[i] || (forward[f] && !forward[b])) {
        (loopBranches ??= []).push(nodes[b].id);
        continue;
      }
      walk(j, b);
      if (meetNode >= n) continue;
      if (meetNode === endIdx) {
        if (meetVia === -1) direct = true;
        else {
          const vias = escapesVia.get(f);
          if (vias) vias.push(meetVia);
          else escapesVia.set(f, [meetVia]);
        }
      } else if (types[meetNode] === CONVERGE) {
        if (met === -1) met = meetNode;
        else if (met !== meetNode) metOther = true;
      }
    }
    /** The converge gateways the branches first meet (only for messages: walks again). */
    const metIds = (): string => {
      const ids = new Set<string>();
      for (let i = g.succStart[f]; i < g.succStart[f + 1]; i++) {
        if (back[i] || (forward[f] && !forward[g.succ[i]])) continue;
        walk(j, g.succ[i]);
        if (meetNode < n && types[meetNode] === CONVERGE) ids.add(nodes[meetNode].id);
      }
      return listIds([...ids]);
    };

    if (!parallel) {
      if (metOther)
        mismatch(
          f,
          `the branches of ${nodeLabel(fork)} first meet different converge gateways (${metIds()}); all branches of an exclusive gateway must meet at one converge gateway, or run to the end event outside parallel blocks`,
        );
      if (direct && j === endIdx) escapesDirectly[f] = 1;
      continue;
    }

    if (loopBranches) {
      complete = false;
      mismatch(
        f,
        `the branches of ${nodeLabel(fork)} must all run forward to its converge gateway, but the branch to ${listIds(loopBranches)} only leads back into a loop`,
      );
    } else if (j === X || j === R || j === -1) {
      complete = false;
      mismatch(
        f,
        `the branches of ${nodeLabel(fork)} never meet at a converge gateway: they only lead back into loops`,
      );
    } else if (j === endIdx) {
      complete = false;
      if (direct)
        mismatch(
          f,
          `the branches of ${nodeLabel(fork)} do not all meet at one converge gateway: some reach the end event without passing one`,
        );
      else if (metOther)
        mismatch(
          f,
          `the branches of ${nodeLabel(fork)} first meet different converge gateways (${metIds()}); they must all meet at one`,
        );
      // else a nested gateway runs to the end event: it reports itself (a parallel one above,
      // an exclusive one below)
      else delegated.push(f);
    } else if (types[j] !== CONVERGE) {
      complete = false;
      mismatch(
        f,
        `the branches of ${nodeLabel(fork)} first meet at ${nodeLabel(nodes[j])}, not at a converge gateway`,
      );
    } else if (metOther || (met !== -1 && met !== j)) {
      complete = false;
      mismatch(
        f,
        `the branches of ${nodeLabel(fork)} first meet different converge gateways (${metIds()}); they must all meet at one`,
      );
    } else {
      const branches = g.outDegree(f);
      const entering = g.inDegree(j);
      if (entering < branches)
        mismatch(
          f,
          `${nodeLabel(fork)} has ${branches} branches but its converge gateway '${nodes[j].id}' is entered by ${entering} flow${entering === 1 ? '' : 's'}: branches merge before reaching it`,
        );
      const c = claimants.get(j);
      if (c) c.push(f);
      else claimants.set(j, [f]);
    }
  }

  // ---- exclusive gateways inside parallel blocks running to the end event
  const enclosing = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (const [f, vias] of escapesVia) {
    if (!isParallelType(types[f])) continue;
    for (const h of vias)
      if (enclosing[h] === -1) {
        enclosing[h] = f;
        queue.push(h);
      }
  }
  for (let head = 0; head < queue.length; head++) {
    const h = queue[head];
    const block = isParallelType(types[h]) ? h : enclosing[h];
    for (const k of escapesVia.get(h) ?? [])
      if (enclosing[k] === -1) {
        enclosing[k] = block;
        queue.push(k);
      }
    if (escapesDirectly[h])
      mismatch(
        h,
        `${nodeLabel(nodes[h])} lies in a branch of ${nodeLabel(nodes[enclosing[h]])}, but one of its branches runs to the end event without passing a converge gateway; inside a parallel block every branch must reach the block's converge gateway`,
      );
  }

  // A parallel gateway whose join is the end event always has a gateway at fault inside (its
  // own branch, two converges, or a nested gateway reaching the end); never accept it silently.
  if (delegated.length && mismatches === 0)
    mismatch(
      delegated[0],
      `the branches of ${nodeLabel(nodes[delegated[0]])} do not all meet at one converge gateway: some reach the end event`,
    );

  // ---- a converge gateway joins one parallel gateway at most
  for (const [j, forks] of claimants) {
    if (forks.length > 1) {
      complete = false;
      const cg = nodes[j];
      report(
        'CONVERGE_MISMATCH',
        cg.path,
        `converge gateway '${cg.id}' would join the branches of ${listIds(forks.map((f) => nodes[f].id))}; each parallel or conditional parallel gateway needs a converge gateway of its own`,
        cg.id,
      );
      continue;
    }
    match[forks[0]] = j;
    converges[nodes[forks[0]].id] = nodes[j].id;
  }
  return { match, complete };
}
