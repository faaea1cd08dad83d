import type { ScheduleKind } from './schedule-spec';

/** A schedule as the REST API answers it (DESIGN §8.5). */
export interface ScheduleView {
  id: string;
  pipelineId: string;
  kind: ScheduleKind;
  /** Exactly one of `cron`, `every`, `at` is set, as the schedule was given (`at` in UTC). */
  cron?: string;
  every?: string | number;
  at?: string;
  timezone: string;
  inputs: Record<string, unknown>;
  businessKey: string | null;
  enabled: boolean;
  /** The next due time (ISO 8601); null when disabled or when an `at` has fired. */
  nextFireAt: string | null;
  /** The last due time handled, when, the run it started and how it went. */
  lastDueAt: string | null;
  lastFiredAt: string | null;
  lastRunId: string | null;
  /** `started`, `skipped_disabled` (the definition was off), `skipped_refused` (the start was refused). */
  lastOutcome: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreateScheduleInput {
  cron?: unknown;
  every?: unknown;
  at?: unknown;
  timezone?: unknown;
  inputs?: unknown;
  businessKey?: unknown;
  enabled?: unknown;
}

export type UpdateScheduleInput = CreateScheduleInput;

/** What handling one due time did (`ScheduleService.fire`). */
export type FireOutcome =
  /** A run was started (`runId`). */
  | 'started'
  /** The definition is off: the due time passed without a run. */
  | 'skipped_disabled'
  /** The start was refused (e.g. 409 uniqueBusinessKey): the due time passed without a run. */
  | 'skipped_refused'
  /** Not (or no longer) due: handled elsewhere, schedule changed, disabled or deleted. */
  | 'stale';
