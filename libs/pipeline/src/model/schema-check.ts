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
import { getNestedSpecs, isPlainObject, PipelineTreeDto, type NestedSpec } from './tree-schema.dto';

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
  meta: { propertyName: string; constraints: unknown[]; each: boolean; validateIf?: (o: unknown, v: unknown) => boolean };
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

const compiled = new Map<Function, CompiledProperty[]>();

function compile(cls: Function): CompiledProperty[] {
  const cached = compiled.get(cls);
  if (cached) return cached;
  const storage = getMetadataStorage();
  const metas = storage.getTargetValidationMetadatas(cls, undefined as unknown as string, false, false);
  const specs = getNestedSpecs(cls);
  const byName = new Map<string, CompiledProperty>();
  for (const m of metas) {
    let p = byName.get(m.propertyName);
    if (!p) {
      p = { name: m.propertyName, conditions: [], checks: [], hasNested: false, nested: specs.get(m.propertyName), unsupported: false };
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

function passes(check: CompiledCheck, cls: Function, object: Record<string, unknown>, value: unknown): boolean {
  const { meta } = check;
  if (meta.validateIf && !meta.validateIf(object, value)) return true;
  const args: ValidationArguments = {
    targetName: cls.name,
    property: meta.propertyName,
    object,
    value,
    constraints: meta.constraints,
  };
  const many = meta.each && (Array.isArray(value) || value instanceof Set || value instanceof Map);
  for (const inst of check.instances) {
    const values = many ? [...(value as Iterable<unknown>)].map((v) => (value instanceof Map ? (v as [unknown, unknown])[1] : v)) : [value];
    for (const v of values) {
      const r = inst.validate(v, args);
      if (r !== true && (!r || typeof (r as Promise<boolean>).then === 'function')) return false;
    }
  }
  return true;
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
 * walk order. The input is not modified.
 */
export function checkSchema(root: unknown, rootClass: ClassConstructor<object> = PipelineTreeDto): SchemaProblem[] {
  if (!isPlainObject(root)) {
    return [{ path: '', segments: [], message: 'The pipeline tree must be a JSON object' }];
  }
  const shape = checkJsonShape(root);
  if (shape) return [shape];

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
    if (!p.conditions.every((c) => c(raw, value))) continue;
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
        if (isPlainObject(entry)) stack.push({ raw: entry, cls: spec.select(entry), parent: base, key: k, nodeId: spec.nodes ? k : nodeId });
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
        if (isPlainObject(entry)) stack.push({ raw: entry, cls: spec.type(), parent: base, key: String(i), nodeId });
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
      if (isPlainObject(v)) inst[k] = new Map(Object.keys(v).map((key) => [key, isPlainObject(v[key]) ? PLACEHOLDER : null]));
    } else if (Array.isArray(v)) {
      inst[k] = v.map((e) => (isPlainObject(e) ? PLACEHOLDER : null));
    }
  }
  const errors = validateSync(inst, { forbidUnknownValues: false, validationError: { target: false } });
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

function problem(segments: string[], nodeId: string | undefined, error: ValidationError): SchemaProblem {
  const path = segments.join('.');
  const constraints = error.constraints ?? {};
  const keys = Object.keys(constraints);
  let message: string;
  if (error.value === undefined) {
    message = `${path} is required`;
  } else if (keys.length === 1 && keys[0] === 'nestedValidation') {
    message = `${path} must be an object`;
  } else {
    const texts = [...new Set(keys.filter((k) => k !== 'nestedValidation').map((k) => constraints[k]))];
    message = `${path}: ${texts.join('; ')}`;
  }
  return { path, segments, nodeId, message };
}

/**
 * Refuses input that is not a JSON tree: nesting deeper than MAX_TREE_JSON_DEPTH or an object
 * that contains itself. Iterative, so hostile input cannot overflow the stack here; the bound
 * protects the recursive code that runs later (class-transformer, expression checks).
 * Objects shared between places (not JSON, but harmless) are walked once.
 */
function checkJsonShape(root: object): SchemaProblem | undefined {
  interface Item {
    value: object;
    depth: number;
    parent?: Item;
    key: string;
    exit: boolean;
  }
  const segmentsOf = (item: Item): string[] => {
    const segs: string[] = [];
    for (let it: Item | undefined = item; it?.parent; it = it.parent) segs.unshift(it.key);
    return segs;
  };
  const onPath = new Set<object>();
  const done = new Set<object>();
  const stack: Item[] = [{ value: root, depth: 1, key: '', exit: false }];
  while (stack.length) {
    const item = stack.pop()!;
    const { value, depth } = item;
    if (item.exit) {
      onPath.delete(value);
      done.add(value);
      continue;
    }
    if (onPath.has(value)) {
      const segments = segmentsOf(item);
      const path = segments.join('.');
      return { path, segments, message: `${path} contains itself (circular reference); a tree must be plain JSON` };
    }
    if (done.has(value)) continue;
    if (depth > MAX_TREE_JSON_DEPTH) {
      const segments = segmentsOf(item);
      const path = segments.join('.');
      return { path, segments, message: `${path} nests deeper than ${MAX_TREE_JSON_DEPTH} levels` };
    }
    onPath.add(value);
    stack.push({ ...item, exit: true });
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1, parent: item, key: String(i), exit: false });
      }
    } else {
      for (const k of Object.keys(value)) {
        const child = (value as Record<string, unknown>)[k];
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1, parent: item, key: k, exit: false });
      }
    }
  }
  return undefined;
}
