/**
 * Stream analysis (`STREAM`): which parallel stream each node runs in, and which nodes two
 * streams would both run.
 */
import { nodeLabel, type GraphView, type Report } from './graph-view';

/**
 * Labels every reachable node with the stream it runs in (the main line, or branch k of a
 * fork gateway) in one breadth-first pass over the whole graph, loops included, and reports a
 * node reached with two labels. A fork's branches get fresh labels and its converge gets the
 * fork's own label; a flow into a matched converge from one of its fork's branches is a branch
 * arriving and carries no label on; any other flow carries its source's label (a flow into a
 * matched converge from the fork's own stream thus passes through: bamboo accepts it, shared
 * fixture 12 has `eg_4 -> cg_4`).
 *
 * `match`: fork vertex -> its converge vertex (-1 for other vertices); every reachable parallel
 * gateway must have one.
 */
export function labelStreams(view: GraphView, match: Int32Array, report: Report): void {
  const { g, nodes: list, startIdx } = view;
  const n = g.n;
  const owner = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) if (match[v] !== -1) owner[match[v]] = v;
  const label = new Int32Array(n).fill(-1);
  const streamFork: number[] = [-1];
  const streamBranch: number[] = [0];
  const reported = new Uint8Array(n);
  const cameFrom = new Int32Array(n).fill(-1);
  const streamName = (s: number) =>
    s === 0 ? 'the main line' : `branch ${streamBranch[s]} of '${list[streamFork[s]].id}'`;
  const queue: number[] = [startIdx];
  label[startIdx] = 0;
  const reach = (w: number, s: number, via: number) => {
    if (label[w] === -1) {
      label[w] = s;
      cameFrom[w] = via;
      queue.push(w);
    } else if (label[w] !== s && !reported[w]) {
      reported[w] = 1;
      const node = list[w];
      const first = cameFrom[w] === -1 ? '' : ` (via '${list[cameFrom[w]].id}')`;
      report(
        'STREAM',
        node.path,
        `${nodeLabel(node)} is reached from two parallel streams: ${streamName(label[w])}${first} and ${streamName(s)} (via '${list[via].id}')`,
        node.id,
      );
    }
  };
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    const s = label[v];
    const c = match[v];
    if (c !== -1) {
      reach(c, s, v);
      let branch = 0;
      for (let i = g.succStart[v]; i < g.succStart[v + 1]; i++) {
        branch++;
        const w = g.succ[i];
        if (w === c) continue;
        streamFork.push(v);
        streamBranch.push(branch);
        reach(w, streamFork.length - 1, v);
      }
      continue;
    }
    for (let i = g.succStart[v]; i < g.succStart[v + 1]; i++) {
      const w = g.succ[i];
      if (owner[w] !== -1 && streamFork[s] === owner[w]) continue;
      reach(w, s, v);
    }
  }
}
