// Opens a notebook in the classic Jupyter Notebook in headless Chromium, as a learner would: checks the
// kernel it picked, runs all cells from the Cell menu, waits for the kernel to go idle, then reports what
// the page shows (as JSON on stdout) and saves screenshots. NotebookInBrowserTest starts Jupyter, runs
// this script and asserts on the report.
//
//   node notebook-in-browser.mjs <notebook URL with ?token=...> <kernel display name> <screenshot folder> <timeout s>
//
// The browser is Debian's /usr/bin/chromium (CHROMIUM overrides it); Playwright downloads none.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, kernelName, shots, timeoutSeconds] = process.argv.slice(2);
if (!url || !kernelName || !shots) {
  console.error('usage: node notebook-in-browser.mjs <url> <kernel display name> <screenshot folder> [timeout seconds]');
  process.exit(2);
}
const timeout = Number(timeoutSeconds || 900) * 1000;
const profile = mkdtempSync(join(tmpdir(), 'elkit-chromium-')); // a fresh profile: nothing from an earlier run
mkdirSync(shots, { recursive: true });
const log = (line) => console.error(`[browser] ${line}`);

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 1000 },
});
const report = { kernel: null, codeCells: 0, executed: 0, errors: [], stderr: [], tables: [], images: [], screenshots: [] };
try {
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(120_000);
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded);
  await page.evaluate(() => Jupyter.notebook.set_autosave_interval(0)); // the copy on disk stays as it is

  // the kernel Jupyter picked from the notebook's metadata: wait until it has started and is idle. A start
  // that has not answered in 150 s will not (it answers in 10 to 20 s on two busy cores): restart it, as a
  // learner would from Kernel > Restart, up to twice
  for (let attempt = 1; ; attempt++) {
    try {
      await page.waitForFunction(() => Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()
          && document.querySelector('#kernel_indicator_icon.kernel_idle_icon'), null, { timeout: Math.min(timeout, 150_000) });
      report.kernelAttempts = attempt;
      break;
    } catch (e) {
      if (attempt === 3) throw e;
      log(`the kernel did not answer within 150 s (start ${attempt}); restarting it`);
      await page.evaluate(() => Jupyter.notebook.kernel.restart());
    }
  }
  report.kernel = (await page.textContent('.kernel_indicator_name')).trim();
  log(`kernel ${report.kernel} idle after ${Math.round((Date.now() - started) / 1000)} s`);
  if (report.kernel !== kernelName) {
    // not the Java kernel: pick it, as a learner would, from Kernel > Change kernel
    await page.click('#kernellink');
    await page.hover('#menu-change-kernel');
    await page.click(`#menu-change-kernel-submenu a:has-text("${kernelName}")`);
    await page.waitForFunction((name) => document.querySelector('.kernel_indicator_name').textContent.trim() === name
        && document.querySelector('#kernel_indicator_icon.kernel_idle_icon'), kernelName, { timeout });
    report.kernel = (await page.textContent('.kernel_indicator_name')).trim();
  }

  // Cell > Run All
  await page.click('#celllink');
  await page.click('#run_all_cells');
  const ran = Date.now();
  // done: no cell waits or runs ([*]), every code cell has a number or the run stopped at an error, kernel idle
  await page.waitForFunction(() => {
    const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
    const running = cells.some((c) => c.element.find('.input_prompt').text().includes('*'));
    return !running && document.querySelector('#kernel_indicator_icon.kernel_idle_icon')
        && (cells.every((c) => c.input_prompt_number) || document.querySelector('.output_error'));
  }, null, { timeout, polling: 1000 });
  log(`all cells ran in ${Math.round((Date.now() - ran) / 1000)} s`);

  Object.assign(report, await page.evaluate(() => {
    const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
    return {
      codeCells: cells.length,
      executed: cells.filter((c) => c.input_prompt_number).length,
      errors: [...document.querySelectorAll('.output_error')].map((e) => e.innerText.slice(0, 2000)),
      stderr: [...document.querySelectorAll('.output_stderr')].map((e) => e.innerText.slice(0, 2000)),
      // everything the cells printed, as the learner reads it
      text: [...document.querySelectorAll('.output_subarea')].map((e) => e.innerText).join('\n'),
      tables: [...document.querySelectorAll('.output_html table')].map((t) => ({
        headers: [...t.querySelectorAll('thead th')].map((th) => th.innerText.trim()),
        rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())),
      })),
    };
  }));
  // each image in an output: loaded, decoded and laid out at a visible size
  const images = page.locator('.output_area img');
  for (let i = 0; i < await images.count(); i++) {
    const image = images.nth(i);
    await image.scrollIntoViewIfNeeded();
    const box = await image.boundingBox();
    const info = await image.evaluate((img) => ({
      complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight,
      type: img.src.slice(0, img.src.indexOf(';')) }));
    report.images.push({ ...info, shownWidth: box ? Math.round(box.width) : 0, shownHeight: box ? Math.round(box.height) : 0 });
    const shot = join(shots, `chart-${i + 1}.png`);
    await page.screenshot({ path: shot });
    report.screenshots.push(shot);
  }
  const firstTable = page.locator('.output_html table').first();
  if (await firstTable.count()) {
    await firstTable.scrollIntoViewIfNeeded();
    const shot = join(shots, 'first-table.png');
    await page.screenshot({ path: shot });
    report.screenshots.push(shot);
  }
  // shut the kernel down from the page, as File > Close and Halt would, so no kernel JVM outlives the test
  await page.evaluate(() => Jupyter.notebook.kernel.kill());
} catch (e) {
  report.failure = String(e && e.stack || e);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
process.exit(report.failure ? 1 : 0);
