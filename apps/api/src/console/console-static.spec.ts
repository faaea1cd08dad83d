import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultConsoleDir } from './console-static';

describe('defaultConsoleDir', () => {
  it("finds dist/console of the checkout from the sources and from the api's build", () => {
    const root = mkdtempSync(join(tmpdir(), 'console-dir-'));
    try {
      writeFileSync(join(root, 'package.json'), '{}');
      const built = join(root, 'dist/apps/api/apps/api/src/console');
      mkdirSync(built, { recursive: true });
      expect(defaultConsoleDir(built)).toBe(join(root, 'dist', 'console'));
      expect(defaultConsoleDir(join(root, 'apps/api/src/console'))).toBe(join(root, 'dist', 'console'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('points this checkout at its own dist/console', () => {
    expect(defaultConsoleDir()).toBe(resolve(__dirname, '../../../../dist/console'));
  });
});
