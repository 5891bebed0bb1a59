import { expect, test } from '@playwright/test';
import { OWNER, signIn, snap } from './helpers';

// Runs after 01 and 02: the team and some devices exist.
test.describe.configure({ mode: 'serial' });

test('an admin connects Fleet and gets the SCEP details once, then downloads profiles', async ({ page }) => {
  await signIn(page, OWNER);
  await page.getByRole('link', { name: 'Device management', exact: true }).click();
  await expect(page.getByText('No MDM connected')).toBeVisible();
  await page.getByRole('button', { name: 'Connect Fleet' }).click();
  await page.getByLabel('Fleet server URL').fill('not a url');
  await page.getByLabel('Fleet API token').fill('fleet-token');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByText(/Enter the Fleet server URL/)).toBeVisible();
  await page.getByLabel('Fleet server URL').fill('https://fleet.example.com');
  await page.getByLabel('Certificate authority name in Fleet').fill('BAD-NAME');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByText(/letters, digits and underscores/i).first()).toBeVisible();
  await page.getByLabel('Certificate authority name in Fleet').fill('TESSERA_AGENT');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByText('“Fleet” is connected')).toBeVisible();
  const password = (await page.getByTestId('challenge-password').textContent())!;
  expect(password).toMatch(/^[A-Z0-9]{40}$/);
  const scepUrl = (await page.getByTestId('scep-url').textContent())!;
  expect(scepUrl).toMatch(/\/scep\/[0-9a-f-]{36}$/);
  await snap(page, '13-fleet-connected');

  // The SCEP endpoint answers, and the challenge webhook accepts the credentials just shown.
  const caps = await page.request.get(`${new URL(scepUrl).pathname}?operation=GetCACaps`);
  expect(await caps.text()).toContain('POSTPKIOperation');
  const challengeUrl = new URL((await page.getByTestId('challenge-url').textContent())!).pathname;
  const username = (await page.getByTestId('challenge-username').textContent())!;
  const challenge = await page.request.post(challengeUrl, {
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`, 'content-type': 'application/json' },
    data: { webhook: { webhookEvent: 'SCEPChallenge' }, event: {} },
  });
  expect(challenge.status()).toBe(200);
  expect(await challenge.text()).toMatch(/^[A-Z0-9]{32}$/);

  await page.getByRole('button', { name: 'Done' }).click();
  await page.reload();
  await expect(page.getByText(password)).toHaveCount(0);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /macOS \/ iOS profile/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('tessera-TESSERA_AGENT.mobileconfig');
  await snap(page, '14-device-management');
});

test('the authorities page shows the chain, fingerprints and downloads; certificates list is empty', async ({ page }) => {
  await signIn(page, OWNER);
  await page.getByRole('link', { name: 'Certificates', exact: true }).click();
  await expect(page.getByText('No certificates issued yet')).toBeVisible();
  await page.getByRole('link', { name: 'Authorities' }).click();
  await expect(page.getByRole('heading', { name: 'Agents authority' })).toBeVisible();
  const fp = (await page.getByTestId('Root-fingerprint').textContent())!;
  expect(fp).toMatch(/^[0-9a-f]{64}$/);
  const root = await page.request.get('/pki/agents/root.pem');
  expect(await root.text()).toContain('BEGIN CERTIFICATE');
  await page.getByRole('button', { name: 'Publish CRL now' }).click();
  await expect(page.getByText('A new CRL was published.')).toBeVisible();
  await page.getByRole('button', { name: 'Rotate SCEP RA certificate' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
  await expect(page.getByText(/is live/)).toBeVisible();
  await snap(page, '15-authorities');
});
