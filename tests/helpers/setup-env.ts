// Every test process gets its own data directory and secret, never the developer's .tessera/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
process.env.TESSERA_DATA_DIR = dir;
process.env.TESSERA_SECRET ??= 'test-secret-test-secret-test-secret-0123456789';
delete process.env.DATABASE_URL;
