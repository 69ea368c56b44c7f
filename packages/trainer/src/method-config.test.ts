import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configFields } from './method-config';

describe('configFields', () => {
  it("reads each leaf field's values, default and description from the schema, nested fields dotted", () => {
    const schema = z
      .object({
        steps: z.number().int().min(1).default(3).describe('steps'),
        rate: z.number().min(0).max(1).default(0.5),
        mode: z.enum(['fast', 'slow']).default('fast').describe('how fast'),
        tags: z.array(z.string()).default([]),
        picks: z.array(z.number().int().min(0)).optional(),
        on: z.boolean().default(true),
        inner: z.object({ depth: z.number().max(9).default(2).describe('depth') }).default({}),
      })
      .strict()
      .refine(() => true);
    expect(configFields(schema)).toEqual([
      { name: 'steps', type: 'integer ≥ 1', description: 'steps', default: '3' },
      { name: 'rate', type: 'number 0..1', default: '0.5' },
      { name: 'mode', type: 'fast | slow', description: 'how fast', default: '"fast"' },
      { name: 'tags', type: 'list of strings', default: '[]' },
      { name: 'picks', type: 'list of (integer ≥ 0)' },
      { name: 'on', type: 'true | false', default: 'true' },
      { name: 'inner.depth', type: 'number ≤ 9', description: 'depth', default: '2' },
    ]);
  });
});
