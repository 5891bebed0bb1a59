import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { OWNER, signIn, snap } from './helpers';

test.describe.configure({ mode: 'serial' });

// A CA certificate standing in for a TPM manufacturer's EK root.
function makeCaPem(cn: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsr-ekroot-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'key.pem'),
      '-out', path.join(dir, 'cert.pem'), '-days', '365', '-subj', `/CN=${cn}/O=Example TPM Vendor`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ], { stdio: 'ignore' });
    return fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the Authorities page shows the TPM attestation CA; an Owner manages EK roots and the EK policy', async ({ page }) => {
  await signIn(page, OWNER);
  await page.goto('/certificates/authorities');
  await expect(page.getByRole('heading', { name: 'TPM attestation CA' })).toBeVisible();

  // The fingerprint shown is the SHA-256 of the root the public endpoint serves.
  const fingerprint = (await page.getByTestId('attestation-root-fingerprint').textContent())!.trim();
  expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
  const pem = await (await page.request.get('/attestation/v1/root')).text();
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  expect(createHash('sha256').update(der).digest('hex')).toBe(fingerprint);
  await expect(page.getByText(/TPM vendor roots and \d+ vendor intermediates ship with Tessera/)).toBeVisible();

  // The policy for EKs without a certificate.
  await expect(page.getByLabel(/Only for registered devices/)).toBeChecked();
  await page.getByLabel(/Accept any TPM/).check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Attestation setting saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(/Accept any TPM/)).toBeChecked();
  await page.getByLabel(/Only for registered devices/).check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Attestation setting saved.')).toBeVisible();

  // Adding an EK root: a bad certificate is answered in the dialog, a CA certificate is listed.
  await page.getByRole('button', { name: 'Add EK root' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('Example vendor');
  await dialog.getByLabel('Certificate (PEM)').fill('not a certificate');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog.getByText(/No "-----BEGIN CERTIFICATE-----" block found/).first()).toBeVisible();
  await dialog.getByLabel('Certificate (PEM)').fill(makeCaPem('Example EK Root CA'));
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByText('EK root "Example vendor" added.')).toBeVisible();
  const list = page.getByRole('list', { name: 'Added EK roots' });
  await expect(list.getByText('CN=Example EK Root CA')).toBeVisible();
  await snap(page, 'tpm-attestation-ca');

  await list.getByRole('button', { name: 'Remove Example vendor' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('list', { name: 'Added EK roots' })).toHaveCount(0);
});
