/**
 * Read models of stored pipeline definitions, as the REST API answers them (DESIGN §9).
 */
import type { PipelineTree } from '../model/tree.types';
import type { ValidationIssue } from '../model/validation.types';
import type { QueueMode } from '../persistence/pipeline-definition.entity';

export type { QueueMode } from '../persistence/pipeline-definition.entity';

/** Formats a definition can be submitted in. Only `tree` is accepted today. */
export const DEFINITION_FORMATS = ['tree', 'dag', 'orderlines'] as const;
export type DefinitionFormat = (typeof DEFINITION_FORMATS)[number];

/** A definition in a list: identity and settings, no tree. */
export interface PipelineSummaryView {
  id: string;
  key: string;
  name: string;
  latestVersion: number;
  enabled: boolean;
  maxConcurrentRuns: number | null;
  queueMode: QueueMode;
  /** Run timeout of its runs in seconds, unless the start call gives one; null = none (DESIGN §8.3). */
  timeoutSeconds: number | null;
  /** A second run with the same business key is refused while one is not FINISHED or REVOKED (DESIGN §8.4). */
  uniqueBusinessKey: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One version of a definition, with its tree. `version` is the one shown (latest unless asked). */
export interface PipelineView extends PipelineSummaryView {
  version: number;
  format: string;
  definition: unknown;
  versionCreatedAt: string;
}

/** What `RunService` needs to start a run of a stored definition. */
export interface PipelineVersionRecord {
  /** The definition's id (also when it was looked up by key). */
  pipelineId: string;
  key: string;
  version: number;
  format: string;
  definition: PipelineTree;
  enabled: boolean;
  maxConcurrentRuns: number | null;
  queueMode: QueueMode;
  /** The definition's run timeout (DESIGN §8.3); null = none. */
  timeoutSeconds: number | null;
  /** Runs with one business key are refused while one is live (DESIGN §8.4). */
  uniqueBusinessKey: boolean;
}

export interface ValidationAnswer {
  valid: boolean;
  errors: ValidationIssue[];
}

export interface CreatePipelineInput {
  name: string;
  key?: string;
  format?: string;
  definition: unknown;
  enabled?: boolean;
  maxConcurrentRuns?: number | null;
  queueMode?: QueueMode;
  /**
   * Run timeout of its runs, in seconds (a positive integer; null = none), unless the start
   * call gives one (DESIGN §8.3). A format's compiler may default it from the source (orderlines'
   * `process_info.process_config.timeout`).
   */
  timeoutSeconds?: number | null;
  /** Refuse a run whose business key a live run of this definition has (409 DUPLICATE_BUSINESS_KEY); default false. */
  uniqueBusinessKey?: boolean;
}

export interface UpdatePipelineInput {
  definition: unknown;
  format?: string;
  name?: string;
  /** Changes the definition's run timeout too when given (null = none); kept when absent. */
  timeoutSeconds?: number | null;
  /** Only if the latest version is still this one (else 409 VERSION_MOVED). */
  baseVersion?: number;
}

/** Settings changed without a new version (`PATCH /pipelines/:id`): the switch and the limits. */
export interface PatchPipelineInput {
  name?: string;
  enabled?: boolean;
  maxConcurrentRuns?: number | null;
  queueMode?: QueueMode;
  /** Run timeout in seconds (null = none); see `CreatePipelineInput.timeoutSeconds`. */
  timeoutSeconds?: number | null;
  uniqueBusinessKey?: boolean;
}

export interface ListPipelinesQuery {
  page?: number;
  pageSize?: number;
}
