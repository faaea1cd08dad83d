/**
 * The graph answers of `GET /pipelines/:id/graph` and `GET /runs/:id/graph`, for the OpenAPI
 * document only (the controller returns the engine's `TreeGraphView`).
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const NODE_KINDS = ['start', 'end', 'activity', 'subprocess', 'parallel', 'exclusive', 'conditional_parallel', 'converge', 'dag_work'];

export class GraphNodeDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: NODE_KINDS, description: '`dag_work`: an activity of a DAG scope' }) kind: string;
  @ApiProperty({ nullable: true }) name: string | null;
  @ApiPropertyOptional({ description: "An activity's component code" }) component?: string;
  @ApiPropertyOptional({ description: 'The SubProcess node holding this node; absent at the root' }) parentId?: string;
  @ApiPropertyOptional({ description: "A DAG work's trigger rule" }) triggerRule?: string;
}

export class GraphEdgeDto {
  @ApiProperty({ description: 'The flow id (DAG scopes: `upstream->work`)' }) id: string;
  @ApiProperty() source: string;
  @ApiProperty() target: string;
  @ApiPropertyOptional({ description: "A gateway's condition on this flow, `default` for its default flow" })
  condition?: string;
}

export class GraphDto {
  @ApiProperty({ type: [GraphNodeDto] }) nodes: GraphNodeDto[];
  @ApiProperty({ type: [GraphEdgeDto] }) edges: GraphEdgeDto[];
}
