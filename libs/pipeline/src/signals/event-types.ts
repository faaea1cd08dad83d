/**
 * Every event type the engine logs and emits (DESIGN §6), with bamboo's names. Data keys
 * follow the seed: every event has `root_pipeline_id` (the run id); node events have
 * `node_id` (and `version`); run operations have `pipeline_id`.
 */
export const ENGINE_EVENT_TYPES = [
  'pre_prepare_run_pipeline',
  'post_prepare_run_pipeline',
  'pre_pause_pipeline',
  'post_pause_pipeline',
  'pre_revoke_pipeline',
  'post_revoke_pipeline',
  'pre_resume_pipeline',
  'post_resume_pipeline',
  'pre_resume_node',
  'post_resume_node',
  'pre_pause_node',
  'post_pause_node',
  'pre_retry_node',
  'post_retry_node',
  'pre_skip_node',
  'post_skip_node',
  'pre_skip_exclusive_gateway',
  'post_skip_exclusive_gateway',
  'pre_skip_conditional_parallel_gateway',
  'post_skip_conditional_parallel_gateway',
  'pre_forced_fail_activity',
  'post_forced_fail_activity',
  'pre_callback',
  'post_callback',
  'pre_retry_subprocess',
  'post_retry_subprocess',
  'node_execute_exception',
  'node_schedule_exception',
  'node_execute_fail',
  'node_schedule_fail',
  'node_enter',
  'node_finish',
  'pipeline_finish',
  // DESIGN §8.3: a node timeout ran out (then node_execute_fail, retrying or not); the run's
  // deadline passed (then pre_/post_revoke_pipeline).
  'node_timeout',
  'pipeline_timeout',
] as const;

export type EngineEventType = (typeof ENGINE_EVENT_TYPES)[number];
