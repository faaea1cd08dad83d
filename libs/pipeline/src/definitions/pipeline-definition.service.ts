import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Like } from 'typeorm';
import { ComponentRegistry } from '../components/component-registry.service';
import { BadRequestError } from '../errors/bad-request.error';
import { ConflictError } from '../errors/conflict.error';
import { InvalidTreeError } from '../errors/invalid-tree.error';
import { NotFoundError } from '../errors/not-found.error';
import type { PipelineTree } from '../model/tree.types';
import { compileDefinition, definitionFormats, isDefinitionFormat, type FormatSettings } from '../formats';
import type { ValidateOptions } from '../model/validation.types';
import type { Page } from '../runtime/run-views';
import { isTransientConflict, isUniqueViolation } from '../persistence/db-errors';
import {
  PipelineDefinitionEntity,
  QUEUE_MODES,
  type QueueMode,
} from '../persistence/pipeline-definition.entity';
import { PipelineVersionEntity } from '../persistence/pipeline-version.entity';
import { isMysqlFamily, runInTransaction, runRead } from '../persistence/transactions';
import {
  type CreatePipelineInput,
  DEFINITION_FORMATS,
  type ListPipelinesQuery,
  type PatchPipelineInput,
  type PipelineSummaryView,
  type PipelineVersionRecord,
  type PipelineView,
  type UpdatePipelineInput,
  type ValidationAnswer,
} from './pipeline-definition.views';
import { TreeCheckRegistry } from './tree-check-registry.service';
import { treeGraph, type TreeGraphView } from './tree-graph';

/** A key: lowercase so it means the same under MySQL's case-insensitive collations. */
const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME_LENGTH = 200;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/**
 * Writes that lose a race (same generated key, same next version, a MySQL deadlock) are
 * retried this often.
 */
const WRITE_ATTEMPTS = 5;

/**
 * Stored pipeline definitions (DESIGN §8, §9): build (validate + version 1), new versions,
 * settings, reads. The one place that decides whether a submitted definition is acceptable;
 * controllers and `RunService` call it rather than `validateTree` directly.
 */
@Injectable()
export class PipelineDefinitionService {
  private readonly logger = new Logger(PipelineDefinitionService.name);

  private readonly analysedVersions = new LRUCache<string, { format: string; tree: PipelineTree; converges: Record<string, string> }>({ max: 256 });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly components: ComponentRegistry,
    /** Extra node checks contributed by other libs (timer definitions...); none without it. */
    @Optional() private readonly treeChecks?: TreeCheckRegistry,
  ) {}

  /** Checks a definition; answers every problem found and never throws for a bad tree. */
  validate(input: { format?: string; definition: unknown }): ValidationAnswer {
    const result = compileDefinition(this.checkFormat(input.format), input.definition, this.validateOptions());
    return { valid: result.valid, errors: result.errors };
  }

  /**
   * Validates a definition and answers it as a tree, or throws `InvalidTreeError` (400) listing
   * every problem, `BadRequestError` UNSUPPORTED_FORMAT for a format not accepted yet.
   */
  validateOrThrow(format: string | undefined, definition: unknown): PipelineTree {
    return this.analyse(format, definition).tree;
  }

  /**
   * Like `validateOrThrow`, also answering validation's fork → converge gateway map, which
   * the runtime needs to join parallel branches.
   */
  analyse(
    format: string | undefined,
    definition: unknown,
  ): { tree: PipelineTree; converges: Record<string, string>; settings: FormatSettings } {
    const result = compileDefinition(this.checkFormat(format), definition, this.validateOptions());
    if (!result.valid) throw new InvalidTreeError(result.errors);
    return { tree: result.tree, converges: result.converges, settings: result.settings };
  }

  /** Components known to the registry, plus the checks other libs contribute. */
  private validateOptions(): ValidateOptions {
    const extraChecks = this.treeChecks?.nodeChecks() ?? [];
    return {
      componentExists: (code: string, version?: string) => this.components.has(code, version),
      ...(extraChecks.length ? { extraChecks } : {}),
    };
  }

  /** Builds a definition: validates the tree and stores it as version 1. */
  async create(input: CreatePipelineInput): Promise<PipelineView> {
    const format = this.checkFormat(input.format);
    // Stored as submitted (the user's own format); compiled again when a run needs it.
    const { settings: fromSource } = this.analyse(format, input.definition);
    const tree = input.definition as object;
    const name = this.checkName(input.name);
    const settings = this.checkSettings({
      enabled: input.enabled ?? true,
      maxConcurrentRuns: input.maxConcurrentRuns ?? fromSource.maxConcurrentRuns ?? null,
      queueMode: input.queueMode ?? fromSource.queueMode ?? 'fifo',
      timeoutSeconds: input.timeoutSeconds ?? fromSource.timeoutSeconds ?? null,
      uniqueBusinessKey: input.uniqueBusinessKey ?? false,
    });
    const givenKey = input.key === undefined ? undefined : this.checkKey(input.key);

    for (let attempt = 1; ; attempt++) {
      try {
        return await runInTransaction(this.dataSource, async (em) => {
          const key = givenKey ?? (await this.freeKey(em, slugify(name)));
          const now = new Date();
          const definition = em.create(PipelineDefinitionEntity, {
            id: randomUUID(),
            key,
            name,
            latestVersion: 1,
            ...settings,
            createdAt: now,
            updatedAt: now,
          });
          const version = em.create(PipelineVersionEntity, {
            pipelineId: definition.id,
            version: 1,
            definition: tree,
            format,
            createdAt: now,
          });
          await em.insert(PipelineDefinitionEntity, definition);
          await em.insert(PipelineVersionEntity, version);
          this.logger.log(`Created pipeline ${definition.id} (key '${key}')`);
          return toView(definition, version);
        });
      } catch (err) {
        if (isTransientConflict(err) && attempt < WRITE_ATTEMPTS) continue;
        if (!isUniqueViolation(err)) throw err;
        if (givenKey !== undefined) {
          throw new ConflictError(
            `A pipeline with key '${givenKey}' already exists`,
            { key: givenKey },
            'DUPLICATE_KEY',
          );
        }
        // Someone took the generated key between our check and insert: pick again.
        if (attempt >= WRITE_ATTEMPTS)
          throw new ConflictError(
            'Could not allocate a unique key; try again',
            {},
            'DUPLICATE_KEY',
          );
      }
    }
  }

  /**
   * Validates a new tree and stores it as the next version; runs already started keep theirs.
   * With `baseVersion`, refuses (409 VERSION_MOVED) when the latest version is no longer that
   * one, so a read-modify-write (applying timer configs) never overwrites a concurrent update.
   */
  async update(idOrKey: string, input: UpdatePipelineInput): Promise<PipelineView> {
    const format = this.checkFormat(input.format);
    this.analyse(format, input.definition);
    const tree = input.definition as object;
    const name = input.name === undefined ? undefined : this.checkName(input.name);
    const timeoutSeconds = input.timeoutSeconds === undefined ? undefined : checkTimeoutSeconds(input.timeoutSeconds);

    for (let attempt = 1; ; attempt++) {
      try {
        return await runInTransaction(this.dataSource, async (em) => {
          // Locked (MySQL) so concurrent updates queue here instead of racing to the same version.
          const current = await this.findDefinition(em, idOrKey, true);
          if (input.baseVersion !== undefined && input.baseVersion !== current.latestVersion) {
            throw new ConflictError(
              `Pipeline '${idOrKey}' is at version ${current.latestVersion}, not ${input.baseVersion}`,
              { id: current.id, latestVersion: current.latestVersion, baseVersion: input.baseVersion },
              'VERSION_MOVED',
            );
          }
          const now = new Date();
          const nextVersion = current.latestVersion + 1;
          const version = em.create(PipelineVersionEntity, {
            pipelineId: current.id,
            version: nextVersion,
            definition: tree,
            format,
            createdAt: now,
          });
          await em.insert(PipelineVersionEntity, version);
          // Compare-and-set on latestVersion so two concurrent updates cannot both claim it.
          const changed = await em.update(
            PipelineDefinitionEntity,
            { id: current.id, latestVersion: current.latestVersion },
            {
              latestVersion: nextVersion,
              updatedAt: now,
              ...(name !== undefined ? { name } : {}),
              ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
            },
          );
          if (!changed.affected) throw new LostRace();
          const updated = {
            ...current,
            latestVersion: nextVersion,
            updatedAt: now,
            name: name ?? current.name,
            timeoutSeconds: timeoutSeconds === undefined ? current.timeoutSeconds : timeoutSeconds,
          };
          this.logger.log(`Pipeline ${current.id} is now at version ${nextVersion}`);
          return toView(updated, version);
        });
      } catch (err) {
        if (!(err instanceof LostRace) && !isUniqueViolation(err) && !isTransientConflict(err)) throw err;
        if (attempt >= WRITE_ATTEMPTS) {
          throw new ConflictError(
            'The pipeline was updated concurrently; try again',
            { id: idOrKey },
            'CONCURRENT_UPDATE',
          );
        }
      }
    }
  }

  /** Changes the switch, limits or name without a new version. */
  async patch(idOrKey: string, input: PatchPipelineInput): Promise<PipelineView> {
    const name = input.name === undefined ? undefined : this.checkName(input.name);
    return runInTransaction(this.dataSource, async (em) => {
      // Locked (MySQL) so a concurrent patch cannot merge into stale settings.
      const current = await this.findDefinition(em, idOrKey, true);
      const settings = this.checkSettings({
        enabled: input.enabled ?? current.enabled,
        maxConcurrentRuns:
          input.maxConcurrentRuns === undefined
            ? current.maxConcurrentRuns
            : input.maxConcurrentRuns,
        queueMode: input.queueMode ?? current.queueMode,
        timeoutSeconds: input.timeoutSeconds === undefined ? current.timeoutSeconds : input.timeoutSeconds,
        uniqueBusinessKey: input.uniqueBusinessKey ?? current.uniqueBusinessKey ?? false,
      });
      const updated = {
        ...current,
        ...settings,
        name: name ?? current.name,
        updatedAt: new Date(),
      };
      await em.update(
        PipelineDefinitionEntity,
        { id: current.id },
        { ...settings, name: updated.name, updatedAt: updated.updatedAt },
      );
      const version = await this.findVersion(em, current, current.latestVersion);
      return toView(updated, version);
    });
  }

  /** Definitions, newest first, without their trees. */
  async list(query: ListPipelinesQuery = {}): Promise<Page<PipelineSummaryView>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(page) || page < 1)
      throw new BadRequestError('page must be an integer ≥ 1', 'INVALID_PAGE', { page });
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new BadRequestError(
        `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`,
        'INVALID_PAGE',
        { pageSize },
      );
    }
    const [rows, total] = await runRead(this.dataSource, (em) =>
      em.findAndCount(PipelineDefinitionEntity, {
        order: { createdAt: 'DESC', id: 'ASC' },
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
    );
    return { items: rows.map(toSummary), total, page, pageSize };
  }

  /** A definition with the tree of one version (latest unless `version`). 404 for an unknown id/key or version. */
  async get(idOrKey: string, version?: number): Promise<PipelineView> {
    return runRead(this.dataSource, async (em) => {
      const definition = await this.findDefinition(em, idOrKey);
      const row = await this.findVersion(em, definition, version ?? definition.latestVersion);
      return toView(definition, row);
    });
  }

  /** The graph of one version (latest unless asked) as nodes and edges, for drawing (DESIGN §10); 404 unknown. */
  async graph(idOrKey: string, version?: number): Promise<TreeGraphView> {
    return treeGraph((await this.forRun(idOrKey, version)).definition);
  }

  /**
   * What starting a run needs: the switch and limits (read every time) and the version's tree,
   * validated, with its converge map. A stored version never changes and components are fixed
   * at boot, so a version's analysis is cached for the life of the process (re-checked once
   * per process: a component may have gone since the build). The tree is shared: read-only.
   */
  async forRun(idOrKey: string, version?: number): Promise<PipelineVersionRecord & { converges: Record<string, string> }> {
    const definition = await runRead(this.dataSource, (em) => this.findDefinition(em, idOrKey));
    const v = version ?? definition.latestVersion;
    const cacheKey = `${definition.id}@${v}`;
    let analysed = this.analysedVersions.get(cacheKey);
    if (!analysed) {
      const row = await runRead(this.dataSource, (em) => this.findVersion(em, definition, v));
      analysed = { format: row.format, ...this.analyse(row.format, row.definition) };
      this.analysedVersions.set(cacheKey, analysed);
    }
    return {
      pipelineId: definition.id,
      key: definition.key,
      version: v,
      format: analysed.format,
      definition: analysed.tree,
      converges: analysed.converges,
      enabled: definition.enabled,
      maxConcurrentRuns: definition.maxConcurrentRuns,
      queueMode: definition.queueMode,
      timeoutSeconds: definition.timeoutSeconds ?? null,
      uniqueBusinessKey: !!definition.uniqueBusinessKey,
    };
  }

  /** What a run needs: the tree of one version (latest unless `version`) and the switch and limits. */
  async getVersion(idOrKey: string, version?: number): Promise<PipelineVersionRecord> {
    return runRead(this.dataSource, async (em) => {
      const definition = await this.findDefinition(em, idOrKey);
      const row = await this.findVersion(em, definition, version ?? definition.latestVersion);
      return {
        pipelineId: definition.id,
        key: definition.key,
        version: row.version,
        format: row.format,
        definition: row.definition as PipelineTree,
        enabled: definition.enabled,
        maxConcurrentRuns: definition.maxConcurrentRuns,
        queueMode: definition.queueMode,
        timeoutSeconds: definition.timeoutSeconds ?? null,
        uniqueBusinessKey: !!definition.uniqueBusinessKey,
      };
    });
  }

  /**
   * Looks a definition up by id, then by key. `forUpdate` takes a row lock (SELECT ... FOR
   * UPDATE) on MySQL, inside a transaction; SQLite has no row locks and needs none, as all its
   * work is serialised (see `transactions.ts`).
   */
  private async findDefinition(
    em: EntityManager,
    idOrKey: string,
    forUpdate = false,
  ): Promise<PipelineDefinitionEntity> {
    const lock =
      forUpdate && isMysqlFamily(this.dataSource) ? { mode: 'pessimistic_write' as const } : undefined;
    const byId = await em.findOne(PipelineDefinitionEntity, { where: { id: idOrKey }, lock });
    const found =
      byId ?? (await em.findOne(PipelineDefinitionEntity, { where: { key: idOrKey }, lock }));
    if (!found) throw new NotFoundError('pipeline', idOrKey);
    return found;
  }

  private async findVersion(
    em: EntityManager,
    definition: PipelineDefinitionEntity,
    version: number,
  ): Promise<PipelineVersionEntity> {
    const row = Number.isInteger(version)
      ? await em.findOneBy(PipelineVersionEntity, { pipelineId: definition.id, version })
      : null;
    if (!row) {
      throw new NotFoundError('version', String(version), {
        pipelineId: definition.id,
        latestVersion: definition.latestVersion,
      });
    }
    return row;
  }

  /** The smallest free key among `base`, `base-2`, `base-3`, ... */
  private async freeKey(em: EntityManager, base: string): Promise<string> {
    const taken = new Set(
      (
        await em.find(PipelineDefinitionEntity, {
          select: { key: true },
          where: { key: Like(`${base}%`) },
        })
      ).map((r) => r.key),
    );
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) {
      const candidate = `${base}-${n}`;
      if (!taken.has(candidate)) return candidate;
    }
  }

  /** Only `tree` is accepted today; `dag` and `orderlines` come with their importers. */
  private checkFormat(format: string | undefined): string {
    const value = format ?? 'tree';
    if (isDefinitionFormat(value)) return value;
    const known = (DEFINITION_FORMATS as readonly string[]).includes(value);
    throw new BadRequestError(
      known
        ? `Definition format '${value}' is not supported yet; expected one of ${definitionFormats().join(', ')}`
        : `Unknown definition format '${value}'; expected one of ${DEFINITION_FORMATS.join(', ')}`,
      'UNSUPPORTED_FORMAT',
      { format: value },
    );
  }

  private checkName(name: unknown): string {
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (!trimmed) throw new BadRequestError('name must be a non-empty string', 'INVALID_NAME');
    if (trimmed.length > MAX_NAME_LENGTH) {
      throw new BadRequestError(
        `name must be at most ${MAX_NAME_LENGTH} characters`,
        'INVALID_NAME',
      );
    }
    return trimmed;
  }

  private checkKey(key: string): string {
    if (!KEY_PATTERN.test(key) || UUID_PATTERN.test(key)) {
      throw new BadRequestError(
        'key must be 1-64 characters of a-z, 0-9, ".", "_" or "-", start with a letter or digit, and not look like a UUID',
        'INVALID_KEY',
        { key },
      );
    }
    return key;
  }

  private checkSettings(s: {
    enabled: boolean;
    maxConcurrentRuns: number | null;
    queueMode: QueueMode;
    timeoutSeconds: number | null;
    uniqueBusinessKey: boolean;
  }) {
    checkTimeoutSeconds(s.timeoutSeconds);
    if (typeof s.enabled !== 'boolean')
      throw new BadRequestError('enabled must be a boolean', 'INVALID_SETTINGS');
    if (typeof s.uniqueBusinessKey !== 'boolean')
      throw new BadRequestError('uniqueBusinessKey must be a boolean', 'INVALID_SETTINGS');
    if (
      s.maxConcurrentRuns !== null &&
      (!Number.isInteger(s.maxConcurrentRuns) || s.maxConcurrentRuns < 1)
    ) {
      throw new BadRequestError(
        'maxConcurrentRuns must be a positive integer or null',
        'INVALID_SETTINGS',
        {
          maxConcurrentRuns: s.maxConcurrentRuns,
        },
      );
    }
    if (!QUEUE_MODES.includes(s.queueMode)) {
      throw new BadRequestError(
        `queueMode must be one of ${QUEUE_MODES.join(', ')}`,
        'INVALID_SETTINGS',
        { queueMode: s.queueMode },
      );
    }
    return s;
  }
}

/**
 * A run timeout in seconds (DESIGN §8.3): a positive integer, or null for none.
 * @throws BadRequestError INVALID_SETTINGS
 */
export function checkTimeoutSeconds(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_SECONDS) {
    throw new BadRequestError(
      `timeoutSeconds must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, or null for none`,
      'INVALID_SETTINGS',
      { timeoutSeconds: value },
    );
  }
  return value;
}

/** The longest run timeout: a year. */
export const MAX_TIMEOUT_SECONDS = 366 * 24 * 3600;

/** Thrown inside a transaction to roll it back and retry. */
class LostRace extends Error {}

/** A key derived from a name: `"Nightly Build (v2)"` → `nightly-build-v2`. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '');
  // A slug that is empty or looks like a UUID would not be a usable key.
  return slug && !UUID_PATTERN.test(slug) ? slug : 'pipeline';
}

function toSummary(d: PipelineDefinitionEntity): PipelineSummaryView {
  return {
    id: d.id,
    key: d.key,
    name: d.name,
    latestVersion: d.latestVersion,
    enabled: d.enabled,
    maxConcurrentRuns: d.maxConcurrentRuns,
    queueMode: d.queueMode,
    timeoutSeconds: d.timeoutSeconds ?? null,
    uniqueBusinessKey: !!d.uniqueBusinessKey,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

function toView(d: PipelineDefinitionEntity, v: PipelineVersionEntity): PipelineView {
  return {
    ...toSummary(d),
    version: v.version,
    format: v.format,
    definition: v.definition,
    versionCreatedAt: v.createdAt.toISOString(),
  };
}
