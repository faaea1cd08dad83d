import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discoverDecoratedProviders, type AnyClass } from './discover-decorated-providers';
import { DuplicateComponentError } from './duplicate-component.error';
import {
  PIPELINE_COMPONENT,
  resolveComponentVersion,
  type PipelineComponentMetadata,
} from './pipeline-component.decorator';
import { Service, type FieldFormat, type ScheduleType } from './service';
import { UnknownComponentError } from './unknown-component.error';

/** A registered component as the catalogue shows it. */
export interface ComponentInfo {
  code: string;
  version: string;
  name: string;
  description?: string;
  /** `undefined`: the node finishes when `execute` returns. */
  scheduleType?: ScheduleType;
  needRunHook: boolean;
  /** Runs on the worker-thread pool (`CpuBoundService`). */
  cpuBound?: boolean;
  inputsFormat: FieldFormat[];
  outputsFormat: FieldFormat[];
}

interface Entry {
  metadata: PipelineComponentMetadata;
  instance: Service;
  type: AnyClass;
}

/**
 * Every `@PipelineComponent` provider of the app, keyed by (code, version). Components are found
 * wherever they are declared (any module), once, at boot; a clash or a bad declaration fails boot.
 */
@Injectable()
export class ComponentRegistry implements OnModuleInit {
  private readonly logger = new Logger(ComponentRegistry.name);
  private entries?: Map<string, Entry>;

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.load();
  }

  /**
   * The component for a node's `component.code` / `component.version` (missing, null or empty
   * version = `'legacy'`, as in bamboo; there is no fallback to another version).
   * @throws UnknownComponentError
   */
  get(code: string, version?: string | null): Service {
    const resolved = resolveComponentVersion(version);
    const entry = this.load().get(key(code, resolved));
    if (!entry) throw new UnknownComponentError(code, resolved);
    return entry.instance;
  }

  has(code: string, version?: string | null): boolean {
    return this.load().has(key(code, resolveComponentVersion(version)));
  }

  /** Every component, sorted by code then version. */
  list(): ComponentInfo[] {
    return [...this.load().values()]
      .map(({ metadata, instance }) => ({
        code: metadata.code,
        version: metadata.version,
        name: metadata.name,
        ...(metadata.description !== undefined ? { description: metadata.description } : {}),
        ...(instance.scheduleType !== undefined ? { scheduleType: instance.scheduleType } : {}),
        needRunHook: instance.needRunHook,
        ...((instance as { cpuBound?: boolean }).cpuBound ? { cpuBound: true } : {}),
        inputsFormat: instance.inputsFormat(),
        outputsFormat: instance.outputsFormat(),
      }))
      .sort((a, b) => compare(a.code, b.code) || compare(a.version, b.version));
  }

  // Lazy as well as in onModuleInit, so a caller's own onModuleInit may use the registry
  // whatever order Nest runs the hooks in (all providers exist by then).
  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry>();
    const found = discoverDecoratedProviders(
      this.discovery,
      PIPELINE_COMPONENT,
      Service,
      '@PipelineComponent',
    );
    for (const provider of found) {
      const k = key(provider.metadata.code, provider.metadata.version);
      const existing = entries.get(k);
      if (existing) {
        // The same class declared in two modules is the same component; keep the first instance.
        if (existing.type === provider.type) continue;
        throw new DuplicateComponentError(provider.metadata.code, provider.metadata.version, [
          existing.type.name,
          provider.type.name,
        ]);
      }
      entries.set(k, provider);
    }
    this.entries = entries;
    const names = [...entries.values()]
      .map((e) => `${e.metadata.code}@${e.metadata.version}`)
      .sort(compare);
    this.logger.log(`Discovered ${names.length} component(s): ${names.join(', ') || '(none)'}`);
    return entries;
  }
}

function key(code: string, version: string): string {
  return `${code}\u0000${version}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
