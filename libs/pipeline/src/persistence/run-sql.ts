import { emptyDecision, type Decision, type EngineEvent, type ExternalTaskOffer, type HistoryWrite } from '../engine/decision';
import type { NewRun } from '../ports/run-store.port';
import type { NodeRecord, ProcessRecord, RunRecord } from '../engine/run-state';

/**
 * The run store's hot statements as plain parameterised SQL, the same text for SQLite and
 * MySQL (backtick identifiers work on both; the one upsert differs). A node transition is a
 * handful of these; building them by hand instead of through TypeORM's query builder removes
 * most of a transition's CPU, and on MySQL lets a whole transaction travel as one batch
 * (one round trip) instead of one statement at a time.
 */
export interface Sql {
  text: string;
  params: unknown[];
}

/** Marks what a statement's result means to `apply`. */
export type StatementRole =
  /** A compare-and-set that must match exactly one row. */
  | { kind: 'guard'; what: string }
  | { kind: 'join-decrement'; parentId: string }
  | { kind: 'join-wake'; parentId: string }
  | { kind: 'join-rev'; parentId: string }
  | { kind: 'settle-run' }
  | { kind: 'plain' };

export interface Statement extends Sql {
  role: StatementRole;
}

const NODE_COLUMNS = [
  'run_id', 'node_id', 'scope_id', 'process_id', 'state', 'version', 'loop', 'retries', 'skip', 'skip_reason', 'error_ignored',
  'schedule_times', 'awaiting', 'callbacks', 'callback_seq', 'inputs', 'outputs', 'ex_data', 'started_at',
  'finished_at', 'updated_at', 'picked_up_at',
] as const;
const NODE_UPDATE_COLUMNS = NODE_COLUMNS.filter((c) => c !== 'run_id' && c !== 'node_id');
const PROCESS_COLUMNS = [
  'id', 'run_id', 'parent_id', 'scope_id', 'current_node_id', 'destination_id', 'state', 'pending_children', 'rev', 'updated_at',
] as const;
const q = (c: string) => `\`${c}\``;
const list = (cols: readonly string[]) => cols.map(q).join(', ');
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class RunSql {
  constructor(readonly mysql: boolean) {}

  // ------------------------------------------------------------------ values

  /** MySQL takes Dates (mysql2 writes them in the connection's UTC); SQLite stores TypeORM's UTC text. */
  date(d: Date | null | undefined): unknown {
    if (!d) return null;
    const date = d instanceof Date ? d : new Date(d);
    return this.mysql ? date : date.toISOString().replace('T', ' ').replace('Z', '');
  }

  parseDate(v: unknown): Date | null {
    if (v === null || v === undefined) return null;
    if (v instanceof Date) return v;
    const s = String(v);
    return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
  }

  json(v: unknown): string | null {
    return v === undefined || v === null ? null : JSON.stringify(v);
  }

  parseJson<T = unknown>(v: unknown): T | null {
    if (v === null || v === undefined) return null;
    return (typeof v === 'string' ? JSON.parse(v) : v) as T;
  }

  // ------------------------------------------------------------------ reads

  runAndProcess(runId: string, processId: string): Sql {
    return {
      text:
        'SELECT r.`state` AS run_state, r.`rev` AS run_rev, p.* FROM `run_process` p JOIN `run` r ON r.`id` = p.`run_id` ' +
        'WHERE p.`id` = ? AND p.`run_id` = ?',
      params: [processId, runId],
    };
  }

  processById(id: string): Sql {
    return { text: 'SELECT * FROM `run_process` WHERE `id` = ?', params: [id] };
  }

  /** The parent of `processId` (one statement, for batching before the child is read). */
  parentOf(processId: string): Sql {
    return {
      text: 'SELECT * FROM `run_process` WHERE `id` = (SELECT `parent_id` FROM `run_process` WHERE `id` = ?)',
      params: [processId],
    };
  }

  /** The parent of the process a node row points at (a DAG work's coordinator). */
  parentOfNodeProcess(runId: string, nodeId: string): Sql {
    return {
      text:
        'SELECT * FROM `run_process` WHERE `id` = (SELECT `parent_id` FROM `run_process` WHERE `id` = ' +
        '(SELECT `process_id` FROM `node_state` WHERE `run_id` = ? AND `node_id` = ?))',
      params: [runId, nodeId],
    };
  }

  nodes(runId: string, ids: string[]): Sql {
    return { text: `SELECT * FROM \`node_state\` WHERE \`run_id\` = ? AND \`node_id\` IN (${marks(ids.length)})`, params: [runId, ...ids] };
  }

  /** The process's current node and its scope's owner node (a SubProcess node, or nothing at the root). */
  nodesOfProcess(runId: string, processId: string, extra: string[]): Sql {
    const sub = 'SELECT `current_node_id` FROM `run_process` WHERE `id` = ? UNION ALL SELECT `scope_id` FROM `run_process` WHERE `id` = ?';
    return {
      text:
        `SELECT * FROM \`node_state\` WHERE \`run_id\` = ? AND (\`node_id\` IN (${sub})` +
        (extra.length ? ` OR \`node_id\` IN (${marks(extra.length)})` : '') +
        ')',
      params: [runId, processId, processId, ...extra],
    };
  }

  node(runId: string, nodeId: string): Sql {
    return { text: 'SELECT * FROM `node_state` WHERE `run_id` = ? AND `node_id` = ?', params: [runId, nodeId] };
  }

  context(runId: string, scopeId: string): Sql {
    return { text: 'SELECT `key`, `value` FROM `context_value` WHERE `run_id` = ? AND `scope_id` = ?', params: [runId, scopeId] };
  }

  /** The stored context of a process's scope (one statement, for batching). */
  contextOfProcess(runId: string, processId: string): Sql {
    return {
      text: 'SELECT `key`, `value` FROM `context_value` WHERE `run_id` = ? AND `scope_id` = (SELECT `scope_id` FROM `run_process` WHERE `id` = ?)',
      params: [runId, processId],
    };
  }

  /** Run and process of a node, by the node's row (one statement, for batching). */
  runAndProcessOfNode(runId: string, nodeId: string): Sql {
    return {
      text:
        'SELECT r.`state` AS run_state, r.`rev` AS run_rev, p.* FROM `run_process` p JOIN `run` r ON r.`id` = p.`run_id` ' +
        'WHERE p.`run_id` = ? AND p.`id` = (SELECT `process_id` FROM `node_state` WHERE `run_id` = ? AND `node_id` = ?)',
      params: [runId, runId, nodeId],
    };
  }

  contextOfNode(runId: string, nodeId: string): Sql {
    return {
      text:
        'SELECT `key`, `value` FROM `context_value` WHERE `run_id` = ? AND `scope_id` = ' +
        '(SELECT `scope_id` FROM `node_state` WHERE `run_id` = ? AND `node_id` = ?)',
      params: [runId, runId, nodeId],
    };
  }

  // ------------------------------------------------------------------ row mapping

  nodeFromRow(r: Record<string, unknown>): NodeRecord {
    return {
      runId: r.run_id as string,
      nodeId: r.node_id as string,
      scopeId: r.scope_id as string,
      processId: r.process_id as string,
      state: r.state as NodeRecord['state'],
      version: Number(r.version),
      loop: Number(r.loop),
      retries: Number(r.retries),
      skip: !!Number(r.skip),
      skipReason: (r.skip_reason as NodeRecord['skipReason']) ?? null,
      errorIgnored: !!Number(r.error_ignored),
      scheduleTimes: Number(r.schedule_times),
      awaiting: (r.awaiting as NodeRecord['awaiting']) ?? null,
      callbacks: this.parseJson<unknown[]>(r.callbacks) ?? [],
      callbackSeq: Number(r.callback_seq ?? 0),
      inputs: this.parseJson(r.inputs),
      outputs: this.parseJson(r.outputs),
      exData: this.parseJson(r.ex_data),
      startedAt: this.parseDate(r.started_at),
      finishedAt: this.parseDate(r.finished_at),
      pickedUpAt: this.parseDate(r.picked_up_at),
    };
  }

  processFromRow(r: Record<string, unknown>): ProcessRecord {
    return {
      id: r.id as string,
      runId: r.run_id as string,
      parentId: (r.parent_id as string | null) ?? null,
      scopeId: r.scope_id as string,
      currentNodeId: r.current_node_id as string,
      destinationId: (r.destination_id as string | null) ?? null,
      state: r.state as ProcessRecord['state'],
      pendingChildren: Number(r.pending_children),
      rev: Number(r.rev),
    };
  }

  runFromRow(runId: string, r: Record<string, unknown>): RunRecord {
    return { id: runId, state: r.run_state as RunRecord['state'], rev: Number(r.run_rev) };
  }

  contextFromRows(rows: Record<string, unknown>[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const r of rows) out[r.key as string] = this.parseJson(r.value);
    return out;
  }

  // ------------------------------------------------------------------ writes

  private nodeValues(n: NodeRecord, now: Date): unknown[] {
    return [
      n.runId, n.nodeId, n.scopeId, n.processId, n.state, n.version, n.loop, n.retries, n.skip ? 1 : 0, n.skipReason, n.errorIgnored ? 1 : 0,
      n.scheduleTimes, n.awaiting, n.callbacks.length ? this.json(n.callbacks) : null, n.callbackSeq, this.json(n.inputs),
      this.json(n.outputs), this.json(n.exData), this.date(n.startedAt), this.date(n.finishedAt), this.date(now),
      this.date(n.pickedUpAt),
    ];
  }

  /**
   * Every write of a decision, in a fixed lock order (nodes, processes by key, joins, context,
   * histories, run, events), each guard marked so the caller can tell a lost compare-and-set.
   */
  decisionStatements(runId: string, d: Decision, now: Date): Statement[] {
    const out: Statement[] = [];
    const byKey = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    for (const w of byKey(d.nodes, (w) => w.record.nodeId)) {
      const values = this.nodeValues(w.record, now);
      if (!w.expect) {
        out.push({ text: `INSERT INTO \`node_state\` (${list(NODE_COLUMNS)}) VALUES (${marks(NODE_COLUMNS.length)})`, params: values, role: { kind: 'plain' } });
        continue;
      }
      out.push({
        text:
          `UPDATE \`node_state\` SET ${NODE_UPDATE_COLUMNS.map((c) => `${q(c)} = ?`).join(', ')} ` +
          'WHERE `run_id` = ? AND `node_id` = ? AND `state` = ? AND `version` = ? AND `callback_seq` = ?',
        params: [...values.slice(2), runId, w.record.nodeId, w.expect.state, w.expect.version, w.expect.callbackSeq],
        role: { kind: 'guard', what: `node ${w.record.nodeId} is no longer ${w.expect.state}@${w.expect.version}` },
      });
    }
    for (const w of byKey(d.processes, (w) => w.record.id)) {
      const p = w.record;
      const values = [p.id, p.runId, p.parentId, p.scopeId, p.currentNodeId, p.destinationId, p.state, p.pendingChildren, p.rev, this.date(now)];
      if (w.expectRev === null) {
        out.push({ text: `INSERT INTO \`run_process\` (${list(PROCESS_COLUMNS)}) VALUES (${marks(PROCESS_COLUMNS.length)})`, params: values, role: { kind: 'plain' } });
        continue;
      }
      out.push({
        text: `UPDATE \`run_process\` SET ${PROCESS_COLUMNS.slice(2).map((c) => `${q(c)} = ?`).join(', ')} WHERE \`id\` = ? AND \`rev\` = ?`,
        params: [...values.slice(2), p.id, w.expectRev],
        role: { kind: 'guard', what: `process ${p.id} moved past rev ${w.expectRev}` },
      });
    }
    for (const j of d.joins) {
      // An atomic decrement (the row stays locked until commit), then the last joiner wakes
      // the parent: no compare-and-set, so concurrent branches never retry each other.
      out.push({
        text: "UPDATE `run_process` SET `pending_children` = `pending_children` - 1, `rev` = `rev` + 1, `updated_at` = ? WHERE `id` = ? AND `run_id` = ? AND `state` = 'WAITING'",
        params: [this.date(now), j.parentId, runId],
        role: { kind: 'join-decrement', parentId: j.parentId },
      });
      out.push({
        text: "UPDATE `run_process` SET `state` = 'ACTIVE', `current_node_id` = ? WHERE `id` = ? AND `state` = 'WAITING' AND `pending_children` <= 0",
        params: [j.destinationId, j.parentId],
        role: { kind: 'join-wake', parentId: j.parentId },
      });
      out.push({ text: 'SELECT `rev`, `state` FROM `run_process` WHERE `id` = ?', params: [j.parentId], role: { kind: 'join-rev', parentId: j.parentId } });
    }
    for (const scopeId of d.contextResets) {
      out.push({ text: 'DELETE FROM `context_value` WHERE `run_id` = ? AND `scope_id` = ?', params: [runId, scopeId], role: { kind: 'plain' } });
    }
    if (d.context.length) {
      // Last write of a key wins, as with sequential upserts.
      const rows = new Map<string, { scopeId: string; key: string; value: unknown }>();
      for (const c of d.context) rows.set(`${c.scopeId}\u0000${c.key}`, c);
      const sorted = byKey([...rows.values()], (c) => `${c.scopeId}\u0000${c.key}`);
      const head = `INSERT INTO \`context_value\` (\`run_id\`, \`scope_id\`, \`key\`, \`value\`) VALUES ${sorted.map(() => '(?, ?, ?, ?)').join(', ')}`;
      const tail = this.mysql
        ? ' ON DUPLICATE KEY UPDATE `value` = VALUES(`value`)'
        : ' ON CONFLICT(`run_id`, `scope_id`, `key`) DO UPDATE SET `value` = excluded.`value`';
      out.push({ text: head + tail, params: sorted.flatMap((c) => [runId, c.scopeId, c.key, this.json(c.value)]), role: { kind: 'plain' } });
    }
    if (d.offers?.length) out.push({ ...this.externalTasksInsert(runId, d.offers, now), role: { kind: 'plain' } });
    if (d.histories.length) out.push({ ...this.historiesInsert(d.histories, now), role: { kind: 'plain' } });
    if (d.run) {
      const sets: string[] = ['`rev` = ?'];
      const params: unknown[] = [d.run.expectRev + 1];
      const set = (column: string, value: unknown) => {
        sets.push(`${q(column)} = ?`);
        params.push(value);
      };
      if (d.run.state !== undefined) set('state', d.run.state);
      if (d.run.outputs !== undefined) set('outputs', this.json(d.run.outputs));
      if (d.run.startedAt !== undefined) set('started_at', this.date(d.run.startedAt));
      if (d.run.finishedAt !== undefined) set('finished_at', this.date(d.run.finishedAt));
      if (d.run.reason !== undefined) set('reason', d.run.reason);
      out.push({
        text: `UPDATE \`run\` SET ${sets.join(', ')} WHERE \`id\` = ? AND \`rev\` = ?`,
        params: [...params, runId, d.run.expectRev],
        role: { kind: 'guard', what: `run ${runId} moved past rev ${d.run.expectRev}` },
      });
    }
    // The run row is already locked by this batch when it updated the run.
    if (d.settleRun) out.push(...this.settleRunStatements(runId, !!d.run));
    // Events go in unnumbered (`seq` NULL): no lock on the run row just for the log, so the
    // transactions of one run's parallel branches commit side by side (see `numberEventsSteps`).
    // Last: a transaction that waited on a row another one held logs its events after that one's.
    if (d.events.length) out.push({ ...this.eventsInsert(runId, d.events, now), role: { kind: 'plain' } });
    return out;
  }

  /**
   * `Decision.settleRun`: a RUNNING run with a blocked process and none moving becomes FAILED.
   * On MySQL the run row is locked first: two branches stopping at once under READ COMMITTED
   * would otherwise each see the other still moving and neither flip the run (write skew);
   * with the lock the later one reads the earlier's commit. SQLite has one writer at a time.
   * `runLocked`: an earlier statement of the same transaction already holds that lock.
   */
  settleRunStatements(runId: string, runLocked = false): Statement[] {
    const lock: Statement[] = this.mysql && !runLocked
      ? [{ text: 'SELECT `id` FROM `run` WHERE `id` = ? FOR UPDATE', params: [runId], role: { kind: 'plain' } }]
      : [];
    return [
      ...lock,
      {
        text:
          "UPDATE `run` SET `state` = 'FAILED', `rev` = `rev` + 1 WHERE `id` = ? AND `state` = 'RUNNING'" +
          " AND EXISTS (SELECT 1 FROM `run_process` WHERE `run_id` = ? AND `state` = 'BLOCKED')" +
          " AND NOT EXISTS (SELECT 1 FROM `run_process` WHERE `run_id` = ? AND `state` IN ('ACTIVE', 'IN_NODE'))",
        params: [runId, runId, runId],
        role: { kind: 'settle-run' },
      },
    ];
  }

  /** Every insert of a new run (run row, root process, root context, creation events). */
  createRunStatements(run: NewRun): Sql[] {
    const runCols = [
      'id', 'pipeline_id', 'pipeline_version', 'root_tree_id', 'state', 'business_key', 'priority', 'inputs', 'outputs', 'tree', 'converges', 'rev',
      'created_at', 'started_at', 'finished_at', 'event_seq', 'timeout_seconds', 'deadline_at',
      'schedule_id', 'scheduled_for',
    ];
    const out: Sql[] = [
      {
        text: `INSERT INTO \`run\` (${list(runCols)}) VALUES (${marks(runCols.length)})`,
        params: [
          run.id, run.pipelineId, run.pipelineVersion, run.tree.id, run.state, run.businessKey, run.priority, this.json(run.inputs), null,
          this.json(run.tree), this.json(run.converges), 0, this.date(run.createdAt), this.date(run.state === 'RUNNING' ? run.createdAt : null), null,
          run.events?.length ?? 0, run.timeoutSeconds ?? null, this.date(run.deadlineAt ?? null),
          run.scheduleId ?? null, this.date(run.scheduledFor ?? null),
        ],
      },
    ];
    const d: Decision = { ...emptyDecision(), processes: [{ expectRev: null, record: run.rootProcess }] };
    for (const [key, value] of Object.entries(run.context)) d.context.push({ scopeId: run.tree.id, key, value });
    out.push(...this.decisionStatements(run.id, d, run.createdAt));
    // A new run's events are 1..n, and its row starts at n: no one else can write it yet.
    if (run.events?.length) out.push(this.eventsInsert(run.id, run.events, run.createdAt, 1));
    return out;
  }

  /** External tasks offered by the decision (DESIGN §8.6), available from `now`. */
  externalTasksInsert(runId: string, offers: ExternalTaskOffer[], now: Date): Sql {
    const at = this.date(now);
    return {
      text:
        'INSERT INTO `external_task` (`id`, `run_id`, `node_id`, `node_version`, `topic`, `payload`, `state`, `attempt`, ' +
        '`available_at`, `created_at`, `updated_at`) VALUES ' +
        offers.map(() => "(?, ?, ?, ?, ?, ?, 'available', ?, ?, ?, ?)").join(', '),
      params: offers.flatMap((o) => [o.id, runId, o.nodeId, o.version, o.topic, this.json(o.payload ?? null), o.attempt, at, at, at]),
    };
  }

  historiesInsert(hs: HistoryWrite[], now: Date): Sql {
    const cols = ['run_id', 'node_id', 'kind', 'version', 'loop', 'retries', 'state', 'inputs', 'outputs', 'ex_data', 'started_at', 'finished_at', 'created_at'];
    return {
      text: `INSERT INTO \`node_history\` (${list(cols)}) VALUES ${hs.map(() => `(${marks(cols.length)})`).join(', ')}`,
      params: hs.flatMap(({ kind, record: r }) => [
        r.runId, r.nodeId, kind, r.version, r.loop, r.retries, r.state, this.json(r.inputs), this.json(r.outputs),
        this.json(r.exData ?? null), this.date(r.startedAt), this.date(r.finishedAt), this.date(now),
      ]),
    };
  }

  /**
   * The events as rows `firstSeq`, `firstSeq + 1`, ... (a new run's, which no one else can
   * write yet), or unnumbered (`seq` NULL) for `numberEventsSteps` to number once committed.
   */
  eventsInsert(runId: string, events: EngineEvent[], now: Date, firstSeq?: number): Sql {
    const rows = events.map(() => (firstSeq === undefined ? '(?, NULL, ?, ?, ?, ?)' : '(?, ?, ?, ?, ?, ?)'));
    return {
      text: `INSERT INTO \`run_event\` (\`run_id\`, \`seq\`, \`node_id\`, \`event_type\`, \`data\`, \`created_at\`) VALUES ${rows.join(', ')}`,
      params: events.flatMap((e, i) => [
        runId,
        ...(firstSeq === undefined ? [] : [firstSeq + i]),
        e.nodeId,
        e.type,
        this.json(e.data),
        this.date(now),
      ]),
    };
  }
}
