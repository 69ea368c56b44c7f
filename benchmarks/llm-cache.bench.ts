/**
 * Response-cache throughput: lookups (hit and miss), single-row writes (one transaction each, as in a
 * run), key hashing, and a full managed call served from the cache. Run: `npx tsx benchmarks/llm-cache.bench.ts`.
 * Not part of the test suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type ChatRequest,
  type ChatResponse,
  cacheKey,
  managedModel,
  ResponseCache,
  ScriptedModel,
  UsageLedger,
} from '@llm-autodiff/llm';
import { Bench } from 'tinybench';
import { type BenchScale, FULL } from './lib/figures';

function request(i: number): ChatRequest {
  return {
    messages: [
      { role: 'system', content: 'You are a careful assistant. Answer with one word. '.repeat(10) },
      { role: 'user', content: `Question number ${i}: what is the capital of country ${i}?` },
    ],
    options: { temperature: 0, maxTokens: 64, seed: 1 },
  };
}

function response(i: number): ChatResponse {
  const text = `Answer ${i}. `.repeat(40);
  return {
    text,
    choices: [text],
    usage: { promptTokens: 150, completionTokens: 120, cachedTokens: 0, estimated: false },
    latencyMs: 800,
    model: 'bench-model',
    finishReason: 'stop',
    cacheHit: false,
    raw: { id: `chatcmpl-${i}` },
  };
}

export async function runLlmCacheBench(scale: BenchScale = FULL): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), 'llm-cache-bench-'));
  const cache = new ResponseCache({ path: join(dir, 'cache.sqlite') });
  const model = 'openai:bench-model';
  const preloaded = 2000;
  const keys = Array.from({ length: preloaded }, (_, i) => cacheKey(model, request(i)));
  for (let i = 0; i < preloaded; i++) cache.put(keys[i]!, model, request(i), response(i));
  let next = preloaded;
  let lookup = 0;
  const managed = managedModel(ScriptedModel.sequence(['unused'], { repeatLast: true }), {
    cache,
    ledger: new UsageLedger(),
    limits: false,
  });
  // The scripted model's id differs from `model`: record one answer under its own key first.
  await managed.complete(request(0));

  const bench = new Bench({
    name: 'llm response cache',
    time: scale.smoke ? 50 : 500,
    ...(scale.smoke ? { iterations: 4 } : {}),
  });
  bench
    .add('cacheKey (sha256 of canonical request)', () => {
      cacheKey(model, request(lookup++ % preloaded));
    })
    .add('get: hit', () => {
      cache.get(keys[lookup++ % preloaded]!);
    })
    .add('get: miss', () => {
      cache.get(`missing-${lookup++}`);
    })
    .add('put: one row, one transaction', () => {
      const i = next++;
      cache.put(cacheKey(model, request(i)), model, request(i), response(i));
    })
    .add('managed call served from cache (key + get + ledger)', async () => {
      await managed.complete(request(0));
    });
  await bench.run();
  cache.close();
  rmSync(dir, { recursive: true, force: true });
  return bench;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bench = await runLlmCacheBench({ smoke: process.argv.includes('--smoke') });
  console.log(bench.name);
  console.table(bench.table());
}
