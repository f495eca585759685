// Live updates from the node's event stream (GET /v1/events through the SDK's subscription):
// pages apply the blocks and contract events they are told about to what they show, instead of
// reloading everything on every block. The subscription lives while the component is mounted.
import { useEffect, useRef } from 'react';
import type { JsonValue } from '../../src/core/index.js';
import { client } from './node.js';

export interface BlockEvent {
  readonly height: number;
  readonly hash: string;
  readonly time: number;
  readonly txCount: number;
}

export interface ContractEvent {
  readonly height: number;
  readonly txHash: string;
  readonly contract: string;
  readonly name: string;
  readonly data: JsonValue;
}

type Message = Record<string, JsonValue>;

function useSubscription(onMessage: (message: Message) => void,
  options: { types: string[]; contract?: string }, key: string): void {
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    let close: (() => void) | undefined;
    let closed = false;
    client.subscribe((message) => handler.current(message), options).then((closer) => {
      if (closed) closer();
      else close = closer;
    }).catch(() => {
      // Live updates are a convenience: without the stream, pages still load on demand.
    });
    return () => { closed = true; close?.(); };
    // The options are fixed for a given key; a new key opens a new subscription.
  }, [key]);
}

/** Calls `onBlock` with each newly committed block while mounted. */
export function useBlocks(onBlock: (block: BlockEvent) => void): void {
  useSubscription((message) => {
    if (message.type !== 'block') return;
    onBlock({ height: Number(message.height), hash: String(message.hash),
      time: Number(message.time), txCount: Number(message.txCount) });
  }, { types: ['block'] }, 'blocks');
}

/** Calls `onEvent` with each event the contract emits while mounted. */
export function useContractEvents(contract: string, onEvent: (event: ContractEvent) => void):
  void {
  useSubscription((message) => {
    if (message.type !== 'event' || message.contract !== contract) return;
    onEvent({ height: Number(message.height), txHash: String(message.txHash), contract,
      name: String(message.name), data: message.data ?? null });
  }, { types: ['event'], contract }, `events:${contract}`);
}

type JsonObject = { readonly [key: string]: JsonValue };

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object'
    && !Array.isArray(value);
}

/** A byte string in an event's JSON form ({$bytes: hex}) as hex; a string stays as it is. */
export function eventHex(value: JsonValue | undefined): string {
  if (typeof value === 'string') return value;
  const bytes = isJsonObject(value) ? value.$bytes : undefined;
  return typeof bytes === 'string' ? bytes : '';
}

/** A field of an event's data, when the data is an object. */
export function eventField(event: ContractEvent, field: string): JsonValue | undefined {
  return isJsonObject(event.data) ? event.data[field] : undefined;
}
