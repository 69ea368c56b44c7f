import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorKindOf } from '../exit-codes';
import { LIST_PRICES_SOURCE, PriceFileError, pricesSource, readPriceFile } from './price-list';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-prices-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (text: string) => {
  const file = join(dir, 'prices.json');
  writeFileSync(file, text);
  return file;
};

describe('--prices FILE', () => {
  it('reads a valid table', () => {
    const file = write('{"m": {"input": 1, "output": 2}}');
    expect(readPriceFile(file)).toEqual({ m: { input: 1, output: 2 } });
    expect(pricesSource(file)).toBe(`prices from ${file}`);
    expect(pricesSource(undefined)).toBe(LIST_PRICES_SOURCE);
  });

  // train and repro both read it: a mistake is bad input (exit 2), not an internal error.
  it.each([
    ['not JSON', '{bad', /^--prices: .*prices\.json: not a readable JSON price table/],
    ['a negative price', '{"m": {"input": -1, "output": 2}}', /^--prices: .*prices\.json: m\.input must be/],
  ])('%s is an input error naming the file', (_, text, message) => {
    const file = write(text);
    let thrown: unknown;
    try {
      readPriceFile(file);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PriceFileError);
    expect((thrown as Error).message).toMatch(message);
    expect(errorKindOf(thrown)).toBe('input');
  });
});
