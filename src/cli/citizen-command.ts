// `zw citizen`: the citizen's side of subject ids (ADR 0013).
//   zw citizen key --out me.key          a citizen key pair, in a keystore, for reading usage
//   zw citizen issue --national-id ...   an identity agency's subject-credential member binds a
//                                        citizen's public key to their subject id, after
//                                        checking who they are (the member's node derives it)
//   zw citizen derive --national-ids ... a member asks their own node for subject ids
// The credential file is what `zw usage --credential` and the portal's My Data page read.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { fromHex, toHex } from '../core/index.js';
import {
  ZhengwuClient, createCitizenKey, createKeystore, deriveSubjects, getSuite, issueCredential,
} from '../sdk/index.js';
import { invalid, nameList, nonNegative, signer, withNode, withSigner } from './data-commands.js';
import type { NodeFlags, SignerFlags } from './data-commands.js';
import { output, readPassphrase, run } from './io.js';

function keyCommand(): Command {
  return withNode(new Command('key').description('make a citizen key pair (a keystore file)')
    .requiredOption('--out <file>', 'keystore file to write')
    .option('--passphrase-file <file>', 'file holding the new keystore\'s passphrase'))
    .action(run(async (flags: NodeFlags & { out: string; passphraseFile?: string }) => {
      const suite = getSuite((await new ZhengwuClient({ url: flags.node }).status()).suite);
      const key = createCitizenKey(suite);
      const passphrase = await readPassphrase(flags, flags.out);
      writeFileSync(flags.out, createKeystore(suite, key, passphrase), { mode: 0o600 });
      output(flags, { file: flags.out, publicKey: toHex(key.publicKey) },
        () => `citizen key written to ${flags.out}; public key ${toHex(key.publicKey)}`);
    }));
}

interface IssueFlags extends SignerFlags {
  readonly nationalId: string;
  readonly holder: string;
  readonly validFor?: string;
  readonly out: string;
}

function issueCommand(): Command {
  return withSigner(new Command('issue')
    .description('issue a subject credential for a citizen whose identity you have checked')
    .requiredOption('--national-id <id>', 'the citizen\'s personal id (sent to your node only)')
    .requiredOption('--holder <hex|file>', 'the citizen\'s public key (hex, or the keystore ' +
      'file made by `zw citizen key`)')
    .option('--valid-for <blocks>', 'blocks the credential holds (default about a year)')
    .requiredOption('--out <file>', 'credential file to write'),
  'a subject-credential member of an identity agency')
    .action(run(async (flags: IssueFlags) => {
      const account = await signer(flags);
      const validFor = nonNegative(flags.validFor, '--valid-for');
      const file = await issueCredential(account, { personalId: flags.nationalId,
        holder: holderKey(flags.holder),
        ...(validFor === undefined ? {} : { validForBlocks: validFor }) });
      writeFileSync(flags.out, `${JSON.stringify(file, null, 2)}\n`);
      output(flags, file, () => `credential for subject ${file.subject} (until height ` +
        `${file.expiryHeight}) written to ${flags.out}`);
    }));
}

/** A public key given as hex, or read from the public part of a keystore file. */
function holderKey(given: string): Uint8Array {
  if (/^[0-9a-fA-F]+$/.test(given)) return fromHex(given, '--holder');
  let parsed: { publicKey?: unknown };
  try {
    parsed = JSON.parse(readFileSync(given, 'utf8')) as { publicKey?: unknown };
  } catch {
    throw invalid(`--holder: ${given} is neither hex nor a readable keystore`);
  }
  if (typeof parsed.publicKey !== 'string') throw invalid(`${given} names no public key`);
  return fromHex(parsed.publicKey, '--holder');
}

function deriveCommand(): Command {
  return withSigner(new Command('derive')
    .description('ask your node for the subject ids of personal ids (at most 32)')
    .requiredOption('--national-ids <ids>', 'personal ids, comma-separated'),
  'a member of the node\'s agency')
    .action(run(async (flags: SignerFlags & { nationalIds: string }) => {
      const ids = nameList(flags.nationalIds);
      const subjects = await deriveSubjects(await signer(flags), ids);
      output(flags, { subjects }, () => subjects.map((subject) => `  ${subject}`).join('\n'));
    }));
}

export function citizenCommand(): Command {
  return new Command('citizen')
    .description('citizen keys and subject credentials for reading one\'s own usage log')
    .addCommand(keyCommand()).addCommand(issueCommand()).addCommand(deriveCommand());
}
