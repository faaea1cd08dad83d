import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { discoverDecoratedProviders } from '../components/discover-decorated-providers';
import type { NodeCheck } from '../model/validation.types';
import { PIPELINE_TREE_CHECKS, TreeCheckProvider } from './tree-checks';

/**
 * Every `@PipelineTreeChecks` provider of the app: the extension point through which libs
 * outside the core add node checks to tree validation (`ValidateOptions.extraChecks`)
 * without the core knowing them. Found once at boot.
 */
@Injectable()
export class TreeCheckRegistry implements OnModuleInit {
  private readonly logger = new Logger(TreeCheckRegistry.name);
  private providers?: TreeCheckProvider[];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.load();
  }

  /** The extra checks of every provider, fresh for one validation. */
  nodeChecks(): NodeCheck[] {
    return this.load().flatMap((p) => p.nodeChecks());
  }

  // Lazy too, so a validation during another module's init still sees every provider.
  private load(): TreeCheckProvider[] {
    if (this.providers) return this.providers;
    const found = discoverDecoratedProviders(
      this.discovery,
      PIPELINE_TREE_CHECKS,
      TreeCheckProvider,
      '@PipelineTreeChecks',
    );
    // One class declared in two modules is one set of checks.
    const seen = new Set<unknown>();
    this.providers = found
      .filter((f) => !seen.has(f.type) && seen.add(f.type))
      .map((f) => f.instance);
    if (this.providers.length) {
      this.logger.log(
        `Tree checks from: ${this.providers.map((p) => p.constructor.name).join(', ')}`,
      );
    }
    return this.providers;
  }
}
