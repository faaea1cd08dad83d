import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from './components/components.module';
import { PipelineDefinitionService } from './definitions/pipeline-definition.service';
import { DatabaseModule } from './persistence/database.module';
import { PIPELINE_ENTITIES } from './persistence/entities';
import { RunService } from './runtime/run.service';

export interface PipelineModuleOptions {
  /** `sqlite:<path>`, `sqlite::memory:` or `mysql://user:pass@host:3306/db` (DESIGN §2). */
  databaseUrl: string;
  /** Log SQL statements (they may contain run data). */
  databaseLogging?: boolean;
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
        DatabaseModule.forRoot({ databaseUrl: options.databaseUrl, logging: options.databaseLogging }),
        ComponentsModule,
        TypeOrmModule.forFeature(PIPELINE_ENTITIES),
      ],
      providers: [PipelineDefinitionService, RunService],
      exports: [PipelineDefinitionService, RunService, ComponentsModule, TypeOrmModule],
    };
  }
}
