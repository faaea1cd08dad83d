import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discoverDecoratedProviders, type AnyClass } from './discover-decorated-providers';
import { DuplicateLazyVariableError } from './duplicate-lazy-variable.error';
import { LazyVariable, type LazyVariableMeta } from './lazy-variable';
import {
  PIPELINE_LAZY_VARIABLE,
  type PipelineLazyVariableMetadata,
} from './pipeline-lazy-variable.decorator';
import { UnknownLazyVariableError } from './unknown-lazy-variable.error';

/** A registered lazy variable as the catalogue shows it. */
export interface LazyVariableInfo {
  code: string;
  name: string;
  description?: string;
}

interface Entry {
  metadata: PipelineLazyVariableMetadata;
  instance: LazyVariable;
  type: AnyClass;
}

/** Every `@PipelineLazyVariable` provider of the app, keyed by code (a variable's `custom_type`). */
@Injectable()
export class LazyVariableRegistry implements OnModuleInit {
  private readonly logger = new Logger(LazyVariableRegistry.name);
  private entries?: Map<string, Entry>;

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.load();
  }

  /** @throws UnknownLazyVariableError */
  get(code: string): LazyVariable {
    const entry = this.load().get(code);
    if (!entry) throw new UnknownLazyVariableError(code);
    return entry.instance;
  }

  has(code: string): boolean {
    return this.load().has(code);
  }

  /** Computes `{type: 'lazy', custom_type: code, value}`. @throws UnknownLazyVariableError */
  async resolve(code: string, meta: LazyVariableMeta): Promise<unknown> {
    return this.get(code).getValue(meta);
  }

  /** Every lazy variable, sorted by code. */
  list(): LazyVariableInfo[] {
    return [...this.load().values()]
      .map(({ metadata }) => ({ ...metadata }))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  // Lazy as well as in onModuleInit: see ComponentRegistry.
  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry>();
    const found = discoverDecoratedProviders(
      this.discovery,
      PIPELINE_LAZY_VARIABLE,
      LazyVariable,
      '@PipelineLazyVariable',
    );
    for (const provider of found) {
      const existing = entries.get(provider.metadata.code);
      if (existing) {
        if (existing.type === provider.type) continue;
        throw new DuplicateLazyVariableError(provider.metadata.code, [
          existing.type.name,
          provider.type.name,
        ]);
      }
      entries.set(provider.metadata.code, provider);
    }
    this.entries = entries;
    const codes = [...entries.keys()].sort();
    this.logger.log(`Discovered ${codes.length} lazy variable(s): ${codes.join(', ') || '(none)'}`);
    return entries;
  }
}
