/**
 * The API token of this browser session (sessionStorage, DESIGN §10) and the prompt asking for
 * one: the client calls `ask` on a 401, the `TokenPrompt` component answers it.
 */
import type { TokenSource } from './api-client';

const KEY = 'pipeline-console-token';

/** A pending request for a token, shown by the prompt. */
export interface TokenRequest {
  reason: string;
  answer(token: string | null): void;
}

type Listener = (request: TokenRequest | null) => void;

/** The token in sessionStorage, and the queue of prompts for the UI. */
export class SessionTokenStore implements TokenSource {
  private listeners = new Set<Listener>();
  private current: TokenRequest | null = null;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = sessionStorage) {}

  get(): string | null {
    return this.storage.getItem(KEY);
  }

  set(token: string | null): void {
    if (token) this.storage.setItem(KEY, token);
    else this.storage.removeItem(KEY);
  }

  ask(reason: string): Promise<string | null> {
    return new Promise((resolve) => {
      this.current = {
        reason,
        answer: (token) => {
          this.current = null;
          this.emit();
          resolve(token && token.trim() ? token.trim() : null);
        },
      };
      this.emit();
    });
  }

  /** Calls `listener` now and whenever a prompt opens or closes; answers the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l(this.current);
  }
}
