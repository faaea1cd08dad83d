import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ComponentRegistry } from './component-registry.service';
import { CpuTaskPool } from './cpu-task-pool.service';
import { LazyVariableRegistry } from './lazy-variable-registry.service';
import { STANDARD_COMPONENTS, STANDARD_LAZY_VARIABLES } from './standard';

export { STANDARD_COMPONENTS, STANDARD_LAZY_VARIABLES } from './standard';

/**
 * The component and lazy-variable registries plus the standard components. User components need
 * no registration here: any provider of the app decorated with `@PipelineComponent` (or
 * `@PipelineLazyVariable`) is discovered at boot, in whichever module it is declared.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    ComponentRegistry,
    CpuTaskPool,
    LazyVariableRegistry,
    ...STANDARD_COMPONENTS,
    ...STANDARD_LAZY_VARIABLES,
  ],
  exports: [
    ComponentRegistry,
    CpuTaskPool,
    LazyVariableRegistry,
    ...STANDARD_COMPONENTS,
    ...STANDARD_LAZY_VARIABLES,
  ],
})
export class ComponentsModule {}
