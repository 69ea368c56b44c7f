import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cannedResponse as response } from '../testing';
import { ResponseCache } from './response-cache';
import type { ChatRequest } from './types';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-cache-maint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = (content: string): ChatRequest => ({ messages: [{ role: 'user', content }] });
describe('ResponseCache maintenance (stats, export/import, prune)', () => {
  it('summarises rows per model and the time span', () => {
    const c = new ResponseCache({ path: join(dir, 'a.sqlite') });
    c.put('k1', 'sim:task', request('a'), response('1'));
    c.put('k2', 'sim:task', request('b'), response('2'));
    c.put('k3', 'sim:large', request('c'), response('3'));
    const s = c.contents();
    expect(s.rows).toBe(3);
    expect(s.byModel).toEqual({ 'sim:large': 1, 'sim:task': 2 });
    expect(s.oldest && s.newest && s.oldest <= s.newest).toBe(true);
    c.close();
  });

  it('exports rows that another cache imports; existing keys keep their first answer', () => {
    const a = new ResponseCache({ path: join(dir, 'a.sqlite') });
    a.put('k1', 'sim:task', request('a'), response('from a'));
    a.put('k2', 'sim:task', request('b'), response('from a'));
    const b = new ResponseCache({ path: join(dir, 'b.sqlite') });
    b.put('k1', 'sim:task', request('a'), response('from b'));
    expect(b.importRows(a.rows())).toBe(1);
    expect(b.get('k1')?.text).toBe('from b');
    expect(b.get('k2')?.text).toBe('from a');
    expect(b.size()).toBe(2);
    a.close();
    b.close();
  });

  it('prunes rows older than a cutoff and keeps newer ones', () => {
    const path = join(dir, 'a.sqlite');
    const c = new ResponseCache({ path });
    c.put('old', 'sim:task', request('a'), response('1'));
    c.put('new', 'sim:task', request('b'), response('2'));
    c.flush();
    const db = new Database(path);
    db.prepare("UPDATE responses SET created_at = '2020-01-01T00:00:00.000Z' WHERE key = 'old'").run();
    db.close();
    expect(c.pruneOlderThan(new Date('2021-01-01T00:00:00Z'))).toBe(1);
    expect(c.get('old')).toBeUndefined();
    expect(c.get('new')?.text).toBe('2');
    c.close();
  });

  it('refuses to import or prune a read-only cache', () => {
    const path = join(dir, 'a.sqlite');
    new ResponseCache({ path }).close();
    const ro = new ResponseCache({ path, mode: 'read-only' });
    expect(() => ro.pruneOlderThan(new Date())).toThrow(/read-write/);
    expect(() => ro.importRows([])).toThrow(/read-write/);
    ro.close();
  });
});
