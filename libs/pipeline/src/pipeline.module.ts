import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from './components/components.module';
import { PipelineDefinitionService } from './definitions/pipeline-definition.service';
import { DatabaseModule } from './persistence/database.module';
import { PIPELINE_ENTITIES } from './persistence/entities';
import { JobQueue } from './ports/job-queue.port';
import { RunStore } from './ports/run-store.port';
import { TypeormRunStore } from './persistence/typeorm-run-store';
import { InProcessJobQueue } from './queue/in-process-job-queue';
import { Reconciler } from './runtime/reconciler.service';
import { EmbeddedWorker } from './runtime/embedded-worker.service';
import { EngineRuntime } from './runtime/engine-runtime.service';
import { RunService } from './runtime/run.service';

export interface PipelineModuleOptions {
  /** `sqlite:<path>`, `sqlite::memory:` or `mysql://user:pass@host:3306/db` (DESIGN §2). */
  databaseUrl: string;
  /** Log SQL statements (they may contain run data). */
  databaseLogging?: boolean;
  /**
   * Consume the engine queue in this process (embedded mode). Default true. The distributed
   * api app sets it false and leaves the work to engine-worker processes.
   */
  runWorker?: boolean;
  /** Jobs handled at once by the in-process worker (default 4). */
  workerConcurrency?: number;
}

/**
 * The engine as one Nest module: database (migrated at start-up), components, stored
 * definitions and runs. Import it once, at the root of an app.
 */
@Module({})
export class PipelineModule {
  static forRoot(options: PipelineModuleOptions): DynamicModule {
    return {
      module: PipelineModule,
      imports: [
        DatabaseModule.forRoot({
          databaseUrl: options.databaseUrl,
          logging: options.databaseLogging,
        }),
        ComponentsModule,
        TypeOrmModule.forFeature(PIPELINE_ENTITIES),
      ],
      providers: [
        PipelineDefinitionService,
        RunService,
        EngineRuntime,
        { provide: RunStore, useClass: TypeormRunStore },
        { provide: JobQueue, useFactory: () => new InProcessJobQueue(options.workerConcurrency ?? 4) },
        Reconciler,
        ...(options.runWorker === false ? [] : [EmbeddedWorker]),
      ],
      exports: [PipelineDefinitionService, RunService, EngineRuntime, RunStore, JobQueue, ComponentsModule, TypeOrmModule],
    };
  }
}
