// Framing of the byte stream between peers: each frame is a 4-byte big-endian body length and a
// body of canonical CBOR. The reader checks the length against the largest frame any type may
// have as soon as the header arrives, and against the frame's own type as soon as the type tag
// arrives, so a peer can never make us buffer more than one frame of the size its type allows.
import { ErrorCode, ZwError, assert } from '../core/index.js';
import type { NetworkLimits } from './limits.js';
import {
  frameBytesMaxOf, messageTypePeekBytes, messageTypes, peekMessageType,
} from './messages.js';
import type { MessageType } from './messages.js';

export const frameHeaderBytes = 4;

/** One complete frame: its type tag (read from the body's start) and its body. */
export interface Frame {
  readonly type: MessageType;
  readonly body: Uint8Array;
}

/** The wire bytes of a frame around an encoded message body. */
export function encodeFrame(body: Uint8Array): Uint8Array {
  assert(body.length > 0 && body.length <= 0xffffffff, 'frame body must fit a 32-bit length');
  const frame = new Uint8Array(frameHeaderBytes + body.length);
  new DataView(frame.buffer).setUint32(0, body.length, false);
  frame.set(body, frameHeaderBytes);
  return frame;
}

/** The largest frame body of any type under `bounds`. */
export function largestFrameBytes(bounds: NetworkLimits): number {
  return Math.max(...messageTypes.map((type) => frameBytesMaxOf(type, bounds)));
}

/**
 * Splits a byte stream into frames: `push` chunks as they arrive and call `next` until it returns
 * undefined. `next` throws ZwError TOO_LARGE (a frame over its limit) or MALFORMED (an empty
 * frame, a body that does not open with a known type tag); after a throw the stream is unusable
 * and the caller disconnects. Frames are handed out one at a time so that the caller can stop
 * in the middle of a chunk once it has closed the connection.
 */
export class FrameReader {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private expectedBytes: number | undefined;
  private expectedType: MessageType | undefined;
  private readonly largestBytes: number;

  constructor(private readonly bounds: NetworkLimits) {
    this.largestBytes = largestFrameBytes(bounds);
  }

  /** Bytes held for frames not yet complete; never more than one frame and one chunk. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): Frame | undefined {
    if (this.expectedBytes === undefined) {
      if (this.buffered < frameHeaderBytes) return undefined;
      const header = this.take(frameHeaderBytes);
      const length = new DataView(header.buffer, header.byteOffset, header.length).getUint32(0);
      if (length === 0) throw new ZwError(ErrorCode.MALFORMED, 'empty frame');
      if (length > this.largestBytes) {
        throw new ZwError(ErrorCode.TOO_LARGE, `frame of ${length} bytes exceeds every limit`);
      }
      this.expectedBytes = length;
    }
    const length = this.expectedBytes;
    if (this.expectedType === undefined) {
      const type = peekMessageType(this.peek(Math.min(length, messageTypePeekBytes)));
      if (type === undefined) {
        if (this.buffered >= length) throw new ZwError(ErrorCode.MALFORMED, 'frame too short');
        return undefined;
      }
      const limit = frameBytesMaxOf(type, this.bounds);
      if (length > limit) {
        throw new ZwError(ErrorCode.TOO_LARGE,
          `${type} frame of ${length} bytes exceeds its limit of ${limit}`);
      }
      this.expectedType = type;
    }
    if (this.buffered < length) return undefined;
    const frame = { type: this.expectedType, body: this.take(length) };
    this.expectedBytes = undefined;
    this.expectedType = undefined;
    return frame;
  }

  /** Up to `count` buffered bytes from the front, without consuming them. */
  private peek(count: number): Uint8Array {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= count) return first.subarray(0, count);
    return this.copy(Math.min(count, this.buffered), false);
  }

  private take(count: number): Uint8Array {
    assert(count <= this.buffered, 'take within the buffered bytes');
    const first = this.chunks[0];
    if (first !== undefined && first.length >= count) {
      // A copy, not a view: decoded byte fields (a transaction kept in the mempool) would
      // otherwise pin the whole socket chunk they arrived in.
      const out = first.slice(0, count);
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
      this.buffered -= count;
      return out;
    }
    return this.copy(count, true);
  }

  private copy(count: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    let index = 0;
    while (filled < count) {
      const chunk = this.chunks[index] as Uint8Array;
      const part = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      if (consume && part === chunk.length) {
        this.chunks.shift();
      } else if (consume) {
        this.chunks[index] = chunk.subarray(part);
      } else {
        index++;
      }
    }
    if (consume) this.buffered -= count;
    return out;
  }
}
