/**
 * Lays a graph out with elkjs (in the page, no web worker) into a `Drawing`. elkjs is most of
 * the console's weight, so it is loaded on the first graph shown.
 */
import type { ELK } from 'elkjs/lib/elk-api';
import type { Graph } from '../api/api-types';
import { readLayout, toElkGraph, type Drawing } from './graph-model';

let elk: Promise<ELK> | undefined;

/** The drawing of a graph; the same graph always gets the same layout. */
export async function layoutGraph(graph: Graph): Promise<Drawing> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: Elk }) => new Elk());
  return readLayout(graph, await (await elk).layout(toElkGraph(graph)));
}
