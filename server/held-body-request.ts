import { IncomingMessage } from "node:http";

export type ReceivedBody = { kind: "complete"; body: Buffer } | { kind: "too_large" } | { kind: "aborted" };

/**
 * A request whose body reaches its readers only after all of it has arrived (and the front door
 * has looked at it). Node's HTTP parser pushes each body chunk into the request as it comes; this
 * holds them until the last one, then `release()` hands the whole body on unchanged. Past the
 * limit nothing more is kept.
 */
export class HeldBodyRequest extends IncomingMessage {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private holding = true;
  private limitBytes = Number.POSITIVE_INFINITY;
  private discarding: { capBytes: number; seenBytes: number } | null = null;
  private settle: ((body: ReceivedBody) => void) | null = null;
  private outcome: ReceivedBody | null = null;

  /** Resolves once the body has fully arrived, has passed `limitBytes`, or the client went away. */
  receiveBody(limitBytes: number): Promise<ReceivedBody> {
    this.limitBytes = limitBytes;
    if (this.heldBytes > limitBytes) this.finish({ kind: "too_large" });
    if (this.outcome) return Promise.resolve(this.outcome);
    // Closed before the body was complete: the client went away mid-request.
    this.once("close", () => this.finish({ kind: "aborted" }));
    return new Promise((resolve) => (this.settle = resolve));
  }

  /** Hands the body to whoever reads the request next (Next.js): what is held now, the rest as it comes. */
  release(): void {
    if (!this.holding) return;
    this.holding = false;
    const ended = this.outcome?.kind === "complete";
    for (const chunk of this.held) super.push(chunk);
    this.held = [];
    if (ended) super.push(null);
  }

  /**
   * Reads the rest of a refused body and drops it, so a client still sending gets the answer
   * instead of a reset connection; past `capBytes` the connection is cut instead.
   */
  discardBody(capBytes: number): void {
    this.held = [];
    this.discarding = { capBytes, seenBytes: 0 };
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (!this.holding) return super.push(chunk, encoding);
    if (chunk === null) {
      if (!this.outcome) this.finish({ kind: "complete", body: Buffer.concat(this.held) });
      return false;
    }
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), encoding);
    if (this.discarding) {
      this.discarding.seenBytes += buffer.length;
      if (this.discarding.seenBytes > this.discarding.capBytes) this.socket.destroy();
      return true;
    }
    if (this.outcome?.kind === "too_large") return true;
    this.heldBytes += buffer.length;
    if (this.heldBytes > this.limitBytes) {
      this.held = [];
      this.finish({ kind: "too_large" });
      return true;
    }
    this.held.push(buffer);
    return true;
  }

  private finish(outcome: ReceivedBody): void {
    if (this.outcome) return;
    this.outcome = outcome;
    this.settle?.(outcome);
  }
}
