import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** One conformance case (see the README of the conformance folder). */
export interface ConformanceCase {
  /** Path relative to the conformance folder, e.g. `execution/01-exclusive-default-branch.json`. */
  file: string;
  name: string;
  about?: string;
  format?: string;
  tree: unknown;
  inputs?: Record<string, unknown>;
  expect: {
    valid: boolean;
    errors?: { code: string; nodeId?: string }[];
    state?: string;
    /** Expected node state, `null` = never ran (absent from the run's nodes). */
    nodes?: Record<string, string | null>;
    outputs?: Record<string, unknown>;
    /** `GET /runs/:id/context` holds these variables once the run settles. */
    context?: Record<string, unknown>;
  };
}

/** `CONFORMANCE_DIR`, or the shared fixtures next to the repository. */
export function conformanceDir(): string {
  return process.env.CONFORMANCE_DIR
    ? resolve(process.env.CONFORMANCE_DIR)
    : resolve(__dirname, '../../../shared/conformance');
}

/** The project's own fixtures (same format as the shared ones): regressions and parity cases. */
export const PROJECT_CONFORMANCE_DIR = resolve(__dirname, '../conformance');

/**
 * The folders of a conformance tree that are replayed. `dag/` holds cases in a format not
 * built yet (DESIGN §8.1): it joins this list with the formats work.
 */
export const CONFORMANCE_FOLDERS = ['validation', 'execution', 'dag', 'orderlines'] as const;

/**
 * Every `*.json` under the replayed folders of `dir`, recursively, sorted by path: new
 * fixtures need no code change. `prefix` labels the cases of a second tree (e.g. `project/`).
 */
export function loadConformanceCases(dir = conformanceDir(), prefix = ''): ConformanceCase[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.json')) files.push(full);
    }
  };
  for (const folder of CONFORMANCE_FOLDERS) {
    const sub = join(dir, folder);
    if (existsSync(sub)) walk(sub);
  }
  return files.map((full) => {
    const parsed = JSON.parse(readFileSync(full, 'utf8')) as Omit<ConformanceCase, 'file'>;
    return { ...parsed, file: prefix + relative(dir, full) };
  });
}

/** The shared cases followed by the project's own (`project/…`). */
export function loadAllConformanceCases(): ConformanceCase[] {
  return [...loadConformanceCases(), ...loadConformanceCases(PROJECT_CONFORMANCE_DIR, 'project/')];
}

/** A node map as `GET /runs/:id` answers it (sub-process nodes under `children`). */
export interface NodeTree {
  [nodeId: string]: { state: string; children?: NodeTree };
}

/** Finds a node's state anywhere in the map, sub-processes included; `null` when it never ran. */
export function findNodeState(nodes: NodeTree | undefined, nodeId: string): string | null {
  if (!nodes) return null;
  if (nodes[nodeId]) return nodes[nodeId].state;
  for (const node of Object.values(nodes)) {
    const found = findNodeState(node.children, nodeId);
    if (found !== null) return found;
  }
  return null;
}
