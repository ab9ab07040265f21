/**
 * A minimal GraphQL client over node:http for long-running operations. `fetch` (undici) aborts a response
 * whose headers take longer than 300 s, and an `analyzeRun` over a gigabyte trajectory can take longer; this
 * client has no response timeout. Each request opens its own connection: on the single-process platform an
 * analysis can hold the event loop past the server's keep-alive timeout, and a pooled socket the server closed
 * meanwhile fails with ECONNRESET. Queries (never mutations) are retried on connection errors. Errors carry
 * the API's message and code.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

export interface GraphQLClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

interface Envelope<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function post(url: URL, key: string, body: string): Promise<{ status: number; text: string }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${key}`,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A client for `<apiUrl>/graphql` authenticated with an API key. */
export function graphqlClient(apiUrl: string, key: string): GraphQLClient {
  const url = new URL('/graphql', apiUrl);
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const body = JSON.stringify({ query, variables });
      const retries = /^\s*mutation\b/.test(query) ? 0 : 3;
      let response: { status: number; text: string } | undefined;
      for (let attempt = 0; response === undefined; attempt++) {
        try {
          response = await post(url, key, body);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (attempt >= retries || (code !== 'ECONNRESET' && code !== 'ECONNREFUSED' && code !== 'EPIPE'))
            throw error;
          await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
        }
      }
      const { status, text } = response;
      let envelope: Envelope<T>;
      try {
        envelope = JSON.parse(text) as Envelope<T>;
      } catch {
        throw new GraphQLRequestError(`HTTP ${status} from ${url}: ${text.slice(0, 200)}`, undefined);
      }
      const first = envelope.errors?.[0];
      if (first) throw new GraphQLRequestError(first.message, first.extensions?.code);
      if (!envelope.data) throw new GraphQLRequestError(`HTTP ${status} from ${url} with no data`, undefined);
      return envelope.data;
    },
  };
}
