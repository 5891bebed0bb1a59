import { expect, test } from '@playwright/test';
import { startFakeFleet, type FakeFleet } from '../tests/fakes/fake-fleet';
import { OWNER, signIn, snap } from './helpers';

// Connect Fleet (a faithful fake on this machine), watch the first sync, find its devices pending.
test.describe.configure({ mode: 'serial' });

let fleet: FakeFleet;
test.beforeAll(async () => {
  fleet = await startFakeFleet({ hostCount: 2600, latencyMs: 600 });
});
test.afterAll(async () => fleet?.close());

test('connecting Fleet starts a sync with live progress; its devices wait for approval', async ({ page }) => {
  await signIn(page, OWNER);
  // 01-foundation turned MDM approval off; the default (on) is what this flow is about.
  await page.goto('/settings/team');
  const mdm = page.getByRole('switch', { name: 'Require approval for MDM-synced devices' });
  if ((await mdm.getAttribute('aria-checked')) === 'false') {
    await mdm.click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Settings saved.')).toBeVisible();
  }
  await page.goto('/integrations');
  await page.getByRole('button', { name: 'Connect Fleet' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Fleet HQ');
  await page.getByLabel('Fleet server URL').fill(fleet.url);
  await page.getByLabel('Fleet API token').fill(fleet.token);
  await page.getByLabel('Certificate authority name in Fleet').fill('TESSERA_HQ');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByText('“Fleet HQ” is connected')).toBeVisible();
  await page.getByRole('button', { name: 'Done' }).click();

  const panel = page.getByTestId('sync-Fleet HQ');
  await expect(panel.getByText(/Syncing \(hosts, page/)).toBeVisible({ timeout: 20_000 });
  await expect(panel.getByRole('progressbar')).toBeVisible();
  await snap(page, '16-sync-progress');
  await expect(panel.getByText('Last sync succeeded')).toBeVisible({ timeout: 60_000 });
  await expect(panel.getByText(/2,600 fetched · 2,600 added/)).toBeVisible();
  await snap(page, '17-sync-done');

  await panel.getByRole('button', { name: 'Test connection' }).click();
  await expect(panel.getByText(/Connected to version/)).toBeVisible();

  await page.goto('/devices?source=fleet&approval=pending');
  await expect(page.getByText('2,600 devices match')).toBeVisible();
  await snap(page, '18-fleet-devices-pending');

  // A revoked token surfaces as a clear error on the next sync.
  fleet.revokeToken();
  await page.goto('/integrations');
  await page.getByTestId('sync-Fleet HQ').getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('sync-Fleet HQ').getByTestId('sync-error')).toContainText('401', { timeout: 30_000 });
});
