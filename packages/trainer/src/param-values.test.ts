import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demosParam, param } from '@llm-autodiff/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idleMethod, toyData, toyProgram, toyTaskModel } from '../testing';
import { wrongValue } from './param-values';
import { train } from './train';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainer-values-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noop = idleMethod('noop', 1);

describe('checkpoint values typed per parameter kind (issue 21, case 4)', () => {
  it('a prompt that is a number is refused with the file and field named', async () => {
    const path = join(dir, 'c.json');
    const run = (resume: boolean) =>
      train({
        program: toyProgram(toyTaskModel()),
        data: { train: toyData(0, 2), val: toyData(100, 2), test: toyData(200, 2) },
        method: noop,
        checkpointPath: path,
        resume,
      });
    await run(false);
    const ckpt = JSON.parse(await readFile(path, 'utf8'));
    const name = Object.keys(ckpt.values)[0] ?? '';
    ckpt.values[name] = 123;
    await writeFile(path, JSON.stringify(ckpt));
    await expect(run(true)).rejects.toThrow(
      `checkpoint ${path}: field "values.${name}": expected a prompt (a string), got number`,
    );
  });

  it('demos must be a list of { input, output }', () => {
    const demos = demosParam({ name: 'd', description: 'demos' });
    expect(wrongValue(demos, [{ input: 'a', output: 'b' }])).toBeUndefined();
    expect(wrongValue(demos, 'a demo')).toBe(
      'expected a demo list ([{ input, output, sampleId? }]), got string',
    );
    expect(wrongValue(demos, [{ input: 'a' }])).toMatch(/got array \(field "\[0\]\.output"/);
    expect(wrongValue(param('x', { name: 'p', description: 'p' }), 'fine')).toBeUndefined();
  });
});
