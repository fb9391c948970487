// Opens the generated report in Debian's chromium (playwright-core, headless) and checks what renders.
// IDEM_REPORT=<index.html> checks that file instead of a freshly rendered one; IDEM_SCREENSHOT=<png> saves the page
// there (else screenshot.png beside the report).
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runChaosMatrix, scenarioDescriptions } from '../src/chaos/matrix.js';
import { runStory } from '../src/demo/story.js';
import { renderReport } from '../src/report/html.js';

const CHROMIUM: string | undefined = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) =>
  existsSync(p),
);

describe.skipIf(CHROMIUM === undefined)('the HTML report in chromium (skipped: no /usr/bin/chromium)', () => {
  it('renders the sequence diagrams, the matrix and the charts without console errors', async () => {
    let file = process.env.IDEM_REPORT;
    if (file === undefined) {
      const chaos = await runChaosMatrix({
        clients: ['idem', 'idem-off'],
        scenarios: ['ack-lost', 'request-lost'],
      });
      const html = renderReport({
        generatedAt: new Date().toISOString(),
        version: 'test',
        story: await runStory(),
        chaos,
        scenarios: scenarioDescriptions(),
        core: [],
        comparisons: [{ label: 'a ÷ b', spread: { min: 0.9, median: 1.1, max: 1.4 } }],
      });
      file = path.join(await mkdtemp(path.join(tmpdir(), 'idem-report-')), 'index.html');
      await writeFile(file, html);
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM ?? 'chromium',
      headless: true,
      args: ['--no-sandbox'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1050, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${path.resolve(file)}`);
      expect(await page.locator('svg.sequence').count()).toBe(5);
      expect(await page.locator('svg.sequence .lost').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('table.matrix td.cell').count()).toBeGreaterThanOrEqual(4);
      expect(await page.locator('td.cell.bad').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('svg.chart').count()).toBe(2);
      expect(await page.locator('svg.ratios g.ratio').count()).toBeGreaterThanOrEqual(1);
      expect(errors).toEqual([]);
      const shot = process.env.IDEM_SCREENSHOT ?? path.join(path.dirname(file), 'screenshot.png');
      const png = await page.screenshot({ path: shot, fullPage: true });
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // A full page holds the diagrams, the matrix and the charts: far taller than the viewport.
      expect(png.readUInt32BE(20)).toBeGreaterThan(900);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
