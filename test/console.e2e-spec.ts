/**
 * The web console (DESIGN §10) in a real headless Chromium (Debian's `chromium`, driven by
 * `playwright-core`) against the real api booted in-process, serving the built console at
 * /console. Also the static serving itself (over HTTP, no browser needed).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, describeWithChromium } from './utils/chromium';
import { ensureConsoleBuilt } from './utils/console-build';
import { startEmbeddedApp, type EmbeddedApp } from './utils/embedded-app';

const API = '/api/v1';
/**
 * The README's picture of a run: written to docs/ with `UPDATE_CONSOLE_SCREENSHOT=1` (or when it
 * is missing), else to the temp folder, so a test run leaves the checkout clean.
 */
const README_SCREENSHOT = resolve(__dirname, '..', 'docs', 'console.png');
const SCREENSHOT = process.env.UPDATE_CONSOLE_SCREENSHOT === '1' || !existsSync(README_SCREENSHOT) ? README_SCREENSHOT : join(tmpdir(), `console-${process.pid}.png`);
const plain = (value: unknown) => ({ type: 'plain', value });
const act = (id: string, name: string, incoming: string[], outgoing: string, code: string, inputs: Record<string, unknown> = {}) => ({
  id,
  type: 'ServiceActivity',
  name,
  incoming,
  outgoing,
  component: { code, inputs },
});

/** start → greet → approve (waits for a callback) → route: n > 1 → fan out (ship ‖ invoice sub-process) → join, else manual → end. */
function approvalTree() {
  const invoice = {
    id: 'sub',
    start_event: { id: 'is', type: 'EmptyStartEvent', incoming: '', outgoing: 'i1' },
    end_event: { id: 'ie', type: 'EmptyEndEvent', incoming: ['i2'], outgoing: '' },
    activities: { bill: act('bill', 'Bill', ['i1'], 'i2', 'echo', { amount: plain(10) }) },
    gateways: {},
    flows: { i1: { id: 'i1', source: 'is', target: 'bill' }, i2: { id: 'i2', source: 'bill', target: 'ie' } },
    data: { inputs: {}, outputs: [] },
  };
  return {
    id: 'approval',
    start_event: { id: 's', type: 'EmptyStartEvent', name: 'start', incoming: '', outgoing: 'f1' },
    end_event: { id: 'e', type: 'EmptyEndEvent', name: 'end', incoming: ['f12'], outgoing: '' },
    activities: {
      greet: act('greet', 'Greet', ['f1'], 'f2', 'echo', { text: { type: 'splice', value: 'hello ${who}' } }),
      approve: act('approve', 'Approve', ['f2'], 'f3', 'wait_callback'),
      ship: act('ship', 'Ship', ['f6'], 'f8', 'echo', { what: plain('parcel') }),
      sub: { id: 'sub', type: 'SubProcess', name: 'Invoice', incoming: ['f7'], outgoing: 'f9', pipeline: invoice },
      manual: act('manual', 'Manual review', ['f5'], 'f11', 'noop'),
    },
    gateways: {
      route: { id: 'route', type: 'ExclusiveGateway', name: 'Route', incoming: ['f3'], outgoing: ['f4', 'f5'], conditions: { f4: { evaluate: '${n} > 1' } }, default_condition: { flow_id: 'f5' } },
      fan: { id: 'fan', type: 'ParallelGateway', name: 'Fan out', incoming: ['f4'], outgoing: ['f6', 'f7'] },
      join: { id: 'join', type: 'ConvergeGateway', name: 'Join', incoming: ['f8', 'f9'], outgoing: 'f10' },
      merge: { id: 'merge', type: 'ConvergeGateway', name: 'Merge', incoming: ['f10', 'f11'], outgoing: 'f12' },
    },
    flows: {
      f1: { id: 'f1', source: 's', target: 'greet' },
      f2: { id: 'f2', source: 'greet', target: 'approve' },
      f3: { id: 'f3', source: 'approve', target: 'route' },
      f4: { id: 'f4', source: 'route', target: 'fan' },
      f5: { id: 'f5', source: 'route', target: 'manual' },
      f6: { id: 'f6', source: 'fan', target: 'ship' },
      f7: { id: 'f7', source: 'fan', target: 'sub' },
      f8: { id: 'f8', source: 'ship', target: 'join' },
      f9: { id: 'f9', source: 'sub', target: 'join' },
      f10: { id: 'f10', source: 'join', target: 'merge' },
      f11: { id: 'f11', source: 'manual', target: 'merge' },
      f12: { id: 'f12', source: 'merge', target: 'e' },
    },
    data: { inputs: { '${who}': plain('world'), '${n}': plain(1) }, outputs: [] },
  };
}

/** start → risky (fails until retried with `fail: false`) → route (no condition holds, no default: fails) → done | other → join → end. */
function flakyTree() {
  return {
    id: 'flaky',
    start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f1' },
    end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f7'], outgoing: '' },
    activities: {
      risky: act('risky', 'Risky', ['f1'], 'f2', 'fail', { message: plain('boom') }),
      done: act('done', 'Done', ['f3'], 'f5', 'noop'),
      other: act('other', 'Other', ['f4'], 'f6', 'noop'),
    },
    gateways: {
      route: { id: 'route', type: 'ExclusiveGateway', name: 'Route', incoming: ['f2'], outgoing: ['f3', 'f4'], conditions: { f3: { evaluate: '${n} > 100' }, f4: { evaluate: '${n} > 200' } } },
      join: { id: 'join', type: 'ConvergeGateway', name: 'Join', incoming: ['f5', 'f6'], outgoing: 'f7' },
    },
    flows: {
      f1: { id: 'f1', source: 's', target: 'risky' },
      f2: { id: 'f2', source: 'risky', target: 'route' },
      f3: { id: 'f3', source: 'route', target: 'done' },
      f4: { id: 'f4', source: 'route', target: 'other' },
      f5: { id: 'f5', source: 'done', target: 'join' },
      f6: { id: 'f6', source: 'other', target: 'join' },
      f7: { id: 'f7', source: 'join', target: 'e' },
    },
    data: { inputs: { '${n}': plain(1) }, outputs: [] },
  };
}

/** start → an external task on `topic` → end. */
function externalTree(topic: string) {
  return {
    id: 'billing',
    start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f1' },
    end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f2'], outgoing: '' },
    activities: { charge: act('charge', 'Charge', ['f1'], 'f2', 'external_task', { topic: plain(topic), payload: plain({ order: 7 }) }) },
    gateways: {},
    flows: { f1: { id: 'f1', source: 's', target: 'charge' }, f2: { id: 'f2', source: 'charge', target: 'e' } },
    data: { inputs: {}, outputs: [] },
  };
}

async function createPipeline(target: EmbeddedApp, name: string, definition: unknown, token?: string): Promise<string> {
  let req = target.http().post(`${API}/pipelines`);
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  const res = await req.send({ name, definition });
  if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

const nodeAt = (page: Page, id: string) => page.locator(`svg.graph g.node[data-node-id="${id}"]`);

describe('console static files (/console)', () => {
  let target: EmbeddedApp;
  beforeAll(async () => {
    ensureConsoleBuilt();
    target = await startEmbeddedApp({ API_TOKENS: 'console-token-1234' });
  }, 120_000);
  afterAll(() => target?.close());

  it('serves the page without a token, and index.html for any console path', async () => {
    const index = await target.http().get('/console').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.text).toContain('<div id="app">');
    const deep = await target.http().get('/console/runs/some-run').expect(200);
    expect(deep.text).toBe(index.text);
    const asset = /\/console\/assets\/[^"]+\.js/.exec(index.text)![0];
    const js = await target.http().get(asset).expect(200);
    expect(js.headers['cache-control']).toContain('immutable');
    await target.http().get('/console/assets/missing.js').expect(404);
    // The data still needs the token.
    await target.http().get(`${API}/pipelines`).expect(401);
  });

  it('says how to build the console when it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'console-none-'));
    const bare = await startEmbeddedApp({ CONSOLE_DIR: empty });
    try {
      const res = await bare.http().get('/console/runs').expect(404);
      expect(res.body).toMatchObject({ code: 'CONSOLE_NOT_BUILT' });
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('answers graphs of a pipeline and of a run', async () => {
    const auth = 'Bearer console-token-1234';
    const id = await createPipeline(target, 'graph', approvalTree(), 'console-token-1234');
    const graph = await target.http().get(`${API}/pipelines/${id}/graph`).set('Authorization', auth).expect(200);
    expect(graph.body.nodes).toEqual(expect.arrayContaining([{ id: 'bill', kind: 'activity', name: 'Bill', component: 'echo', parentId: 'sub' }]));
    expect(graph.body.edges).toEqual(expect.arrayContaining([{ id: 'f4', source: 'route', target: 'fan', condition: '${n} > 1' }]));
    const run = await target.http().post(`${API}/pipelines/${id}/runs`).set('Authorization', auth).send({}).expect(201);
    const runGraph = await target.http().get(`${API}/runs/${run.body.id}/graph`).set('Authorization', auth).expect(200);
    expect(runGraph.body).toEqual(graph.body);
    await target.http().get(`${API}/runs/nope/graph`).set('Authorization', auth).expect(404);
    await target.http().get(`${API}/pipelines/${id}/graph?version=9`).set('Authorization', auth).expect(404);
    const docs = await target.http().get('/api/docs-json').set('Authorization', auth).expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/pipelines/{id}/graph', '/api/v1/runs/{id}/graph']));
  });
});

describeWithChromium('web console in Chromium', (executablePath) => {
  let target: EmbeddedApp;
  let browser: Browser;
  let page: Page;
  let approvalId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    target = await startEmbeddedApp();
    approvalId = await createPipeline(target, 'order approval', approvalTree());
    await createPipeline(target, 'billing', externalTree('billing'));
    await createPipeline(target, 'flaky', flakyTree());
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await target?.close();
  });

  it('lists the pipelines and draws a definition as a graph', async () => {
    await page.goto(`${target.baseUrl}/console`);
    await page.getByRole('link', { name: 'order approval' }).waitFor();
    await expect(page.locator('table[data-testid="pipelines"] tbody tr').count()).resolves.toBe(3);
    await page.getByRole('link', { name: 'order approval' }).click();
    await page.waitForURL(/\/console\/pipelines\//);
    await nodeAt(page, 'greet').waitFor();
    const kinds = await page.locator('svg.graph g.node').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(new Set(kinds)).toEqual(new Set(['start', 'end', 'activity', 'subprocess', 'exclusive', 'parallel', 'converge']));
    expect(kinds).toHaveLength(14);
    await expect(page.locator('svg.graph g.edge').count()).resolves.toBe(14);
    await expect(page.locator('svg.graph text.edge-label', { hasText: '${n} > 1' }).count()).resolves.toBe(1);
  });

  it('draws a DAG definition: works with their trigger rules, edges from their dependences', async () => {
    const res = await target
      .http()
      .post(`${API}/pipelines`)
      .send({
        name: 'release',
        format: 'dag',
        definition: {
          works: ['submit', { name: 'build', component: { code: 'echo', inputs: {} } }, { name: 'report', component: { code: 'noop', inputs: {} } }],
          dags: { build: { dependences: ['submit'] }, report: { dependences: ['build'], trigger_rule: 'all_done' } },
        },
      })
      .expect(201);
    await page.goto(`${target.baseUrl}/console/pipelines/${res.body.id}`);
    await nodeAt(page, 'report').waitFor();
    const works = await page.locator('svg.graph g.node[data-kind="dag_work"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')).sort());
    expect(works).toEqual(['build', 'report', 'submit']);
    await expect(nodeAt(page, 'report').textContent()).resolves.toContain('all_done');
    await expect(nodeAt(page, 'submit').textContent()).resolves.toContain('external_task');
    await expect(page.locator('svg.graph g.edge').count()).resolves.toBe(4);
    await page.goto(`${target.baseUrl}/console/pipelines/${approvalId}`);
  });

  it('starts a run from the form, then a callback through its confirmed button finishes the waiting node live', async () => {
    const form = page.getByRole('form', { name: 'start a run' });
    const inputs = form.locator('textarea[name="inputs"]');
    await inputs.fill('{"who": "console", "n": ');
    await form.getByTestId('inputs-error').waitFor();
    expect(await form.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    await inputs.fill('[1, 2]');
    await expect(form.getByTestId('inputs-error').textContent()).resolves.toContain('expected a JSON object');
    await inputs.fill('{"who": "console", "n": 2}');
    await form.locator('input[name="businessKey"]').fill('order-7');
    await form.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/console\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop()!;

    const approve = nodeAt(page, 'approve');
    await page.locator('svg.graph g.node[data-node-id="approve"][data-state="RUNNING"]').waitFor();
    await expect(approve.locator('text.state-word').textContent()).resolves.toBe('RUNNING');
    await expect(nodeAt(page, 'greet').getAttribute('data-state')).resolves.toBe('FINISHED');
    await expect(nodeAt(page, 'ship').getAttribute('data-state')).resolves.toBe('NOT_RUN');

    await approve.click();
    const detail = page.getByRole('complementary', { name: 'node detail' });
    await detail.locator('.badge', { hasText: 'RUNNING' }).waitFor();
    // The README's picture: wide enough for the whole graph beside the node panel.
    await page.setViewportSize({ width: 2250, height: 800 });
    await page.screenshot({ path: SCREENSHOT });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    await page.setViewportSize({ width: 1500, height: 950 });

    await detail.locator('button[data-op="callback"]').click();
    const dialog = page.getByRole('dialog', { name: 'Callback: approve' });
    await dialog.locator('textarea').fill('{"approved": tru');
    expect(await dialog.getByRole('button', { name: 'Callback' }).isDisabled()).toBe(true);
    await dialog.locator('textarea').fill('{"approved": true}');
    await dialog.getByRole('button', { name: 'Callback' }).click();
    await dialog.waitFor({ state: 'detached' });

    // No reload: the polled run turns the node (and the run) FINISHED.
    await page.locator('svg.graph g.node[data-node-id="approve"][data-state="FINISHED"]').waitFor();
    await page.locator('h2 .badge[data-state="FINISHED"]').waitFor();
    await expect(nodeAt(page, 'bill').getAttribute('data-state')).resolves.toBe('FINISHED');
    await expect(nodeAt(page, 'manual').getAttribute('data-state')).resolves.toBe('NOT_RUN');
    await detail.locator('pre[aria-label="outputs"]', { hasText: '"approved": true' }).waitFor();
    await detail.getByTestId('node-events').locator('li', { hasText: 'node_finish' }).first().waitFor();
    expect(await detail.locator('button[data-op="callback"]').isDisabled()).toBe(true);

    const run = await target.http().get(`${API}/runs/${runId}`).expect(200);
    expect(run.body).toMatchObject({ state: 'FINISHED', businessKey: 'order-7', inputs: { who: 'console', n: 2 } });
  });

  it('switches a pipeline off and on, changes its caps, lists its schedules, and shows a refused start', async () => {
    await target.http().post(`${API}/pipelines/${approvalId}/schedules`).send({ every: 'PT15M', enabled: false }).expect(201);
    await page.goto(`${target.baseUrl}/console/pipelines/${approvalId}`);
    await page.locator('table[data-testid="schedules"] tr', { hasText: 'every PT15M' }).waitFor();

    await page.getByRole('button', { name: 'Switch off' }).click();
    await page.getByRole('dialog', { name: 'Switch the pipeline off' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('enabled').filter({ hasText: 'off' }).waitFor();
    const form = page.getByRole('form', { name: 'start a run' });
    await form.locator('textarea[name="inputs"]').fill('{}');
    await form.getByRole('button', { name: 'Start run' }).click();
    await form.getByRole('alert').filter({ hasText: 'PIPELINE_DISABLED' }).waitFor();
    await page.getByRole('button', { name: 'Switch on' }).click();
    await page.getByRole('dialog', { name: 'Switch the pipeline on' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('enabled').filter({ hasText: 'on' }).waitFor();

    await page.locator('input[name="maxConcurrentRuns"]').fill('0');
    expect(await page.getByRole('button', { name: 'Save caps' }).isDisabled()).toBe(true);
    await page.locator('input[name="maxConcurrentRuns"]').fill('3');
    await page.locator('select[name="queueMode"]').selectOption('lifo');
    await page.getByRole('button', { name: 'Save caps' }).click();
    await page.getByRole('dialog', { name: 'Change the caps' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('dialog', { name: 'Change the caps' }).waitFor({ state: 'detached' });
    const stored = await target.http().get(`${API}/pipelines/${approvalId}`).expect(200);
    expect(stored.body).toMatchObject({ enabled: true, maxConcurrentRuns: 3, queueMode: 'lifo' });
    await target.http().patch(`${API}/pipelines/${approvalId}`).send({ maxConcurrentRuns: null, queueMode: 'fifo' }).expect(200);
  });

  it('filters runs by state, and revokes a run through its confirmed button', async () => {
    const waiting = await target.http().post(`${API}/pipelines/${approvalId}/runs`).send({ businessKey: 'still-waiting' }).expect(201);
    await page.goto(`${target.baseUrl}/console/runs`);
    await page.locator(`tr[data-run-id="${waiting.body.id}"]`).waitFor();
    const filters = page.getByRole('form', { name: 'run filters' });
    await filters.locator('select[name="state"]').selectOption('FINISHED');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/state=FINISHED/);
    await page.locator(`tr[data-run-id="${waiting.body.id}"]`).waitFor({ state: 'detached' });
    const states = await page.locator('table[data-testid="runs"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
    expect(states).toEqual(['FINISHED']);

    await filters.locator('select[name="state"]').selectOption('RUNNING');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.locator(`tr[data-run-id="${waiting.body.id}"]`).waitFor();
    await page.locator(`tr[data-run-id="${waiting.body.id}"] a`).click();
    await page.waitForURL(new RegExp(`/console/runs/${waiting.body.id}$`));
    await page.locator('button[data-op="pause"]').click();
    await page.getByRole('dialog', { name: 'Pause run?' }).getByRole('button', { name: 'Pause run' }).click();
    await page.locator('h2 .badge[data-state="SUSPENDED"]').waitFor();
    await page.locator('button[data-op="resume"]:not([disabled])').click();
    await page.getByRole('dialog', { name: 'Resume run?' }).getByRole('button', { name: 'Resume run' }).click();
    await page.locator('h2 .badge[data-state="RUNNING"]').waitFor();
    await page.locator('button[data-op="revoke"]').click();
    const dialog = page.getByRole('dialog', { name: 'Revoke run?' });
    await dialog.getByRole('button', { name: 'Revoke run' }).click();
    await page.locator('h2 .badge[data-state="REVOKED"]').waitFor();
    await page.locator('svg.graph g.node[data-node-id="approve"][data-state="REVOKED"]').waitFor();
  });

  it('retries a failed node with new inputs and takes a flow past a failed gateway, each confirmed', async () => {
    const run = await target.http().post(`${API}/pipelines/flaky/runs`).send({}).expect(201);
    await page.goto(`${target.baseUrl}/console/runs/${run.body.id}`);
    await page.locator('h2 .badge[data-state="FAILED"]').waitFor();
    await nodeAt(page, 'risky').click();
    const detail = page.getByRole('complementary', { name: 'node detail' });
    await detail.locator('pre[aria-label="ex_data"]', { hasText: 'boom' }).waitFor();
    expect(await detail.locator('button[data-op="callback"]').isDisabled()).toBe(true);

    await detail.locator('button[data-op="retry"]').click();
    const retry = page.getByRole('dialog', { name: 'Retry: risky' });
    await retry.locator('textarea').fill('{"fail": fals');
    await retry.getByRole('alert').waitFor();
    expect(await retry.getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true);
    await retry.locator('textarea').fill('{"fail": false}');
    await retry.getByRole('button', { name: 'Retry' }).click();
    await retry.waitFor({ state: 'detached' });
    await page.locator('svg.graph g.node[data-node-id="risky"][data-state="FINISHED"]').waitFor();
    await detail.getByText('Histories (1)').waitFor();

    // The gateway finds no true condition and no default: FAILED; skip-gateway takes f3.
    await page.locator('svg.graph g.node[data-node-id="route"][data-state="FAILED"]').waitFor();
    await nodeAt(page, 'route').click();
    await page.getByRole('complementary', { name: 'node detail' }).locator('button[data-op="skip-gateway"]').click();
    const skip = page.getByRole('dialog', { name: 'Skip gateway: route' });
    expect(await skip.getByRole('button', { name: 'Skip gateway' }).isDisabled()).toBe(true);
    await skip.locator('input[name="flow"][value="f3"]').check();
    await skip.getByRole('button', { name: 'Skip gateway' }).click();
    await skip.waitFor({ state: 'detached' });
    await page.locator('svg.graph g.node[data-node-id="done"][data-state="FINISHED"]').waitFor();
    await page.locator('h2 .badge[data-state="FINISHED"]').waitFor();
    await expect(nodeAt(page, 'other').getAttribute('data-state')).resolves.toBe('NOT_RUN');
  });

  it('shows an operation the server refuses in its dialog', async () => {
    const run = await target.http().post(`${API}/pipelines/${approvalId}/runs`).send({}).expect(201);
    await page.goto(`${target.baseUrl}/console/runs/${run.body.id}`);
    await page.locator('svg.graph g.node[data-node-id="approve"][data-state="RUNNING"]').waitFor();
    await nodeAt(page, 'approve').click();
    // Another client answers first: the console's callback carries a stale version.
    const version = (await target.http().get(`${API}/runs/${run.body.id}/nodes/approve`).expect(200)).body.version as number;
    await target.http().post(`${API}/runs/${run.body.id}/nodes/approve/forced-fail`).send({ exData: 'elsewhere', version }).expect(200);
    await page.locator('svg.graph g.node[data-node-id="approve"][data-state="FAILED"]').waitFor();
    const detail = page.getByRole('complementary', { name: 'node detail' });
    await detail.locator('button[data-op="skip"]:not([disabled])').click();
    const dialog = page.getByRole('dialog', { name: 'Skip: approve' });
    await target.http().post(`${API}/runs/${run.body.id}/revoke`).expect(200);
    await dialog.getByRole('button', { name: 'Skip' }).click();
    await dialog.getByRole('alert').filter({ hasText: '409' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('h2 .badge[data-state="REVOKED"]').waitFor();
  });

  it('shows an external task in the queues screen', async () => {
    const run = await target.http().post(`${API}/pipelines/billing/runs`).send({ businessKey: 'b-1' }).expect(201);
    await page.goto(`${target.baseUrl}/console/queues`);
    const row = page.locator('table[data-testid="queues"] tr[data-topic="billing"]');
    await row.waitFor();
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('1');
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('0');
    const task = page.locator('table[data-testid="tasks"] tbody tr', { hasText: 'charge' });
    await task.waitFor();
    await expect(task.textContent()).resolves.toContain(run.body.id.slice(0, 8));
    await expect(task.textContent()).resolves.toContain('available');
  });
});

describeWithChromium('web console with API_TOKENS', (executablePath) => {
  const token = 'console-token-5678';
  let target: EmbeddedApp;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    target = await startEmbeddedApp({ API_TOKENS: token });
    await createPipeline(target, 'guarded', externalTree('guarded'), token);
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await target?.close();
  });

  it('asks for a token, keeps it for the session and retries the refused calls', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${target.baseUrl}/console`);
    const prompt = page.getByRole('dialog', { name: 'API token' });
    await prompt.waitFor();
    await prompt.locator('input[name="token"]').fill('wrong-token-0000');
    await prompt.getByRole('button', { name: 'Use token' }).click();
    await prompt.getByText('That token was refused').waitFor();
    await prompt.locator('input[name="token"]').fill(token);
    await prompt.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('link', { name: 'guarded' }).waitFor();
    await expect(page.evaluate(() => sessionStorage.getItem('pipeline-console-token'))).resolves.toBe(token);
    // A reload keeps the session's token: no prompt.
    await page.reload();
    await page.getByRole('link', { name: 'guarded' }).waitFor();
    expect(await prompt.count()).toBe(0);
  });
});
