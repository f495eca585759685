// Entry point of the `zw` command. Each command group registers itself on the program.
import { Command } from 'commander';

const program = new Command('zw')
  .description('Zhengwu (政务链): a permissioned blockchain for programmable government')
  .version('0.1.0');

await program.parseAsync(process.argv);
