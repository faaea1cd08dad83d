/**
 * Every conformance fixture (README in the conformance folder) checked against validateTree,
 * case by case and without an app: `validation/*.json` and the `tree` of `execution/*.json`,
 * of the shared folder (CONFORMANCE_DIR when set, else the one beside the repo) and of the
 * project's own (test/conformance: regressions and bamboo parity cases). New fixtures are
 * picked up without code changes.
 *
 * The shared fixtures are the contract: their listed errors must be among those reported. The
 * project's own also say which node is at fault: every error reported must be listed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { STANDARD_COMPONENTS } from '../components/standard';
import { getPipelineComponentMetadata } from '../components/pipeline-component.decorator';
import { compileDefinition } from '../formats';
import type { Gateway, PipelineTree, SubProcess } from './tree.types';
import { validateTree } from './validate-tree';
import type { ValidationResult } from './validation.types';

const CONFORMANCE_DIR =
  process.env.CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../../../shared/conformance');

interface Fixture {
  name: string;
  about?: string;
  /** `tree` when absent; other formats are compiled first (`dag` fixtures are not replayed here yet). */
  format?: string;
  tree: PipelineTree;
  expect: { valid: boolean; errors?: Array<{ code: string; nodeId?: string }> };
}

const PROJECT_DIR = path.resolve(__dirname, '../../../../test/conformance');

function load(folder: string, root = CONFORMANCE_DIR): Array<[string, Fixture]> {
  const dir = path.join(root, folder);
  if ((root === PROJECT_DIR || folder === 'orderlines') && !fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Fixture] as [string, Fixture])
    .filter(([, fixture]) => fixture.format !== 'dag');
}

/** Every gateway of a tree and its nested trees, with the tree it belongs to. */
function gatewaysOf(tree: PipelineTree): Array<{ gateway: Gateway; tree: PipelineTree }> {
  const out: Array<{ gateway: Gateway; tree: PipelineTree }> = [];
  const stack = [tree];
  while (stack.length) {
    const t = stack.pop()!;
    for (const g of Object.values(t.gateways)) out.push({ gateway: g, tree: t });
    for (const a of Object.values(t.activities))
      if (a.type === 'SubProcess') stack.push((a as SubProcess).pipeline);
  }
  return out;
}

/** A valid tree's converges: every fork gateway maps to a ConvergeGateway of its own tree, none shared. */
function expectSensibleConverges(tree: PipelineTree, converges: Record<string, string>): void {
  const all = gatewaysOf(tree);
  const forks = all.filter(
    ({ gateway }) =>
      gateway.type === 'ParallelGateway' || gateway.type === 'ConditionalParallelGateway',
  );
  expect(Object.keys(converges).sort()).toEqual(forks.map(({ gateway }) => gateway.id).sort());
  for (const { gateway, tree: t } of forks) {
    const target = t.gateways[converges[gateway.id]];
    expect(target?.type).toBe('ConvergeGateway');
  }
  expect(new Set(Object.values(converges)).size).toBe(Object.values(converges).length);
}

/** Codes of the standard components (orderlines' samples among them), as the app registers them. */
const STANDARD_CODES = new Set(STANDARD_COMPONENTS.map((c) => getPipelineComponentMetadata(c)!.code));

/**
 * A tree fixture validated as is; another format compiled first (with the standard components
 * registered), its internal tree then checked like a tree fixture's.
 */
function check(fixture: Fixture): { result: ValidationResult; tree: PipelineTree } {
  if ((fixture.format ?? 'tree') === 'tree') return { result: validateTree(fixture.tree), tree: fixture.tree };
  const compiled = compileDefinition(fixture.format!, fixture.tree, { componentExists: (code) => STANDARD_CODES.has(code) });
  if (!compiled.valid) return { result: { valid: false, errors: compiled.errors, converges: {} }, tree: fixture.tree };
  return { result: validateTree(compiled.tree), tree: compiled.tree };
}

function expectOutcome(fixture: Fixture, exact = false): void {
  const { result, tree } = check(fixture);
  if (fixture.expect.valid) {
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expectSensibleConverges(tree, result.converges);
    return;
  }
  expect(result.valid).toBe(false);
  for (const want of fixture.expect.errors ?? []) {
    const found = result.errors.some(
      (e) => e.code === want.code && (want.nodeId === undefined || e.nodeId === want.nodeId),
    );
    if (!found)
      throw new Error(
        `${fixture.name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(result.errors, null, 2)}`,
      );
  }
  if (!exact) return;
  const listed = fixture.expect.errors ?? [];
  const extra = result.errors.filter(
    (e) =>
      !listed.some(
        (want) => want.code === e.code && (want.nodeId === undefined || want.nodeId === e.nodeId),
      ),
  );
  if (extra.length)
    throw new Error(`${fixture.name}: not listed in expect.errors: ${JSON.stringify(extra, null, 2)}`);
}

describe('conformance fixtures', () => {
  const validation = load('validation');
  const execution = load('execution');

  it('finds the fixtures', () => {
    expect(validation.length).toBeGreaterThan(0);
    expect(execution.length).toBeGreaterThan(0);
  });

  describe('validation/', () => {
    it.each(validation)('%s', (_file, fixture) => expectOutcome(fixture));
  });

  describe('execution/ trees', () => {
    it.each(execution)('%s', (_file, fixture) => expectOutcome(fixture));
  });

  describe('orderlines/', () => {
    const shared = load('orderlines');
    it('finds the fixtures', () => expect(shared.length).toBeGreaterThan(0));
    it.each(shared)('%s', (_file, fixture) => expectOutcome(fixture));
  });

  describe('project/', () => {
    const own = [
      ...load('validation', PROJECT_DIR).map(([f, x]) => [`validation/${f}`, x] as const),
      ...load('execution', PROJECT_DIR).map(([f, x]) => [`execution/${f}`, x] as const),
      ...load('orderlines', PROJECT_DIR).map(([f, x]) => [`orderlines/${f}`, x] as const),
    ];

    it('finds the bamboo parity fixtures', () => {
      expect(own.filter(([f]) => f.startsWith('validation/bamboo-')).length).toBeGreaterThan(20);
    });

    it.each(own)('%s', (_file, fixture) => expectOutcome(fixture, true));
  });

  describe('12-big-mixed-graph-with-loops', () => {
    const fixture = validation.find(([f]) => f.startsWith('12-'))?.[1];

    it('is invalid by default (CYCLE) and valid with cycle tolerance', () => {
      expect(fixture).toBeDefined();
      expect(validateTree(fixture!.tree).errors.map((e) => e.code)).toContain('CYCLE');
      const tolerant = validateTree(fixture!.tree, { cycleTolerate: true });
      expect(tolerant.errors).toEqual([]);
      expect(tolerant.valid).toBe(true);
      // also through the tree's own option
      expect(validateTree({ ...fixture!.tree, options: { cycle_tolerate: true } }).valid).toBe(
        true,
      );
    });

    it('matches every fork gateway with the converge its branches meet at', () => {
      const { converges } = validateTree(fixture!.tree, { cycleTolerate: true });
      expect(converges).toEqual({ pg_1: 'cg_3', pg_2: 'cg_1', pg_3: 'cg_4' });
      expectSensibleConverges(fixture!.tree, converges);
    });
  });

  it('13-exclusive-loops-back-to-activities is valid with cycle tolerance', () => {
    const fixture = validation.find(([f]) => f.startsWith('13-'))?.[1];
    expect(fixture).toBeDefined();
    expect(validateTree(fixture!.tree, { cycleTolerate: true }).errors).toEqual([]);
  });
});
