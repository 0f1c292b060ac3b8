import { expect, test } from '@playwright/test';
import { pickFiles } from './helpers';

// Methanol with hand-placed coordinates (Angstrom).
const METHANOL_XYZ = `6
methanol from an XYZ file
C   -0.0470   0.6630   0.0000
O   -0.0470  -0.7570   0.0000
H   -1.0860   0.9710   0.0000
H    0.4370   1.0710   0.8900
H    0.4370   1.0710  -0.8900
H    0.8660  -1.0450   0.0000
`;

test('an XYZ file shows its molecule in the 3D view from the file coordinates', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  await pickFiles(page, [{ name: 'methanol.xyz', content: METHANOL_XYZ }]);
  await expect(page.getByTestId('detail-smiles')).toHaveText('CO', { timeout: 60_000 });
  const viewer = page.getByTestId('viewer3d');
  await expect(viewer).toHaveAttribute('data-status', 'shown', { timeout: 30_000 });
  await expect(viewer).toHaveAttribute('data-origin', 'file');
  const canvas = viewer.locator('canvas');
  await expect(canvas).toBeVisible();
  // Let 3Dmol finish its first frame, then keep the picture as an artifact.
  await page.waitForTimeout(500);
  const shot = await viewer.screenshot({ path: testInfo.outputPath('xyz-3d-view.png') });
  await testInfo.attach('xyz-3d-view', { body: shot, contentType: 'image/png' });
  // A blank white canvas compresses to a few hundred bytes of PNG; atoms and bonds do not.
  expect(shot.length).toBeGreaterThan(1500);
});
