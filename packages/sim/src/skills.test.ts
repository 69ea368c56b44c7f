import { describe, expect, it } from 'vitest';
import { PROMPTS } from './calibration';
import { skillsOf } from './diagnose';
import { expresses } from './skills';

const ALL = [...skillsOf('object_count'), ...skillsOf('trec'), ...skillsOf('hotpot')];

describe('skill tables', () => {
  it.each(ALL.map((s) => [s.id, s] as const))(
    '%s: every feedback paraphrase and optimizer sentence expresses the cue',
    (_id, s) => {
      for (const text of [...s.feedback, ...s.sentences]) expect(expresses(s, text), text).toBe(true);
      expect(s.feedback.length).toBeGreaterThanOrEqual(2);
      expect(s.failureRate).toBeGreaterThan(0);
      expect(s.failureRate).toBeLessThan(1);
    },
  );

  it('paper-style starting prompts express none of the hidden cues (so the start has room to improve)', () => {
    const starts: [string, string][] = [
      ['object_count', PROMPTS.objectCount.start],
      ['object_count', PROMPTS.objectCount.startAlt],
      ['trec', `${PROMPTS.trec.start}\n${PROMPTS.trec.format}`],
      ['trec', `${PROMPTS.trec.startAlt}\n${PROMPTS.trec.format}`],
      ['react', `${PROMPTS.react.start}\n${PROMPTS.react.tools(PROMPTS.react.finishStart)}`],
    ];
    for (const [task, text] of starts) {
      const skills = task === 'react' ? skillsOf('hotpot', 'react') : skillsOf(task as 'trec');
      expect(
        skills.filter((s) => expresses(s, text)).map((s) => s.id),
        text,
      ).toEqual([]);
    }
    // The HotPotQA answer start asks for "short factoid answers": only the short-span cue is known.
    const hp = skillsOf('hotpot', 'answer').filter((s) => expresses(s, PROMPTS.hotpotAnswer.start));
    expect(hp.map((s) => s.id)).toEqual(['hp.short']);
  });

  it('the hand-written prompts express every cue of their call kind', () => {
    const cued: [ReturnType<typeof skillsOf>, string][] = [
      [skillsOf('object_count'), PROMPTS.objectCount.cued],
      [skillsOf('trec'), PROMPTS.trec.cued],
      [skillsOf('hotpot', 'answer'), PROMPTS.hotpotAnswer.cued],
      [skillsOf('hotpot', 'react'), `${PROMPTS.react.cued}\n${PROMPTS.react.finishCued}`],
    ];
    for (const [skills, text] of cued)
      expect(skills.filter((s) => !expresses(s, text)).map((s) => s.id)).toEqual([]);
  });
});
