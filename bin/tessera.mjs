#!/usr/bin/env node
// Tessera admin CLI. Loads the TypeScript services directly (through tsx), so the CLI and the
// console share one implementation.
import { register } from 'tsx/esm/api';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(process.env.TESSERA_CWD || process.cwd());
register({ tsconfig: path.join(root, 'tsconfig.json') });
const { main } = await import(pathToFileURL(path.join(root, 'server/cli/main.ts')).href);
process.exitCode = await main(process.argv.slice(2));
