import { describe, expect, it } from 'vitest';
import { decodeRows, defaultParquetDecoder, importHubClient, pickSplitFile } from './hub';

describe('pickSplitFile', () => {
  it('finds the split under a folder, by directory or by file-name part', () => {
    const files = [
      'README.md',
      'object_counting/bbh-test.parquet',
      'navigate/bbh-test.parquet',
      'object_counting/contest.json',
    ];
    expect(pickSplitFile(files, { repo: 'r', folder: 'object_counting', split: 'test' })).toBe(
      'object_counting/bbh-test.parquet',
    );
    expect(
      pickSplitFile(['default/train/0000.parquet', 'default/test/0000.parquet'], {
        repo: 'r',
        split: 'test',
      }),
    ).toBe('default/test/0000.parquet');
    expect(
      pickSplitFile(['data/train-00000-of-00001.parquet'], { repo: 'r', split: 'test' }),
    ).toBeUndefined();
  });
});

describe('decodeRows', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const noParquet = async () => [];
  it('reads BBH-style JSON and plain arrays; names the file on bad JSON', async () => {
    expect(
      await decodeRows(
        enc('{"canary": "x", "examples": [{"input": "q", "target": "1"}]}'),
        'a.json',
        'f',
        noParquet,
      ),
    ).toEqual([{ input: 'q', target: '1' }]);
    expect(await decodeRows(enc('[{"a": 1}]'), 'a.json', 'f', noParquet)).toEqual([{ a: 1 }]);
    await expect(async () => decodeRows(enc('{"rows": 1}'), 'a.json', 'hf://x', noParquet)).rejects.toThrow(
      /hf:\/\/x: expected a JSON array of rows/,
    );
  });

  it('the default parquet decoder fails with a clear message on bytes it cannot read', async () => {
    await expect(defaultParquetDecoder(enc('not parquet'))).rejects.toThrow(/parquet|hyparquet/i);
  });
});

describe('importHubClient', () => {
  it('loads the installed client', async () => {
    expect((await importHubClient()).downloadFile).toBeTypeOf('function');
  });

  it('a missing @huggingface/hub is one line saying what to install or set, other failures pass through', async () => {
    const missing = Object.assign(new Error("Cannot find package '@huggingface/hub' imported from hub.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(importHubClient(() => Promise.reject(missing))).rejects.toThrow(
      /^the Hugging Face Hub: .*npm install @huggingface\/hub.*AUTODIFF_DATA_DIR/,
    );
    const broken = new Error('syntax error inside the client');
    await expect(importHubClient(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
