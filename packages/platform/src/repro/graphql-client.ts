/**
 * A minimal GraphQL client over node:http for long-running operations. `fetch` (undici) aborts a response
 * whose headers take longer than 300 s, and an `analyzeRun` over a gigabyte trajectory can take longer; this
 * client has no response timeout. Errors carry the API's message and code.
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
      const { status, text } = await post(url, key, JSON.stringify({ query, variables }));
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
