// A custom program for `autodiff train --program`: one LLM step written as a signature, data from a CSV
// file. See packages/runner/examples/triage/README.md for the offline training run.
import { fileURLToPath } from 'node:url';
import { defineProgram, exactMatch, generator } from '@llm-autodiff/core';
import type { ProgramExport } from '@llm-autodiff/runner';
import { loadExamples } from '@llm-autodiff/tasks';

interface Ticket {
  id: string;
  message: string;
  urgency: string;
}

export const triage: ProgramExport<Ticket> = {
  create: ({ model }) => {
    const classify = generator({ signature: 'message -> urgency: low | medium | high', model });
    return defineProgram({
      name: 'triage',
      forward: (t: Ticket) => classify({ message: t.message }),
      metric: exactMatch('urgency'),
    });
  },
  load: async () => {
    const rows = loadExamples(fileURLToPath(new URL('./data.csv', import.meta.url))) as unknown as Ticket[];
    return { train: rows.slice(0, 12), val: rows.slice(12, 18), test: rows.slice(18) };
  },
};
