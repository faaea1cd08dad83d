import { DEFAULT_TRIGGER_RULE, isTriggerRule, TRIGGER_RULES } from '../../engine/trigger-rules';
import { namedCycles } from '../../model/graph-algorithms';
import { checkJsonShape, checkSchema } from '../../model/schema-check';
import { isPlainObject, ServiceActivityDto } from '../../model/tree-schema.dto';
import type { ComponentInput, DagWorkSpec, PipelineTree, ServiceActivity } from '../../model/tree.types';
import type { ValidateOptions, ValidationIssue } from '../../model/validation.types';
import type { DefinitionFormatCompiler, FormatCompileResult, FormatSettings } from '../definition-format';

/** Longest work name: it is the node id, stored in a 128-character column. */
const MAX_WORK_NAME = 128;
/** Activity keys an object work may carry besides `name` and `component` (DESIGN §3, §8.3, §8.6). */
const WORK_OPTIONS = ['retry', 'timeout', 'onFailure', 'on_failure', 'error_ignorable', 'skippable', 'retryable'] as const;

interface ParsedWork {
  name: string;
  index: number;
  activity: ServiceActivity;
}

/**
 * Termite's workflow config (`format: "dag"`, DESIGN §8.1) → the internal tree: one
 * ServiceActivity per work (id = the work's name), a `dag` section with each work's
 * upstreams and trigger rule, and start/end events that only bound the run. Problems are
 * named by work and by path in the submitted config, every one of them.
 */
export const dagFormat: DefinitionFormatCompiler = {
  format: 'dag',
  compile(source: unknown, options: ValidateOptions): FormatCompileResult {
    const shape = checkJsonShape(source);
    if (shape) return invalid([{ code: 'INVALID_SCHEMA', path: shape.path, message: shape.message }]);
    if (!isPlainObject(source)) {
      return invalid([{ code: 'INVALID_SCHEMA', path: '', message: 'A DAG definition must be a JSON object with `works` and `dags`' }]);
    }
    const errors: ValidationIssue[] = [];
    const works = parseWorks(source.works, errors, options);
    const names = new Set(works.map((w) => w.name));
    const specs = parseDags(source.dags, names, errors);
    const settings = parseSettings(source, errors);
    if (errors.length === 0) errors.push(...findCycles(works.map((w) => w.name), specs));
    if (errors.length) return invalid(errors);
    return { valid: true, tree: buildTree(works, specs), converges: {}, settings, errors: [] };
  },
};

function invalid(errors: ValidationIssue[]): FormatCompileResult {
  return { valid: false, errors };
}

function plainInputs(inputs: Record<string, unknown>): Record<string, ComponentInput> {
  const out: Record<string, ComponentInput> = {};
  for (const [key, value] of Object.entries(inputs)) {
    // Termite's inputs are plain values; a string with `${...}` is a template over run variables.
    out[key] = { type: typeof value === 'string' && value.includes('${') ? 'splice' : 'plain', value };
  }
  return out;
}

function parseWorks(raw: unknown, errors: ValidationIssue[], options: ValidateOptions): ParsedWork[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    errors.push({ code: 'INVALID_SCHEMA', path: 'works', message: '`works` must be a non-empty array of work names or work objects' });
    return [];
  }
  const out: ParsedWork[] = [];
  const seen = new Map<string, number>();
  raw.forEach((item, index) => {
    const path = `works[${index}]`;
    const name = typeof item === 'string' ? item : isPlainObject(item) ? item.name : undefined;
    if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_WORK_NAME) {
      errors.push({
        code: 'INVALID_SCHEMA',
        path: typeof item === 'string' || !isPlainObject(item) ? path : `${path}.name`,
        message: `a work is a name or an object with a \`name\`: a non-empty string of at most ${MAX_WORK_NAME} characters`,
      });
      return;
    }
    if (seen.has(name)) {
      errors.push({ code: 'DUPLICATE_ID', nodeId: name, path, message: `work '${name}' is listed twice (also at works[${seen.get(name)}])` });
      return;
    }
    seen.set(name, index);
    const activity = typeof item === 'string' ? externalWork(name) : objectWork(name, item as Record<string, unknown>, path, errors, options);
    if (activity) out.push({ name, index, activity });
  });
  return out;
}

/** A work given by name only: an external task on the topic of that name (Termite's model). */
function externalWork(name: string): ServiceActivity {
  return {
    id: name,
    type: 'ServiceActivity',
    name,
    incoming: [],
    outgoing: '',
    component: { code: 'external_task', inputs: { topic: { type: 'plain', value: name } } },
  };
}

function objectWork(
  name: string,
  item: Record<string, unknown>,
  path: string,
  errors: ValidationIssue[],
  options: ValidateOptions,
): ServiceActivity | null {
  const component = item.component;
  if (!isPlainObject(component) || typeof component.code !== 'string' || component.code === '') {
    errors.push({ code: 'INVALID_SCHEMA', nodeId: name, path: `${path}.component`, message: 'an object work needs `component: {code, inputs?}`' });
    return null;
  }
  if (component.inputs !== undefined && !isPlainObject(component.inputs)) {
    errors.push({ code: 'INVALID_SCHEMA', nodeId: name, path: `${path}.component.inputs`, message: '`inputs` must be an object of values' });
    return null;
  }
  const known = new Set<string>(['name', 'component', ...WORK_OPTIONS]);
  for (const key of Object.keys(item)) {
    if (!known.has(key)) {
      errors.push({ code: 'INVALID_SCHEMA', nodeId: name, path: `${path}.${key}`, message: `unknown work key '${key}' (allowed: ${[...known].join(', ')})` });
    }
  }
  const activity: ServiceActivity = {
    id: name,
    type: 'ServiceActivity',
    name,
    incoming: [],
    outgoing: '',
    component: {
      code: component.code,
      ...(typeof component.version === 'string' ? { version: component.version } : {}),
      inputs: plainInputs((component.inputs as Record<string, unknown>) ?? {}),
    },
  };
  for (const key of WORK_OPTIONS) {
    if (item[key] !== undefined) (activity as unknown as Record<string, unknown>)[key === 'on_failure' ? 'onFailure' : key] = item[key];
  }
  // The activity options are checked as they are for a tree's ServiceActivity.
  for (const p of checkSchema({ ...activity, incoming: ['-'], outgoing: '-' }, ServiceActivityDto)) {
    errors.push({ code: 'INVALID_SCHEMA', nodeId: name, path: p.path ? `${path}.${p.path}` : path, message: p.message });
  }
  if (options.componentExists && !options.componentExists(component.code, activity.component.version)) {
    errors.push({
      code: 'UNKNOWN_COMPONENT',
      nodeId: name,
      path: `${path}.component.code`,
      message: `no component '${component.code}'${activity.component.version ? ` version '${activity.component.version}'` : ''} is registered`,
    });
  }
  return activity;
}

function parseDags(raw: unknown, names: ReadonlySet<string>, errors: ValidationIssue[]): Map<string, DagWorkSpec> {
  const specs = new Map<string, DagWorkSpec>();
  for (const name of names) specs.set(name, { upstream: [], trigger_rule: DEFAULT_TRIGGER_RULE });
  if (raw === undefined || raw === null) return specs;
  if (!isPlainObject(raw)) {
    errors.push({ code: 'INVALID_SCHEMA', path: 'dags', message: '`dags` must be an object: work name → {dependences, trigger_rule}' });
    return specs;
  }
  for (const [name, entry] of Object.entries(raw)) {
    const path = `dags.${name}`;
    if (!names.has(name)) {
      errors.push({ code: 'UNKNOWN_DEPENDENCE', nodeId: name, path, message: `'${name}' has an entry in \`dags\` but is not one of the works` });
      continue;
    }
    if (!isPlainObject(entry)) {
      errors.push({ code: 'INVALID_SCHEMA', nodeId: name, path, message: 'an entry of `dags` must be an object {dependences, trigger_rule}' });
      continue;
    }
    const spec = specs.get(name)!;
    const deps = entry.dependences ?? [];
    if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string')) {
      errors.push({ code: 'INVALID_SCHEMA', nodeId: name, path: `${path}.dependences`, message: '`dependences` must be an array of work names' });
    } else {
      for (const [i, dep] of (deps as string[]).entries()) {
        if (!names.has(dep)) {
          errors.push({
            code: 'UNKNOWN_DEPENDENCE',
            nodeId: name,
            path: `${path}.dependences[${i}]`,
            message: `work '${name}' depends on '${dep}', which is not one of the works`,
          });
        } else if (!spec.upstream.includes(dep)) spec.upstream.push(dep);
      }
    }
    if (entry.trigger_rule !== undefined) {
      if (!isTriggerRule(entry.trigger_rule)) {
        errors.push({
          code: 'INVALID_TRIGGER_RULE',
          nodeId: name,
          path: `${path}.trigger_rule`,
          message: `unknown trigger rule ${JSON.stringify(entry.trigger_rule)}; expected one of ${TRIGGER_RULES.join(', ')}`,
        });
      } else spec.trigger_rule = entry.trigger_rule;
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'dependences' && key !== 'trigger_rule') {
        errors.push({ code: 'INVALID_SCHEMA', nodeId: name, path: `${path}.${key}`, message: `unknown key '${key}' (allowed: dependences, trigger_rule)` });
      }
    }
  }
  return specs;
}

function parseSettings(source: Record<string, unknown>, errors: ValidationIssue[]): FormatSettings {
  const settings: FormatSettings = {};
  const max = source.max_scheduler_count;
  if (max !== undefined && max !== null) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      errors.push({ code: 'INVALID_SCHEMA', path: 'max_scheduler_count', message: '`max_scheduler_count` must be a positive integer' });
    } else settings.maxConcurrentRuns = max;
  }
  const mode = source.scheduler_mode;
  if (mode !== undefined && mode !== null) {
    if (mode !== 'fifo' && mode !== 'lifo') {
      errors.push({ code: 'INVALID_SCHEMA', path: 'scheduler_mode', message: '`scheduler_mode` must be "fifo" or "lifo"' });
    } else settings.queueMode = mode;
  }
  for (const key of Object.keys(source)) {
    if (!['works', 'dags', 'max_scheduler_count', 'scheduler_mode', 'name', 'description'].includes(key)) {
      errors.push({ code: 'INVALID_SCHEMA', path: key, message: `unknown key '${key}' (allowed: works, dags, max_scheduler_count, scheduler_mode)` });
    }
  }
  return settings;
}

/** Every dependency cycle, each reported once with the works on it (in declaration order). */
export function findCycles(order: string[], specs: ReadonlyMap<string, DagWorkSpec>): ValidationIssue[] {
  return namedCycles(order, (id) => specs.get(id)?.upstream ?? []).map((onCycle) => ({
    code: 'CYCLE',
    nodeId: onCycle[0],
    path: `dags.${onCycle[0]}.dependences`,
    message: `works ${onCycle.map((id) => `'${id}'`).join(', ')} depend on each other in a cycle`,
  }));
}

/** Ids for the bounding events that no work uses. */
function freeId(base: string, taken: ReadonlySet<string>): string {
  let id = base;
  for (let i = 1; taken.has(id); i++) id = `${base}${i}`;
  return id;
}

function buildTree(works: ParsedWork[], specs: ReadonlyMap<string, DagWorkSpec>): PipelineTree {
  const names = new Set(works.map((w) => w.name));
  const startId = freeId('__start__', names);
  const endId = freeId('__end__', names);
  const activities: PipelineTree['activities'] = {};
  const dag: Record<string, DagWorkSpec> = {};
  for (const w of works) {
    activities[w.name] = w.activity;
    dag[w.name] = specs.get(w.name)!;
  }
  return {
    id: freeId('dag', new Set([...names, startId, endId])),
    start_event: { id: startId, type: 'EmptyStartEvent', incoming: '', outgoing: '' },
    end_event: { id: endId, type: 'EmptyEndEvent', incoming: [], outgoing: '' },
    activities,
    gateways: {},
    flows: {},
    data: { inputs: {}, outputs: [] },
    dag: { works: dag },
  };
}
