import { describe, expect, it } from 'vitest';
import { managedModel } from './managed-model';
import { ruleModel } from './rule-model';
import { completeRecorded, recordUnmanagedCalls } from './run-ledger-scope';
import { ScriptedModel } from './scripted-model';
import type { ChatModel, ChatRequest } from './types';
import { UsageLedger } from './usage-ledger';

const ask = (user: string): ChatRequest => ({ messages: [{ role: 'user', content: user }] });

describe('recordUnmanagedCalls', () => {
  it('records the calls of a bare model in the scope ledger, with its role and labels', async () => {
    const ledger = new UsageLedger();
    const bare = ScriptedModel.sequence(['a', 'b'], { id: 'scripted:bare' });
    await recordUnmanagedCalls(ledger, async () => {
      await completeRecorded(bare, ask('one'), { role: 'judge', labels: { step: 2 } });
      await completeRecorded(bare, ask('two'));
    });
    expect(ledger.entries.map((e) => [e.role, e.model, e.labels.step, e.local])).toEqual([
      ['judge', 'scripted:bare', 2, undefined],
      ['task', 'scripted:bare', undefined, undefined],
    ]);
    expect(ledger.byRole().judge?.totalTokens).toBeGreaterThan(0);
  });

  it('records nothing outside a scope, and a managed call (however wrapped) only in its own ledger', async () => {
    const ledger = new UsageLedger();
    const own = new UsageLedger();
    const managed = managedModel(ruleModel([{ when: 'q', answer: 'x' }]), { ledger: own });
    const wrapped: ChatModel = { id: 'wrapper', complete: (r, c) => managed.complete(r, c) };
    await completeRecorded(ScriptedModel.sequence(['a']), ask('q'));
    await recordUnmanagedCalls(ledger, () => completeRecorded(wrapped, ask('q')));
    expect(ledger.entries).toHaveLength(0);
    expect(own.byRole().task).toMatchObject({ calls: 1, localCalls: 1 });
  });

  it('records a managed model without a ledger, and a bare rule model as local with zero tokens', async () => {
    const ledger = new UsageLedger();
    await recordUnmanagedCalls(ledger, async () => {
      await completeRecorded(managedModel(ScriptedModel.sequence(['a'], { id: 'scripted:m' })), ask('q'));
      await completeRecorded(ruleModel([{ when: 'q', answer: 'x' }], { id: 'rules:r' }), ask('q'));
    });
    const byModel = ledger.byModel();
    expect(byModel['scripted:m']).toMatchObject({ calls: 1 });
    expect(byModel['scripted:m']?.localCalls).toBeUndefined();
    expect(byModel['rules:r']).toMatchObject({ calls: 1, localCalls: 1, totalTokens: 0 });
  });
});
