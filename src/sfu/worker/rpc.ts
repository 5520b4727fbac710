/**
 * Request/reply over a message channel (a child process's IPC): each request carries an id, and the
 * other side answers it once, with a value or an error text. Requests are executed in the order they
 * arrive, so calls that change state keep their order; replies may come back in any order.
 */

/** The methods one side serves. */
export type Api = { [method: string]: (...args: never[]) => unknown };

export type Request<A extends Api> = {
  [K in keyof A & string]: { type: 'request'; id: number; method: K; args: Parameters<A[K]> };
}[keyof A & string];

export type Reply = { type: 'reply'; id: number; ok: true; value: unknown } | { type: 'reply'; id: number; ok: false; error: string };

type Result<A extends Api, K extends keyof A> = Awaited<ReturnType<A[K]>>;

export class RpcClient<A extends Api> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  private closedWith: Error | undefined;

  constructor(private readonly send: (request: Request<A>) => void) {}

  call<K extends keyof A & string>(method: K, ...args: Parameters<A[K]>): Promise<Result<A, K>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise<Result<A, K>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.send({ type: 'request', id, method, args } as Request<A>);
    });
  }

  /** Settles the call the reply answers; a reply nobody waits for is ignored. */
  settle(reply: Reply): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(new Error(reply.error));
  }

  /** The other side is gone: calls waiting for a reply, and all later ones, fail with `error`. */
  close(error: Error): void {
    this.closedWith ??= error;
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }

  get waiting(): number {
    return this.pending.size;
  }
}

/**
 * Runs one request against `api` and makes its reply. The method starts synchronously, so requests
 * handled one after another start in their order even when a method is async.
 */
export async function serve<A extends Api>(api: A, request: Request<A>): Promise<Reply> {
  const { id, method, args } = request;
  try {
    if (!Object.hasOwn(api, method)) throw new Error(`no such method: ${method}`);
    const fn = api[method] as (...a: unknown[]) => unknown;
    return { type: 'reply', id, ok: true, value: await fn.apply(api, args) };
  } catch (err) {
    return { type: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
