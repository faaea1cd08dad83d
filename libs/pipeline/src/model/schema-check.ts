/**
 * The schema pass of `validateTree`: checks a raw tree against the DTO classes of
 * tree-schema.dto.ts and reports every problem with its dotted path.
 *
 * Why not `plainToInstance` + `validateSync` on the whole tree: on a 10,000-node tree that takes
 * ~600 ms, nearly all of it allocation (an instance per object, a `ValidationError` per
 * property). So this walks the raw tree once and, for each object, runs the very validators the
 * DTO decorators registered with class-validator (read from its metadata storage) without
 * building anything. Only an object that fails goes through class-validator itself, as one
 * shallow instance whose nested objects are replaced by placeholders (each nested object is
 * walked and reported on its own), so messages and semantics stay class-validator's. A spec
 * checks that both ways find the same problems.
 *
 * The fast pass may be stricter than class-validator (then the slow pass finds nothing and no
 * issue is reported) but never more lenient: anything it cannot evaluate (async or promise
 * validation, a nested property whose class is unknown) counts as a failure.
 */
import {
  getMetadataStorage,
  validateSync,
  ValidationTypes,
  type ValidationArguments,
  type ValidationError,
  type ValidatorConstraintInterface,
} from 'class-validator';
import type { ClassConstructor } from 'class-transformer';
import {
  getNestedSpecs,
  isPlainObject,
  PipelineTreeDto,
  type DtoClass,
  type NestedSpec,
} from './tree-schema.dto';

/** Deeper JSON than this is refused before anything else looks at it (bounds every recursion). */
export const MAX_TREE_JSON_DEPTH = 200;

export interface SchemaProblem {
  /** Dotted path, e.g. `activities.a1.component.code`; `''` for the root. */
  path: string;
  segments: readonly string[];
  /** The innermost node the problem sits in. */
  nodeId?: string;
  message: string;
}

interface CompiledCheck {
  meta: {
    propertyName: string;
    constraints: unknown[];
    each: boolean;
    validateIf?: (o: unknown, v: unknown) => boolean;
  };
  instances: ValidatorConstraintInterface[];
}

interface CompiledProperty {
  name: string;
  conditions: Array<(object: unknown, value: unknown) => boolean>;
  checks: CompiledCheck[];
  hasNested: boolean;
  nested?: NestedSpec;
  /** Uses a validation type the fast pass does not evaluate: always hand it to class-validator. */
  unsupported: boolean;
}

const compiled = new Map<DtoClass, CompiledProperty[]>();

function compile(cls: DtoClass): CompiledProperty[] {
  const cached = compiled.get(cls);
  if (cached) return cached;
  const storage = getMetadataStorage();
  const metas = storage.getTargetValidationMetadatas(
    cls,
    undefined as unknown as string,
    false,
    false,
  );
  const specs = getNestedSpecs(cls);
  const byName = new Map<string, CompiledProperty>();
  for (const m of metas) {
    let p = byName.get(m.propertyName);
    if (!p) {
      p = {
        name: m.propertyName,
        conditions: [],
        checks: [],
        hasNested: false,
        nested: specs.get(m.propertyName),
        unsupported: false,
      };
      byName.set(m.propertyName, p);
    }
    switch (m.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        p.conditions.push(m.constraints[0] as (o: unknown, v: unknown) => boolean);
        break;
      case ValidationTypes.IS_DEFINED:
      case ValidationTypes.CUSTOM_VALIDATION:
        p.checks.push({
          meta: m,
          instances: storage.getTargetValidatorConstraints(m.constraintCls).map((c) => {
            if (c.async) p!.unsupported = true;
            return c.instance as ValidatorConstraintInterface;
          }),
        });
        break;
      case ValidationTypes.NESTED_VALIDATION:
        p.hasNested = true;
        break;
      case ValidationTypes.WHITELIST:
        break;
      default:
        p.unsupported = true;
    }
  }
  const list = [...byName.values()];
  compiled.set(cls, list);
  return list;
}

/** Reused for every validator call (they run synchronously and do not keep it). */
const sharedArgs: ValidationArguments = {
  targetName: '',
  property: '',
  object: {},
  value: undefined,
  constraints: [],
};

function passes(
  check: CompiledCheck,
  cls: DtoClass,
  object: Record<string, unknown>,
  value: unknown,
): boolean {
  const { meta } = check;
  if (meta.validateIf && !meta.validateIf(object, value)) return true;
  sharedArgs.targetName = cls.name;
  sharedArgs.property = meta.propertyName;
  sharedArgs.object = object;
  sharedArgs.value = value;
  sharedArgs.constraints = meta.constraints;
  const many = meta.each && (Array.isArray(value) || value instanceof Set || value instanceof Map);
  for (const inst of check.instances) {
    if (!many) {
      if (!isTrue(inst.validate(value, sharedArgs))) return false;
      continue;
    }
    const items = value instanceof Map ? [...value.values()] : [...(value as Iterable<unknown>)];
    for (const v of items) if (!isTrue(inst.validate(v, sharedArgs))) return false;
  }
  return true;
}

/** class-validator counts any truthy result as a pass; a promise (async) is not evaluated here. */
function isTrue(result: unknown): boolean {
  return !!result && typeof (result as Promise<boolean>).then !== 'function';
}

interface Frame {
  raw: Record<string, unknown>;
  cls: ClassConstructor<object>;
  /** Where the object sits: parent frame + key (paths are only built for failing objects). */
  parent?: Frame;
  key: string;
  nodeId?: string;
}

function segmentsOf(frame: Frame): string[] {
  const segs: string[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) segs.push(f.key);
  return segs.reverse();
}

/**
 * Checks `root` against `rootClass` (default: the whole tree) and returns every problem, in
 * walk order. The input is not modified. Run `checkJsonShape` first on untrusted input.
 */
export function checkSchema(
  root: unknown,
  rootClass: ClassConstructor<object> = PipelineTreeDto,
): SchemaProblem[] {
  if (!isPlainObject(root)) {
    return [{ path: '', segments: [], message: 'The pipeline tree must be a JSON object' }];
  }
  const problems: SchemaProblem[] = [];
  const stack: Frame[] = [{ raw: root, cls: rootClass, key: '' }];
  while (stack.length) {
    const frame = stack.pop()!;
    if (!checkObject(frame, stack)) problems.push(...explain(frame));
  }
  return problems;
}

/** Fast pass over one object; pushes its nested objects; false when anything fails. */
function checkObject(frame: Frame, stack: Frame[]): boolean {
  const { raw, cls, nodeId } = frame;
  let ok = true;
  for (const p of compile(cls)) {
    if (p.unsupported) {
      ok = false;
      continue;
    }
    const value = raw[p.name];
    let skip = false;
    for (const c of p.conditions) if (!c(raw, value)) skip = true;
    if (skip) continue;
    for (const check of p.checks) if (!passes(check, cls, raw, value)) ok = false;
    if (!p.hasNested || value === undefined) continue;
    const spec = p.nested;
    if (!spec) {
      ok = false;
      continue;
    }
    if (spec.kind === 'object') {
      if (isPlainObject(value)) {
        const id = spec.node ? (typeof value.id === 'string' ? value.id : undefined) : nodeId;
        stack.push({ raw: value, cls: spec.type(), parent: frame, key: p.name, nodeId: id });
      } else ok = false;
    } else if (spec.kind === 'record') {
      if (!isPlainObject(value)) {
        ok = false;
        continue;
      }
      // a pseudo-frame for the property itself, so entries get `<...>.<property>.<key>` paths
      const base: Frame = { raw, cls, parent: frame, key: p.name };
      const keys = Object.keys(value);
      // pushed in reverse so problems come out in key order
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i];
        const entry = value[k];
        if (isPlainObject(entry))
          stack.push({
            raw: entry,
            cls: spec.select(entry),
            parent: base,
            key: k,
            nodeId: spec.nodes ? k : nodeId,
          });
        else ok = false;
      }
    } else {
      if (!Array.isArray(value)) {
        ok = false;
        continue;
      }
      const base: Frame = { raw, cls, parent: frame, key: p.name };
      for (let i = value.length - 1; i >= 0; i--) {
        const entry = value[i];
        if (isPlainObject(entry))
          stack.push({ raw: entry, cls: spec.type(), parent: base, key: String(i), nodeId });
        else ok = false;
      }
    }
  }
  return ok;
}

/** Stands in for nested objects in the slow pass; has no metadata, so validates as nothing. */
class Placeholder {}
const PLACEHOLDER = new Placeholder();

/** Slow pass over one failing object: class-validator on a shallow instance. */
function explain(frame: Frame): SchemaProblem[] {
  const { raw, cls, nodeId } = frame;
  const segments = segmentsOf(frame);
  const inst = Object.create(cls.prototype) as Record<string, unknown>;
  for (const k of Object.keys(raw)) if (k !== '__proto__' && k !== 'constructor') inst[k] = raw[k];
  const specs = getNestedSpecs(cls);
  const nestedOf = new Map<string, NestedSpec>();
  for (const [k, spec] of specs) {
    nestedOf.set(k, spec);
    const v = raw[k];
    if (spec.kind === 'object') {
      if (isPlainObject(v)) inst[k] = PLACEHOLDER;
    } else if (spec.kind === 'record') {
      if (isPlainObject(v))
        inst[k] = new Map(
          Object.keys(v).map((key) => [key, isPlainObject(v[key]) ? PLACEHOLDER : null]),
        );
    } else if (Array.isArray(v)) {
      inst[k] = v.map((e) => (isPlainObject(e) ? PLACEHOLDER : null));
    }
  }
  const errors = validateSync(inst, {
    forbidUnknownValues: false,
    validationError: { target: false },
  });
  const problems: SchemaProblem[] = [];
  for (const e of errors) {
    const segs = [...segments, e.property];
    if (e.constraints && Object.keys(e.constraints).length) {
      problems.push(problem(segs, nodeId, e));
      continue;
    }
    const spec = nestedOf.get(e.property);
    for (const child of e.children ?? []) {
      if (!child.constraints || !Object.keys(child.constraints).length) continue;
      const childNode = spec?.kind === 'record' && spec.nodes ? child.property : nodeId;
      problems.push(problem([...segs, child.property], childNode, child));
    }
  }
  if (!problems.length) {
    // The fast pass was stricter than class-validator; nothing to report.
    return [];
  }
  return problems;
}

/** Constraints about a value's kind; when one fails, range/emptiness complaints are noise. */
const KIND_CONSTRAINTS = new Set([
  'isString',
  'isNumber',
  'isInt',
  'isBoolean',
  'isArray',
  'isIn',
  'equals',
  'isObjectValue',
  'isFlowRefs',
  'isStringOrStringArray',
]);

function problem(
  segments: string[],
  nodeId: string | undefined,
  error: ValidationError,
): SchemaProblem {
  const path = segments.join('.');
  const constraints = error.constraints ?? {};
  let keys = Object.keys(constraints);
  let message: string;
  if (error.value === undefined) {
    message = `${path} is required`;
  } else if (keys.length === 1 && keys[0] === 'nestedValidation') {
    message = `${path} must be an object`;
  } else {
    keys = keys.filter((k) => k !== 'nestedValidation');
    const kind = keys.filter((k) => KIND_CONSTRAINTS.has(k));
    const texts = [...new Set((kind.length ? kind : keys).map((k) => constraints[k]))];
    message = `${path}: ${texts.join('; ')}`;
  }
  return { path, segments, nodeId, message };
}

/**
 * Refuses input nested deeper than MAX_TREE_JSON_DEPTH, which bounds the recursive code that
 * runs later (class-validator, expression checks, JSON serialisation). Iterative and
 * depth-first, so an object that contains itself (only possible from code, not JSON) also hits
 * the bound after MAX_TREE_JSON_DEPTH steps.
 */
export function checkJsonShape(root: unknown): SchemaProblem | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  // fast pass: values and depths only
  const values: object[] = [root];
  const depths: number[] = [1];
  while (values.length) {
    const value = values.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_TREE_JSON_DEPTH) return locateTooDeep(root);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const child: unknown = value[i];
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      const rec = value as Record<string, unknown>;
      for (const k in rec) {
        if (!Object.prototype.hasOwnProperty.call(rec, k)) continue;
        const child = rec[k];
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return undefined;
}

/** Slow pass, only for a tree known to be too deep: the same walk, keeping the path. */
function locateTooDeep(root: object): SchemaProblem {
  interface Item {
    value: object;
    depth: number;
    parent?: Item;
    key: string;
  }
  const stack: Item[] = [{ value: root, depth: 1, key: '' }];
  for (;;) {
    const item = stack.pop()!;
    if (item.depth > MAX_TREE_JSON_DEPTH) {
      const segments: string[] = [];
      for (let it: Item | undefined = item; it?.parent; it = it.parent) segments.unshift(it.key);
      const path = segments.join('.');
      return {
        path,
        segments,
        message: `${path} nests deeper than ${MAX_TREE_JSON_DEPTH} levels (or contains itself)`,
      };
    }
    const keys = Array.isArray(item.value)
      ? item.value.map((_, i) => String(i))
      : Object.keys(item.value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = (item.value as Record<string, unknown>)[keys[i]];
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, depth: item.depth + 1, parent: item, key: keys[i] });
    }
  }
}
