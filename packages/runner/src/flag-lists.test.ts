/**
 * Issue 21, case 7: an empty item in a comma-separated flag (`noHistory,,`, a trailing comma) is one
 * clear line and exit 2; it was silently dropped, hiding a name lost in editing.
 */
import { parseFieldMapping } from '@llm-autodiff/tasks';
import { describe, expect, it } from 'vitest';
import { autodiff } from '../testing/run-cli';
import { listItems } from './commands/options';

describe('list flags', () => {
  it('listItems trims items and refuses an empty one', () => {
    expect(listItems('--ablation', 'noHistory, noGates')).toEqual(['noHistory', 'noGates']);
    for (const value of ['noHistory,,', 'noHistory,', ',noHistory', 'a,,b', '', ' '])
      expect(() => listItems('--ablation', value), value).toThrow(
        `--ablation has an empty item in "${value}" (give a,b without empty entries)`,
      );
  });

  it('--fields (a program data file mapping) refuses an empty item too', () => {
    expect(parseFieldMapping('id=qid, question=text')).toEqual({ id: 'qid', question: 'text' });
    expect(() => parseFieldMapping('id=qid,,')).toThrow('--fields has an empty item in "id=qid,,"');
  });

  it.each([
    [['train', '--task', 'trec', '--ablation', 'noHistory,,'], '--ablation'],
    [['train', '--task', 'trec', '--set', 'gdpo.historySize=5,'], '--set'],
    [['ablate', 'quick', '--switches', 'noHistory,,', '--dry-run'], '--switches'],
  ])('%j is refused with one line naming the flag, exit 2', async (args, flag) => {
    const r = await autodiff(args);
    expect(r.code).toBe(2);
    // (`autodiff <command>:` for every command is the CLI's voice; ablate's errors say `autodiff:` here.)
    expect(r.err).toMatch(new RegExp(`^autodiff( ${args[0]})?: ${flag} has an empty item in `));
    expect(r.err).not.toMatch(/\n\s+at .*:\d+:\d+/);
  });
});
