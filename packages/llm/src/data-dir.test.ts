import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirError, defaultDataDir, findDataDir, requireDataDir, resolveDataDir } from './data-dir';

const dir = mkdtempSync(join(tmpdir(), 'data-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const missing = join(dir, 'missing');

describe('dataset location', () => {
  it('an explicit folder wins over AUTODIFF_DATA_DIR, which wins over the default', () => {
    expect(resolveDataDir(dir, { AUTODIFF_DATA_DIR: missing })).toBe(dir);
    expect(resolveDataDir(undefined, { AUTODIFF_DATA_DIR: dir })).toBe(dir);
    expect(defaultDataDir()).toMatch(/shared[/\\]datasets$/);
    expect(resolveDataDir(null, { AUTODIFF_DATA_DIR: dir })).toBeUndefined();
  });

  it('a folder that was asked for and is missing is an error naming it and where it came from', () => {
    expect(() => resolveDataDir(missing, {})).toThrow(DataDirError);
    expect(() => resolveDataDir(undefined, { AUTODIFF_DATA_DIR: missing })).toThrow(
      `dataset directory not found: ${missing} (from AUTODIFF_DATA_DIR); set AUTODIFF_DATA_DIR`,
    );
    expect(() => requireDataDir(missing, {})).toThrow('(from the dataDir option); set');
    expect(findDataDir(missing, {})).toBeUndefined();
    expect(findDataDir(undefined, { AUTODIFF_DATA_DIR: dir })).toBe(dir);
  });

  it('outside the repository there is no default folder, and the error says so', () => {
    expect(new DataDirError('', 'the default location').message).toMatch(
      /^no dataset directory \(installed outside the llm-autodiff repository there is no default folder\); set AUTODIFF_DATA_DIR/,
    );
  });
});
