/**
 * E: validation time of 10,000-node trees, three shapes (linear, 100 branches × 100 parallel,
 * the nested mix of every construct). In-process (`validateTree`, the pure cost, mode-independent)
 * and through `POST /pipelines/validate` of the engine under test (JSON parsing, request DTO and
 * answer included) for the nested mix.
 */
import {
  linearTree,
  nestedMixTree,
  parallelTree,
  validateTree,
  type PipelineTree,
} from '@app/pipeline';
import { median, msSince, round } from '../lib/stats';
import { countNodes } from '../lib/trees';
import type { ScenarioContext } from './context';

export interface ValidationFigure {
  nodes: number;
  medianMs: number;
  repeats: number;
}

export type InProcessValidationResult = Record<
  'linear' | 'parallel' | 'nestedMix',
  ValidationFigure
>;

export interface HttpValidationResult extends ValidationFigure {
  bodyBytes: number;
}

function shapes(nodes: number): Record<keyof InProcessValidationResult, PipelineTree> {
  const branches = Math.round(Math.sqrt(nodes));
  return {
    linear: linearTree(nodes - 2),
    parallel: parallelTree(branches, Math.round((nodes - 4) / branches)),
    nestedMix: nestedMixTree({ nodes }).tree,
  };
}

async function timeMedian(repeats: number, fn: () => unknown): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(msSince(t));
  }
  return round(median(times), 2);
}

function mustBeValid(name: string, r: { valid: boolean; errors: unknown[] }): void {
  if (!r.valid) throw new Error(`${name} tree is invalid: ${JSON.stringify(r.errors.slice(0, 3))}`);
}

/** In-process, no engine needed. */
export async function scenarioEInProcess(
  nodes: number,
  repeats: number,
): Promise<InProcessValidationResult> {
  const out = {} as InProcessValidationResult;
  for (const [name, tree] of Object.entries(shapes(nodes)) as [
    keyof InProcessValidationResult,
    PipelineTree,
  ][]) {
    const medianMs = await timeMedian(repeats, () => mustBeValid(name, validateTree(tree)));
    out[name] = { nodes: countNodes(tree), medianMs, repeats };
  }
  return out;
}

/** Through the API of the engine under test, nested-mix tree. */
export async function scenarioEHttp(ctx: ScenarioContext): Promise<HttpValidationResult> {
  const tree = nestedMixTree({ nodes: ctx.sizes.eNodes }).tree;
  const repeats = Math.min(5, ctx.sizes.eRepeats);
  const medianMs = await timeMedian(repeats, async () =>
    mustBeValid('nestedMix', await ctx.target.client.validate(tree)),
  );
  return {
    nodes: countNodes(tree),
    medianMs,
    repeats,
    bodyBytes: Buffer.byteLength(JSON.stringify({ definition: tree })),
  };
}
