/**
 * Opens the generated report in headless Chromium (Debian's `chromium`, driven by puppeteer-core, which
 * downloads no browser) and checks that the tables and plots render and that the page logs no error and
 * makes no network request. Skipped, with the reason in the test name, when no Chromium is installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticExperiment } from '../../testing/run-fixtures';
import { reportCommand } from '../outputs/commands';

function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {}
  }
  return undefined;
}

const CHROMIUM = findChromium();
const SKIP_REASON =
  'skipped: no Chromium found — `bash scripts/setup.sh` installs Debian’s chromium where apt-get is available, or set CHROMIUM_PATH';
const title = (name: string) => (CHROMIUM ? name : `${name} (${SKIP_REASON})`);

/** Console errors, page errors and every request that is not a file: URL. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('about:'))
      problems.push(`network request: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  return problems;
}

describe.skipIf(!CHROMIUM)(title('the HTML report in headless Chromium'), () => {
  let tmp: string;
  let browser: Browser;
  let reportUrl: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'report-chromium-'));
    const dir = await writeSyntheticExperiment(join(tmp, 'quick'), { repeats: 2 });
    const silent = { out: () => {}, err: () => {} };
    expect(await reportCommand(dir, silent)).toBe(0);
    reportUrl = pathToFileURL(join(dir, 'report.html')).href;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('the watcher catches a console error (so a clean page means something)', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.setContent('<p>x</p><script>console.error("broken")</script>');
    expect(problems).toEqual(['console error: broken']);
    await page.close();
  });

  it('renders the tables and plots with no console error and no network request', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.setViewport({ width: 1280, height: 1000 });
    await page.goto(reportUrl, { waitUntil: 'load' });
    expect(await page.title()).toBe('llm-autodiff report — quick — simulated model');
    const tables = await page.$$eval('section.table', (sections) =>
      sections.map((s) => ({
        id: s.id,
        rows: s.querySelectorAll('tbody tr').length,
        height: s.querySelector('table')?.getBoundingClientRect().height ?? 0,
      })),
    );
    expect(tables.map((t) => t.id)).toEqual(['table-main', 'table-usage', 'table-gates']);
    for (const t of tables) {
      expect(t.rows).toBe(6);
      expect(t.height).toBeGreaterThan(50);
    }
    const plots = await page.$$eval('figure > svg', (svgs) =>
      svgs.map((s) => {
        const box = s.getBoundingClientRect();
        return { width: box.width, height: box.height, marks: s.querySelectorAll('path, circle').length };
      }),
    );
    expect(plots).toHaveLength(4);
    for (const p of plots) {
      expect(p.width).toBeGreaterThan(100);
      expect(p.height).toBeGreaterThan(100);
      expect(p.marks).toBeGreaterThan(5);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens a run with word-level prompt diffs, gate results and its graph', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(reportUrl, { waitUntil: 'load' });
    const run = '#run-trec__gdpo__r0';
    await page.$eval(run, (d) => d.setAttribute('open', ''));
    const shown = await page.$eval(run, (d) => ({
      inserted: [...d.querySelectorAll('ins')].map((e) => e.textContent),
      insVisible: (d.querySelector('ins')?.getBoundingClientRect().height ?? 0) > 0,
      stepRows: d.querySelectorAll('table tbody tr').length,
      gradients: d.querySelector('ul.gradients')?.textContent ?? '',
      graph: d.querySelector('pre.graph')?.textContent ?? '',
    }));
    expect(shown.inserted.length).toBeGreaterThan(0);
    expect(shown.insVisible).toBe(true);
    expect(shown.stepRows).toBe(5); // init, 3 steps, final
    expect(shown.gradients).toContain('Say to <count> each item.');
    expect(shown.graph).toContain('flowchart LR');
    expect(problems).toEqual([]);
    await page.close();
  });
});
