import { compileTree, type CompiledTree } from '../engine/compiled-tree';
import type { PipelineTree } from '../model/tree.types';

/**
 * Compiled trees by run id, least recently used evicted. A run's tree never changes, so a
 * worker parses and indexes it once, however many nodes it walks.
 */
export class TreeCache {
  private readonly map = new Map<string, CompiledTree>();

  constructor(private readonly capacity = 500) {}

  async get(runId: string, load: () => Promise<{ tree: PipelineTree; converges: Record<string, string> } | null>): Promise<CompiledTree | null> {
    const hit = this.map.get(runId);
    if (hit) {
      this.map.delete(runId);
      this.map.set(runId, hit);
      return hit;
    }
    const loaded = await load();
    if (!loaded) return null;
    return this.put(runId, compileTree(loaded.tree, loaded.converges));
  }

  put(runId: string, compiled: CompiledTree): CompiledTree {
    this.map.set(runId, compiled);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
    return compiled;
  }
}
