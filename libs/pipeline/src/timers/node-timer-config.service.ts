import { BadRequestError } from '../errors/bad-request.error';
import { Logger } from '@nestjs/common';
import type { PipelineDefinitionService } from '../definitions/pipeline-definition.service';
import type { PipelineView } from '../definitions/pipeline-definition.views';
import { ConflictError } from '../errors/conflict.error';
import type { Activity, PipelineTree } from '../model/tree.types';
import { isPlainObject } from '../model/tree-schema.dto';
import type { NodeCheck, ValidationIssue } from '../model/validation.types';
import { serviceActivityIds } from './node-timer-configs';

/** Read-modify-write attempts when another update lands between our read and write. */
const ATTEMPTS = 5;

/** What one contrib module's `PUT /pipelines/:id/<configs>` call is made of. */
export interface NodeTimerConfigSpec<C> {
  /** For the log line: `timeouts`, `timer events`. */
  what: string;
  /** The 400 when the body is not an object at all: `the body must be an object of ...`. */
  bodyMessage: string;
  /**
   * The activity keys one body entry stands for (checked with `checks` as that activity
   * would be, paths starting at the node id), or why the entry is not even of the right shape.
   */
  asActivity(nodeId: string, config: unknown): Record<string, unknown> | string;
  /** The tree checks of the configs, against the actions known now. */
  checks(): NodeCheck;
  /** Writes the checked configs into a tree: the seed's `apply_*_configs`. */
  apply(tree: PipelineTree, configs: Readonly<Record<string, C>>): PipelineTree;
  /** The 400 listing every problem of the body. */
  invalid(issues: ValidationIssue[]): Error;
  /** The 400 for configs naming nodes that are not ServiceActivities of the pipeline. */
  unknownNodes(pipelineId: string, nodeIds: string[]): Error;
}

/**
 * The seed's `apply_*_configs` on a stored pipeline: a body of `{nodeId: config}` is checked
 * whole (every problem at once), written into the latest version's tree and stored as a new
 * version, which runs started from then on register. The write names the version it read,
 * so a concurrent update makes it read again rather than be lost. Each contrib module
 * subclasses it as an injectable with its `NodeTimerConfigSpec`.
 */
export abstract class NodeTimerConfigService<C> {
  private readonly logger = new Logger(this.constructor.name);

  protected constructor(
    private readonly definitions: PipelineDefinitionService | undefined,
    private readonly spec: NodeTimerConfigSpec<C>,
  ) {}

  /**
   * @throws the spec's `invalid` error (400) for a body of the wrong shape or bad configs,
   *   its `unknownNodes` error (400) for ids that are not activities of the pipeline,
   *   NotFoundError (404) for an unknown pipeline
   */
  async applyToPipeline(idOrKey: string, body: unknown): Promise<PipelineView> {
    const configs = this.check(body);
    const definitions = this.definitions;
    if (!definitions) throw new Error(`${this.constructor.name} needs PipelineModule in the app`);
    for (let attempt = 1; ; attempt++) {
      const current = await definitions.get(idOrKey);
      if (current.format !== 'tree') {
        // Timer configs are bamboo's (§7): they edit a tree; other formats carry their own timeouts (§8.3).
        throw new BadRequestError(
          `${this.spec.what} apply to definitions in the 'tree' format; pipeline '${current.id}' is '${current.format}'`,
          'UNSUPPORTED_FORMAT',
          { pipelineId: current.id, format: current.format },
        );
      }
      const tree = current.definition as PipelineTree;
      const known = serviceActivityIds(tree);
      const unknown = Object.keys(configs).filter((id) => !known.has(id));
      if (unknown.length) throw this.spec.unknownNodes(current.id, unknown);
      try {
        const view = await definitions.update(current.id, {
          definition: this.spec.apply(tree, configs),
          format: current.format,
          baseVersion: current.version,
        });
        this.logger.log(
          `pipeline ${view.id}: ${this.spec.what} of ${Object.keys(configs).length} node(s) set, now version ${view.version}`,
        );
        return view;
      } catch (e) {
        if (!(e instanceof ConflictError && e.code === 'VERSION_MOVED') || attempt >= ATTEMPTS)
          throw e;
      }
    }
  }

  /** The body as configs, or every problem at once (paths start at the node id). */
  private check(body: unknown): Readonly<Record<string, C>> {
    if (!isPlainObject(body)) {
      throw this.spec.invalid([
        { code: 'INVALID_TIMER', path: '', message: this.spec.bodyMessage },
      ]);
    }
    const issues: ValidationIssue[] = [];
    const check = this.spec.checks();
    for (const [nodeId, config] of Object.entries(body)) {
      const keys = this.spec.asActivity(nodeId, config);
      if (typeof keys === 'string') {
        issues.push({ code: 'INVALID_TIMER', nodeId, path: nodeId, message: keys });
        continue;
      }
      const node = { id: nodeId, type: 'ServiceActivity', ...keys } as unknown as Activity;
      issues.push(...check(node, nodeId));
    }
    if (issues.length) throw this.spec.invalid(issues);
    return body as Readonly<Record<string, C>>;
  }
}
