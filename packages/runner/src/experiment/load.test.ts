import { describe, expect, it } from 'vitest';
import { ExperimentError, loadExperiment, parseExperiment, presetNames } from './load';

const GOOD = `name: tiny
pipelines: [object-count, trec]
methods:
  - start
  - gdpo
  - textgard
repeats: 2
`;

function errorOf(text: string): string {
  try {
    parseExperiment(text, 'exp.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ExperimentError);
    return (e as Error).message;
  }
  throw new Error('expected an ExperimentError');
}

describe('experiment files', () => {
  it('parses a valid file and fills the defaults', () => {
    const e = parseExperiment(GOOD.replace('textgard', 'textgrad'), 'exp.yaml');
    expect(e).toMatchObject({
      name: 'tiny',
      pipelines: ['object-count', 'trec'],
      methods: ['start', 'gdpo', 'textgrad'],
      repeats: 2,
      seed: 2025,
      concurrency: 2,
      sizes: {},
      overrides: [],
    });
  });

  it('names the line and the path of an unknown method, with the known ones', () => {
    expect(errorOf(GOOD)).toBe(
      'exp.yaml:6: methods[2]: unknown method "textgard" (known: bfsrs, bootstrap, gdpo, gepa, mipro, start, textgrad)',
    );
  });

  it('line-precise errors for an unknown pipeline, key, ablation, trainer field and model', () => {
    expect(errorOf('name: x\npipelines: [trec, chess]\nmethods: [gdpo]\n')).toMatch(
      /^exp\.yaml:2: pipelines\[1\]: unknown pipeline "chess" \(known: object-count, trec, /,
    );
    expect(errorOf('name: x\npipelines: [trec]\nmethods: [gdpo]\nrepeat: 3\n')).toMatch(
      /^exp\.yaml:4: repeat: .*"repeat"/,
    );
    expect(errorOf('name: x\npipelines: [trec]\nmethods: [gdpo.noGates]\n')).toMatch(
      /^exp\.yaml:3: methods\[0\]: method "gdpo.noGates": unknown ablation "noGates"/,
    );
    expect(errorOf('name: x\npipelines: [trec]\nmethods: [gdpo]\nconfig:\n  stepz: 3\n')).toMatch(
      /^exp\.yaml:5: config: unknown field "stepz" \(known: strategy, batchSize, steps, /,
    );
    expect(errorOf('name: x\npipelines: [trec]\nmethods: [gdpo]\nmodels:\n  task: gemini:pro\n')).toMatch(
      /^exp\.yaml:5: models\.task: unknown model provider "gemini"/,
    );
    expect(errorOf('name: x\npipelines: [trec]\nmethods: [gdpo]\nmodels:\n  task: sim:huge\n')).toMatch(
      /^exp\.yaml:5: models\.task: .*huge/,
    );
    expect(errorOf('name: x\npipelines: []\nmethods: [gdpo]\n')).toMatch(/^exp\.yaml:2: pipelines: /);
    // A typo'd budget scope would be a limit nothing counts against.
    expect(
      errorOf('name: x\npipelines: [trec]\nmethods: [gdpo]\nbudget:\n  backwrd: { calls: 1 }\n'),
    ).toMatch(
      /^exp\.yaml:5: budget(\.backwrd)?: unknown budget scope "backwrd"; valid scopes: total, task, backward, optimizer, teacher/,
    );
    expect(
      parseExperiment(
        'name: x\npipelines: [trec]\nmethods: [gdpo]\nbudget:\n  backward: { calls: 1 }\n',
        'e.yaml',
      ).budget,
    ).toEqual({ backward: { calls: 1 } });
    expect(errorOf('name: x\npipelines: [trec]\nmethods:\n  - gdpo\n  - gdpo\n')).toBe(
      'exp.yaml:5: methods[1]: "gdpo" is listed twice',
    );
  });

  it("checks each methodConfig entry with that method's own resolver, at the field's line", () => {
    const base = 'name: x\npipelines: [trec]\nmethods: [textgrad, gepa]\n';
    expect(errorOf(`${base}methodConfig:\n  textgrad:\n    epochs: 1\n    epohcs: 2\n`)).toBe(
      'exp.yaml:7: methodConfig.textgrad.epohcs: unknown field "epohcs" (known: batchSize, epochs, stepsPerEpoch, constraints, gradientMemory)',
    );
    expect(errorOf(`${base}methodConfig:\n  gepa: { auto: huge }\n`)).toMatch(
      /^exp\.yaml:5: methodConfig\.gepa\.auto: Invalid enum value\. Expected 'light' \| 'medium' \| 'heavy', received 'huge'$/,
    );
    expect(errorOf(`${base}methodConfig:\n  texgrad: { epochs: 1 }\n`)).toMatch(
      /^exp\.yaml:5: methodConfig\.texgrad: unknown method "texgrad"/,
    );
    // GDPO's field is not a TextGrad field: an override for textgrad is checked as textgrad's.
    expect(
      errorOf(
        `${base}overrides:\n  - methods: [textgrad]\n    methodConfig:\n      textgrad: { steps: 3 }\n`,
      ),
    ).toMatch(/^exp\.yaml:7: overrides\[0\]\.methodConfig\.textgrad\.steps: unknown field "steps"/);
    const ok = parseExperiment(`${base}methodConfig:\n  textgrad: { epochs: 1 }\n`, 'exp.yaml');
    expect(ok.methodConfig).toEqual({ textgrad: { epochs: 1 } });
  });

  it('reports malformed YAML at its line, and a non-mapping file', () => {
    expect(errorOf('name: x\npipelines: [trec\nmethods: [gdpo]\n')).toMatch(/^exp\.yaml:\d+: /);
    expect(errorOf('- a\n- b\n')).toBe(
      'exp.yaml: an experiment is a mapping (name, pipelines, methods, ...)',
    );
  });

  it('reads JSON too (YAML is a superset), with lines', () => {
    const json = '{\n  "name": "j",\n  "pipelines": ["trec"],\n  "methods": ["gdpo"],\n  "repeats": 0\n}\n';
    expect(errorOf(json)).toMatch(/^exp\.yaml:5: repeats: /);
  });

  it('ships the quick and paper presets, valid, with the same pipelines and methods', () => {
    expect(presetNames()).toEqual(expect.arrayContaining(['paper', 'quick']));
    const quick = loadExperiment('quick');
    const paper = loadExperiment('paper');
    expect(quick.pipelines).toEqual(paper.pipelines);
    expect(quick.methods).toEqual(paper.methods);
    expect(paper.methods).toEqual(['start', 'textgrad', 'bfsrs', 'gepa', 'gdpo']);
    expect(paper.pipelines).toHaveLength(6);
    expect(paper.repeats).toBe(4);
    expect(quick.sizes.val).toBeLessThan(50);
  });

  it('an unknown preset names the presets', () => {
    expect(() => loadExperiment('quik')).toThrow(/unknown preset or file "quik" \(presets: paper, quick;/);
  });
});
