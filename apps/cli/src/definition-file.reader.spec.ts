import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './cli.errors';
import {
  guessFormat,
  parseFormatOption,
  readDefinitionFile,
  resolveDefinition,
} from './definition-file.reader';

describe('definition files', () => {
  it('recognises a bare definition by its keys', () => {
    expect(guessFormat({ start_event: {} })).toBe('tree');
    expect(guessFormat({ works: [] })).toBe('dag');
    expect(guessFormat({ process_node: [] })).toBe('orderlines');
    expect(guessFormat({ nodes: [] })).toBe('orderlines');
    expect(guessFormat({ task_nodes: [] })).toBe('orderlines');
    expect(guessFormat([{ task_id: 1 }])).toBe('orderlines');
    expect(guessFormat({ id: 'x' })).toBeUndefined();
    expect(guessFormat('text')).toBeUndefined();
  });

  it('unwraps {format, definition} and {name, definition} (the POST /pipelines body)', () => {
    expect(resolveDefinition({ format: 'dag', definition: { works: ['a'] } })).toEqual({
      format: 'dag',
      definition: { works: ['a'] },
      formatFrom: 'wrapper',
    });
    expect(resolveDefinition({ name: 'hello', definition: { start_event: {} } })).toEqual({
      format: 'tree',
      definition: { start_event: {} },
      formatFrom: 'guessed',
    });
  });

  it('lets --format win over the wrapper and the keys', () => {
    expect(
      resolveDefinition({ format: 'dag', definition: { works: [] } }, 'orderlines').format,
    ).toBe('orderlines');
    expect(resolveDefinition({ works: [] }, 'tree')).toEqual({
      format: 'tree',
      definition: { works: [] },
      formatFrom: 'option',
    });
  });

  it('falls back to tree (the api default) when nothing is recognised, and rejects an unknown wrapper format', () => {
    expect(resolveDefinition({ id: 'x' }).format).toBe('tree');
    expect(() => resolveDefinition({ format: 'bpmn', definition: {} })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_FORMAT' }),
    );
  });

  it('checks --format values as usage errors (exit 2)', () => {
    expect(parseFormatOption('dag')).toBe('dag');
    expect(() => parseFormatOption('xml')).toThrow(
      expect.objectContaining({ code: 'USAGE', exitCode: 2 }),
    );
  });

  it('reads JSON and YAML files, with clear errors for unreadable and unparsable ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-spec-'));
    writeFileSync(join(dir, 'a.yaml'), 'format: dag\ndefinition:\n  works: [a, b]\n');
    writeFileSync(join(dir, 'b.json'), '{"works": ["a"]}');
    writeFileSync(join(dir, 'c.json'), '{"works": ');
    writeFileSync(join(dir, 'd.yml'), '- task_id: 1\n  task_type: start\n');
    expect(readDefinitionFile(join(dir, 'a.yaml'))).toEqual({
      format: 'dag',
      definition: { works: ['a', 'b'] },
      formatFrom: 'wrapper',
    });
    expect(readDefinitionFile(join(dir, 'b.json')).format).toBe('dag');
    expect(readDefinitionFile(join(dir, 'd.yml')).format).toBe('orderlines');
    expect(() => readDefinitionFile(join(dir, 'c.json'))).toThrow(CliError);
    expect(() => readDefinitionFile(join(dir, 'c.json'))).toThrow(
      expect.objectContaining({ code: 'UNPARSABLE_FILE', exitCode: 1 }),
    );
    expect(() => readDefinitionFile(join(dir, 'none.json'))).toThrow(
      expect.objectContaining({ code: 'FILE_NOT_FOUND' }),
    );
  });
});
