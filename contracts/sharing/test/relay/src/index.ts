// A hostile contract for the sharing tests: its query calls another contract's query and returns
// the answer, which the node's public API passes on through POST /v1/query without seeing which
// contract was asked. The sharing contract must refuse such a call where it returns personal data.
import { call, query } from 'zhengwu/contract';
import type { Value } from 'zhengwu/contract';

export const relay = query((args: { contract: string; method: string; args: Value }) =>
  call(args.contract, args.method, args.args));
