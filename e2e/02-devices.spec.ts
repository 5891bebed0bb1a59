import { expect, test } from '@playwright/test';
import { OWNER, signIn, snap } from './helpers';

// Runs after 01-foundation.spec.ts (files run in name order with one worker): the team exists.
test.describe.configure({ mode: 'serial' });

const SERIAL = 'C02E2ETEST1';
let token = '';

test('an admin creates an API token, shown once', async ({ page }) => {
  await signIn(page, OWNER);
  await page.getByRole('link', { name: 'API tokens', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await page.getByLabel('Token name').fill('e2e-inventory');
  await page.getByRole('button', { name: 'Create token' }).click();
  token = (await page.getByTestId('new-token').textContent())!.trim();
  expect(token).toMatch(/^tsr_/);
  await expect(page.getByRole('row', { name: /e2e-inventory/ })).toContainText('active');
  await snap(page, '07-api-tokens');
  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(page.getByText(token)).toHaveCount(0);
});

test('a device added with the API token shows up, filters, is approved and opens', async ({ page, request }) => {
  const headers = { authorization: `Bearer ${token}`, 'x-smallstep-api-version': '2025-01-01' };
  const res = await request.post('/api/v1/devices', {
    headers,
    data: { permanentIdentifier: SERIAL, displayName: 'E2E MacBook', os: 'macOS', user: { email: 'e2e-owner@acme.test' }, tags: ['e2e'] },
  });
  expect(res.status()).toBe(201);
  const created = await res.json();
  const bad = await request.post('/api/v1/devices', { headers, data: { permanentIdentifier: SERIAL, os: 'BeOS' } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).message).toMatch(/os must be one of/);
  for (let i = 0; i < 3; i++) {
    await request.post('/api/v1/devices', { headers, data: { permanentIdentifier: `C02OTHER00${i}`, displayName: `Other ${i}`, os: 'Linux' } });
  }

  await signIn(page, OWNER);
  await page.getByRole('link', { name: 'Devices', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Devices' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'E2E MacBook' })).toBeVisible();
  await snap(page, '08-devices');

  // Filter down to it.
  await page.getByLabel('Search').fill('e2e mac');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('1 device match')).toBeVisible();
  await page.getByLabel('OS').selectOption('Linux');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('No devices match these filters')).toBeVisible();
  await page.getByLabel('OS').selectOption('macOS');
  await page.getByRole('button', { name: 'Apply' }).click();
  const row = page.getByRole('row', { name: /E2E MacBook/ });
  await expect(row).toContainText('Approved');

  // API adds are approved; reject it in bulk, then approve it again from its page.
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Reject' }).click();
  await expect(page.getByText('Rejected 1 device.')).toBeVisible();
  await expect(page.getByRole('row', { name: /E2E MacBook/ })).toContainText('Rejected');

  await page.getByRole('link', { name: 'E2E MacBook' }).click();
  await expect(page).toHaveURL(new RegExp(`/devices/${created.id}$`));
  await expect(page.getByRole('heading', { name: 'E2E MacBook' })).toBeVisible();
  await expect(page.getByText('e2e-owner@acme.test').first()).toBeVisible();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText(/Approved .* by owner@acme.test/)).toBeVisible();
  await expect(page.getByText('device.approve')).toBeVisible();
  await expect(page.getByText('device.reject')).toBeVisible();
  await snap(page, '09-device-detail');

  const after = await request.get(`/api/v1/devices/${created.id}`, { headers });
  expect((await after.json()).approvedAt).toBeTruthy();
});

test('CSV import previews errors, then imports the valid rows', async ({ page }) => {
  await signIn(page, OWNER);
  await page.goto('/devices/import');
  await page.getByLabel('…or paste it').fill('permanentIdentifier,displayName,os\nC02CSV0001,Imported One,macOS\nC02CSV0002,Bad OS,Amiga\n');
  await page.getByRole('button', { name: /^Preview/ }).click();
  await expect(page.getByText('1 valid, 1 with errors')).toBeVisible();
  await expect(page.getByText(/os must be one of/)).toBeVisible();
  await snap(page, '10-csv-import');
  await page.getByRole('button', { name: 'Import 1 valid device' }).click();
  await expect(page.getByText(/Created 1 device/)).toBeVisible();
  await page.goto('/devices?q=C02CSV');
  await expect(page.getByRole('link', { name: 'Imported One' })).toBeVisible();
  await expect(page.getByText('Bad OS')).toHaveCount(0);
});

test('the overview shows device counts and the API reference renders', async ({ page }) => {
  await signIn(page, OWNER);
  await expect(page.getByText('Recently enrolled')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Imported One' })).toBeVisible();
  await snap(page, '11-overview-devices');
  await page.getByRole('link', { name: 'API reference', exact: true }).click();
  await expect(page.getByText('/devices/{deviceID}/lifecycle').first()).toBeVisible();
  await snap(page, '12-api-reference');
});
