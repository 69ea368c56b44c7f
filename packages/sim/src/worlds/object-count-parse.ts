/** Reading an ObjectCount question: the listed items, their quantities and categories, the asked category. */

export type OcCategory = 'vegetables' | 'objects' | 'fruits' | 'musical instruments' | 'animals';

const LEXICON: Record<OcCategory, string[]> = {
  vegetables: [
    'cabbage',
    'carrot',
    'cauliflower',
    'garlic',
    'broccoli',
    'lettuce',
    'onion',
    'potato',
    'celery',
    'yam',
  ],
  fruits: [
    'apple',
    'banana',
    'blackberr',
    'grape',
    'nectarine',
    'orange',
    'peach',
    'plum',
    'raspberr',
    'strawberr',
  ],
  animals: [
    'bear',
    'cat',
    'chicken',
    'cow',
    'dog',
    'donkey',
    'duck',
    'fish',
    'frog',
    'goat',
    'mice',
    'mouse',
    'pig',
    'rabbit',
    'snail',
    'snake',
  ],
  'musical instruments': ['accordion', 'clarinet', 'drum', 'flute', 'piano', 'trombone', 'trumpet', 'violin'],
  objects: [
    'bed',
    'car',
    'chair',
    'couch',
    'fridge',
    'lamp',
    'microwave',
    'oven',
    'stove',
    'table',
    'toaster',
  ],
};

export const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

export interface OcItem {
  phrase: string;
  name: string;
  quantity: number;
  category: OcCategory | undefined;
}

export interface OcQuestion {
  items: OcItem[];
  asked: OcCategory;
}

function categoryOf(name: string): OcCategory | undefined {
  for (const [cat, words] of Object.entries(LEXICON) as [OcCategory, string[]][]) {
    if (words.some((w) => new RegExp(`\\b${w}`).test(name))) return cat;
  }
  return undefined;
}

export function parseObjectCount(question: string): OcQuestion | undefined {
  const m = question.match(/I have (.*)\. How many (.+?) do I have\?/);
  if (!m) return undefined;
  const asked = (m[2] as string).trim() as OcCategory;
  if (!(asked in LEXICON)) return undefined;
  const items = (m[1] as string)
    .split(/, and |, | and /)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((phrase) => {
      const w = phrase.match(/^(\w+)\s+(.*)$/);
      const q = w ? NUMBER_WORDS[(w[1] as string).toLowerCase()] : undefined;
      const name = q !== undefined && w ? (w[2] as string) : phrase;
      return { phrase, name, quantity: q ?? 1, category: categoryOf(name) };
    });
  return { items, asked };
}

export function countOf(
  q: OcQuestion,
  opts: { ignoreQuantities?: boolean; allCategories?: boolean } = {},
): number {
  let total = 0;
  for (const it of q.items) {
    if (!opts.allCategories && it.category !== q.asked) continue;
    total += opts.ignoreQuantities ? 1 : it.quantity;
  }
  return total;
}
