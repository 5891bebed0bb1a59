import { closeDb } from '@/server/db';
import { runCommands, type Command } from './framework';
import { apiTokenCommands } from './commands/api-tokens';
import { coreCommands } from './commands/core';
import { pkiCommands } from './commands/pki';
import { mdmCommands } from './commands/mdm';
import { scimCommands } from './commands/scim';
import { identityCommands } from './commands/identity';

export const commands: Command[] = [...coreCommands, ...apiTokenCommands, ...pkiCommands, ...mdmCommands, ...scimCommands, ...identityCommands];

export async function main(argv: string[]): Promise<number> {
  try {
    return await runCommands(commands, argv);
  } finally {
    await closeDb().catch(() => {});
  }
}
