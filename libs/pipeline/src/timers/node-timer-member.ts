/**
 * Pool members of node timers: which run, node, node version and timer of the node an entry
 * stands for, in the pool member text itself, so a scanner needs nothing else to dispatch it
 * and a pool entry survives any process. bamboo's member is
 * `bamboo:v1:node_timer_event:node:<node>:version:<v>:index:<i>`; node ids here are unique
 * per tree, not globally, so the run id is part of it too.
 */

/** One armed timer of one node life. */
export interface NodeTimerRef {
  runId: string;
  nodeId: string;
  /** The node state version the timer was armed under. */
  version: number;
  /** Which of the node's timers (1-based). */
  index: number;
}

/** Ids are URI-encoded so a `:` inside one cannot shift the fields. */
const enc = encodeURIComponent;

/** `<prefix>run:<run>:node:<node>:version:<v>:index:<i>`; `prefix` ends with `:` or is empty. */
export function encodeNodeTimerMember(prefix: string, ref: NodeTimerRef): string {
  return `${prefix}run:${enc(ref.runId)}:node:${enc(ref.nodeId)}:version:${ref.version}:index:${ref.index}`;
}

const MEMBER = /^run:([^:]+):node:([^:]+):version:(\d+):index:(\d+)$/;

/** The timer a member names, or null for text that is not one of `prefix`'s members. */
export function decodeNodeTimerMember(prefix: string, member: string): NodeTimerRef | null {
  if (!member.startsWith(prefix)) return null;
  const m = MEMBER.exec(member.slice(prefix.length));
  if (!m) return null;
  try {
    const version = Number(m[3]);
    const index = Number(m[4]);
    if (!Number.isSafeInteger(version) || !Number.isSafeInteger(index)) return null;
    return { runId: decodeURIComponent(m[1]), nodeId: decodeURIComponent(m[2]), version, index };
  } catch {
    // A malformed %-escape.
    return null;
  }
}
