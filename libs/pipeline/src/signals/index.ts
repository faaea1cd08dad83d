export { PipelineSignals, PIPELINE_EVENT, PIPELINE_SIGNALS_OPTIONS, type PipelineEventPayload, type PipelineSignalsOptions, type NodeStateChange, type NodeStateListener } from './pipeline-signals.service';
export { ENGINE_EVENT_TYPES, type EngineEventType } from './event-types';
