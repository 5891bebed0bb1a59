import { defineConfig } from '@playwright/test';

// The e2e suite runs against a production build (`next start`) on its own port and database.
// scripts/test.mjs builds the app and chooses the database; run `npm test` rather than this alone.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `npx next start -p ${port}`,
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      TESSERA_URL: baseURL,
      TESSERA_DATA_DIR: process.env.E2E_DATA_DIR ?? '.tessera-e2e',
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? '',
      TESSERA_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
      TESSERA_DISABLE_SCHEDULER: '1',
    },
  },
});
