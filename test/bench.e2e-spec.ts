import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SCENARIOS as BENCH_SCENARIOS } from '../bench/lib/options';
import { ensureBuilt } from './utils/cluster';
import { isCi, mysqlUrlForTests, redisUrlForTests } from './utils/services';

jest.setTimeout(300_000);

const ROOT = resolve(__dirname, '..');
/** Every scenario the bench knows runs by default: the result must hold each one's figures. */
const SCENARIOS: readonly string[] = BENCH_SCENARIOS;

/**
 * The Redis db the bench may flush: `TEST_BENCH_REDIS_URL`, else the test Redis server with db
 * 12 (13 when the suites themselves use 12), so it never empties the suites' db.
 */
function benchRedisUrl(testRedisUrl: string): string {
  const own = process.env.TEST_BENCH_REDIS_URL?.trim();
  if (own) return own;
  const u = new URL(testRedisUrl);
  u.pathname = u.pathname.replace(/^\/+/, '') === '12' ? '/13' : '/12';
  return u.toString();
}

/** `npm run bench -- <args>`: its exit code and output (stdout and stderr together). */
function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((res, rej) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    child.once('error', rej);
    child.once('exit', (code) => res({ code, output }));
  });
}

/**
 * The bench's short mode (`--quick --black-box --no-build`), as CI runs it: every scenario in
 * in-process embedded, black-box embedded (`npm start` as a child process) and distributed
 * mode (api + worker + scanner processes over MySQL and Redis). Only the structure of the
 * result is checked — exit code, every scenario's figures for every mode, no errors — never a
 * timing: the figures of a shared CI box mean nothing.
 * Distributed mode needs MySQL and Redis (mandatory in CI); without them, outside CI, the
 * suite runs the two embedded modes and says loudly that distributed was skipped.
 */
describe('npm run bench -- --quick --black-box (short mode)', () => {
  const mysqlUrl = mysqlUrlForTests();
  const redisUrl = redisUrlForTests();
  const distributed = Boolean(mysqlUrl && redisUrl);
  const resultsDir = mkdtempSync(join(tmpdir(), 'pipeline-bench-'));
  const modes = distributed
    ? ['embedded', 'embedded-black-box', 'distributed']
    : ['embedded', 'embedded-black-box'];

  if (!distributed) {
    const missing = [
      mysqlUrl ? '' : 'MySQL (CI_MYSQL_URL or TEST_MYSQL_URL)',
      redisUrl ? '' : 'Redis (CI_REDIS_URL or TEST_REDIS_URL)',
    ]
      .filter(Boolean)
      .join(' and ');
    if (isCi()) {
      it('needs MySQL and Redis in CI', () => {
        throw new Error(
          `the bench's distributed mode is required in CI: set ${missing} (.ci/run does)`,
        );
      });
      return;
    }
    process.stderr.write(
      `\nSKIPPED: the bench's distributed mode needs ${missing}; running the embedded modes only\n`,
    );
  }

  afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

  it(`runs every scenario in ${modes.join(', ')} mode and writes every figure`, async () => {
    ensureBuilt();
    const args = ['--quick', '--black-box', '--no-build', '--out', resultsDir];
    args.push('--mode', distributed ? 'both' : 'embedded');
    if (mysqlUrl) args.push('--mysql-url', mysqlUrl);
    // Never the suites' own db: the bench flushes its Redis db.
    if (redisUrl) args.push('--redis-url', benchRedisUrl(redisUrl));
    const { code, output } = await runBench(args);
    if (code !== 0) throw new Error(`npm run bench exited ${code}:\n${output.slice(-6000)}`);

    const files = readdirSync(resultsDir).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const result = JSON.parse(readFileSync(join(resultsDir, files[0]), 'utf8')) as {
      quick: boolean;
      blackBox: boolean;
      scenarios: string[];
      validation?: unknown;
      modes: Record<
        string,
        Record<string, unknown> & {
          errors: Record<string, string>;
          processes?: { role: string; pid: number }[];
        }
      >;
    };
    expect(result.quick).toBe(true);
    expect(result.blackBox).toBe(true);
    expect(result.scenarios).toEqual(SCENARIOS);
    expect(result.validation).toBeDefined();
    expect(Object.keys(result.modes).sort()).toEqual([...modes].sort());
    for (const mode of modes) {
      const m = result.modes[mode];
      expect({ mode, errors: m.errors }).toEqual({ mode, errors: {} });
      for (const id of SCENARIOS)
        expect({ mode, id, present: m[id] !== undefined }).toEqual({ mode, id, present: true });
      // A and B carry the throughput facts; transactions are null only where the mode cannot see them.
      for (const id of ['A', 'B']) {
        const t = m[id] as {
          activitiesPerSecond: number;
          transactions: { perActivity: number | null; perSecond: number | null; source: string };
        };
        expect(typeof t.activitiesPerSecond).toBe('number');
        expect(typeof t.transactions.source).toBe('string');
        if (mode === 'embedded-black-box') expect(t.transactions.perActivity).toBeNull();
        else expect(typeof t.transactions.perSecond).toBe('number');
      }
      expect(m.processes?.length).toBeGreaterThan(0);
    }
    expect(result.modes['embedded-black-box'].processes?.map((p) => p.role)).toEqual(['api']);
    if (distributed) {
      expect(result.modes.distributed.processes?.map((p) => p.role).sort()).toEqual([
        'api',
        'scanner',
        'worker-1',
      ]);
    }
    expect(output).toMatch(/embedded \(black-box\)/);
  });
});
