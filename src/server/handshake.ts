import { Reason, encodeJson, randomToken, verifyAuthProof, type HelloMessage } from '../protocol/index.js';
import { helloRefusal, lockoutRefusal, wrongPasswordRefusal, type Refusal } from './admission.js';
import type { ServerContext } from './context.js';

/** What a HELLO leads to: a refusal, a password CHALLENGE to send (its payload), or the join. */
export type HelloOutcome =
  | { type: 'refused'; refusal: Refusal }
  | { type: 'challenge'; payload: Uint8Array }
  | { type: 'join' };

/**
 * A connection's way in before it joins (docs/protocol.md §4.1, §4.2): the HELLO's checks, the password CHALLENGE and
 * the AUTH that answers it, and the deadlines for both. It decides; the peer sends, ends and joins.
 */
export class Handshake {
  private greeting: HelloMessage | undefined;
  private nonce: Buffer | undefined;
  /** When the CHALLENGE went out: the password deadline counts from there. */
  private challengedAt: number | undefined;

  /** `connectedAt`: when the TCP connection was accepted; the handshake deadline counts from there (§4.1). */
  constructor(
    private readonly ctx: Pick<ServerContext, 'auth' | 'limiter' | 'returning' | 'logger' | 'now' | 'options'>,
    private readonly address: string,
    private readonly connectedAt: number,
  ) {}

  /** The HELLO, once one passed its checks. */
  get hello(): HelloMessage | undefined {
    return this.greeting;
  }

  onHello(hello: HelloMessage): HelloOutcome {
    const refusal = helloRefusal(hello);
    if (refusal) return { type: 'refused', refusal };
    this.greeting = hello;
    const lockout = this.lockout();
    if (lockout) return { type: 'refused', refusal: lockout };
    if (!this.ctx.auth) return { type: 'join' };
    this.nonce = randomToken(32);
    this.challengedAt = this.ctx.now();
    return { type: 'challenge', payload: encodeJson({ salt: this.ctx.auth.salt.toString('base64'), nonce: this.nonce.toString('base64') }) };
  }

  /** The AUTH's proof, after a CHALLENGE: why the join is refused (locked out, a wrong password), or undefined to join. */
  onAuth(proof: Buffer): Refusal | undefined {
    const auth = this.ctx.auth!;
    const hello = this.greeting!;
    // Checked again here: an attacker could open many connections, send HELLO on all, and only then guess.
    const lockout = this.lockout();
    if (lockout) return lockout;
    if (!verifyAuthProof(auth.key, this.nonce!, hello.room, hello.name, proof)) return wrongPasswordRefusal(this.ctx, this.address, hello);
    return undefined;
  }

  /** The deadline a connection not yet joined has missed at `now`: the password's, then the handshake's; or undefined. */
  missedDeadline(now: number): Refusal | undefined {
    const { authTimeoutMs, handshakeTimeoutMs } = this.ctx.options;
    if (this.challengedAt !== undefined && now - this.challengedAt > authTimeoutMs) {
      return { code: Reason.AUTH_TIMEOUT, message: `no answer to the password challenge within ${authTimeoutMs / 1000} s` };
    }
    if (now - this.connectedAt > handshakeTimeoutMs) return { code: Reason.HANDSHAKE_TIMEOUT, message: 'the handshake did not finish in time' };
    return undefined;
  }

  /** The refusal of an address locked out by failed logins (admission.ts), or undefined. */
  private lockout(): Refusal | undefined {
    return lockoutRefusal(this.ctx, this.address, this.greeting?.resumeToken);
  }
}
