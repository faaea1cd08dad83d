import { PipelineDefinitionEntity } from './pipeline-definition.entity';
import { PipelineVersionEntity } from './pipeline-version.entity';

/** Every entity of the engine. Append new ones here; `DatabaseModule` and `PipelineModule` read this list. */
export const PIPELINE_ENTITIES = [PipelineDefinitionEntity, PipelineVersionEntity];
