import { namedCycles } from '../../model/graph-algorithms';
import { checkCondition, checkTemplate } from '../../expressions';
import { RESULT_CASTS, VARIABLE_NAME, isPlainObject } from '../../model/tree-schema.dto';
import type { ResultBinding, ResultCast } from '../../model/tree.types';
import type {
  ValidateOptions,
  ValidationCode,
  ValidationIssue,
} from '../../model/validation.types';
import {
  SIGNS,
  TASK_TYPES,
  type CommonTask,
  type EndTask,
  type OrderlinesProcess,
  type StartTask,
  type Task,
  type TaskType,
  type ValueRule,
} from './orderlines-process';

/**
 * Parse and validate an orderlines process (DESIGN §8.2): every problem, in orderlines' terms
 * (task ids as `nodeId`, paths such as `process_node[3].next_id`), or the process read.
 *
 * Choices where DESIGN leaves it open:
 * - `task_nodes` is accepted for `process_node` too (orderlines' build adapter reads it).
 * - Tasks listed in a group (`group_ids`) or a parallel node (`parallel_task_ids`) run there:
 *   their own `next_id` is not followed (it must still name a task), each may be listed once,
 *   and nothing else (`next_id`, process control) may lead to them. Groups hold common tasks;
 *   parallel branches are common tasks or groups.
 * - A process_control's own `next_id` is not followed: its branches are.
 * - A task with no `next_id` (other than the end) leads to the end.
 * - Status mode needs `conditions` to name a common task (only those have an outcome).
 * - `task_strategy: ignore` is read as `skip` (orderlines' README names it so).
 */
export function readOrderlinesProcess(
  source: unknown,
  options: ValidateOptions,
): { process?: OrderlinesProcess; errors: ValidationIssue[] } {
  return new Reader(options).read(source);
}

/** Longest task id: node ids are stored in 128-character columns. */
const MAX_ID_LENGTH = 128;
const STRATEGIES = ['raise', 'skip', 'retry', 'ignore'];
/**
 * Keys of the node list in an object-shaped process: DESIGN's `process_node` and `nodes`, and
 * `task_nodes`, which orderlines' own build adapter reads (its `data/common_node.json` uses it).
 */
const NODE_LIST_KEYS = ['process_node', 'nodes', 'task_nodes'] as const;
const RUNNERS = ['gevent', 'process'];
/** Keys of a `result` entry that are not the variable. */
const RESULT_META = new Set(['variable_type', 'variable_desc']);

type Raw = Record<string, unknown>;

const isId = (v: unknown): v is string | number =>
  (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));
const absent = (v: unknown): v is null | undefined => v === null || v === undefined;
const show = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v));

/** One raw node whose id and type could be read. */
interface Entry {
  raw: Raw;
  index: number;
  id: string;
  type: TaskType | null;
  /** Read well enough to take part in the structure checks. */
  task?: Task;
}

class Reader {
  private readonly errors: ValidationIssue[] = [];
  private base = 'process_node';

  constructor(private readonly options: ValidateOptions) {}

  private add(code: ValidationCode, path: string, message: string, nodeId?: string): void {
    this.errors.push({ code, path, message, ...(nodeId === undefined ? {} : { nodeId }) });
  }

  private at(index: number, ...rest: string[]): string {
    let out = this.base ? `${this.base}[${index}]` : `[${index}]`;
    for (const r of rest) out += r.startsWith('[') ? r : `.${r}`;
    return out;
  }

  read(source: unknown): { process?: OrderlinesProcess; errors: ValidationIssue[] } {
    const { nodes, info } = this.container(source);
    if (!nodes) return { errors: this.errors };
    const timeoutSeconds = this.processInfo(info);

    const entries = new Map<string, Entry>();
    const list: Entry[] = [];
    nodes.forEach((raw, index) => {
      const entry = this.entry(raw, index);
      if (!entry) return;
      if (entries.has(entry.id)) {
        const first = entries.get(entry.id)!;
        this.add(
          'DUPLICATE_ID',
          this.at(index, 'task_id'),
          `task id '${entry.id}' is used by process_node entries ${first.index} and ${index}`,
          entry.id,
        );
        return;
      }
      entries.set(entry.id, entry);
      list.push(entry);
    });

    for (const entry of list) entry.task = this.task(entry, entries);
    const structured = this.structure(list, entries);
    if (this.errors.length > 0 || !structured) return { errors: this.errors };
    const tasks = list.map((e) => e.task!);
    return {
      process: {
        tasks,
        byId: new Map(tasks.map((t) => [t.id, t])),
        start: structured.start,
        end: structured.end,
        contained: structured.contained,
        ...(info && typeof info.process_name === 'string' ? { name: info.process_name } : {}),
        ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      },
      errors: [],
    };
  }

  // ------------------------------------------------------------------ container

  private container(source: unknown): { nodes?: unknown[]; info?: Raw } {
    if (Array.isArray(source)) {
      this.base = '';
      return { nodes: source };
    }
    if (!isPlainObject(source)) {
      this.add(
        'INVALID_SCHEMA',
        '',
        'an orderlines process is {process_info, process_node: [...]} (or nodes / task_nodes for process_node) or an array of task nodes',
      );
      return {};
    }
    const key = NODE_LIST_KEYS.find((k) => source[k] !== undefined) ?? null;
    const info = source.process_info;
    if (!absent(info) && !isPlainObject(info))
      this.add('INVALID_SCHEMA', 'process_info', 'process_info must be an object');
    if (!key) {
      this.add(
        'INVALID_SCHEMA',
        'process_node',
        `process_node (or ${NODE_LIST_KEYS.slice(1).join(' / ')}) is required: the array of task nodes`,
      );
      return {};
    }
    this.base = key;
    if (!Array.isArray(source[key])) {
      this.add('INVALID_SCHEMA', key, `${key} must be an array of task nodes`);
      return {};
    }
    return { nodes: source[key] as unknown[], info: isPlainObject(info) ? info : undefined };
  }

  private processInfo(info: Raw | undefined): number | undefined {
    if (!info) return undefined;
    const config = info.process_config;
    if (absent(config)) return undefined;
    if (!isPlainObject(config)) {
      this.add('INVALID_SCHEMA', 'process_info.process_config', 'process_config must be an object');
      return undefined;
    }
    const timeout = config.timeout;
    if (absent(timeout)) return undefined;
    if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
      this.add(
        'INVALID_SCHEMA',
        'process_info.process_config.timeout',
        `the process timeout must be a positive number of seconds, got ${show(timeout)}`,
      );
      return undefined;
    }
    return timeout;
  }

  // ------------------------------------------------------------------ one node

  private entry(raw: unknown, index: number): Entry | null {
    if (!isPlainObject(raw)) {
      this.add('INVALID_SCHEMA', this.at(index), 'a task node must be an object');
      return null;
    }
    if (!isId(raw.task_id)) {
      this.add(
        'INVALID_SCHEMA',
        this.at(index, 'task_id'),
        `task_id must be a number or a non-empty string, got ${show(raw.task_id)}`,
      );
      return null;
    }
    const id = String(raw.task_id);
    if (id.length > MAX_ID_LENGTH) {
      this.add(
        'INVALID_SCHEMA',
        this.at(index, 'task_id'),
        `task_id is longer than ${MAX_ID_LENGTH} characters`,
        id.slice(0, MAX_ID_LENGTH),
      );
      return null;
    }
    const type = (TASK_TYPES as readonly unknown[]).includes(raw.task_type)
      ? (raw.task_type as TaskType)
      : null;
    if (!type) {
      this.add(
        'INVALID_SCHEMA',
        this.at(index, 'task_type'),
        `task_type must be one of ${TASK_TYPES.join(', ')}, got ${show(raw.task_type)}`,
        id,
      );
    }
    return { raw, index, id, type };
  }

  /** Reads one node's own fields; undefined when it cannot take part in the structure checks. */
  private task(entry: Entry, entries: ReadonlyMap<string, Entry>): Task | undefined {
    const { raw, index, id, type } = entry;
    let ok = type !== null;
    if (!absent(raw.task_name) && typeof raw.task_name !== 'string') {
      this.add('INVALID_SCHEMA', this.at(index, 'task_name'), 'task_name must be a string', id);
    }
    let nextId: string | null = null;
    if (!absent(raw.next_id)) {
      if (!isId(raw.next_id)) {
        this.add(
          'INVALID_SCHEMA',
          this.at(index, 'next_id'),
          `next_id must be a task id or null, got ${show(raw.next_id)}`,
          id,
        );
        ok = false;
      } else {
        nextId = String(raw.next_id);
        if (!entries.has(nextId)) {
          this.add(
            'UNKNOWN_TASK',
            this.at(index, 'next_id'),
            `task ${id} leads to task ${show(raw.next_id)}, which is not a task of the process`,
            id,
          );
        }
      }
    }
    for (const key of ['method_kwargs', 'task_config']) {
      if (!absent(raw[key]) && !isPlainObject(raw[key])) {
        this.add('INVALID_SCHEMA', this.at(index, key), `${key} must be an object or null`, id);
      }
    }
    if (!absent(raw.task_module) && typeof raw.task_module !== 'string') {
      this.add('INVALID_SCHEMA', this.at(index, 'task_module'), 'task_module must be a string', id);
    }
    if (!absent(raw.result) && type !== 'common') {
      this.add(
        'INVALID_SCHEMA',
        this.at(index, 'result'),
        `only common tasks return results; task ${id} is a ${type ?? 'task of unknown type'}`,
        id,
      );
    }
    if (!ok || !type) return undefined;
    // What cannot be read is reported above and read as empty: the links still take part in
    // the structure checks, so one problem does not hide the others (nothing is compiled).
    const kwargs = (isPlainObject(raw.method_kwargs) ? raw.method_kwargs : {}) as Raw;
    const config = (isPlainObject(raw.task_config) ? raw.task_config : {}) as Raw;
    const base = {
      id,
      index,
      nextId,
      ...(typeof raw.task_name === 'string' ? { name: raw.task_name } : {}),
    };
    switch (type) {
      case 'start':
      case 'end':
        return { ...base, type };
      case 'common':
        return this.common(entry, base, kwargs, config);
      case 'group':
      case 'parallel': {
        const key = type === 'group' ? 'group_ids' : 'parallel_task_ids';
        const ids = this.idList(entry, kwargs, key, entries);
        if (type === 'parallel') {
          const runner = config.runner;
          if (!absent(runner) && !RUNNERS.includes(runner as string)) {
            this.add(
              'INVALID_SCHEMA',
              this.at(index, 'task_config', 'runner'),
              `runner must be one of ${RUNNERS.join(', ')}, got ${show(runner)}`,
              id,
            );
          }
          return ids
            ? { ...base, type, branches: ids, ...(typeof runner === 'string' ? { runner } : {}) }
            : undefined;
        }
        return ids ? { ...base, type, members: ids } : undefined;
      }
      case 'process_control':
        return this.processControl(entry, base, kwargs, entries);
    }
  }

  private common(
    entry: Entry,
    base: Omit<CommonTask, 'type' | 'component' | 'kwargs' | 'results' | 'errorIgnorable'>,
    kwargs: Raw,
    config: Raw,
  ): CommonTask {
    const { raw, index, id } = entry;
    let component = '';
    if (typeof raw.method_name !== 'string' || raw.method_name === '') {
      this.add(
        'INVALID_SCHEMA',
        this.at(index, 'method_name'),
        `a common task needs method_name, the method (component) it runs`,
        id,
      );
    } else {
      component = this.component(
        entry,
        raw.method_name,
        typeof raw.task_module === 'string' ? raw.task_module : undefined,
      );
    }
    for (const key of Object.keys(kwargs)) {
      try {
        checkTemplate(kwargs[key]);
      } catch (e) {
        this.add(
          'INVALID_EXPRESSION',
          this.at(index, 'method_kwargs', key),
          `task ${id}, argument '${key}': ${(e as Error).message}`,
          id,
        );
      }
    }
    const results = this.results(entry);
    const strategy = absent(config.task_strategy) ? 'raise' : config.task_strategy;
    if (!STRATEGIES.includes(strategy as string)) {
      this.add(
        'INVALID_SCHEMA',
        this.at(index, 'task_config', 'task_strategy'),
        `task_strategy must be raise, skip or retry, got ${show(strategy)}`,
        id,
      );
    }
    let attempts: number | undefined;
    if (strategy === 'retry') {
      attempts = absent(config.retry_time) ? 3 : (config.retry_time as number);
      if (!Number.isInteger(attempts) || attempts < 1) {
        this.add(
          'INVALID_SCHEMA',
          this.at(index, 'task_config', 'retry_time'),
          `retry_time must be a whole number of attempts (1 or more), got ${show(config.retry_time)}`,
          id,
        );
      }
    }
    const timeout = config.timeout;
    if (
      !absent(timeout) &&
      (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)
    ) {
      this.add(
        'INVALID_SCHEMA',
        this.at(index, 'task_config', 'timeout'),
        `timeout must be a positive number of seconds, got ${show(timeout)}`,
        id,
      );
    }
    for (const key of ['callback_func', 'callback_module', 'notice_type']) {
      if (!absent(config[key]) && (typeof config[key] !== 'string' || config[key] === '')) {
        this.add(
          'INVALID_SCHEMA',
          this.at(index, 'task_config', key),
          `${key} must be a non-empty string`,
          id,
        );
      }
    }
    const func = config.callback_func as string | undefined;
    const module = config.callback_module as string | undefined;
    const notice = config.notice_type as string | undefined;
    const onFailure =
      func || notice
        ? {
            ...(func ? { component: module ? `${module}.${func}` : func } : {}),
            ...(notice ? { noticeType: notice } : {}),
          }
        : undefined;
    return {
      ...base,
      type: 'common',
      component,
      kwargs,
      results: results ?? [],
      errorIgnorable: strategy === 'skip' || strategy === 'ignore',
      ...(attempts !== undefined ? { attempts } : {}),
      ...(typeof timeout === 'number' ? { timeoutSeconds: timeout } : {}),
      ...(onFailure ? { onFailure } : {}),
    };
  }

  /** `<task_module>.<method_name>` when registered, else `<method_name>`. */
  private component(entry: Entry, method: string, module: string | undefined): string {
    const candidates = module ? [`${module}.${method}`, method] : [method];
    const exists = this.options.componentExists;
    if (!exists) return candidates[0];
    const found = candidates.find((c) => exists(c));
    if (found) return found;
    this.add(
      'UNKNOWN_COMPONENT',
      this.at(entry.index, 'method_name'),
      `task ${entry.id}: no component ${candidates.map((c) => `'${c}'`).join(' or ')} is registered`,
      entry.id,
    );
    return candidates[0];
  }

  private results(entry: Entry): ResultBinding[] | undefined {
    const { raw, index, id } = entry;
    if (absent(raw.result)) return [];
    if (!Array.isArray(raw.result)) {
      this.add(
        'INVALID_SCHEMA',
        this.at(index, 'result'),
        'result must be an array of {<variable>: <expression>, variable_type, variable_desc}',
        id,
      );
      return undefined;
    }
    let ok = true;
    const out: ResultBinding[] = [];
    raw.result.forEach((item, j) => {
      const path = this.at(index, 'result', `[${j}]`);
      if (!isPlainObject(item)) {
        this.add('INVALID_SCHEMA', path, 'a result entry must be an object', id);
        ok = false;
        return;
      }
      const names = Object.keys(item).filter((k) => !RESULT_META.has(k));
      if (names.length !== 1) {
        this.add(
          'INVALID_SCHEMA',
          path,
          `a result entry names exactly one variable (besides variable_type and variable_desc), found ${names.length}`,
          id,
        );
        ok = false;
        return;
      }
      const [variable] = names;
      if (!VARIABLE_NAME.test(variable)) {
        this.add(
          'INVALID_SCHEMA',
          `${path}.${variable}`,
          `result variable '${variable}' must be a name of letters, digits and _`,
          id,
        );
        ok = false;
      }
      const type = item.variable_type;
      if (!absent(type) && !(RESULT_CASTS as readonly unknown[]).includes(type)) {
        this.add(
          'INVALID_SCHEMA',
          `${path}.variable_type`,
          `variable_type must be one of ${RESULT_CASTS.join(', ')}, got ${show(type)}`,
          id,
        );
        ok = false;
      }
      const value = item[variable];
      if (typeof value === 'string' && value.includes('${')) {
        try {
          checkCondition(value);
        } catch (e) {
          this.add(
            'INVALID_EXPRESSION',
            `${path}.${variable}`,
            `task ${id}, result '${variable}': ${(e as Error).message}`,
            id,
          );
          ok = false;
        }
      }
      out.push({ variable, value, ...(absent(type) ? {} : { type: type as ResultCast }) });
    });
    return ok ? out : undefined;
  }

  /** `group_ids` / `parallel_task_ids`: a non-empty list of known task ids, each once; the known ones. */
  private idList(
    entry: Entry,
    kwargs: Raw,
    key: string,
    entries: ReadonlyMap<string, Entry>,
  ): string[] | undefined {
    const { index, id } = entry;
    const list = kwargs[key];
    const path = this.at(index, 'method_kwargs', key);
    if (!Array.isArray(list) || list.length === 0) {
      this.add(
        'INVALID_SCHEMA',
        path,
        `a ${entry.type} task needs method_kwargs.${key}, a non-empty list of task ids`,
        id,
      );
      return undefined;
    }
    const out: string[] = [];
    list.forEach((member, j) => {
      if (!isId(member)) {
        this.add(
          'INVALID_SCHEMA',
          `${path}[${j}]`,
          `${key} must hold task ids, got ${show(member)}`,
          id,
        );
      } else if (!entries.has(String(member))) {
        this.add(
          'UNKNOWN_TASK',
          `${path}[${j}]`,
          `${entry.type} ${id} lists task ${show(member)}, which is not a task of the process`,
          id,
        );
      } else if (out.includes(String(member))) {
        this.add(
          'INVALID_SCHEMA',
          `${path}[${j}]`,
          `${entry.type} ${id} lists task ${show(member)} twice`,
          id,
        );
      } else {
        out.push(String(member));
      }
    });
    return out;
  }

  /**
   * Both modes of process_control. Answers the task with the branches it could read (a problem
   * is reported, and then nothing is compiled, but the links still take part in the checks).
   */
  private processControl(
    entry: Entry,
    base: { id: string; index: number; nextId: string | null; name?: string },
    kwargs: Raw,
    entries: ReadonlyMap<string, Entry>,
  ): Task {
    const { index, id } = entry;
    const { conditions } = kwargs;
    const expression = isPlainObject(kwargs.expression) ? kwargs.expression : undefined;
    const condPath = this.at(index, 'method_kwargs', 'conditions');
    const exprPath = this.at(index, 'method_kwargs', 'expression');
    if (!expression) {
      this.add(
        'INVALID_SCHEMA',
        exprPath,
        'a process_control task needs method_kwargs.expression, an object of branches ({success: {task_id}, failure: {task_id}} or {<name>: {task_id}})',
        id,
      );
    }
    /** The task a branch of `expression` leads to, when it names one. */
    const target = (key: string): string | undefined => {
      if (!expression) return undefined;
      const branch = expression[key];
      const path = `${exprPath}.${key}`;
      if (!isPlainObject(branch) || !isId(branch.task_id)) {
        this.add(
          'INVALID_SCHEMA',
          isPlainObject(branch) ? `${path}.task_id` : path,
          `branch '${key}' of process_control ${id} needs a task_id`,
          id,
        );
        return undefined;
      }
      if (!entries.has(String(branch.task_id))) {
        this.add(
          'UNKNOWN_TASK',
          `${path}.task_id`,
          `branch '${key}' of process_control ${id} leads to task ${show(branch.task_id)}, which is not a task of the process`,
          id,
        );
        return undefined;
      }
      return String(branch.task_id);
    };

    if (isId(conditions)) {
      // by status: the branch for that task's outcome
      const statusOf = String(conditions);
      const of = entries.get(statusOf);
      if (!of) {
        this.add(
          'UNKNOWN_TASK',
          condPath,
          `process_control ${id} branches on the status of task ${show(conditions)}, which is not a task of the process`,
          id,
        );
      } else if (of.type !== 'common') {
        this.add(
          'INVALID_SCHEMA',
          condPath,
          `process_control ${id} branches on the status of task ${statusOf}, a ${of.type ?? 'task of unknown type'}; only common tasks have a status`,
          id,
        );
      }
      const keys = expression ? Object.keys(expression) : [];
      for (const key of keys.filter((k) => k !== 'success' && k !== 'failure')) {
        this.add(
          'INVALID_SCHEMA',
          `${exprPath}.${key}`,
          `process_control ${id} branches on a status: its branches are success and failure, not '${key}'`,
          id,
        );
      }
      if (expression && !keys.includes('success') && !keys.includes('failure')) {
        this.add(
          'INVALID_SCHEMA',
          exprPath,
          `process_control ${id} branches on a status: it needs a success or a failure branch`,
          id,
        );
      }
      const success = keys.includes('success') ? target('success') : undefined;
      const failure = keys.includes('failure') ? target('failure') : undefined;
      return {
        ...base,
        type: 'process_control',
        mode: 'status',
        statusOf,
        ...(success ? { success } : {}),
        ...(failure ? { failure } : {}),
      };
    }

    const rules: ValueRule[] = [];
    if (!Array.isArray(conditions) || conditions.length === 0) {
      this.add(
        'INVALID_SCHEMA',
        condPath,
        `conditions must be a task id (branch on its status) or a non-empty list of named conditions [{"A": [{condition, target, sign}]}]`,
        id,
      );
      return { ...base, type: 'process_control', mode: 'value', rules };
    }
    const names = new Set<string>();
    conditions.forEach((item, j) => {
      const path = `${condPath}[${j}]`;
      if (!isPlainObject(item) || Object.keys(item).length !== 1) {
        this.add(
          'INVALID_SCHEMA',
          path,
          'each condition is an object with one name: {"A": [{condition, target, sign}, ...]}',
          id,
        );
        return;
      }
      const [name] = Object.keys(item);
      if (names.has(name))
        this.add('INVALID_SCHEMA', `${path}.${name}`, `condition '${name}' is given twice`, id);
      names.add(name);
      const clauses = item[name];
      if (!Array.isArray(clauses)) {
        this.add(
          'INVALID_SCHEMA',
          `${path}.${name}`,
          `condition '${name}' must be a list of {condition, target, sign}`,
          id,
        );
      } else {
        clauses.forEach((clause, k) => this.clause(id, name, clause, `${path}.${name}[${k}]`));
      }
      let to: string | undefined;
      if (expression && !(name in expression)) {
        this.add(
          'INVALID_SCHEMA',
          `${exprPath}.${name}`,
          `process_control ${id} has no branch (expression) for condition '${name}'`,
          id,
        );
      } else {
        to = target(name);
      }
      if (to) {
        const list = Array.isArray(clauses) ? clauses.filter(isPlainObject) : [];
        rules.push({
          name,
          target: to,
          clauses: list.map((c) => ({
            condition: c.condition,
            target: c.target,
            sign: c.sign as string,
          })),
        });
      }
    });
    return { ...base, type: 'process_control', mode: 'value', rules };
  }

  /** One `{condition, target, sign}` of process_control by value. */
  private clause(id: string, name: string, clause: unknown, path: string): void {
    if (!isPlainObject(clause)) {
      this.add('INVALID_SCHEMA', path, 'a clause is {condition, target, sign}', id);
      return;
    }
    if (
      typeof clause.sign !== 'string' ||
      !Object.prototype.hasOwnProperty.call(SIGNS, clause.sign)
    ) {
      this.add(
        'INVALID_SCHEMA',
        `${path}.sign`,
        `sign must be one of ${Object.keys(SIGNS).join(' ')}, got ${show(clause.sign)}`,
        id,
      );
    }
    for (const key of ['condition', 'target']) {
      const v = clause[key];
      const scalar =
        v === null ||
        typeof v === 'string' ||
        typeof v === 'boolean' ||
        (typeof v === 'number' && Number.isFinite(v));
      if (!(key in clause) || !scalar) {
        this.add(
          'INVALID_SCHEMA',
          `${path}.${key}`,
          `${key} must be a number, a string (may hold \${var} expressions), a boolean or null`,
          id,
        );
      } else if (typeof v === 'string' && v.includes('${')) {
        try {
          checkTemplate(v);
        } catch (e) {
          this.add(
            'INVALID_EXPRESSION',
            `${path}.${key}`,
            `process_control ${id}, condition '${name}': ${(e as Error).message}`,
            id,
          );
        }
      }
    }
  }

  // ------------------------------------------------------------------ the whole process

  private structure(
    list: Entry[],
    entries: ReadonlyMap<string, Entry>,
  ): { start: StartTask; end: EndTask; contained: Set<string> } | null {
    const tasks = list.filter((e) => e.task).map((e) => e.task!);
    const starts = list.filter((e) => e.type === 'start');
    const ends = list.filter((e) => e.type === 'end');
    for (const [kind, found] of [
      ['start', starts],
      ['end', ends],
    ] as const) {
      if (found.length === 0)
        this.add('DEGREE', this.base, `the process needs exactly one ${kind} task, it has none`);
      for (const extra of found.slice(1)) {
        this.add(
          'DEGREE',
          this.at(extra.index, 'task_type'),
          `the process needs exactly one ${kind} task; task ${extra.id} is another one (first: ${found[0].id})`,
          extra.id,
        );
      }
    }

    // Where each task runs: inside a group / parallel node, or on the process's own lines.
    const containers = new Map<string, Task[]>();
    for (const t of tasks) {
      const ids = t.type === 'group' ? t.members : t.type === 'parallel' ? t.branches : [];
      for (const member of ids) containers.set(member, [...(containers.get(member) ?? []), t]);
    }
    for (const [member, holders] of containers) {
      const m = entries.get(member)!;
      for (const holder of holders) {
        const allowed = holder.type === 'group' ? ['common'] : ['common', 'group'];
        if (m.type && !allowed.includes(m.type)) {
          const key = holder.type === 'group' ? 'group_ids' : 'parallel_task_ids';
          const j = (
            holder.type === 'group' ? holder.members : (holder as { branches: string[] }).branches
          ).indexOf(member);
          this.add(
            'INVALID_SCHEMA',
            this.at(holder.index, 'method_kwargs', key, `[${j}]`),
            `${holder.type} ${holder.id} lists task ${member}, a ${m.type}; a ${holder.type} runs ${allowed.join(' or ')} tasks`,
            holder.id,
          );
        }
      }
      if (holders.length > 1) {
        this.add(
          'INVALID_SCHEMA',
          this.at(m.index, 'task_id'),
          `task ${member} is listed by ${holders.map((h) => `${h.type} ${h.id}`).join(' and ')}; a task runs in one place`,
          member,
        );
      }
    }
    const contained = new Set(containers.keys());

    // What leads to each task on the process's lines: next_id of an uncontained task, process-control branches.
    const ledTo = new Set<string>();
    const edges = new Map<string, string[]>();
    const lead = (from: Task, to: string, path: string): void => {
      const target = entries.get(to);
      if (!target) return; // UNKNOWN_TASK, reported with the task
      if (target.type === 'start') {
        this.add(
          'CONNECT_TO_START',
          path,
          `task ${from.id} leads back to the start task ${to}`,
          from.id,
        );
      } else if (contained.has(to)) {
        const holder = containers.get(to)![0];
        this.add(
          'INVALID_SCHEMA',
          path,
          `task ${from.id} leads to task ${to}, which runs inside ${holder.type} ${holder.id}`,
          from.id,
        );
      }
      ledTo.add(to);
      edges.set(from.id, [...(edges.get(from.id) ?? []), to]);
    };
    for (const t of tasks) {
      if (contained.has(t.id)) continue;
      if (t.type === 'process_control') {
        const branches =
          t.mode === 'status'
            ? [
                ['success', t.success],
                ['failure', t.failure],
              ]
            : t.rules.map((r) => [r.name, r.target]);
        for (const [key, to] of branches)
          if (to)
            lead(t, to, this.at(t.index, 'method_kwargs', 'expression', key as string, 'task_id'));
      } else if (t.nextId !== null) {
        if (t.type === 'end') {
          this.add(
            'DEGREE',
            this.at(t.index, 'next_id'),
            `the end task ${t.id} cannot lead on (next_id must be null)`,
            t.id,
          );
        } else {
          lead(t, t.nextId, this.at(t.index, 'next_id'));
        }
      } else if (t.type === 'start') {
        this.add(
          'DEGREE',
          this.at(t.index, 'next_id'),
          `the start task ${t.id} leads nowhere (next_id is null)`,
          t.id,
        );
      }
    }
    for (const e of list) {
      if (e.type === 'start' || e.type === 'end' || contained.has(e.id) || ledTo.has(e.id))
        continue;
      this.add(
        'DEGREE',
        this.at(e.index, 'task_id'),
        `nothing leads to task ${e.id}: no next_id, group, parallel or process_control names it`,
        e.id,
      );
    }
    this.cycles(list, edges);

    if (starts.length !== 1 || ends.length !== 1 || !starts[0].task || !ends[0].task) return null;
    return { start: starts[0].task as StartTask, end: ends[0].task as EndTask, contained };
  }

  /** Loops on the process's lines (strongly connected components, linear and iterative). */
  private cycles(list: Entry[], edges: ReadonlyMap<string, string[]>): void {
    const order = new Map(list.map((e) => [e.id, e.index]));
    for (const component of namedCycles(list.map((e) => e.id), (id) => edges.get(id) ?? [])) {
      const first = component[0];
      this.add(
        'CYCLE',
        this.at(order.get(first)!, 'next_id'),
        `tasks ${component.join(', ')} lead back to one another (a loop)`,
        first,
      );
    }
  }
}
