import { existsSync, readFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { parseDelimited } from '../src/chem';
import {
  DEFAULT_ALIAS,
  entryLocation,
  parseRegistry,
  REGISTRY_FILE,
  resolveModel,
} from '../src/model';

/** The registry's production model: what the page loads by default (see src/ui/engine.ts). */
function productionDir(modelsDir = 'public/models'): string {
  const registry = parseRegistry(
    JSON.parse(readFileSync(`${modelsDir}/${REGISTRY_FILE}`, 'utf8')),
    `${modelsDir}/${REGISTRY_FILE}`,
  );
  return entryLocation(modelsDir, resolveModel(registry, DEFAULT_ALIAS));
}

/** The model the page loads; Node loads the same files to compare. */
export const MODEL_DIR = process.env.E2E_MODEL_DIR ?? productionDir();
export const modelPublished = existsSync(`${MODEL_DIR}/model.json`);
export const NO_MODEL_REASON = `no trained model in ${MODEL_DIR} yet (training publishes it)`;

/**
 * Opens the page, waits for the model, and switches to exactly this backend: a fallback to
 * another one fails the test.
 */
export async function openOnBackend(page: Page, backend: string): Promise<void> {
  await page.goto('/');
  await waitForModel(page);
  await page.getByLabel('Backend', { exact: true }).selectOption(backend);
  const active = page.getByTestId('active-backend');
  await expect(active).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await expect(active).toHaveAttribute('data-backend', backend);
}

/** Waits until the worker has loaded the model on some backend, and returns that backend. */
export async function waitForModel(page: Page, timeout = 90_000): Promise<string> {
  const status = page.getByTestId('active-backend');
  await expect(status).toHaveAttribute('data-status', 'ready', { timeout });
  return (await status.getAttribute('data-backend')) ?? '';
}

/**
 * Opens the page and waits for the model, for a test that needs predictions. Skips the test only
 * on a checkout without a trained model in public/models; never under CI.
 */
export async function openWithModel(page: Page): Promise<void> {
  test.skip(!modelPublished && !process.env.CI, NO_MODEL_REASON);
  await page.goto('/');
  await waitForModel(page);
}

export async function waitForJob(page: Page, timeout = 120_000): Promise<void> {
  await expect(page.getByTestId('job')).toHaveAttribute('data-phase', 'done', { timeout });
}

export interface TestFile {
  name: string;
  content: string;
  mimeType?: string;
}

/** A real drag-and-drop: the files arrive through a DataTransfer on a drop event, as from the desktop. */
export async function dropFiles(page: Page, files: TestFile[]): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list)
      dt.items.add(new File([f.content], f.name, { type: f.mimeType ?? 'text/plain' }));
    return dt;
  }, files);
  const target = page.locator('main');
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

export async function pickFiles(page: Page, files: TestFile[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(
    files.map((f) => ({
      name: f.name,
      mimeType: f.mimeType ?? 'text/plain',
      buffer: Buffer.from(f.content),
    })),
  );
}

export async function downloadText(download: Download): Promise<string> {
  const path = await download.path();
  return readFileSync(path, 'utf8');
}

/** The page's own CSV export as header-keyed rows (quoted cells may hold commas). */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...body] = parseDelimited(text.replace(/\r\n?/g, '\n'), ',');
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

/** Ethanol by hand in OpenChemLib's editor: a bond, its end turned into O, a carbon added at the start. */
export async function drawEthanol(page: Page): Promise<void> {
  const editor = page.getByTestId('editor');
  await expect(editor.locator('canvas').first()).toBeVisible();
  const box = await editor.boundingBox();
  if (!box) throw new Error('editor has no layout box');
  const at = (x: number, y: number) => page.mouse.click(box.x + x, box.y + y);
  // Toolbar cells are 19 px wide, in two columns down the left edge (bond tool: row 6, O: row 15).
  const bondTool = { x: 13, y: 118 };
  const oxygenTool = { x: 13, y: 286 };
  const start = { x: 250, y: 200 };
  // The single-bond tool draws C-C from the click point; OCL puts the second atom 30 degrees up-right.
  await at(start.x, start.y);
  await at(oxygenTool.x, oxygenTool.y);
  await at(start.x + 21, start.y - 12);
  await at(bondTool.x, bondTool.y);
  await at(start.x, start.y);
}

type SdfAtom = [string, number, number, number];

/** Methanol's heavy atoms, C-O at 1.43 Å; the hydrogens are implicit. */
const CARBON_OXYGEN: SdfAtom[] = [
  ['C', 0, 0, 0],
  ['O', 1.43, 0, 0],
];

export const methanolRecord = (fields?: Record<string, string>) =>
  sdfRecord('methanol', CARBON_OXYGEN, [[1, 2, 1]], fields);

/** A record no reader can take: its bond block points at atom 7 of a 2-atom molecule. */
export const brokenRecord = (fields?: Record<string, string>) =>
  sdfRecord('broken', CARBON_OXYGEN, [[1, 7, 1]], fields);

/**
 * A record of a centre atom singly bonded to two like ligands (water, dibromomethane without its
 * implicit hydrogens), the ligands at the given positions, the centre at the origin.
 */
export function bentRecord(
  title: string,
  centre: string,
  ligand: string,
  at: [[number, number, number], [number, number, number]],
  fields: Record<string, string> = {},
): string {
  const atoms: SdfAtom[] = [
    [centre, 0, 0, 0],
    [ligand, ...at[0]],
    [ligand, ...at[1]],
  ];
  return sdfRecord(
    title,
    atoms,
    [
      [1, 2, 1],
      [1, 3, 1],
    ],
    fields,
  );
}

export function sdfRecord(
  title: string,
  atoms: SdfAtom[],
  bonds: [number, number, number][],
  fields: Record<string, string> = {},
): string {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const lines = [
    title,
    '  handwritten',
    '',
    `${pad(atoms.length, 3)}${pad(bonds.length, 3)}  0  0  0  0  0  0  0  0999 V2000`,
  ];
  for (const [el, x, y, z] of atoms) {
    lines.push(
      `${pad(x.toFixed(4), 10)}${pad(y.toFixed(4), 10)}${pad(z.toFixed(4), 10)} ${el.padEnd(3)} 0  0  0  0  0  0  0  0  0  0  0  0`,
    );
  }
  for (const [a, b, order] of bonds) lines.push(`${pad(a, 3)}${pad(b, 3)}${pad(order, 3)}  0`);
  lines.push('M  END');
  for (const [k, v] of Object.entries(fields)) lines.push(`> <${k}>`, v, '');
  lines.push('$$$$');
  return lines.join('\n') + '\n';
}
