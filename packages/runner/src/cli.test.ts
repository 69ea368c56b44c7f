import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './cli';
import { parseSimServerArgs } from './commands/sim-server';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('autodiff CLI', () => {
  it('rejects unknown commands and flags with a clear error, the usage and exit code 2', async () => {
    const a = capture();
    expect(await main(['frobnicate'], a.io)).toBe(2);
    expect(a.err.join('\n')).toMatch(/unknown command "frobnicate"[\s\S]*Usage: autodiff/);
    const b = capture();
    expect(await main(['sim-server', '--port', '1', '--bogus', '3'], b.io)).toBe(2);
    expect(b.err.join('\n')).toMatch(/^autodiff sim-server: unknown option '--bogus'/);
    const c = capture();
    expect(await main(['sim-server'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/needs --port N/);
    const d = capture();
    expect(await main(['sim-server', '--port', '1', '--fault-429', '1.5'], d.io)).toBe(2);
    expect(d.err.join('\n')).toMatch(/--fault-429 must be a rate between 0 and 1, got "1.5"/);
  });

  it('--help on every command prints its usage and exits 0', async () => {
    const expected: Record<string, RegExp> = {
      train:
        /Usage: autodiff train \[options\][\s\S]*--task <name>[\s\S]*Methods \(--method\)[\s\S]*gdpo[\s\S]*--steps N sets steps[\s\S]*gepa[\s\S]*--steps: refused/,
      'sim-server': /Usage: autodiff sim-server \[options\][\s\S]*--port <n>/,
      repro: /Usage: autodiff repro \[options\] \[experiment\][\s\S]*--dry-run[\s\S]*--max-cost/,
      ablate: /Usage: autodiff ablate[\s\S]*--switches/,
      table: /Usage: autodiff table \[options\] <experiment>/,
      report: /Usage: autodiff report \[options\] <experiment>/,
      compare: /Usage: autodiff compare \[options\] <old> <new>/,
      cache: /Usage: autodiff cache[\s\S]*stats[\s\S]*prune[\s\S]*export[\s\S]*import/,
    };
    for (const [command, usage] of Object.entries(expected)) {
      const c = capture();
      expect(await main([command, '--help'], c.io)).toBe(0);
      expect(c.out.join('\n')).toMatch(usage);
    }
    const top = capture();
    expect(await main(['--help'], top.io)).toBe(0);
    expect(top.out.join('\n')).toMatch(/Exit codes: 0 done; 1 the work failed/);
  });

  it('unknown options of the new commands exit 2 with the option named', async () => {
    const c = capture();
    expect(await main(['repro', 'quick', '--dryrun'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/^autodiff repro: unknown option '--dryrun'/);
  });

  it('table, report and compare on a missing experiment: one line naming the file, exit 2', async () => {
    for (const args of [
      ['table', '/nonexistent/exp'],
      ['report', '/nonexistent/exp'],
      ['compare', '/nonexistent/a', '/nonexistent/b'],
    ]) {
      const c = capture();
      expect(await main(args, c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(
        new RegExp(`^autodiff ${args[0]}: /nonexistent/\\w+/experiment\\.json: missing$`),
      );
    }
    const tol = capture();
    expect(await main(['compare', 'a', 'b', '--tolerance', 'speed=3'], tol.io)).toBe(2);
    expect(tol.err.join('\n')).toMatch(/--tolerance/);
  });

  it('parses sim-server flags', () => {
    const c = parseSimServerArgs([
      '--port',
      '8787',
      '--fault-429=0.1',
      '--fault-500',
      '0.05',
      '--latency-base-ms',
      '200',
    ]);
    expect(c).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      seed: 0,
      faults: { rate429: 0.1, rate500: 0.05 },
    });
    expect(c.latency).toEqual({ baseMs: 200, perOutputTokenMs: 0, jitter: 0 });
    expect(() => parseSimServerArgs(['--port', '1', '--fault-429', '0.6', '--fault-500', '0.6'])).toThrow(
      /add up to 1.200/,
    );
  });

  it('runs a sim server in process until stopped', async () => {
    const cap = capture();
    let stop!: () => void;
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const done = main(['sim-server', '--port', '0'], cap.io, stopped);
    await expect
      .poll(() => cap.out.join('\n'), { timeout: 10_000 })
      .toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1/);
    const url = cap.out[0]?.match(/(http:\S+\/v1)/)?.[1] as string;
    const models = (await (await fetch(`${url}/models`)).json()) as { data: unknown[] };
    expect(models.data).toHaveLength(3);
    stop();
    expect(await done).toBe(0);
  });

  it('bin/autodiff.mjs launches the CLI through tsx', async () => {
    const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'autodiff.mjs');
    const child = spawn(process.execPath, [bin, 'sim-server', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = buf.match(/(http:\/\/127\.0\.0\.1:\d+\/v1)/);
          if (m) resolve(m[1] as string);
        });
        child.stderr.on('data', (d: Buffer) => {
          buf += d.toString();
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${buf}`)));
      });
      const r = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
      expect(r.data.map((d) => d.id)).toContain('sim:task');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const bad = spawn(process.execPath, [bin, 'nope'], { stdio: 'ignore' });
    expect(await new Promise((r) => bad.once('exit', r))).toBe(2);
  });
});
