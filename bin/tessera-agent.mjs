#!/usr/bin/env node
// The Tessera reference device agent (agent/). Loads its TypeScript through tsx, like bin/tessera.mjs.
import { register } from 'tsx/esm/api';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
register({ tsconfig: path.join(root, 'tsconfig.json') });
const { main } = await import(pathToFileURL(path.join(root, 'agent/main.ts')).href);
process.exitCode = await main(process.argv.slice(2));
