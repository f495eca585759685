// Entry point of the `zw` command. Each command group registers itself on the program.
import { Command } from 'commander';
import { auditCommand, usageCommand } from './audit-command.js';
import { chainCommands, keysCommand, notaryCommand } from './client-commands.js';
import { citizenCommand } from './citizen-command.js';
import { contractCommand } from './contract-command.js';
import { catalogCommand } from './data-commands.js';
import { cryptoCommand } from './crypto-command.js';
import { govCommand, memberCommand } from './gov-command.js';
import { shareCommand } from './share-command.js';
import {
  agencyCommand, initCommand, nodeCommand, startCommand, upCommand,
} from './network-commands.js';

const program = new Command('zw')
  .description('Zhengwu (政务链): a permissioned blockchain for programmable government')
  .version('0.1.0')
  // `zw --version` only before a subcommand, so subcommands may have their own --version.
  .enablePositionalOptions();

for (const command of [initCommand(), upCommand(), startCommand(), nodeCommand(), keysCommand(),
  notaryCommand(), ...chainCommands(), cryptoCommand(), contractCommand(), govCommand(),
  memberCommand(), agencyCommand()]) {
  program.addCommand(command);
}
program.addCommand(usageCommand()).addCommand(auditCommand()).addCommand(citizenCommand());
program.addCommand(catalogCommand());
program.addCommand(shareCommand());

await program.parseAsync(process.argv);
