import type { AdmissionSteps } from './admission-sql';
import type { RunSql, Sql } from './run-sql';

/**
 * Numbers a run's committed, unnumbered events (`seq` NULL) after its last number, in id order,
 * and moves `run.event_seq` on: the log's reader does this before reading, in its own short
 * transaction. The run row's lock (FOR UPDATE on MySQL; SQLite has one writer) serialises
 * numberers; writers never take it for their events, so a run's transactions commit side by side.
 *
 * Why no event is ever missed by a reader paging with `afterSeq`: an event gets its number only
 * once it is visible (committed), and always a number above every number given before. An event
 * whose transaction commits later is numbered later, above what any reader has seen. Events of
 * one transaction keep their insert order (consecutive ids); a transaction that waited on another's
 * row lock inserts its events (the batch's last write) after that one committed, so its
 * events also come after the other's in id order.
 *
 * Answers how many events it numbered.
 */
export function* numberEventsSteps(sql: RunSql, runId: string): AdmissionSteps<number> {
  const { rows } = yield {
    text: `SELECT \`event_seq\` FROM \`run\` WHERE \`id\` = ?${sql.mysql ? ' FOR UPDATE' : ''}`,
    params: [runId],
  };
  if (!rows.length) return 0;
  const base = Number(rows[0].event_seq ?? 0);
  // A plain read (at READ COMMITTED, what has committed; it waits on no writer's lock), then
  // updates by primary key: a join or subquery in the UPDATE would lock-read the log and wait
  // for transactions still open on it.
  const { rows: pending } = yield {
    text: 'SELECT `id` FROM `run_event` WHERE `run_id` = ? AND `seq` IS NULL ORDER BY `id`',
    params: [runId],
  };
  const ids = pending.map((r) => Number(r.id));
  for (let at = 0; at < ids.length; at += NUMBER_AT_ONCE) {
    const chunk = ids.slice(at, at + NUMBER_AT_ONCE);
    yield {
      text: `UPDATE \`run_event\` SET \`seq\` = CASE \`id\` ${chunk.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE \`id\` IN (${chunk.map(() => '?').join(', ')})`,
      params: [...chunk.flatMap((id, i) => [id, base + at + i + 1]), ...chunk],
    };
  }
  if (ids.length) yield { text: 'UPDATE `run` SET `event_seq` = ? WHERE `id` = ?', params: [base + ids.length, runId] };
  return ids.length;
}

/** Events numbered per UPDATE statement. */
const NUMBER_AT_ONCE = 500;

/** Is anything of the run's log unnumbered? (A plain read, to skip the write transaction when not.) */
export function unnumberedEventsQuery(runId: string): Sql {
  return { text: 'SELECT 1 AS `x` FROM `run_event` WHERE `run_id` = ? AND `seq` IS NULL LIMIT 1', params: [runId] };
}
