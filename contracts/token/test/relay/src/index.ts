// A test-only contract that forwards a call to the token, standing in for any contract a token
// holder might call: the token must refuse to move the holder's balance through it.
import { call, tx } from 'zhengwu/contract';
import type { Value } from 'zhengwu/contract';

export const forward = tx((args: { method: string; args: Value }) =>
  call('token', args.method, args.args));
