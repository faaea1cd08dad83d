import { renderTemplate, type VariableScope } from '../expressions';
import type { ComponentInput, TreeVariable } from '../model/tree.types';
import type { CompiledScope } from './compiled-tree';

/** `"${name}"` → `name`; a key written without the braces is kept as is. */
export function varName(key: string): string {
  return key.startsWith('${') && key.endsWith('}') ? key.slice(2, -1).trim() : key;
}

/** `name` or `"${name}"` → `"${name}"`, the form context keys are stored in. */
export function varKey(name: string): string {
  return name.startsWith('${') && name.endsWith('}') ? name : `\${${name}}`;
}

/** Values of lazy variables / inputs, computed by their providers before the core decides. */
export type LazyValues = ReadonlyMap<string, unknown>;

export const lazyVariableKey = (scopeId: string, key: string): string => `var:${scopeId}:${key}`;
export const lazyInputKey = (nodeId: string, input: string): string => `input:${nodeId}:${input}`;

/**
 * The variables visible in one scope: stored values (run inputs, node outputs, params,
 * updates) over the tree's definitions. Splice variables render on demand against the same
 * scope; a reference cycle between them leaves the template unrendered instead of looping.
 */
export class ScopeVariables implements VariableScope {
  private readonly resolving = new Set<string>();
  private readonly cache = new Map<string, unknown>();

  constructor(
    private readonly scope: CompiledScope,
    private readonly stored: Readonly<Record<string, unknown>>,
    private readonly lazy: LazyValues = new Map(),
  ) {}

  has(name: string): boolean {
    const key = varKey(name);
    return key in this.stored || key in this.scope.variables || name in this.scope.variables;
  }

  get(name: string): unknown {
    const key = varKey(name);
    if (key in this.stored) return this.stored[key];
    if (this.cache.has(key)) return this.cache.get(key);
    const def: TreeVariable | undefined = this.scope.variables[key] ?? this.scope.variables[name];
    if (!def) return undefined;
    let value: unknown;
    if (def.type === 'lazy') {
      const lk = lazyVariableKey(this.scope.id, key);
      value = this.lazy.has(lk) ? this.lazy.get(lk) : def.value;
    } else if (def.type === 'splice' && def.source_act === undefined) {
      if (this.resolving.has(key)) return def.value;
      this.resolving.add(key);
      try {
        value = renderTemplate(def.value, this);
      } finally {
        this.resolving.delete(key);
      }
    } else {
      value = def.value;
    }
    this.cache.set(key, value);
    return value;
  }

  /** Every variable of the scope, resolved (for `parentData.context` and previews). */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(this.scope.variables), ...Object.keys(this.stored)])) {
      out[key] = this.get(varName(key));
    }
    return out;
  }

  /** The scope's `data.outputs`, keyed as written. */
  outputs(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of this.scope.outputs) out[key] = this.get(varName(key));
    return out;
  }
}

/** Render a node's component inputs (or a sub-process's params) in a scope. */
export function renderInputs(
  nodeId: string,
  inputs: Record<string, ComponentInput | TreeVariable>,
  scope: VariableScope,
  lazy: LazyValues = new Map(),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, input] of Object.entries(inputs ?? {})) {
    if (!input || typeof input !== 'object') {
      out[key] = input;
      continue;
    }
    switch (input.type) {
      case 'splice':
        out[key] = renderTemplate(input.value, scope);
        break;
      case 'lazy': {
        const lk = lazyInputKey(nodeId, key);
        out[key] = lazy.has(lk) ? lazy.get(lk) : input.value;
        break;
      }
      default:
        out[key] = input.value;
    }
  }
  return out;
}

/**
 * A scope's variables as `{name: value}` (names without `${}`): its declared `data.inputs`
 * resolved (splices rendered, node outputs once their node finished) under the stored values
 * (run inputs, context updates, results). A template that cannot render answers as written
 * rather than failing the whole read. (`GET /runs/:id/context`.)
 */
export function renderScopeVariables(scope: CompiledScope, stored: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const variables = new ScopeVariables(scope, stored);
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(scope.variables), ...Object.keys(stored)])) {
    const name = varName(key);
    try {
      out[name] = variables.get(name);
    } catch {
      out[name] = key in stored ? stored[key] : scope.variables[key]?.value;
    }
  }
  return out;
}
